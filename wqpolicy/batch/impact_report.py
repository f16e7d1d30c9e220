"""The impact of a revision on applications as people read it: a row per change of the revision (条款 / 原规定 /
新规定, how many applications it alone moves and what it alone does to the payouts), the totals per payout before
and after, each application that changes and what moved it, and those that could not be decided under both
versions — as text, Markdown, and JSON (schemas/impact.schema.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..diff import Diff
from ..documents.revision_table import build_revision_table
from .revision_impact import AppImpact, ImpactRun


@dataclass
class ChangeRow:
    """A row of the memo: one edit of the revision (or a change that decides nothing, ``edit`` None)."""

    number: int
    edit: int | None
    key: str
    clause: str
    clause_text: str
    before: str
    after: str
    note: str
    messages: list[str]
    applications: int | None = None  # None: decides nothing, or cannot stand alone (``error``)
    outcome_changed: int = 0
    differences: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    error: str | None = None

    @property
    def difference(self) -> Decimal:
        return sum(self.differences.values(), Decimal(0))


def change_rows(run: ImpactRun) -> list[ChangeRow]:
    """The revision's changes in the diff's order, one row per edit (its changes' words joined), then one per
    change that decides nothing."""
    v = run.versions
    table = build_revision_table(v.old, v.new, Diff(v.old.model, v.new.model, v.changes))
    words = list(zip(v.changes, table.rows))
    rows: list[ChangeRow] = []
    taken: set[int] = set()
    for i, (change, row) in enumerate(words):
        if i in taken:
            continue
        edit = next((n for n, e in enumerate(v.edits) if any(c is change for c in e.changes)), None)
        mine = [j for j, (c, _) in enumerate(words) if edit is not None and any(c is x for x in v.edits[edit].changes)]
        mine = mine or [i]
        taken.update(mine)
        parts = [words[j][1] for j in mine]
        out = ChangeRow(
            len(rows) + 1,
            edit,
            v.edits[edit].key if edit is not None else change.path,
            row.clause,
            row.clause_text,
            "\n".join(p.before for p in parts),
            "\n".join(p.after for p in parts),
            "；".join(p.note for p in parts),
            [words[j][0].message for j in mine],
        )
        if edit is not None:
            found = v.variant(edit)
            if isinstance(found, Exception):
                first = found.diagnostics[0] if getattr(found, "diagnostics", None) else None
                out.error = (first.zh or first.message) if first is not None else str(found)
            else:
                count = run.edits[edit]
                out.applications, out.outcome_changed = count.applications, count.outcome_changed
                out.differences = dict(count.differences)
        rows.append(out)
    return rows


def moved_by_text(run: ImpactRun, a: AppImpact, rows: list[ChangeRow]) -> str:
    """What moved an application: the numbers of the changes that alone do, or that only their combination does."""
    if a.only_in_combination:
        return "仅在各项修订共同作用下变化 only the changes together"
    numbers = {r.edit: r for r in rows if r.edit is not None}
    return "、".join(
        f"第{numbers[m.edit].number}项 {_short(numbers[m.edit])}" for m in a.changed_by if m.edit in numbers
    )


def _short(row: ChangeRow) -> str:
    return f"{row.clause} {row.note}".strip()


def render_text(run: ImpactRun) -> str:
    v = run.versions
    rows = change_rows(run)
    lines = [
        f"修订影响说明 Impact of a revision: {v.old.model.ref} → {v.new.model.ref}",
        _counts(run),
    ]
    if run.totals:
        lines.append("补贴合计（两个版本下均可评估的申请）Payouts in all (applications decided under both):")
        for t in run.totals:
            d = run.decision_label(t.decision)
            lines.append(
                f"  {d.zh} · {t.label.zh} {t.payout}: {t.before:,.2f} → {t.after:,.2f} 元 ({t.difference:+,.2f})"
            )
    lines += ["", "各项修订单独的影响 What each change does alone:"]
    for r in rows:
        lines.append(f"  {r.number}. {r.clause or '—'} {r.note}")
        lines += [f"     {m}" for m in r.messages]
        lines.append(f"     {_alone(r)}")
    if run.only_in_combination:
        lines.append(f"  仅在共同作用下才有变化 only the changes together: {len(run.only_in_combination)} 份申请")
    changed = run.changed
    lines += ["", f"有变化的申请 Applications that change ({len(changed)}):"]
    for a in changed:
        lines.append(f"  {a.id}" + (f" {a.name}" if a.name else "") + f" [{a.decision}]")
        lines.append(f"    结论 outcome: {outcome_text(a)}")
        for name, diff in sorted(a.differences().items()):
            if diff:
                b, c = dict(a.before.payouts)[name], dict(a.after.payouts)[name]
                label = run.payout_label(a.decision or "", name)
                lines.append(f"    {label.zh} {name}: {Decimal(b):,.2f} → {Decimal(c):,.2f} ({diff:+,.2f})")
        lines.append(f"    原因 moved by: {moved_by_text(run, a, rows)}")
    aside = aside_lines(run)
    if aside:
        lines += [
            "",
            f"略去的输入字段（只有另一版本才有）Input fields set aside (only the other version has them) "
            f"({len(aside)}):",
        ]
        lines += [f"  {line}" for line in aside]
    apart = run.apart
    if apart:
        lines += [
            "",
            f"未能在两个版本下都评估（不计入合计）Not decided under both versions, outside the totals ({len(apart)}):",
        ]
        for a in apart:
            lines.append(f"  {a.id} [{a.decision or '?'}]")
            lines += [f"    {side} {p.text()}" for side, p in side_problems(a)]
    for f in run.file_problems:
        lines += ["", f"文件问题 File problems: {f.source}"] + [f"  {p.text()}" for p in f.before.problems]
    return "\n".join(lines) + "\n"


def render_markdown(run: ImpactRun) -> str:
    v = run.versions
    rows = change_rows(run)
    lines = [
        f"## 修订影响说明 Impact of a revision: `{v.old.model.ref}` → `{v.new.model.ref}`",
        "",
        _counts(run),
        "",
        "| 序号 No. | 条款 Clause | 原规定 Before | 新规定 After | 受影响申请数 Applications | 补贴变化合计 Payouts |",
        "|---:|---|---|---|---:|---:|",
    ]
    for r in rows:
        count = "—" if r.applications is None else str(r.applications)
        money = "—" if r.applications is None else f"{r.difference:+,.2f}"
        lines.append(f"| {r.number} | {r.clause or '—'} | {_md(r.before)} | {_md(r.after)} | {count} | {money} |")
    if run.totals:
        lines += [
            "",
            "| 决定 Decision | 补贴 Payout | 修订前 Before | 修订后 After | 变化 Difference |",
            "|---|---|---:|---:|---:|",
        ]
        for t in run.totals:
            d = run.decision_label(t.decision)
            lines.append(
                f"| {d.zh} `{t.decision}` | {t.label.zh} `{t.payout}` | {t.before:,.2f} | {t.after:,.2f} | "
                f"{t.difference:+,.2f} |"
            )
    lines += ["", "| 申请 Application | 结论 Outcome | 补贴变化 Payouts | 原因 Moved by |", "|---|---|---:|---|"]
    for a in run.changed:
        total = sum(a.differences().values(), Decimal(0))
        reason = moved_by_text(run, a, rows)
        lines.append(f"| `{_md(a.id)}` {_md(a.name)} | {_md(outcome_text(a))} | {total:+,.2f} | {_md(reason)} |")
    aside = aside_lines(run)
    if aside:
        lines += ["", f"略去的输入字段（只有另一版本才有）Input fields set aside ({len(aside)}):", ""]
        lines += [f"- {_md(line)}" for line in aside]
    if run.apart:
        lines += ["", f"未能在两个版本下都评估（不计入合计）Not decided under both versions ({len(run.apart)}):", ""]
        for a in run.apart:
            lines.append(f"- `{_md(a.id)}`: " + _md("；".join(f"{s} {p.text()}" for s, p in side_problems(a))))
    return "\n".join(lines) + "\n"


def render_json(run: ImpactRun) -> str:
    v = run.versions
    rows = change_rows(run)
    edit_keys = {i: e.key for i, e in enumerate(v.edits)}
    data: dict[str, Any] = {
        "old": {"id": v.old.id, "version": v.old.version},
        "new": {"id": v.new.id, "version": v.new.version},
        "changes": [
            {
                "number": r.number,
                "key": r.key,
                "clause": r.clause or None,
                "before": r.before,
                "after": r.after,
                "note": r.note,
                "messages": r.messages,
                "decides": r.edit is not None,
                "stands_alone": r.error is None,
                "error": r.error,
                "applications": r.applications,
                "outcome_changed": r.outcome_changed if r.applications is not None else None,
                "payout_differences": {f"{d}.{p}": format(x, ".2f") for (d, p), x in sorted(r.differences.items())},
            }
            for r in rows
        ],
        "applications": [
            {
                "id": a.id,
                "input": a.source,
                "name": a.name or None,
                "decision": a.decision,
                "before": a.before.to_json(),
                "after": a.after.to_json(),
                "changed": a.both and a.changed,
                "outcome_changed": a.both and a.outcome_changed,
                "changed_by": [edit_keys[m.edit] for m in a.changed_by],
                "also_moved_alone_by": [edit_keys[m.edit] for m in a.moved_by if not m.causes],
                "only_in_combination": a.only_in_combination,
                "decided_under_both": a.both,
            }
            for a in run.applications
        ],
        "totals": [
            {
                "decision": t.decision,
                "payout": t.payout,
                "label": t.label.to_json(),
                "before": format(t.before, ".2f"),
                "after": format(t.after, ".2f"),
                "difference": format(t.difference, ".2f"),
            }
            for t in run.totals
        ],
        "counts": {
            "applications": len(run.applications),
            "changed": len(run.changed),
            "outcome_changed": sum(1 for a in run.changed if a.outcome_changed),
            "only_in_combination": len(run.only_in_combination),
            "not_decided_under_both": len(run.apart),
        },
        "file_problems": [p.to_json() for f in run.file_problems for p in f.before.problems],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "md": render_markdown, "json": render_json}


def _counts(run: ImpactRun) -> str:
    changed = run.changed
    outcome = sum(1 for a in changed if a.outcome_changed)
    line = (
        f"{len(run.applications)} 份申请中 {len(changed)} 份有变化（结论变化 {outcome} 份）"
        f" · {len(changed)} of {len(run.applications)} applications change ({outcome} change outcome)"
    )
    if run.apart:
        line += (
            f"；{len(run.apart)} 份未能在两个版本下都评估，另列 · {len(run.apart)} not decided under both, listed apart"
        )
    return line


def _alone(r: ChangeRow) -> str:
    if r.edit is None:
        return "不影响评估结果 decides nothing"
    if r.error is not None:
        return f"不能单独生效（须与其他修订一起）cannot stand alone: {r.error}"
    money = "；".join(f"{p} {x:+,.2f}" for (_, p), x in sorted(r.differences.items()) if x) or "0.00"
    return (
        f"单独使 {r.applications} 份申请变化（结论变化 {r.outcome_changed}）alone moves {r.applications}; "
        f"补贴 payouts {money}"
    )


def outcome_text(a: AppImpact) -> str:
    b = a.before.label.zh if a.before.label else a.before.outcome
    c = a.after.label.zh if a.after.label else a.after.outcome
    if not a.outcome_changed:
        return f"{c}（不变 unchanged）"
    return f"{b} → {c}（{a.before.outcome} → {a.after.outcome}）"


def aside_lines(run: ImpactRun) -> list[str]:
    """A line per application with input fields only one version knows: which were set aside under which side
    (each side evaluated against its own input schema, the application still counted)."""
    out = []
    for a in run.applications:
        parts = [
            f"{word} {', '.join(side.set_aside)}"
            for word, side in (("修订前略去 before:", a.before), ("修订后略去 after:", a.after))
            if side.set_aside
        ]
        if parts:
            out.append(f"{a.id} [{a.decision or '?'}] " + "；".join(parts))
    return out


def side_problems(a: AppImpact) -> list[tuple[str, Any]]:
    out = [("修订前 before:", p) for p in a.before.problems]
    out += [("修订后 after:", p) for p in a.after.problems if a.after.problems != a.before.problems]
    if not out:
        for side, s in (("修订前 before:", a.before), ("修订后 after:", a.after)):
            if s.outcome is not None and not s.decided:
                from .items import Problem

                out.append((side, Problem("", "计算出错", "evaluation error")))
    return out


def _md(text: str | None) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", "<br>")
