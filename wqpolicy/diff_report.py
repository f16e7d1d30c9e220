"""A ``Diff`` (diff.py) as text, JSON or Markdown for a pull request; the one place a diff is worded for people."""

from __future__ import annotations

import datetime
import json

from .diff import Diff
from .display import bilingual
from .impact import CaseChange, DecisionCount
from .model import PolicyVersion
from .workspace import shown_file


def render_json(diff: Diff) -> str:
    data = {
        "files": list(dict.fromkeys(shown_file(f) for f in (*diff.old.files, *diff.new.files))),
        "old": _ref_json(diff.old),
        "new": _ref_json(diff.new),
        "changes": [c.to_json() for c in diff.changes],
        "impact": diff.impact.to_json() if diff.impact is not None else None,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_text(diff: Diff, lang: str = "both") -> str:
    """Plain text for a terminal or a CI log, headings in Chinese with English beside them (``lang`` both), or in
    one language (zh, en); the changes themselves name items as the policy file does."""

    def said(zh: str, en: str) -> str:
        return bilingual(zh, en, lang)

    lines = [
        f"{said('政策对比', 'Policy diff')}: {diff.old.ref} → {diff.new.ref}",
        f"{said('生效期间', 'Effective')}: {_effective(diff.old, diff.new)} → {_effective(diff.new)}",
        "",
        f"{said('政策变更', 'Policy changes')} ({len(diff.changes)}):",
    ]
    for c in diff.changes:  # the kind in Chinese before the English words, the Chinese label after them
        head = "" if lang == "en" else f"{kind_zh(c.kind)} "
        label = f"  · {c.label.zh}" if c.label is not None and lang != "en" else ""
        lines.append(f"  - {head}{c.message}{label}")
    if not diff.changes:
        lines.append(f"  {bilingual('（无）', '(none)', lang, both='（无 none）')}")
    lines.append("")
    impact = diff.impact
    if impact is None:
        none = bilingual(
            "未给出案例（用 --cases PATH 给出）",
            "no cases given (use --cases PATH)",
            lang,
            both="未给出案例 no cases given (use --cases PATH)",
        )
        lines.append(f"{said('案例影响', 'Case impact')}: {none}")
        return "\n".join(lines) + "\n"
    lines.append(f"{said('案例影响', 'Case impact')}: {_changed_of(impact, lang)}")
    for c in impact.counts:
        counts = bilingual(
            f"{c.cases} 个案例，{c.changed} 个有变化（结论 {c.outcome_changed}，输出 {c.outputs_changed}）",
            f"{c.cases} cases, {c.changed} changed (outcome {c.outcome_changed}, outputs {c.outputs_changed})",
            lang,
            both=f"{c.cases} cases, {c.changed} changed (outcome {c.outcome_changed}, outputs {c.outputs_changed})",
        )
        lines.append(f"  {_decision(diff, c.decision)}: {counts}")
        if c.money:
            lines.append(f"    {bilingual('金额合计', 'money in all', lang)}: {_money(c)}")
    if impact.skipped:
        n = len(impact.skipped)
        lines.append(
            "  "
            + bilingual(
                f"跳过其他政策的案例 {n} 个",
                f"skipped {n} cases of other policies",
                lang,
                both=f"跳过其他政策的案例 skipped {n} cases of other policies",
            )
        )
    lines += _apart_lines(impact, lang)
    for ch in impact.changed:
        lines += ["", f"  {ch.case} [{ch.decision}]", f"    {said('结论', 'outcome')}: {_outcome_change(diff, ch)}"]
        lines += [f"    {said('规则', 'rule')} {r}: {_rule_state(x)} → {_rule_state(y)}" for r, x, y in ch.rules]
        lines += [f"    {said('输出', 'output')} {o.text()}" for o in ch.outputs]
        for side, fields in (("before", ch.aside_before), ("after", ch.aside_after)):
            if fields:
                ref = diff.old.version if side == "before" else diff.new.version
                lines.append(f"    {said(f'{ref} 下略去的输入字段', f'set aside under {ref}')}: {', '.join(fields)}")
    return "\n".join(lines) + "\n"


def _apart_lines(impact, lang: str) -> list[str]:
    """The cases not decided under both versions (counted, outside the totals), and the cases whose fields only
    one version knows (set aside for the other): never left out in silence."""
    out = []
    if impact.apart:
        names = ", ".join(c.case for c in impact.apart)
        n = len(impact.apart)
        out.append(
            "  "
            + bilingual(
                f"{n} 个案例在其中一个版本下无法评估，单独列出，不计入金额合计：{names}",
                f"{n} cases could not be decided under one of the versions; listed apart, outside the money totals: "
                f"{names}",
                lang,
                sep=" · ",
            )
        )
    if impact.set_aside:
        n = len({a.case for a in impact.set_aside})
        out.append(
            "  "
            + bilingual(
                f"{n} 个案例含有只有一个版本才有的输入字段，在另一版本下略去后评估（见各案例）",
                f"{n} cases hold input fields only one version knows, set aside under the other (listed per case)",
                lang,
                sep=" · ",
            )
        )
        unchanged = [a for a in impact.set_aside if a.case not in {c.case for c in impact.changed}]
        for a in unchanged:
            out.append(
                f"    {a.case} ({bilingual('略去', 'set aside', lang, sep=' ')} {a.side}): {', '.join(a.fields)}"
            )
    return out


def render_markdown(diff: Diff) -> str:
    """Markdown for a pull request: heading, table of policy changes, changed cases per decision, and a
    collapsible ``<details>`` per decision with one row per changed case; Chinese with English beside it."""
    lines = [
        f"## 政策对比 Policy diff: `{diff.old.ref}` → `{diff.new.ref}`",
        "",
        f"生效期间 Effective: {_effective(diff.old, diff.new)} → {_effective(diff.new)}",
        "",
        f"### 政策变更 Policy changes ({len(diff.changes)})",
        "",
    ]
    if diff.changes:
        lines += ["| 变更 Change | 项目 Item | 条款 Clause | 说明 Description |", "|---|---|---|---|"]
        lines += [
            f"| {kind_zh(c.kind)} {c.kind.replace('.', ' ')} | `{_md(c.path)}`"
            + (f"<br>{_md(c.label.zh)}" if c.label is not None else "")
            + f" | {c.clause or '—'} | {_md(c.message)} |"
            for c in diff.changes
        ]
    else:
        lines.append("无政策变更 No policy changes.")
    lines.append("")
    impact = diff.impact
    if impact is None:
        lines.append("_未给出案例 No cases given (`--cases PATH`): case impact not computed._")
        return "\n".join(lines) + "\n"
    lines += [f"### 案例影响 Case impact: {_changed_of(impact)}", ""]
    if impact.counts:
        lines += [
            "| 决定 Decision | 案例 Cases | 有变化 Changed | 结论变化 Outcome changed | 输出变化 Outputs changed "
            "| 金额合计 Money in all |",
            "|---|---:|---:|---:|---:|---|",
        ]
        lines += [
            f"| {_md(_decision(diff, c.decision))} | {c.cases} | {c.changed} | {c.outcome_changed} | "
            f"{c.outputs_changed} | {_md(_money(c, '<br>')) or '—'} |"
            for c in impact.counts
        ]
        lines.append("")
    if impact.skipped:
        lines += [f"跳过其他政策的案例 Skipped {len(impact.skipped)} cases of other policies.", ""]
    apart = [line.strip() for line in _apart_lines(impact, "both")]
    if apart:
        lines += [f"- {_md(line)}" for line in apart] + [""]
    for count in impact.counts:
        rows = [c for c in impact.changed if c.decision == count.decision]
        if not rows:
            continue
        plural = "" if len(rows) == 1 else "s"
        lines += [
            f"<details><summary>{_md(_decision(diff, count.decision))}: {len(rows)} 个案例有变化 "
            f"changed case{plural}</summary>",
            "",
            "| 案例 Case | 结论 Outcome | 规则 Rules | 输出 Outputs |",
            "|---|---|---|---|",
        ]
        for c in rows:
            rules = "<br>".join(f"{r}: {_rule_state(x)} → {_rule_state(y)}" for r, x, y in c.rules) or "—"
            outs = "<br>".join(o.text() for o in c.outputs) or "—"
            lines.append(f"| `{_md(c.case)}` | {_md(_outcome_change(diff, c))} | {_md(rules)} | {_md(outs)} |")
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}

