"""A CoverageReport (coverage.py) as text for a CI log, JSON (schemas/coverage.schema.json), Markdown for a job
summary or a pull request, and a self-contained HTML page; Chinese first, English beside it."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

from ..display import columns, pad
from ..jsontext import json_number
from .coverage import DIMENSIONS, CoverageReport, Goal, ItemCoverage, SiteCoverage, VersionCoverage, percent
from .formats import shown_path

# Each goal in words: Chinese, English.
GOAL_WORDS = {
    "pass": ("通过", "pass"),
    "fail": ("不通过", "fail"),
    "unknown": ("待定", "unknown"),
    "known": ("算出金额或数值", "known"),
    "nonzero": ("金额大于零", "above zero"),
    "reached": ("被用到", "used"),
    "read": ("被读取", "read"),
    "left true": ("左侧为真", "left side true"),
    "left false": ("左侧为假", "left side false"),
    "right true": ("右侧为真", "right side true"),
    "right false": ("右侧为假", "right side false"),
    "then": ("条件为真（then 分支）", "condition true (then)"),
    "else": ("条件为假（else 分支）", "condition false (else)"),
    "true": ("比较为真", "comparison true"),
    "false": ("比较为假", "comparison false"),
    "at": ("恰在阈值", "exactly at the threshold"),
    "below": ("低于阈值一个单位以内", "within one unit below"),
    "above": ("高于阈值一个单位以内", "within one unit above"),
}
KIND_WORDS = {
    "rule": ("规则", "rule"),
    "outcome": ("结论", "outcome"),
    "output": ("输出", "output"),
    "definition": ("定义", "definition"),
    "parameter": ("参数", "parameter"),
}
STATUS_WORDS = {
    "reached": ("已覆盖", "reached"),
    "unreached": ("无案例触及", "no case reaches it"),
    "unevaluated": ("无表达式读取", "no expression evaluates it"),
    "not_computable": ("不可计算", "not computable"),
}


def goal_words(g: Goal) -> str:
    zh, en = GOAL_WORDS.get(
        g.name, (f"结论 {g.name}", f"outcome {g.name}") if g.dimension == "outcome" else (g.name,) * 2
    )
    return f"{zh} {en}"


def _place(item: ItemCoverage | SiteCoverage) -> str:
    span = item.info.site.span if isinstance(item, SiteCoverage) else item.span
    return f"{shown_path(span.file)}:{span.line}:{span.col}" if span is not None else ""


def _pct(met: int, total: int) -> str:
    return f"{percent(met, total)}%"


def _missing(goals: list[Goal]) -> list[Goal]:
    return [g for g in goals if g.applicable and not g.met]


def _site_title(s: SiteCoverage) -> str:
    kind = {"and": "and", "or": "or", "if": "if", "compare": "比较 comparison", "known": "待定检验 unknown test"}[
        s.info.site.kind
    ]
    t = s.info.threshold
    limit = f"（阈值 threshold {s.limit}，单位 unit {t.unit.zh} / {t.unit.en}）" if t is not None else ""
    return f"{kind} `{s.info.site.text}`{limit}"


def render_text(report: CoverageReport) -> str:
    """A summary per version (each dimension met/all), the clauses no case reaches, and each goal not met under
    its item and clause, with the case to add for a threshold boundary."""
    lines: list[str] = []
    for v in report.versions:
        lines += [f"覆盖率 Coverage: {v.ref}（{v.cases} 个案例 cases）"]
        width = max(columns(f"{zh} {en}") for zh, en in DIMENSIONS.values()) + 2
        for dim, (met, total) in v.totals().items():
            zh, en = DIMENSIONS[dim]
            lines.append(f"  {pad(f'{zh} {en}', width)}{met:>4}/{total:<4} {_pct(met, total)}")
        met, total = (sum(g.met for g in v.goals()), len(v.goals()))
        lines.append(f"  {pad('合计 total', width)}{met:>4}/{total:<4} {_pct(met, total)}")
        lines.append("")
        unreached = v.unreached
        lines.append(
            "无案例触及的条款 Clauses no case reaches: " + (", ".join(c.clause for c in unreached) or "无 none")
        )
        quiet = [c.clause for c in v.clauses if c.status == "unevaluated"]
        if quiet:
            lines.append("无表达式读取的条款 Clauses no expression evaluates (lists, procedures): " + ", ".join(quiet))
        gaps = _gaps(v)
        lines += [
            "",
            f"未达成的目标 Goals not met: {sum(len(x) for _, _, x in gaps)}"
            if gaps
            else "全部目标已达成 Every goal met.",
        ]
        clause = None
        for item_clause, item, found in gaps:
            if item_clause != clause:
                clause = item_clause
                text = next((c.text for c in v.clauses if c.clause == clause), "")
                lines.append(f"  条款 clause {clause or '—'}  {text}".rstrip())
            zh, en = KIND_WORDS[item.kind]
            label = f" · {item.label.zh} / {item.label.en}" if item.label is not None else ""
            lines.append(f"    {zh} {en} {item.name}{label}  ({_place(item)})")
            for where, g in found:
                head = f"      - {where}: " if where else "      - "
                lines.append(f"{head}未见 never {goal_words(g)}")
                if g.suggestion is not None:
                    lines.append(f"          {g.suggestion.zh}")
                    lines.append(f"          {g.suggestion.en}")
        lines.append("")
    totals = f"{report.percent}% ({report.met}/{report.total})"
    lines.append(f"覆盖率 coverage {totals} · {report.passed} passed, {report.failed} failed")
    return "\n".join(lines) + "\n"


def _gaps(v: VersionCoverage) -> list[tuple[str | None, ItemCoverage, list[tuple[str, Goal]]]]:
    """Per item with goals not met: its clause, the item, and each (where, goal)."""
    out = []
    for item in v.items:
        found = [("", g) for g in _missing(item.goals)]
        for s in item.sites:
            found += [(f"{_site_title(s)} ({_place(s)})", g) for g in _missing(s.goals)]
        if found:
            out.append((item.clause, item, found))
    order = {c.clause: i for i, c in enumerate(v.clauses)}
    return sorted(out, key=lambda x: order.get(x[0] or "", len(order)))


def _goal_json(g: Goal) -> dict[str, Any]:
    d: dict[str, Any] = {"goal": g.name, "dimension": g.dimension, "met": g.met, "case": g.met_by}
    if not g.applicable:
        d["applicable"] = False
    if g.suggestion is not None:
        d["suggestion"] = g.suggestion.to_json()
    return d


def _span_json(span: Any) -> dict[str, Any]:
    return {"file": shown_path(span.file), "line": span.line, "col": span.col} if span is not None else {}


def to_json(report: CoverageReport) -> dict[str, Any]:
    """The report as schemas/coverage.schema.json describes it."""
    versions = []
    for v in report.versions:
        goals = v.goals()
        met = sum(g.met for g in goals)
        items = []
        for item in v.items:
            sites = []
            for s in item.sites:
                site: dict[str, Any] = {
                    "kind": s.info.site.kind,
                    "op": s.info.site.op,
                    "text": s.info.site.text,
                    **_span_json(s.info.site.span),
                    "goals": [_goal_json(g) for g in s.goals],
                }
                t = s.info.threshold
                if t is not None:
                    site["threshold"] = {
                        "parameter": t.parameter,
                        "value": s.limit,
                        "unit": {
                            "step": format(t.unit.step, "f"),
                            "kind": t.unit.kind,
                            "zh": t.unit.zh,
                            "en": t.unit.en,
                        },
                        "measured": t.measured,
                    }
                sites.append(site)
            items.append(
                {
                    "key": item.key,
                    "kind": item.kind,
                    "name": item.name,
                    "decision": item.decision,
                    "clause": item.clause,
                    **_span_json(item.span),
                    "goals": [_goal_json(g) for g in item.goals],
                    "sites": sites,
                }
            )
        versions.append(
            {
                "policy": v.ref,
                "cases": v.cases,
                "met": met,
                "goals": len(goals),
                "percent": json_number(percent(met, len(goals))),
                "dimensions": {d: {"met": m, "goals": t} for d, (m, t) in v.totals().items()},
                "clauses": [
                    {
                        "clause": c.clause,
                        "status": c.status,
                        "met": c.met,
                        "goals": c.total,
                        "items": c.items,
                        **({"reason": c.reason} if c.reason else {}),
                    }
                    for c in v.clauses
                ],
                "unreached_clauses": [c.clause for c in v.unreached],
                "items": items,
            }
        )
    return {
        "percent": json_number(report.percent),
        "met": report.met,
        "goals": report.total,
        "cases": {"passed": report.passed, "failed": report.failed},
        "versions": versions,
    }


def render_json(report: CoverageReport) -> str:
    return json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: CoverageReport) -> str:
    """Markdown for a job summary or a pull request: a table of the dimensions, the clauses by status, and a
    collapsible list of the goals not met."""
    lines = [f"## 覆盖率 Coverage: {report.percent}% ({report.met}/{report.total})", ""]
    for v in report.versions:
        lines += [
            f"### `{v.ref}` · {v.cases} 个案例 cases",
            "",
            "| 维度 Dimension | 达成 Met | 比例 Share |",
            "|---|---|---|",
        ]
        for dim, (met, total) in v.totals().items():
            zh, en = DIMENSIONS[dim]
            lines.append(f"| {zh} {en} | {met}/{total} | {_pct(met, total)} |")
        lines.append("")
        unreached = v.unreached
        lines.append(
            "**无案例触及的条款 Clauses no case reaches:** " + (", ".join(c.clause for c in unreached) or "无 none")
        )
        lines.append("")
        lines += ["| 条款 Clause | 状态 Status | 达成 Met |", "|---|---|---|"]
        for c in v.clauses:
            zh, en = STATUS_WORDS[c.status]
            lines.append(f"| {c.clause} | {zh} {en} | {f'{c.met}/{c.total}' if c.total else '—'} |")
        gaps = _gaps(v)
        if gaps:
            lines += [
                "",
                f"<details><summary>未达成的目标 Goals not met ({sum(len(x) for _, _, x in gaps)})</summary>",
                "",
            ]
            for clause, item, found in gaps:
                zh, en = KIND_WORDS[item.kind]
                lines.append(f"- **{clause or '—'}** {zh} {en} `{_md(item.name)}` ({_md(_place(item))})")
                for where, g in found:
                    text = f"{_md(where)}: " if where else ""
                    hint = f" — {_md(g.suggestion.zh)} / {_md(g.suggestion.en)}" if g.suggestion is not None else ""
                    lines.append(f"  - {text}未见 never {goal_words(g)}{hint}")
            lines += ["", "</details>"]
        lines.append("")
    return "\n".join(lines)


def render_html(report: CoverageReport) -> str:
    """One self-contained HTML page: every item with every goal, met (and by which case) or not."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>覆盖率 Coverage {report.percent}%</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
        ".met{color:#176117}.gap{color:#a4161a;font-weight:bold}.na{color:#777}code{background:#f4f4f4}</style>",
        "</head><body>",
        f"<h1>覆盖率 Coverage: {report.percent}% ({report.met}/{report.total})</h1>",
        f"<p>{report.passed} passed, {report.failed} failed</p>",
    ]
    for v in report.versions:
        out.append(f"<h2><code>{e(v.ref)}</code> · {v.cases} 个案例 cases</h2>")
        out.append("<table><tr><th>维度 Dimension</th><th>达成 Met</th><th>比例 Share</th></tr>")
        for dim, (met, total) in v.totals().items():
            zh, en = DIMENSIONS[dim]
            out.append(f"<tr><td>{e(zh)} {e(en)}</td><td>{met}/{total}</td><td>{_pct(met, total)}</td></tr>")
        out.append("</table>")
        out.append(
            "<h3>条款 Clauses</h3><table><tr><th>条款 Clause</th><th>原文 Text</th><th>状态 Status</th>"
            "<th>达成 Met</th></tr>"
        )
        for c in v.clauses:
            zh, en = STATUS_WORDS[c.status]
            cls = "gap" if c.status == "unreached" else ""
            out.append(
                f'<tr><td>{e(c.clause)}</td><td>{e(c.text or c.reason or "")}</td><td class="{cls}">{e(zh)} {e(en)}'
                f"</td><td>{f'{c.met}/{c.total}' if c.total else '—'}</td></tr>"
            )
        out.append(
            "</table><h3>项目 Items</h3><table><tr><th>项目 Item</th><th>条款 Clause</th><th>目标 Goals</th></tr>"
        )
        for item in v.items:
            zh, en = KIND_WORDS[item.kind]
            label = f"<br>{e(item.label.zh)} / {e(item.label.en)}" if item.label is not None else ""
            cells = [_goal_html(g) for g in item.goals]
            for s in item.sites:
                cells.append(
                    f"<div><code>{e(s.info.site.text)}</code> <small>{e(_place(s))}</small>: "
                    + " ".join(_goal_html(g) for g in s.goals)
                    + "</div>"
                )
            out.append(
                f"<tr><td>{e(zh)} {e(en)} <code>{e(item.name)}</code>{label}<br><small>{e(_place(item))}</small></td>"
                f"<td>{e(item.clause or '—')}</td><td>{' '.join(cells)}</td></tr>"
            )
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _goal_html(g: Goal) -> str:
    e = html.escape
    if not g.applicable:
        return f'<span class="na" title="无输入可达 no input can">{e(goal_words(g))} —</span>'
    if g.met:
        return f'<span class="met" title="{e(g.met_by or "")}">{e(goal_words(g))} ✓</span>'
    hint = f' title="{e(g.suggestion.zh)} / {e(g.suggestion.en)}"' if g.suggestion is not None else ""
    return f'<span class="gap"{hint}>{e(goal_words(g))} ✗</span>'


RENDERERS: dict[str, Callable[[CoverageReport], str]] = {
    "text": render_text,
    "json": render_json,
    "md": render_markdown,
    "html": render_html,
}
