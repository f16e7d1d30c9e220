"""Documents as Markdown: headings, tables and quotations, for a wiki, a pull request or a case file."""

from __future__ import annotations

from .notice import Notice


def cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def quote(text: str) -> str:
    return str(text).replace("\n", " ")


def notice_markdown(n: Notice) -> str:
    lines = [f"# {n.title}", "", f"_{n.title_en}_", "", "| 项目 | 内容 |", "|---|---|"]
    lines += [f"| {cell(r.label)} | {cell(r.value)} |" for r in n.header]
    lines += [
        "",
        "## 结论",
        "",
        f"**{cell(n.outcome_label)}**（{n.outcome_label_en}，`{n.outcome}`）",
        "",
        n.conclusion,
        "",
    ]
    if n.faults:
        lines += ["**计算出错，不给出任何金额。**", ""] + [f"- {f}" for f in n.faults] + [""]
    c = n.counts
    if c["rules"]:
        lines += [f"规则 {c['rules']} 条：不符合 {c['failed']}，待定 {c['undecided']}，提示 {c['warnings']}。", ""]
        lines += ["## 逐条审核意见", ""]
    for s in n.sections:
        lines += [f"### {s.clause} {s.label}：{s.mark}", ""]
        if s.clause_text:
            lines += [f"> **条款 {s.clause}**　{quote(s.clause_text)}", ""]
        lines.append(f"- 条件：{s.sentence}　`{s.expression}`")
        if not s.passed:
            lines.append(f"- 意见：{s.message}")
        if s.values:
            lines.append("- 读取：" + "；".join(f"{v.label} = {v.value}" for v in s.values))
        for p in s.parts:
            lines.append(f"- 未满足的条件：{p.label}（{p.value}）")
        for t in s.to_pass:
            lines.append(f"- 如何满足：{t.heading}")
            lines += [f"  - {'或：' if i else ''}{o}" for i, o in enumerate(t.options)]
            if t.note:
                lines.append(f"  - {t.note}" + (f"：{'、'.join(t.evidence)}" if t.evidence else ""))
        lines += [f"- 规则：`{s.rule_id}`", ""]
    if n.materials:
        lines += ["## 补正材料清单", "", "| 序号 | 材料 | 所需条件 |", "|---:|---|---|"]
        lines += [f"| {i} | {cell(m.name)} | {cell('；'.join(m.needed_by))} |" for i, m in enumerate(n.materials, 1)]
        lines.append("")
    if n.amounts:
        lines += ["## 核定金额与输出", "", "| 项目 | 金额或结果 |", "|---|---:|"]
        lines += [f"| {cell(a.label)} | {cell(a.value)} |" for a in n.amounts]
        lines.append("")
    for table in n.tables:
        lines += [
            f"### {table.title}",
            "",
            "| " + " | ".join(cell(h) for h in table.columns) + " |",
            "|" + "---|" * len(table.columns),
        ]
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.rows]
        lines.append("")
    lines += ["---", "", f"政策 `{n.policy_ref}` · 校验码 `{n.policy_hash}` · 评估日期 {n.evaluated_on}", ""]
    return "\n".join(lines)


def policy_markdown(t) -> str:
    """A PolicyTable (条文对照表) as Markdown."""
    lines = [f"# {t.title}：条文对照表", "", f"政策版本 `{t.ref}` · 生效 {t.effective} · 校验码 `{t.content_hash}`", ""]
    if t.note:
        lines += [f"> 生效说明：{quote(t.note)}", ""]
    for row in t.rows:
        for h in row.headings:
            lines += [f"## {h}", ""]
        lines += [f"### {row.clause}", "", f"> {quote(row.text)}", ""]
        if row.reason:
            lines += [f"_不作计算：{row.reason}_", ""]
            continue
        if not row.items:
            continue
        lines += ["| 类别 | 名称 | 规定 | 解释 |", "|---|---|---|---|"]
        for i in row.items:
            rule = i.value or i.sentence
            if i.expression:
                rule += f"<br>`{i.expression}`"
            where = f"<br>适用：{i.where}" if i.where else ""
            lines.append(
                f"| {i.kind_zh} | {cell(i.label)}<br>`{cell(i.name)}`{cell(where)} | {cell(rule)} | "
                f"{cell(i.note) or '—'} |"
            )
        lines.append("")
    return "\n".join(lines)


def revision_markdown(t) -> str:
    """A RevisionTable (修订对照表, with the case impact when there is one) as Markdown."""
    lines = [
        f"# 修订对照表：{t.title}",
        "",
        f"`{t.old_ref}`（{t.old_effective}，校验码 `{t.old_hash}`）→ `{t.new_ref}`（{t.new_effective}，"
        f"校验码 `{t.new_hash}`）",
        "",
        "| 条款 Clause | 原规定 Before | 新规定 After | 说明 Note |",
        "|---|---|---|---|",
    ]
    for r in t.rows:
        clause = r.clause or "—"
        if r.clause_text:
            clause += f"<br>{r.clause_text[:36]}{'…' if len(r.clause_text) > 36 else ''}"
        lines.append(f"| {cell(clause)} | {cell(r.before)} | {cell(r.after)} | {cell(r.note)} |")
    if not t.rows:
        lines.append("| — | — | — | 无政策变更 No policy changes |")
    lines.append("")
    if t.impact_summary is None:
        lines += ["_未给出案例 No cases given (`--cases PATH`): case impact not computed._", ""]
        return "\n".join(lines)
    lines += [
        f"## 案例影响 Case impact：{t.impact_summary}",
        "",
        "| 决定 Decision | 案例 Cases | 有变化 Changed | 结论变化 Outcome changed | 输出变化 Outputs changed "
        "| 金额合计 Money |",
        "|---|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {cell(c.decision)} | {c.cases} | {c.changed} | {c.outcome_changed} | {c.outputs_changed} | "
        f"{cell(c.money) or '—'} |"
        for c in t.counts
    ]
    if t.cases:
        lines += [
            "",
            "| 案例 Case | 决定 Decision | 结论 Outcome | 规则 Rules | 输出 Outputs |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{cell(c.case)}` | {cell(c.decision)} | {cell(c.outcome)} | "
            f"{cell('<br>'.join(c.rules)) or '—'} | {cell('<br>'.join(c.outputs)) or '—'} |"
            for c in t.cases
        ]
    lines.append("")
    return "\n".join(lines)
