"""Decision records -> text reports for people (Chinese, English beside it) and JSON for programs.
Rendering only: nothing here decides anything."""

from __future__ import annotations

import json
from decimal import Decimal

from .display import READ_EXCERPT, columns, display, excerpt, pad, unsigned_zero
from .record import DecisionRecord, fault_text
from .values import quantize
from .words import ERROR, Kind, RuleOutcome, Severity

_MARK = {
    RuleOutcome.PASS: "通过 pass   ",
    RuleOutcome.FAIL: "不通过 FAIL ",
    RuleOutcome.UNKNOWN: "待定 unknown",
    RuleOutcome.ERROR: "出错 ERROR ",
}
_ADVISE_FAIL = "提示 warning"
_NOT_COMPUTED = "未计算 not computed"  # a money output of a faulted evaluation: no figure is shown


def text_report(record: DecisionRecord) -> str:
    """A readable report: the outcome first, then each rule with its clause and values, then the outputs."""
    lines = []
    head = f"{record.policy_id}@{record.version} · {record.decision}"
    if record.input_name:
        head += f" · {record.input_name}"
    lines.append(head)
    label = record.outcome_label
    words = f"{label.zh} / {label.en}" if label else record.outcome
    lines.append(f"结论 Outcome: {words}  [{record.outcome}]")
    faulted = record.outcome == ERROR
    if faulted:
        lines.append("  计算出错，不给出任何金额 The evaluation faulted: no amount is given")
    for d in record.faults:
        lines.append(f"  出错 fault · {d.subject}: {d.zh or d.message}")
        lines.append(f"      {fault_text(d)}")
    fails = [r for r in record.rules if r.outcome is RuleOutcome.FAIL and r.severity is Severity.REQUIRE]
    unknown = [
        r
        for r in record.rules
        if r.outcome in (RuleOutcome.UNKNOWN, RuleOutcome.ERROR) and r.severity is Severity.REQUIRE
    ]
    warnings = [r for r in record.rules if r.outcome is RuleOutcome.FAIL and r.severity is Severity.ADVISE]
    if record.rules:
        lines.append(
            f"规则 Rules: {len(record.rules)} — 不通过 failed {len(fails)}, 待定 undecided {len(unknown)}, "
            f"提示 warnings {len(warnings)}"
        )
    else:
        lines.append("规则 Rules: 无 none (the outputs decide)")
    missing = record.missing()
    if missing:
        more = record.missing_count - len(missing)
        tail = f", … 共 {record.missing_count:,} 项 and {more:,} more" if more > 0 else ""
        lines.append(f"待补材料 Missing: {', '.join(missing)}{tail}")
    if record.rules:
        lines.append("")
    for r in record.rules:
        mark = _ADVISE_FAIL if (r.severity is Severity.ADVISE and r.outcome is RuleOutcome.FAIL) else _MARK[r.outcome]
        lines.append(f"  [{mark}] {r.clause:<6} {r.id}")
        lines.append(f"      {r.label.zh} / {r.label.en}")
        if r.outcome is not RuleOutcome.PASS:
            msg = r.message
            lines.append(f"      → {msg.zh}")
            lines.append(f"        {msg.en}")
        if r.values:
            read = ", ".join(f"{k} = {excerpt(display(v, r.kinds.get(k)), READ_EXCERPT)}" for k, v in r.values.items())
            lines.append(f"      读取 read: {read}")
    if record.outputs:
        lines.append("")
        lines.append("输出 Outputs")
        width = max(len(n) for n in record.outputs)
        errors = record.output_errors
        values = {n: record.output(n) for n in record.outputs if n not in errors}
        shown = {
            n: _human(v, record.output_kinds[n][0], faulted)
            for n, v in values.items()
            if not (record.output_kinds[n][0] == "list" and isinstance(v, list))
        }  # lists: an item a line
        value_width = max((columns(v) for v in shown.values() if columns(v) <= 24), default=0)  # a long text
        # (an official name) is not let push every label to the right
        for name in record.outputs:
            label = record.output_labels.get(name)
            about = f"{label.zh} / {label.en}" if label is not None else ""
            if name in errors:
                lines.append(f"  {name:<{width}}  出错 error: {errors[name]}")
            elif name in shown:
                lines.append(f"  {name:<{width}}  {pad(shown[name], value_width)}  {about}".rstrip())
            else:
                fields = record.output_kinds[name][1]
                lines.append(f"  {name}:" + (f"  {about}" if about else ""))
                for i, item in enumerate(values[name], 1):
                    cells = ", ".join(f"{k}={_human(v, fields.get(k), faulted)}" for k, v in item.items())
                    lines.append(f"    {i}. {cells}")
    return "\n".join(lines) + "\n"


def _human(value, kind, faulted: bool = False) -> str:
    if kind == Kind.MONEY and faulted:
        return _NOT_COMPUTED
    if value is None:
        return "未知 unknown"
    if kind == "money":
        return f"{Decimal(value):,.2f} 元"
    if kind == "ratio":
        d = Decimal(value)
        pct = unsigned_zero(quantize(d * 100, Decimal("0.01")))
        return f"{pct}%  ({display(d)})"
    return str(value).lower() if isinstance(value, bool) else excerpt(str(value))


def json_report(records: list[DecisionRecord], one: bool) -> str:
    """One JSON object for one input, an array for several; keys in a stable order."""
    data = [r.to_json() for r in records]
    return json.dumps(data[0] if one and len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n"


def jsonl_report(records: list[DecisionRecord]) -> str:
    return "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in records)
