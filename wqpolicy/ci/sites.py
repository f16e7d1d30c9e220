"""Where a policy version branches, compares and reads, found in its decisions' compiled expressions: every `and`,
`or`, `if`, comparison and `is unknown` / `is known` test as the Site an observing runner reports there
(codegen.site_of), with the item it is written in and that item's clause; for a comparison with a threshold
parameter, the threshold's side and the smallest unit of its kind; every read of a parameter and every use of a
definition with the branch that guards it; every `at(parameter, date)`. Coverage and mutation both start from this
map; nothing in it is listed by hand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import ast
from ..codegen import site_of
from ..context import Site
from ..display import display
from ..model import Decision, Definition, Expr, PolicyVersion, Text
from ..values import Duration

ORDERING = frozenset({"<", "<=", ">", ">="})
COMPARISONS = ORDERING | {"==", "!=", "in", "not in"}

# The smallest unit of each kind of quantity a threshold is stated in (units of measure, not numbers of any
# policy): a fen for money, one hundredth of a percentage point for a ratio, one for a count, one of the
# parameter's own unit (one m²) for another number, one day for a duration. A derived ratio can take values
# between any two; "one unit below" a ratio threshold is therefore a window: from the threshold less one unit up
# to the threshold (see README, Coverage).
MONEY_UNIT = Decimal("0.01")
RATIO_UNIT = Decimal("0.0001")


@dataclass(frozen=True)
class Unit:
    """The smallest step of a quantity: ``step`` (a Decimal; days for dates and durations), its ``kind`` and how
    it is said."""

    step: Decimal
    kind: str  # money | ratio | integer | number | days
    zh: str
    en: str


MONEY = Unit(MONEY_UNIT, "money", "0.01 元（1 分）", "0.01 yuan (one fen)")
RATIO = Unit(RATIO_UNIT, "ratio", "0.01 个百分点", "0.01 percentage point")
COUNT = Unit(Decimal(1), "integer", "1", "1")
DAY = Unit(Decimal(1), "days", "1 天", "one day")


def parameter_unit(version: PolicyVersion, name: str) -> Unit | None:
    """The unit a numeric or duration parameter moves by, from its declared type (and `unit:`); None for a
    parameter of another kind (text, list, mapping, truth, date)."""
    p = version.parameters[name]
    kind = p.kind
    if kind is None or kind not in ("money", "ratio", "integer", "number", "duration"):
        if isinstance(p.value, bool):
            return None
        kind = (
            "integer"
            if isinstance(p.value, int)
            else "number"
            if isinstance(p.value, Decimal)
            else "duration"
            if isinstance(p.value, Duration)
            else None
        )
    if kind == "money":
        return MONEY
    if kind == "ratio":
        return RATIO
    if kind == "integer":
        return COUNT
    if kind == "duration":
        return DAY
    if kind == "number":
        raw = (version.raw.get("parameters") or {}).get(name)
        unit = raw.get("unit") if isinstance(raw, dict) else None
        said = {"m2": "m²"}.get(str(unit), str(unit)) if unit else ""
        return Unit(Decimal(1), "number", f"1 {said}".strip(), f"1 {said}".strip())
    return None


@dataclass(frozen=True)
class Owner:
    """The item an expression is written in: a ``rule`` (by id), a ``definition`` (``decision`` None for one of
    the policy, shared by its decisions), an ``output`` or the ``outcome`` steps of a decision (``name`` is then
    the decision's). ``clause``: the item's own, or for outcome steps the clause the clause map files the decision
    under."""

    kind: str
    name: str
    decision: str | None
    clause: str | None

    @property
    def key(self) -> str:
        where = f"{self.decision}." if self.decision and self.kind in ("output", "definition") else ""
        return f"{self.kind} {where}{self.name}"


@dataclass(frozen=True)
class Threshold:
    """A comparison of a quantity with a threshold parameter: ``side`` is the operand holding the threshold (0
    left, 1 right), ``parameter`` its name, ``unit`` the smallest step of its kind, ``measured`` the other
    operand's text, ``limit`` the threshold operand's, and ``floor`` the least value the measured side can take,
    where known (a count is never below 0; an input field's schema `minimum`)."""

    side: int
    parameter: str
    unit: Unit
    measured: str
    limit: str
    floor: Decimal | None = None


@dataclass(frozen=True)
class Locator:
    """Where an expression sits in a policy version, for a mutant to find it: ``kind`` rule | definition |
    output | step; ``decision`` (None for a rule, found in every decision that evaluates it, and for a policy
    definition); ``name`` the rule id, definition or output name, or the step's index; ``part`` the piece of a
    per-item definition (("expr",) for a whole one)."""

    kind: str
    decision: str | None
    name: str | int
    part: tuple = ("expr",)


@dataclass
class SiteInfo:
    """One site: the Site, its ``owner`` item, the ``decisions`` that evaluate it, its ``threshold`` (a
    comparison with a threshold parameter), and where its node is (``locator``, ``pos``, ``end``)."""

    site: Site
    owner: Owner
    threshold: Threshold | None
    locator: Locator
    pos: int
    end: int
    decisions: set[str] = field(default_factory=set)


@dataclass
class AtSite:
    """An `at(parameter, date)`: the value of ``parameter`` in force on a date, where it is (``locator``, ``pos``,
    ``end``, ``span``, its ``text``), the item it is written in and the decisions that evaluate it."""

    parameter: str
    owner: Owner
    locator: Locator
    pos: int
    end: int
    span: Any
    text: str
    decisions: set[str] = field(default_factory=set)


# A guard says when a piece of an expression is evaluated: ("item", owner key) whenever its item is; ("site",
# Site, side) when that site was passed with that side evaluated — left (and/or, comparison), right (only when
# the left did not settle it), cond, then (the condition true), else (false), true (the site came out true: an
# aggregate's filter) —; ("definition", key) whenever that definition is.
Guard = tuple
DefKey = tuple  # (decision or None, name)


@dataclass
class PolicyMap:
    """Every site, parameter read and definition use of one policy version's decisions."""

    version: PolicyVersion
    sites: dict[Site, SiteInfo] = field(default_factory=dict)
    reads: dict[str, set[Guard]] = field(default_factory=dict)  # parameter -> guards of its reads
    uses: dict[DefKey, set[Guard]] = field(default_factory=dict)  # definition -> guards of its uses
    definitions: dict[DefKey, Owner] = field(default_factory=dict)
    owners: dict[str, Owner] = field(default_factory=dict)  # owner key -> owner, in policy order
    decisions_of: dict[str, set[str]] = field(default_factory=dict)  # owner key or parameter -> decisions
    readers: dict[str, set[str]] = field(default_factory=dict)  # parameter -> the owner keys of the items reading it
    transitions: dict[tuple, AtSite] = field(default_factory=dict)  # (locator, pos) -> each `at(parameter, date)`

    @property
    def ref(self) -> str:
        return self.version.ref

    def parameter_sites(self, name: str) -> list[SiteInfo]:
        """The threshold comparisons that compare with parameter ``name``."""
        return [s for s in self.sites.values() if s.threshold is not None and s.threshold.parameter == name]


def policy_map(version: PolicyVersion) -> PolicyMap:
    """The map of ``version``: walks each decision's rules, outcome steps and outputs, and the definitions they
    use, in the order the policy states them."""
    m = PolicyMap(version)
    for dname, decision in version.decisions.items():
        _Walk(m, version, dname, decision).run()
    return m


class _Walk:
    def __init__(self, m: PolicyMap, version: PolicyVersion, dname: str, decision: Decision):
        self.m, self.version, self.dname, self.decision = m, version, dname, decision
        self.defs: dict[str, Definition] = {**version.definitions, **decision.definitions}
        self.done: set[DefKey] = set()

    def run(self) -> None:
        d, dname = self.decision, self.dname
        for rule in d.rules:
            owner = self._owner(Owner("rule", rule.id, None, rule.clause))
            self._expr(rule.condition, ("item", owner.key), owner, Locator("rule", None, rule.id))
        outcome = self._owner(Owner("outcome", dname, dname, self._decision_clause()))
        for i, step in enumerate(d.outcome):
            if step.when is not None:
                self._expr(step.when, ("item", outcome.key), outcome, Locator("step", dname, i))
        for name, o in d.outputs.items():
            owner = self._owner(Owner("output", name, dname, o.clause))
            self._expr(o.expr, ("item", owner.key), owner, Locator("output", dname, name))

    def _decision_clause(self) -> str | None:
        for clause, entry in self.version.clause_map.items():
            if isinstance(entry, list) and self.dname in entry:
                return str(clause)
        return None

    def _owner(self, owner: Owner) -> Owner:
        self.m.owners.setdefault(owner.key, owner)
        self.m.decisions_of.setdefault(owner.key, set()).add(self.dname)
        return self.m.owners[owner.key]

    def _defkey(self, name: str) -> DefKey:
        return (self.dname, name) if name in self.decision.definitions else (None, name)

    def _definition(self, name: str) -> None:
        key = self._defkey(name)
        if key in self.done:
            return
        self.done.add(key)
        d = self.defs[name]
        owner = self._owner(Owner("definition", name, key[0], d.clause))
        self.m.definitions[key] = owner
        guard = ("definition", key)
        if d.each is None:
            if d.expr is not None:
                self._expr(d.expr, guard, owner, Locator("definition", key[0], name))
            return
        each = d.each
        loc = Locator("definition", key[0], name)
        self._expr(each.source, guard, owner, _part(loc, "source"))
        local = {each.var}
        if each.order_by is not None:
            self._expr(each.order_by, guard, owner, _part(loc, "order_by"), local)
        for cname, (start, _) in each.carry.items():
            self._expr(start, guard, owner, _part(loc, "carry", cname, 0))
        local |= set(each.carry)
        for fname, e in each.fields.items():
            self._expr(e, guard, owner, _part(loc, "fields", fname), local)
            local = local | {fname}
        for cname, (_, nxt) in each.carry.items():
            self._expr(nxt, guard, owner, _part(loc, "carry", cname, 1), local)

    def _expr(self, expr: Expr | None, guard: Guard, owner: Owner, loc: Locator, local: set[str] | None = None) -> None:
        if expr is None:  # an expression that did not parse: the policy does not load, so nothing runs it
            return
        self._visit(expr.node, guard, owner, loc, expr, frozenset(local or ()))

    def _site(self, n: ast.Node, kind: str, owner: Owner, loc: Locator, expr: Expr, local: frozenset) -> Site:
        site = site_of(n, kind, expr)
        info = self.m.sites.get(site)
        if info is None:
            threshold = self._threshold(n, expr, local) if kind == "compare" else None
            info = self.m.sites[site] = SiteInfo(site, owner, threshold, loc, n.pos, n.end)
        info.decisions.add(self.dname)
        return site

    def _visit(self, n: ast.Node, guard: Guard, owner: Owner, loc: Locator, expr: Expr, local: frozenset) -> None:
        visit = self._visit
        if isinstance(n, ast.Binary) and n.op in ("and", "or", *COMPARISONS):
            site = self._site(n, n.op if n.op in ("and", "or") else "compare", owner, loc, expr, local)
            visit(n.left, ("site", site, "left"), owner, loc, expr, local)
            visit(n.right, ("site", site, "right"), owner, loc, expr, local)
        elif isinstance(n, ast.IsKnown):  # `x is unknown`: a branch of its own, true or false
            self._site(n, "known", owner, loc, expr, local)
            visit(n.subject, guard, owner, loc, expr, local)
        elif isinstance(n, ast.If):
            site = self._site(n, "if", owner, loc, expr, local)
            visit(n.cond, ("site", site, "cond"), owner, loc, expr, local)
            visit(n.then, ("site", site, "then"), owner, loc, expr, local)
            visit(n.other, ("site", site, "else"), owner, loc, expr, local)
        elif isinstance(n, ast.Aggregate):
            visit(n.source, guard, owner, loc, expr, local)
            inner = local | {n.var}
            element_guard = guard
            if n.cond is not None:
                visit(n.cond, guard, owner, loc, expr, inner)
                if _is_site(n.cond):
                    element_guard = ("site", site_of(n.cond, _kind(n.cond), expr), "true")
            visit(n.element, element_guard, owner, loc, expr, inner)
        elif isinstance(n, ast.Call) and n.func == "at" and len(n.args) == 2 and isinstance(n.args[0], ast.Name):
            key = (loc, n.pos)
            found = self.m.transitions.get(key)
            if found is None:
                start = ast.start(n)
                found = self.m.transitions[key] = AtSite(
                    n.args[0].name, owner, loc, n.pos, n.end, expr.span(start, n.end - start), _text(expr, n)
                )
            found.decisions.add(self.dname)
            for c in n.args:
                visit(c, guard, owner, loc, expr, local)
        elif isinstance(n, ast.Name):
            name = n.name
            if name in local:
                return
            if name in self.defs:
                self.m.uses.setdefault(self._defkey(name), set()).add(guard)
                self._definition(name)
            elif name in self.version.parameters:
                self.m.reads.setdefault(name, set()).add(guard)
                self.m.decisions_of.setdefault(name, set()).add(self.dname)
                self.m.readers.setdefault(name, set()).add(owner.key)
        else:
            for c in ast.children(n):
                visit(c, guard, owner, loc, expr, local)

    # -- thresholds -----------------------------------------------------------------------------------
    def _threshold(self, n: ast.Node, expr: Expr, local: frozenset) -> Threshold | None:
        assert isinstance(n, ast.Binary)
        if n.op not in ORDERING:
            return None
        operands = (n.left, n.right)
        chosen = None
        for side in (1, 0):  # a parameter on its own first (`x >= min_x`), the right side first
            operand = operands[side]
            if isinstance(operand, ast.Name) and self._numeric_parameter(operand.name, local):
                chosen = (side, operand.name)
                break
        if chosen is None:
            for side in (1, 0):  # else a parameter inside one side (`p.used_on + settlement_window`)
                names = [
                    x.name
                    for x in ast.walk(operands[side])
                    if isinstance(x, ast.Name) and self._numeric_parameter(x.name, local)
                ]
                if names:
                    chosen = (side, names[0])
                    break
        if chosen is None:
            return None
        side, name = chosen
        unit = parameter_unit(self.version, name)
        assert unit is not None
        measured, limit = operands[1 - side], operands[side]
        return Threshold(side, name, unit, _text(expr, measured), _text(expr, limit), self._floor(measured, local))

    def _numeric_parameter(self, name: str, local: frozenset) -> bool:
        return (
            name not in local
            and name not in self.defs
            and name in self.version.parameters
            and parameter_unit(self.version, name) is not None
        )

    def _floor(self, n: ast.Node, local: frozenset) -> Decimal | None:
        """The least value ``n`` can take, where it is plainly known: a count (len, count, rules.*) is never
        below 0; an input field's schema may say its `minimum`."""
        if isinstance(n, ast.Call) and n.func in ("len", "count"):
            return Decimal(0)
        if isinstance(n, ast.Aggregate) and n.func in ("len", "count"):
            return Decimal(0)
        path = []
        while isinstance(n, ast.Field):
            path.append(n.name)
            n = n.subject
        if not isinstance(n, ast.Name) or n.name in local or n.name in self.defs or n.name in self.version.parameters:
            return None
        if n.name == "rules" and len(path) == 1:
            return Decimal(0)
        schema = _field_schema(self.decision.input_schema, [n.name, *reversed(path)])
        minimum = schema.get("minimum") if schema else None
        return Decimal(str(minimum)) if isinstance(minimum, (int, Decimal)) and not isinstance(minimum, bool) else None


def _text(expr: Expr, n: ast.Node) -> str:
    return expr.text[ast.start(n) : n.end]


def _part(loc: Locator, *part: Any) -> Locator:
    return Locator(loc.kind, loc.decision, loc.name, tuple(part))


def _is_site(n: ast.Node) -> bool:
    return isinstance(n, (ast.If, ast.IsKnown)) or (isinstance(n, ast.Binary) and n.op in ("and", "or", *COMPARISONS))


def _kind(n: ast.Node) -> str:
    if isinstance(n, ast.If):
        return "if"
    if isinstance(n, ast.IsKnown):
        return "known"
    assert isinstance(n, ast.Binary)
    return n.op if n.op in ("and", "or") else "compare"


def _field_schema(schema: Any, path: list[str]) -> dict | None:
    """The JSON Schema of the field at ``path`` (top-level field first) of an input schema, following local
    `$ref`s; None where it is not plainly declared."""
    root = schema
    node = schema
    for name in path:
        node = _deref(root, node)
        props = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(props, dict) or name not in props:
            return None
        node = props[name]
    node = _deref(root, node)
    return node if isinstance(node, dict) else None


def _deref(root: Any, node: Any) -> Any:
    for _ in range(20):  # a chain of local references, bounded (an engine setting)
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return node
        target = root
        for key in ref[2:].split("/"):
            target = target.get(key) if isinstance(target, dict) else None
        node = target
    return node


def delta(threshold: Threshold, operands: tuple) -> Decimal | None:
    """How far the measured side of a threshold comparison lies from the threshold, in the threshold's terms
    (positive: above it), from the operands a recorder was given; None when either is not a known number or
    date."""
    if len(operands) != 2:
        return None
    measured, limit = operands[1 - threshold.side], operands[threshold.side]
    if isinstance(measured, datetime.date) and isinstance(limit, datetime.date):
        return Decimal((measured - limit).days)
    if _number(measured) and _number(limit):
        return Decimal(measured) - Decimal(limit)
    return None


def _number(v: Any) -> bool:
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


def position(d: Decimal, threshold: Threshold) -> str | None:
    """``at`` the threshold, within one unit ``below`` or ``above`` it, or None (farther away)."""
    step = threshold.unit.step
    if d == 0:
        return "at"
    if -step <= d < 0:
        return "below"
    if 0 < d <= step:
        return "above"
    return None


def boundary_case(t: Threshold, value: Any, where: str) -> Text:
    """The case to add to exercise a threshold comparison ``where`` (at, below or above the threshold ``value``,
    the parameter's value in the version; None where the threshold is more than the parameter, as a date plus a
    duration), in Chinese and English. One unit below or above a ratio is a window: any value within one unit."""
    step, unit = t.unit.step, t.unit
    if value is None or not isinstance(value, (int, Decimal)) or isinstance(value, bool):
        if unit.kind == "days":
            zh = {"at": "恰好是", "below": "早 1 天于", "above": "晚 1 天于"}[where]
            en = {"at": "exactly", "below": "one day before", "above": "one day after"}[where]
        else:
            zh = {"at": "恰好等于", "below": f"小 {unit.zh} 于", "above": f"大 {unit.zh} 于"}[where]
            en = {"at": "exactly", "below": f"{unit.en} below", "above": f"{unit.en} above"}[where]
        return Text(
            f"补充一个案例：`{t.measured}` {zh} `{t.limit}`", f"add a case where `{t.measured}` is {en} `{t.limit}`"
        )
    kind = "ratio" if unit.kind == "ratio" else None
    at = Decimal(value)
    target = {"at": at, "below": at - step, "above": at + step}[where]
    if unit.kind == "ratio" and where != "at":
        low, high = sorted((at, target))
        rng = (
            f"[{display(low, kind)}, {display(high, kind)})"
            if where == "below"
            else f"({display(low, kind)}, {display(high, kind)}]"
        )
        return Text(f"补充一个案例：`{t.measured}` 落在 {rng} 之内", f"add a case where `{t.measured}` lies in {rng}")
    shown = display(target, kind)
    return Text(f"补充一个案例：`{t.measured}` = {shown}", f"add a case where `{t.measured}` = {shown}")
