"""Decision records -> text reports for people (Chinese, English beside it) and JSON for programs.
Rendering only: nothing here decides anything."""

from __future__ import annotations

import json
from decimal import Decimal

from .display import READ_EXCERPT, bilingual, columns, display, excerpt, pad, unsigned_zero
from .jsontext import indented
from .record import FROM_INPUT, FROM_ON, FROM_POLICY, DecisionRecord, VersionDate, fault_text
from .values import quantize
from .words import ERROR, Kind, RuleOutcome, Severity

_MARK = {
    RuleOutcome.PASS: ("通过", "pass", "通过 pass   "),
    RuleOutcome.FAIL: ("不通过", "FAIL", "不通过 FAIL "),
    RuleOutcome.UNKNOWN: ("待定", "unknown", "待定 unknown"),
    RuleOutcome.ERROR: ("出错", "ERROR", "出错 ERROR "),
}
_ADVISE_FAIL = ("提示", "warning", "提示 warning")
_NOT_COMPUTED = ("未计算", "not computed")  # a money output of a faulted evaluation: no figure is shown


def version_date_text(dated: VersionDate | None, lang: str = "both") -> str | None:
    """The line that says which date chose the version, and where it came from (None: not said), in ``lang``."""
    if dated is None:
        return None
    if dated.source == FROM_POLICY:
        return bilingual(
            "版本依据：指定的版本（--policy）",
            "Version: the version named (--policy)",
            lang,
            both="版本依据 Version: 指定的版本 the version named (--policy)",
        )
    day = dated.date.isoformat() if dated.date else "?"
    if dated.source == FROM_INPUT:
        return bilingual(
            f"版本依据：{day} — 申请材料的日期（{dated.field}）",
            f"Version date: {day} — the application's date ({dated.field})",
            lang,
            both=f"版本依据 Version date: {day} — 申请材料的日期 the application's date ({dated.field})",
        )
    if dated.source == FROM_ON:
        return bilingual(
            f"版本依据：{day} — --on 指定的日期",
            f"Version date: {day} — the date given with --on",
            lang,
            both=f"版本依据 Version date: {day} — --on 指定的日期 the date given with --on",
        )
    return bilingual(
        f"版本依据：{day} — 评估当日" + (f"；申请材料未给出 {dated.field}" if dated.field else ""),
        f"Version date: {day} — the day of the evaluation" + (f"; {dated.field} not given" if dated.field else ""),
        lang,
        both=f"版本依据 Version date: {day} — 评估当日 the day of the evaluation"
        + (f"；申请材料未给出 {dated.field} not given" if dated.field else ""),
    )


def _mark(words: tuple[str, str, str], lang: str) -> str:
    """A rule's mark in ``lang``, padded so that the marks line up: `通过  `, `pass   `, `通过 pass   `."""
    zh, en, both = words
    if lang == "zh":
        return pad(zh, 6)
    return f"{en:<7}" if lang == "en" else both


def _pair(text, lang: str, sep: str = " / ") -> str:
    """A label (model.Text) in ``lang``: its Chinese, its English, or both."""
    return bilingual(text.zh, text.en, lang, sep)


