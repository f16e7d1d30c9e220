"""The impact of a policy change over test cases: every case evaluated under both compiled versions, and each
one whose outcome, rule outcomes or outputs move, with money differences (``case_impact(old, new, cases)``). Each
side is evaluated against its own input schema: a field only the other version knows is set aside for that side
and listed (set_aside.py); a case that cannot be decided under one of the versions is counted and listed apart,
outside the money totals — never left out silently."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .display import display
from .errors import WQError
from .set_aside import evaluate_beside

if TYPE_CHECKING:
    from .cases import Case
    from .policy import Policy


@dataclass
class OutputChange:
    name: str
    kind: str | None
    before: Any  # JSON form (money as "1500000.00"); None = unknown
    after: Any

    @property
    def difference(self) -> Decimal | None:
        """after - before, for money outputs known on both sides."""
        if self.kind != "money" or not _is_amount(self.before) or not _is_amount(self.after):
            return None
        return Decimal(self.after) - Decimal(self.before)

    def text(self) -> str:
        out = f"{self.name}: {_value_text(self.before, self.kind)} → {_value_text(self.after, self.kind)}"
        diff = self.difference
        return out + (f" ({diff:+,.2f})" if diff is not None else "")

    def to_json(self) -> dict:
        diff = self.difference
        return {
            "name": self.name,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
            "difference": format(diff, "f") if diff is not None else None,
        }


@dataclass
class CaseChange:
    """One case whose result differs. ``before``/``after`` are outcome words or ``error WQ-…``;
    rules are (id, before, after) with None for a rule absent in that version; ``aside_before`` /
    ``aside_after``: the input fields set aside for that side (only the other version knows them)."""

    case: str
    decision: str
    before: str
    after: str
    rules: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    aside_before: tuple = ()
    aside_after: tuple = ()

    @property
    def outcome_changed(self) -> bool:
        return self.before != self.after

    @property
    def both(self) -> bool:
        """Decided under both versions (its money counts in the totals)."""
        return _decided(self.before) and _decided(self.after)

    def to_json(self) -> dict:
        return {
            "case": self.case,
            "decision": self.decision,
            "before": self.before,
            "after": self.after,
            "rules": [{"id": r, "before": b, "after": a} for r, b, a in self.rules],
            "outputs": [o.to_json() for o in self.outputs],
            "set_aside": {"before": list(self.aside_before), "after": list(self.aside_after)},
        }


@dataclass
class SetAside:
    """Input fields of a case set aside under one version (``side``: before or after): only the other knows them."""

    case: str
    side: str
    fields: tuple

    def to_json(self) -> dict:
        return {"case": self.case, "side": self.side, "fields": list(self.fields)}


@dataclass
class DecisionCount:
    decision: str
    cases: int = 0
    changed: int = 0
    outcome_changed: int = 0
    outputs_changed: int = 0
    apart: int = 0  # cases not decided under both versions: counted, listed, outside the money totals
    money: dict = field(default_factory=dict)  # payout output -> the sum of its differences over the cases

    def to_json(self) -> dict:
        return {
            **{k: v for k, v in self.__dict__.items() if k != "money"},
            "money": {name: format(total, "f") for name, total in sorted(self.money.items())},
        }


@dataclass
class Impact:
    cases: int
    counts: list  # DecisionCount, by decision name
    changed: list  # CaseChange, by (decision, case)
    skipped: list  # cases written for another policy
    set_aside: list = field(default_factory=list)  # SetAside, by case: fields only the other version knows

    @property
    def apart(self) -> list:
        """The cases not decided under both versions (an input error or a fault under one): listed apart, counted,
        and outside the money totals."""
        return [c for c in self.changed if not c.both]

    def to_json(self) -> dict:
        return {
            "cases": self.cases,
            "changed": len(self.changed),
            "by_decision": [c.to_json() for c in self.counts],
            "cases_changed": [c.to_json() for c in self.changed],
            "skipped": list(self.skipped),
            "apart": [c.case for c in self.apart],
            "set_aside": [a.to_json() for a in self.set_aside],
        }


def case_impact(old_policy: Policy, new_policy: Policy, cases: list[Case], base: Path | None = None) -> Impact:
    """Evaluate each case (``cases.Case``) under both compiled policies; expectations are not consulted.

    A case written for another policy (its ``policy`` names neither) is skipped. Case names are shown
    relative to ``base`` (default: the working folder) when they lie under it.
    """
    base = (base or Path.cwd()).resolve()
    counts: dict[str, DecisionCount] = {}
    changed, skipped, total, aside = [], [], 0, []
    ids = {old_policy.id, new_policy.id}
    seen = set()
    for case in sorted(cases, key=lambda c: str(c.path)):
        name = _case_name(case.path, base)
        if name in seen:
            continue  # the same file named twice (a folder and a file in it)
        seen.add(name)
        if case.policy and case.policy not in ids:
            skipped.append(name)
            continue
        total += 1
        before, after = _run(old_policy, case, new_policy), _run(new_policy, case, old_policy)
        aside += [SetAside(name, side, r.aside) for side, r in (("before", before), ("after", after)) if r.aside]
        decision = before.decision or after.decision or str(case.input.get("decision") or "?")
        count = counts.setdefault(decision, DecisionCount(decision))
        count.cases += 1
        change = _compare(name, decision, before, after)
        if change is not None:
            changed.append(change)
            count.changed += 1
            count.outcome_changed += change.outcome_changed
            count.outputs_changed += bool(change.outputs)
            if not change.both:
                count.apart += 1
                continue  # no money of a case undecided on one side: it is listed apart
            paid = _payouts(old_policy, decision) | _payouts(new_policy, decision)
            for o in change.outputs:  # amounts paid out only: no remaining cap, no investment figure, no total twice
                if o.difference is not None and o.name in paid:
                    count.money[o.name] = count.money.get(o.name, Decimal(0)) + o.difference
    changed.sort(key=lambda c: (c.decision, c.case))
    return Impact(total, [counts[k] for k in sorted(counts)], changed, sorted(skipped), aside)


@dataclass
class _Result:
    decision: str | None
    state: str  # outcome word, or "error WQ-…"
    rules: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)  # name -> (kind, JSON value)
    aside: tuple = ()  # input fields set aside: only the other version knows them


def _run(policy: Policy, case: Case, other: Policy) -> _Result:
    try:
        rec, aside = evaluate_beside(policy, None, case.input, [other], input_name=str(case.path))
    except WQError as e:
        return _Result(None, "error " + ", ".join(sorted({d.code for d in e.diagnostics})))
    outputs = {n: (*rec.output_kinds[n], rec.output(n)) for n in rec.outputs}
    outputs.update({n: (rec.output_kinds.get(n, (None,))[0], None, "error") for n in rec.output_errors})
    return _Result(rec.decision, rec.outcome, rec.rule_outcomes(), outputs, aside)


def _compare(name: str, decision: str, a: _Result, b: _Result) -> CaseChange | None:
    rules = [
        (rid, a.rules.get(rid), b.rules.get(rid))
        for rid in sorted(set(a.rules) | set(b.rules))
        if a.rules.get(rid) != b.rules.get(rid)
    ]
    outputs = []
    for out in sorted(set(a.outputs) | set(b.outputs)):
        ka, fa, va = a.outputs.get(out, (None, None, None))
        kb, fb, vb = b.outputs.get(out, (None, None, None))
        if out in a.outputs and out in b.outputs and va == vb:
            continue
        if _same_rows(va, vb):  # a list of records: the fields that changed, each with its own kind
            fields = fb or fa or {}
            outputs += [
                OutputChange(f"{out}[{i}].{k}", fields.get(k), x.get(k), y.get(k))
                for i, (x, y) in enumerate(zip(va, vb))
                for k in sorted(set(x) | set(y), key=str)
                if x.get(k) != y.get(k)
            ]
        else:
            outputs.append(OutputChange(out, kb or ka, va, vb))
    if a.state == b.state and not rules and not outputs:
        return None
    return CaseChange(name, decision, a.state, b.state, rules, outputs, a.aside, b.aside)


def _decided(state: str) -> bool:
    """Whether an outcome state is a decision (not ``error`` nor an input error ``error WQ-…``)."""
    return not state.startswith("error")


def _same_rows(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are lists of records, as many on each side."""
    return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(isinstance(x, dict) for x in a + b)


def _payouts(policy, decision: str) -> set[str]:
    """The outputs of ``decision`` that the policy declares paid out (``payout: true``)."""
    model = getattr(policy, "model", None)  # a stand-in that only evaluates (as a test's) declares none
    d = model.decisions.get(decision) if model is not None else None
    return {name for name, o in d.outputs.items() if o.payout} if d is not None else set()


def _case_name(path: Path, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(base).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _value_text(v: Any, kind: str | None) -> str:
    if v is None:
        return "unknown"
    if kind == "money" and _is_amount(v):
        return f"{Decimal(v):,.2f}"
    if kind == "ratio" and _is_amount(v):
        return display(Decimal(str(v)), "ratio")
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return str(v).lower() if isinstance(v, bool) else str(v)


def _is_amount(v: Any) -> bool:
    if isinstance(v, bool) or v is None:
        return False
    try:
        return Decimal(str(v)).is_finite()
    except ArithmeticError:
        return False
