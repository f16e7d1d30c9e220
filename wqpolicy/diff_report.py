"""A ``Diff`` (diff.py) as text, JSON or Markdown for a pull request; the one place a diff is worded for people."""
from __future__ import annotations

import json

from .diff import Diff


def render_json(diff: Diff) -> str:
    data = {"old": _ref_json(diff.old), "new": _ref_json(diff.new),
            "changes": [c.to_json() for c in diff.changes],
            "impact": diff.impact.to_json() if diff.impact is not None else None}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_text(diff: Diff) -> str:
    lines = [f"Policy diff: {diff.old.ref} → {diff.new.ref}", f"Effective: {_effective(diff.old)} → "
             f"{_effective(diff.new)}", "", f"Policy changes ({len(diff.changes)}):"]
    lines += [f"  - {c.message}" for c in diff.changes] or ["  (none)"]
    lines.append("")
    impact = diff.impact
    if impact is None:
        lines.append("Case impact: no cases given (use --cases PATH)")
        return "\n".join(lines) + "\n"
    lines.append(f"Case impact: {len(impact.changed)} of {impact.cases} cases change")
    for c in impact.counts:
        lines.append(f"  {c.decision}: {c.cases} cases, {c.changed} changed (outcome {c.outcome_changed}, "
                     f"outputs {c.outputs_changed})")
    if impact.skipped:
        lines.append(f"  skipped {len(impact.skipped)} cases of other policies")
    for ch in impact.changed:
        lines += ["", f"  {ch.case} [{ch.decision}]", f"    outcome: {ch.before} → {ch.after}"
                  + ("" if ch.outcome_changed else " (unchanged)")]
        lines += [f"    rule {r}: {_rule_state(x)} → {_rule_state(y)}" for r, x, y in ch.rules]
        lines += [f"    output {o.text()}" for o in ch.outputs]
    return "\n".join(lines) + "\n"


def render_markdown(diff: Diff) -> str:
    """Markdown for a pull request: heading, table of policy changes, changed cases per decision, and a
    collapsible ``<details>`` per decision with one row per changed case."""
    lines = [f"## Policy diff: `{diff.old.ref}` → `{diff.new.ref}`", "",
             f"Effective: {_effective(diff.old)} → {_effective(diff.new)}", "",
             f"### Policy changes ({len(diff.changes)})", ""]
    if diff.changes:
        lines += ["| Change | Item | Clause | Description |", "|---|---|---|---|"]
        lines += [f"| {c.kind.replace('.', ' ')} | `{_md(c.path)}` | {c.clause or '—'} | {_md(c.message)} |"
                  for c in diff.changes]
    else:
        lines.append("No policy changes.")
    lines.append("")
    impact = diff.impact
    if impact is None:
        lines.append("_No cases given (`--cases PATH`): case impact not computed._")
        return "\n".join(lines) + "\n"
    lines += [f"### Case impact: {len(impact.changed)} of {impact.cases} cases change", ""]
    if impact.counts:
        lines += ["| Decision | Cases | Changed | Outcome changed | Outputs changed |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {c.decision} | {c.cases} | {c.changed} | {c.outcome_changed} | {c.outputs_changed} |"
                  for c in impact.counts]
        lines.append("")
    if impact.skipped:
        lines += [f"Skipped {len(impact.skipped)} cases of other policies.", ""]
    for count in impact.counts:
        rows = [c for c in impact.changed if c.decision == count.decision]
        if not rows:
            continue
        plural = "" if len(rows) == 1 else "s"
        lines += [f"<details><summary>{count.decision}: {len(rows)} changed case{plural}</summary>", "",
                  "| Case | Outcome | Rules | Outputs |", "|---|---|---|---|"]
        for c in rows:
            outcome = f"{c.before} → {c.after}" if c.outcome_changed else f"{c.after} (unchanged)"
            rules = "<br>".join(f"{r}: {_rule_state(x)} → {_rule_state(y)}" for r, x, y in c.rules) or "—"
            outs = "<br>".join(o.text() for o in c.outputs) or "—"
            lines.append(f"| `{_md(c.case)}` | {_md(outcome)} | {_md(rules)} | {_md(outs)} |")
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}


def _ref_json(model) -> dict:
    return {"id": model.id, "version": model.version,
            "effective_from": model.effective_from.isoformat() if model.effective_from else None,
            "effective_until": model.effective_until.isoformat() if model.effective_until else None}


def _effective(model) -> str:
    start = model.effective_from.isoformat() if model.effective_from else "?"
    end = model.effective_until.isoformat() if model.effective_until else "…"
    return f"{model.version} ({start} – {end})"


def _rule_state(s) -> str:
    return s if s is not None else "(absent)"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
