"""A batch as text for a terminal: a line per application (id, applicant, outcome in Chinese and English, what it
failed or lacks, its payouts), and the summary — per outcome, each payout's total, what could not be evaluated."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..model import Text
from .result import Result
from .sinks import Sink
from .summary import Summary
from .table import ResultTable


def summary_text(summary: Summary, labels: dict[str, Text], written: str | None = None, files: str = "") -> str:
    """The summary in lines, Chinese with English beside it; ``files``, the line naming the policy files read, first
    when given."""
    lines = [files.rstrip("\n")] if files else []
    lines.append(f"批量评估 Batch: {summary.applications} 份申请 applications")
    for (decision, outcome), (label, n) in sorted(summary.outcomes.items()):
        name = labels.get(decision)
        lines.append(f"  {name.zh if name else decision} · {label.zh} {outcome}: {n}")
    if summary.not_evaluated:
        lines.append(f"  无法评估（输入有误） not evaluated (input errors): {summary.not_evaluated}")
    if summary.faulted:
        lines.append(f"  计算出错 evaluation errors: {summary.faulted}")
    if summary.file_problems:
        lines.append(f"  文件问题 file problems: {summary.file_problems}")
    if summary.payouts:
        lines.append("补贴合计 Payouts in all:")
        for p in summary.payouts:
            total = summary.totals.get((p.decision, p.name), Decimal(0))
            lines.append(f"  {p.label.zh} {p.name}: {total:,.2f} 元")
    if written:
        lines.append(f"结果已写入 Results written to {written}")
    return "\n".join(lines) + "\n"


class TextWriter:
    """A line per application on standard output, then the summary."""

    def __init__(
        self, sink: Sink, table: ResultTable, labels: dict[str, Text], head: Callable[[], str] = lambda: ""
    ) -> None:
        self.sink, self.table, self.labels, self.head = sink, table, labels, head

    def add(self, r: Result) -> None:
        if not r.application:
            return
        parts = [r.id]
        if r.name:
            parts.append(r.name)
        parts.append(f"{r.outcome_label.zh} {r.outcome or 'not evaluated'}")
        if r.failed:
            parts.append("不符合 not met: " + r.failed_text)
        if r.missing:
            parts.append("待补 missing: " + r.missing_text)
        outputs = dict(r.outputs)
        for p in self.table.payouts:
            value = outputs.get(p.name)
            if p.decision == r.decision and isinstance(value, str):
                parts.append(f"{p.label.zh} {Decimal(value):,.2f} 元")
        self.sink.write("  ".join(parts) + "\n")

    def finish(self, summary: Summary) -> None:
        self.sink.write("\n" + summary_text(summary, self.labels, files=self.head()))
        self.sink.commit()

    def discard(self) -> None:
        self.sink.discard()
