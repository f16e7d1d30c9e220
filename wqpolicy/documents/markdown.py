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
    lines += ["", "## 结论", "", f"**{cell(n.outcome_label)}**（{n.outcome_label_en}，`{n.outcome}`）", "",
              n.conclusion, ""]
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
    for t in n.tables:
        lines += [f"### {t.title}", "", "| " + " | ".join(cell(h) for h in t.columns) + " |",
                  "|" + "---|" * len(t.columns)]
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in t.rows]
        lines.append("")
    lines += ["---", "", f"政策 `{n.policy_ref}` · 校验码 `{n.policy_hash}` · 评估日期 {n.evaluated_on}", ""]
    return "\n".join(lines)
