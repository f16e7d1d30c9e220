"""The policy as a document people read: a 条文对照表 — for each clause of the guideline, in its order, the clause's
text beside what encodes it (parameters with their values and units, rules read as Chinese sentences with the
expression beneath, definitions, outputs, the outcome logic, interpretation notes), and for a clause nothing
encodes, the reason the policy's clause map states."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..content_hash import SHORT
from ..model import PolicyVersion
from ..phrasing import Phrasing
from ..vocabulary import Vocabulary

_HEADING = re.compile(r"^(#{2,4})\s+(.*\S)\s*$")
_TAG = re.compile(r"\*\*\[([0-9]+(?:\.[0-9]+)*)\]\*\*")
_KINDS = {
    "parameter": "参数",
    "rule": "规则",
    "definition": "定义",
    "output": "输出",
    "decision": "决定",
    "metadata": "说明项",
}


@dataclass(frozen=True)
class Item:
    """One item that encodes a clause: ``kind`` (parameter, rule, …), its ``name`` in the policy, Chinese
    ``label``, ``value`` (a parameter's, with its unit) or ``sentence`` (an expression read in Chinese) with the
    ``expression`` as written, ``note`` (the interpretation written beside it) and where it applies."""

    kind: str
    name: str
    label: str
    value: str = ""
    sentence: str = ""
    expression: str = ""
    note: str = ""
    where: str = ""

    @property
    def kind_zh(self) -> str:
        return _KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class ClauseRow:
    clause: str
    text: str
    headings: list[str]  # the guideline headings that open before this clause
    items: list[Item]
    reason: str | None  # why nothing encodes it (not_computable)


@dataclass(frozen=True)
class PolicyTable:
    title: str
    ref: str
    version: str
    effective: str
    content_hash: str
    note: str
    rows: list[ClauseRow] = field(default_factory=list)


def plain_clause(text: str | None) -> str:
    """A clause's text without the source's Markdown emphasis (``**30%**`` → ``30%``)."""
    return (text or "").replace("**", "")


def guideline_headings(version: PolicyVersion) -> dict[str, list[str]]:
    """Clause id -> the headings of the source document that come right before it (## 一、总则, ### （一）…)."""
    source = (version.raw.get("source") or {}).get("document") if isinstance(version.raw, dict) else None
    if not source:
        return {}
    path = Path(version.file).parent / source
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    out: dict[str, list[str]] = {}
    pending: list[str] = []
    for line in text.splitlines():
        m = _HEADING.match(line)
        if m and not line.startswith("# "):
            pending.append(m.group(2))
            continue
        tag = _TAG.search(line)
        if tag:
            out[tag.group(1)] = pending
            pending = []
    return out


def _effective(v: PolicyVersion) -> str:
    start = v.effective_from.isoformat() if v.effective_from else "?"
    ends = v.ends_on or v.effective_until  # a version without its own end ends where the next one starts
    return f"{start} 起 – 至今" if ends is None else f"{start} – {ends.isoformat()}"


class ItemWords:
    """Words for the items of one policy version: each expression read in the scope of a decision that has it."""

    def __init__(self, policy):
        self.policy = policy
        self.model = policy.model
        self.vocabs = {name: _vocab(policy, name) for name in self.model.decisions}

    def _phrase(self, expr, decisions: list[str]) -> str:
        best = ""
        for name in decisions or list(self.vocabs):
            words = Phrasing(self.vocabs[name]).sentence(expr)
            if "「" not in words:
                return words
            best = best or words
        return best

    def _any_vocab(self) -> Vocabulary | None:
        return next(iter(self.vocabs.values()), None)

    def item(self, name: str) -> Item | None:
        m = self.model
        if name in m.parameters:
            p = m.parameters[name]
            vocab = self._any_vocab()
            value = vocab.show(name, p.value) if vocab is not None else str(p.value)
            return Item("parameter", name, p.label.zh if p.label else name, value=value, note=p.note or "")
        for dname, d in m.decisions.items():
            for r in d.rules:
                if r.id == name:
                    where = "、".join(
                        self._decision_label(x)
                        for x, dd in m.decisions.items()
                        if any(rr.id == name for rr in dd.rules)
                    )
                    severity = "（提示，不影响结论）" if r.severity == "advise" else ""
                    return Item(
                        "rule",
                        name,
                        r.label.zh + severity,
                        sentence=self._phrase(r.condition, [dname]),
                        expression=r.condition.text,
                        note=r.note or "",
                        where=where,
                    )
        defs = dict(m.definitions)
        owners: dict[str, list[str]] = {}
        for dname, d in m.decisions.items():
            for n in d.definitions:
                defs.setdefault(n, d.definitions[n])
                owners.setdefault(n, []).append(dname)
        if name in defs:
            d = defs[name]
            label = d.label.zh if d.label else name
            if d.expr is not None:
                return Item(
                    "definition",
                    name,
                    label,
                    sentence=self._phrase(d.expr, owners.get(name, [])),
                    expression=d.expr.text,
                    note=d.note or "",
                )
            each = d.each
            return Item(
                "definition",
                name,
                label,
                sentence=f"对{self._phrase(each.source, owners.get(name, []))}逐项计算：{'、'.join(each.fields)}",
                expression=f"each {each.source.text} as {each.var}",
                note=d.note or "",
            )
        if "." in name and name.split(".")[0] in m.decisions:
            dname, _, oname = name.partition(".")
            o = m.decisions[dname].outputs.get(oname)
            if o is not None:
                return Item(
                    "output",
                    name,
                    o.label.zh if o.label else oname,
                    sentence=self._phrase(o.expr, [dname]),
                    expression=o.expr.text,
                    where=self._decision_label(dname),
                )
        if name in m.decisions:
            d = m.decisions[name]
            vocab = self.vocabs[name]
            steps = []
            for s in d.outcome:
                label = d.outcome_labels.get(s.outcome)
                word = label.zh if label else s.outcome
                when = f"若{Phrasing(vocab).sentence(s.when)}" if s.when is not None else "否则"
                steps.append(f"{when} → {word}")
            return Item(
                "decision",
                name,
                f"{self._decision_label(name)}的结论",
                sentence="；".join(steps),
                expression="; ".join(f"{s.when.text if s.when else 'otherwise'} → {s.outcome}" for s in d.outcome),
            )
        if name in m.metadata and isinstance(m.metadata[name], dict):
            meta = m.metadata[name]
            label = (meta.get("label") or {}).get("zh", name) if isinstance(meta.get("label"), dict) else name
            return Item("metadata", name, label, value=str(meta.get("value", "")), note=str(meta.get("note") or ""))
        return None

    def _decision_label(self, name: str) -> str:
        d = self.model.decisions[name]
        return f"{d.label.zh}（{name}）" if d.label else name


def _vocab(policy, name: str) -> Vocabulary:
    from ..vocabulary import vocabulary

    return vocabulary(policy, name)


def build_policy_table(policy) -> PolicyTable:
    """The 条文对照表 of a loaded Policy."""
    m: PolicyVersion = policy.model
    words = ItemWords(policy)
    headings = guideline_headings(m)
    cited: dict[str, list[str]] = {}
    for name, p in m.parameters.items():
        if p.clause:
            cited.setdefault(str(p.clause), []).append(name)
    for name, d in m.definitions.items():
        if d.clause:
            cited.setdefault(str(d.clause), []).append(name)
    for dname, decision in m.decisions.items():
        for r in decision.rules:
            cited.setdefault(str(r.clause), []).append(r.id)
        for oname, o in decision.outputs.items():
            if o.clause:
                cited.setdefault(str(o.clause), []).append(f"{dname}.{oname}")
    rows = []
    for clause, text in m.clauses.items():
        entry = m.clause_map.get(clause)
        reason = entry.get("not_computable") if isinstance(entry, dict) else None
        names = list(entry) if isinstance(entry, list) else []
        names += [n for n in cited.get(clause, []) if n not in names]
        items = [i for i in (words.item(str(n)) for n in dict.fromkeys(names)) if i is not None]
        rows.append(
            ClauseRow(clause, plain_clause(text), headings.get(clause, []), items, str(reason) if reason else None)
        )
    title = m.title.zh if m.title else m.id
    note = str((m.raw or {}).get("effective_note") or "")
    return PolicyTable(title, m.ref, m.version, _effective(m), policy.content_hash[:SHORT], note, rows)
