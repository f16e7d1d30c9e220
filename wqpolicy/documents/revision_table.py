"""A revision as a memo table (修订对照表): per change of the policy, 条款 / 原规定 / 新规定 / 说明, in words an
officer pastes into the memo to the bureau head — built from the policy diff (diff.py) — and, when cases were
evaluated under both versions, their impact (impact.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..content_hash import SHORT
from ..diff import Change, Diff
from ..diff_report import kind_zh
from ..display import display
from ..model import PolicyVersion
from .policy_table import ItemWords, plain_clause

NONE = "（无）"


@dataclass(frozen=True)
class RevisionRow:
    clause: str
    clause_text: str
    before: str
    after: str
    note: str
    kind: str


@dataclass(frozen=True)
class ImpactCount:
    decision: str
    cases: int
    changed: int
    outcome_changed: int
    outputs_changed: int
    money: str


@dataclass(frozen=True)
class ImpactCase:
    case: str
    decision: str
    outcome: str
    rules: list[str]
    outputs: list[str]


@dataclass(frozen=True)
class RevisionTable:
    title: str
    old_ref: str
    new_ref: str
    old_effective: str
    new_effective: str
    old_hash: str
    new_hash: str
    rows: list[RevisionRow]
    impact_summary: str | None = None
    counts: list[ImpactCount] = field(default_factory=list)
    cases: list[ImpactCase] = field(default_factory=list)


def _effective(v: PolicyVersion) -> str:
    start = v.effective_from.isoformat() if v.effective_from else "?"
    ends = v.ends_on or v.effective_until  # a version without its own end ends where the next one starts
    end = ends.isoformat() if ends else "…"
    return f"{start} – {end}"


class _Words:
    """A change's before and after in words, from the two versions' items."""

    def __init__(self, old, new):
        self.old, self.new = ItemWords(old), ItemWords(new)

    def side(self, words: ItemWords, change: Change, value: Any) -> str:
        if value is None:
            return NONE
        path = change.path
        what = change.kind.partition(".")[0]
        if what == "parameter" and path.count(".") == 1:
            item = words.item(path.split(".", 1)[1])
            if item is not None:
                return f"{item.label}：{item.value}"
        if what == "item":
            key = path.rpartition("[")[2].rstrip("]") if path.endswith("]") else path.rsplit(".", 1)[1]
            vocab = words._any_vocab()
            label = vocab.code_label(key) if vocab is not None else None
            if isinstance(value, dict) and isinstance(value.get("zh"), str):
                return f"{value['zh']}（{key}）"
            if change.kind == "item.moved":
                param = words.model.parameters.get(str(value))
                where = param.label.zh if param is not None and param.label else str(value)
                return f"{label.zh if label else key}：属于“{where}”"
            return f"{label.zh if label else key}（{key}）" if label else str(display(value))
        if what in ("rule", "output", "definition") and path.startswith(("decisions.", "definitions.")):
            name = _item_name(path)
            item = words.item(name) if name else None
            if item is not None:
                return f"{item.label}：{item.sentence}（{item.expression}）" if item.sentence else item.label
        if what == "input" and change.label is not None and change.kind != "input.changed":
            return f"{change.label.zh}（{value}）"
        if what == "input":
            return {"required": "必填", "optional": "选填"}.get(str(value), str(value))
        if isinstance(value, dict) and "zh" in value:
            return str(value["zh"])
        if isinstance(value, list):
            return "、".join(str(x) for x in value)
        return str(value)

    def row(self, change: Change, new_model, old_model=None) -> RevisionRow:
        before = self.side(self.old, change, change.before)
        after = self.side(self.new, change, change.after)
        clause = change.clause or ""
        note = kind_zh(change.kind)
        name = _item_name(change.path)
        item = self.new.item(name) if name and change.after is not None else None
        if change.label is not None:
            note += f"：{change.label.zh}"
        elif item is not None:
            note += f"：{item.label}"
        if item is not None and item.note and change.kind.endswith(".added"):
            note += f"。解释：{item.note}"
        text = new_model.clauses.get(clause) or (old_model.clauses.get(clause, "") if old_model is not None else "")
        return RevisionRow(clause, plain_clause(text), before, after, note, change.kind)


def _item_name(path: str) -> str | None:
    """The item a change's path names: a parameter, a rule id, decision.output, a definition."""
    parts = path.split(".")
    if parts[0] == "parameters" and len(parts) >= 2:
        return parts[1].split("[")[0]
    if parts[0] == "definitions" and len(parts) >= 2:
        return parts[1]
    if parts[0] == "decisions" and len(parts) >= 4 and parts[2] == "rules":
        return ".".join(parts[3:5]) if len(parts) >= 5 else parts[3]
    if parts[0] == "decisions" and len(parts) >= 4 and parts[2] == "outputs":
        return f"{parts[1]}.{parts[3]}"
    if parts[0] == "decisions" and len(parts) >= 4 and parts[2] == "definitions":
        return parts[3]
    return None


def build_revision_table(old, new, diff: Diff) -> RevisionTable:
    """The 修订对照表 of ``diff`` between two loaded Policies ``old`` and ``new``."""
    words = _Words(old, new)
    rows = [words.row(c, new.model, old.model) for c in diff.changes]
    title = new.model.title.zh if new.model.title else new.model.id
    table = RevisionTable(
        title,
        old.model.ref,
        new.model.ref,
        _effective(old.model),
        _effective(new.model),
        old.content_hash[:SHORT],
        new.content_hash[:SHORT],
        rows,
    )
    impact = diff.impact
    if impact is None:
        return table
    counts = [
        ImpactCount(
            _decision(new, old, c.decision),
            c.cases,
            c.changed,
            c.outcome_changed,
            c.outputs_changed,
            "；".join(f"{_output_label(new, c.decision, n)} {t:+,.2f} 元" for n, t in sorted(c.money.items())),
        )
        for c in impact.counts
    ]
    cases = [
        ImpactCase(
            ch.case,
            _decision(new, old, ch.decision),
            _outcome(new, old, ch),
            [f"{r}: {x or '（无）'} → {y or '（无）'}" for r, x, y in ch.rules],
            [o.text() for o in ch.outputs],
        )
        for ch in impact.changed
    ]
    summary = f"{impact.cases} 个案例中 {len(impact.changed)} 个有变化"
    return RevisionTable(**{**table.__dict__, "impact_summary": summary, "counts": counts, "cases": cases})


def _decision(new, old, name: str) -> str:
    d = new.model.decisions.get(name) or old.model.decisions.get(name)
    return f"{d.label.zh}（{name}）" if d is not None and d.label is not None else name


def _output_label(policy, decision: str, name: str) -> str:
    d = policy.model.decisions.get(decision)
    o = d.outputs.get(name) if d is not None else None
    return o.label.zh if o is not None and o.label is not None else name


def _outcome(new, old, change) -> str:
    def zh(policy, word):
        d = policy.model.decisions.get(change.decision)
        label = d.outcome_labels.get(word) if d is not None and word is not None else None
        return label.zh if label is not None else word

    if not change.outcome_changed:
        return f"{zh(new, change.after)}（不变）"
    return f"{zh(old, change.before)} → {zh(new, change.after)}"