_WHAT_ZH = {
    "policy": "标题",
    "parameter": "参数",
    "item": "条目",
    "rule": "规则",
    "definition": "定义",
    "output": "输出",
    "outcome": "结论",
    "decision": "决定",
    "clause_map": "条款映射",
    "clause": "条款",
    "input": "输入字段",
    "metadata": "元数据",
}
_HOW_ZH = {"added": "新增", "removed": "删除", "changed": "修改", "moved": "移动"}


def kind_zh(kind: str) -> str:
    """A change's kind in Chinese, for the officer reading beside the English: parameter.changed -> 修改参数."""
    what, _, how = kind.partition(".")
    return f"{_HOW_ZH.get(how, how)}{_WHAT_ZH.get(what, what)}"


def _ref_json(model: PolicyVersion) -> dict:
    return {
        "id": model.id,
        "version": model.version,
        "effective_from": model.effective_from.isoformat() if model.effective_from else None,
        "effective_until": model.effective_until.isoformat() if model.effective_until else None,
    }


def _effective(model: PolicyVersion, later: PolicyVersion | None = None) -> str:
    """``2021-trial (2021-01-01 – 2021-12-31)``: the last day as the library found it (``ends_on``), or, for a
    version without one, the day before ``later`` (the other side of the diff) starts, which ends it."""
    start = model.effective_from.isoformat() if model.effective_from else "?"
    ends = model.ends_on or model.effective_until
    if (
        ends is None
        and later is not None
        and model.effective_from
        and later.effective_from
        and later.effective_from > model.effective_from
    ):
        ends = later.effective_from - datetime.timedelta(days=1)
    end = ends.isoformat() if ends else "…"
    return f"{model.version} ({start} – {end})"