def text_report(record: DecisionRecord, lang: str = "both") -> str:
    """A readable report: the outcome first, then each rule with its clause and values, then the outputs; in
    ``lang`` (both: Chinese, English beside it; zh; en)."""

    def said(zh: str, en: str, both: str | None = None) -> str:
        return bilingual(zh, en, lang, " ", both)

    lines = []
    head = f"{record.policy_id}@{record.version} · {record.decision}"
    if record.input_name:
        head += f" · {record.input_name}"
    lines.append(head)
    dated = version_date_text(record.version_date, lang)
    if dated:
        lines.append(dated)
    label = record.outcome_label
    words = _pair(label, lang) if label else record.outcome
    lines.append(f"{said('结论：', 'Outcome: ', '结论 Outcome: ')}{words}  [{record.outcome}]")
    faulted = record.outcome == ERROR
    if faulted:
        lines.append(
            "  "
            + said(
                "计算出错，不给出任何金额",
                "The evaluation faulted: no amount is given",
                "计算出错，不给出任何金额 The evaluation faulted: no amount is given",
            )
        )
    for d in record.faults:
        if lang == "en":
            lines.append(f"  fault · {d.subject}: {d.message}")
        else:
            lines.append(
                f"  出错 fault · {d.subject}: {d.zh or d.message}"
                if lang == "both"
                else f"  出错 · {d.subject}：{d.zh or d.message}"
            )
        if lang != "zh":
            lines.append(f"      {fault_text(d)}")
        elif d.span is not None:
            lines.append(f"      位于 {d.span}")
    fails = [r for r in record.rules if r.outcome is RuleOutcome.FAIL and r.severity is Severity.REQUIRE]
    unknown = [
        r
        for r in record.rules
        if r.outcome in (RuleOutcome.UNKNOWN, RuleOutcome.ERROR) and r.severity is Severity.REQUIRE
    ]
    warnings = [r for r in record.rules if r.outcome is RuleOutcome.FAIL and r.severity is Severity.ADVISE]
    if record.rules:
        n, f, u, w = len(record.rules), len(fails), len(unknown), len(warnings)
        lines.append(
            said(
                f"规则：共 {n} 条 — 不通过 {f}，待定 {u}，提示 {w}",
                f"Rules: {n} — failed {f}, undecided {u}, warnings {w}",
                f"规则 Rules: {n} — 不通过 failed {f}, 待定 undecided {u}, 提示 warnings {w}",
            )
        )
    else:
        lines.append(
            said(
                "规则：无（由输出决定）", "Rules: none (the outputs decide)", "规则 Rules: 无 none (the outputs decide)"
            )
        )
    missing = record.missing()
    if missing:
        more = record.missing_count - len(missing)
        tail = ""
        if more > 0:
            total = record.missing_count
            tail = said(f"，… 共 {total:,} 项", f", … and {more:,} more", f", … 共 {total:,} 项 and {more:,} more")
        lines.append(f"{said('待补材料：', 'Missing: ', '待补材料 Missing: ')}{', '.join(missing)}{tail}")
    if record.rules:
        lines.append("")
    for r in record.rules:
        advise_fail = r.severity is Severity.ADVISE and r.outcome is RuleOutcome.FAIL
        mark = _mark(_ADVISE_FAIL if advise_fail else _MARK[r.outcome], lang)
        lines.append(f"  [{mark}] {r.clause:<6} {r.id}")
        lines.append(f"      {_pair(r.label, lang)}")
        if r.outcome is not RuleOutcome.PASS:
            msg = r.message
            if lang != "en":
                lines.append(f"      → {msg.zh}")
            if lang == "both":
                lines.append(f"        {msg.en}")
            elif lang == "en":
                lines.append(f"      → {msg.en}")
        if r.values:
            read = ", ".join(f"{k} = {excerpt(display(v, r.kinds.get(k)), READ_EXCERPT)}" for k, v in r.values.items())
            lines.append(f"      {said('读取：', 'read: ', '读取 read: ')}{read}")
    if record.outputs:
        lines.append("")
        lines.append(said("输出", "Outputs"))
        width = max(len(n) for n in record.outputs)
        errors = record.output_errors
        values = {n: record.output(n) for n in record.outputs if n not in errors}
        shown = {
            n: _human(v, record.output_kinds[n][0], faulted, lang)
            for n, v in values.items()
            if not (record.output_kinds[n][0] == "list" and isinstance(v, list))
        }  # lists: an item a line
        value_width = max((columns(v) for v in shown.values() if columns(v) <= 24), default=0)  # a long text
        # (an official name) is not let push every label to the right
        for name in record.outputs:
            label = record.output_labels.get(name)
            about = _pair(label, lang) if label is not None else ""
            if name in errors:
                lines.append(f"  {name:<{width}}  {said('出错：', 'error:', '出错 error:')} {errors[name]}")
            elif name in shown:
                lines.append(f"  {name:<{width}}  {pad(shown[name], value_width)}  {about}".rstrip())
            else:
                fields = record.output_kinds[name][1]
                lines.append(f"  {name}:" + (f"  {about}" if about else ""))
                for i, item in enumerate(values[name], 1):
                    cells = ", ".join(f"{k}={_human(v, fields.get(k), faulted, lang)}" for k, v in item.items())
                    lines.append(f"    {i}. {cells}")
    return "\n".join(lines) + "\n"


def _human(value, kind, faulted: bool = False, lang: str = "both") -> str:
    if kind == Kind.MONEY and faulted:
        return bilingual(*_NOT_COMPUTED, lang)
    if value is None:
        return bilingual("未知", "unknown", lang)
    if kind == "money":
        return f"{Decimal(value):,.2f} {'yuan' if lang == 'en' else '元'}"
    if kind == "ratio":
        d = Decimal(value)
        pct = unsigned_zero(quantize(d * 100, Decimal("0.01")))
        return f"{pct}%  ({display(d)})"
    return str(value).lower() if isinstance(value, bool) else excerpt(str(value))


def json_report(records: list[DecisionRecord], one: bool) -> str:
    """One JSON object for one input, an array for several; keys in a stable order."""
    data = [r.to_json() for r in records]
    return indented(data[0] if one and len(data) == 1 else data) + "\n"


def jsonl_report(records: list[DecisionRecord]) -> str:
    return "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in records)
