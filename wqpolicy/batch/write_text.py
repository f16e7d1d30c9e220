"""A batch as text for a terminal: a line per application (id, applicant, outcome, what it failed or lacks, its
payouts), and the summary — per outcome, each payout's total, what could not be evaluated — in the language chosen
(``lang``: zh, en, or both: Chinese with English beside it)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..display import bilingual
from ..model import Text
from .result import Result
from .sinks import Sink
from .summary import Summary
from .table import ResultTable


def summary_text(
    summary: Summary, labels: dict[str, Text], written: str | None = None, files: str = "", lang: str = "both"
) -> str:
    """The summary in lines; ``files``, the line naming the policy files read, first when given."""
    lines = [files.rstrip("\n")] if files else []
    count = summary.applications
    both = f"批量评估 Batch: {count} 份申请 applications"
    lines.append(bilingual(f"批量评估：{count} 份申请", f"Batch: {count} applications", lang, both=both))
    for (decision, outcome), (label, n) in sorted(summary.outcomes.items()):
        name = labels.get(decision)
        lines.append(f"  {_name(name, decision, lang)} · {_outcome(label, outcome, lang)}: {n}")
    if summary.not_evaluated:
        words = bilingual("无法评估（输入有误）", "not evaluated (input errors)", lang)
        lines.append(f"  {words}: {summary.not_evaluated}")
    if summary.faulted:
        lines.append(f"  {bilingual('计算出错', 'evaluation errors', lang)}: {summary.faulted}")
    if summary.file_problems:
        lines.append(f"  {bilingual('文件问题', 'file problems', lang)}: {summary.file_problems}")
    if summary.payouts:
        lines.append(bilingual("补贴合计：", "Payouts in all:", lang, both="补贴合计 Payouts in all:"))
        for p in summary.payouts:
            total = summary.totals.get((p.decision, p.name), Decimal(0))
            label = bilingual(p.label.zh, p.label.en, lang, both=f"{p.label.zh} {p.name}")
            lines.append(f"  {label}: {_money(total, lang)}")
    if written:
        lines.append(
            bilingual(
                f"结果已写入 {written}",
                f"Results written to {written}",
                lang,
                both=f"结果已写入 Results written to {written}",
            )
        )
    return "\n".join(lines) + "\n"


def _name(name: Text | None, decision: str, lang: str) -> str:
    if name is None:
        return decision
    return name.en if lang == "en" else name.zh


def _outcome(label: Text, outcome: str | None, lang: str) -> str:
    """``符合认定条件 eligible`` (both: the Chinese and the code), ``符合认定条件`` or ``Eligible``."""
    return bilingual(label.zh, label.en, lang, both=f"{label.zh} {outcome or 'not evaluated'}")


def _money(amount: Decimal, lang: str) -> str:
    return f"{amount:,.2f} {'yuan' if lang == 'en' else '元'}"


class TextWriter:
    """A line per application on standard output, then the summary."""

    def __init__(
        self,
        sink: Sink,
        table: ResultTable,
        labels: dict[str, Text],
        head: Callable[[], str] = lambda: "",
        lang: str = "both",
    ) -> None:
        self.sink, self.table, self.labels, self.head, self.lang = sink, table, labels, head, lang

    def add(self, r: Result) -> None:
        if not r.application:
            return
        lang = self.lang
        parts = [r.id]
        if r.name:
            parts.append(r.name)
        parts.append(_outcome(r.outcome_label, r.outcome, lang))
        if r.failed:
            failed = "; ".join(f"{f.clause} {f.label.en}" for f in r.failed)
            parts.append(
                bilingual(
                    "不符合：" + r.failed_text, "not met: " + failed, lang, both="不符合 not met: " + r.failed_text
                )
            )
        if r.missing:
            more = r.missing_count - len(r.missing)
            missing = ", ".join(m.en for m in r.missing) + (f", {r.missing_count} in all" if more > 0 else "")
            parts.append(
                bilingual(
                    "待补：" + r.missing_text, "missing: " + missing, lang, both="待补 missing: " + r.missing_text
                )
            )
        outputs = dict(r.outputs)
        for p in self.table.payouts:
            value = outputs.get(p.name)
            if p.decision == r.decision and isinstance(value, str):
                label = p.label.en if lang == "en" else p.label.zh
                parts.append(f"{label} {_money(Decimal(value), lang)}")
        self.sink.write("  ".join(parts) + "\n")

    def finish(self, summary: Summary) -> None:
        self.sink.write("\n" + summary_text(summary, self.labels, files=self.head(), lang=self.lang))
        self.sink.commit()

    def discard(self) -> None:
        self.sink.discard()