def _changed_of(impact, lang: str = "both") -> str:
    n = len(impact.changed)
    return bilingual(f"{impact.cases} 个案例中 {n} 个有变化", f"{n} of {impact.cases} cases change", lang, " · ")


def _decision(diff: Diff, name: str) -> str:
    """``recognition 认定``: the decision's name with its Chinese label (from the newer version, else the older)."""
    d = diff.new.decisions.get(name) or diff.old.decisions.get(name)
    return f"{name} {d.label.zh}" if d is not None and d.label is not None else name


def _outcome_change(diff: Diff, change: CaseChange) -> str:
    """``eligible → ineligible（符合条件 → 不符合条件）``, or ``eligible（符合条件）, unchanged``."""

    def zh(model: PolicyVersion, word: str | None) -> str | None:
        d = model.decisions.get(change.decision)
        label = d.outcome_labels.get(word) if d is not None and word is not None else None
        return label.zh if label is not None else None

    before, after = zh(diff.old, change.before), zh(diff.new, change.after)
    if not change.outcome_changed:
        return f"{change.after}（{after}）, unchanged" if after else f"{change.after}, unchanged"
    words = f"{change.before} → {change.after}"
    return f"{words}（{before or change.before} → {after or change.after}）" if before or after else words


def _money(count: DecisionCount, sep: str = ", ") -> str:
    """``supply_subsidy_total -7,239,600.00``: each money output's differences summed over the decision's cases."""
    return sep.join(f"{name} {total:+,.2f}" for name, total in sorted(count.money.items()))


def _rule_state(s: str | None) -> str:
    return s if s is not None else "(absent)"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
