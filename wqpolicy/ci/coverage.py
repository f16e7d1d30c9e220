"""Coverage in the policy's own terms, over a corpus of cases: each rule seen pass, fail and unknown; each
outcome reached; each output known, unknown (and an amount above zero); each side of each `and`/`or` and each arm
of each `if` taken; each comparison true and false, and each comparison with a threshold parameter exercised at
the threshold and within one unit on each side of it; each definition used and each parameter read — per rule,
per output and per guideline clause, with the clauses no case reaches named.

Everything is derived from the compiled expressions (sites.policy_map) and what a recorder is told while the
cases run (context.Recorder); nothing is listed by hand."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from ..case_report import TestReport, run_cases
from ..cases import Case
from ..context import SKIPPED, Site
from ..display import display, excerpt
from ..model import PolicyVersion, Text
from ..policy import PathLike, Policy
from ..source import Span
from ..values import UNKNOWN
from .formats import shown_path
from .sites import Guard, Owner, PolicyMap, SiteInfo, Threshold, boundary_case, delta, policy_map, position

# Dimensions of coverage, in the order reports list them, with their names in Chinese and English.
DIMENSIONS = {
    "rule": ("规则结果", "rule outcomes"),
    "outcome": ("决定结论", "decision outcomes"),
    "output": ("输出", "outputs"),
    "branch": ("分支", "branches"),
    "boundary": ("阈值边界", "threshold boundaries"),
    "definition": ("定义", "definitions"),
    "parameter": ("参数读取", "parameters read"),
}


@dataclass(frozen=True)
class Goal:
    """One thing a case should make happen: ``name`` (pass, left true, at, read, …) of a ``dimension``,
    ``met_by`` the first case that did (None: no case), ``applicable`` False when no input can (one below a
    count of 0), and for a boundary not met, what to add (``suggestion``, Chinese and English)."""

    name: str
    dimension: str
    met_by: str | None = None
    applicable: bool = True
    suggestion: Text | None = None

    @property
    def met(self) -> bool:
        return self.met_by is not None


@dataclass
class SiteCoverage:
    """A site's goals; ``seen`` also holds what is worth knowing but is not a goal (an operand unknown, the
    right side skipped)."""

    info: SiteInfo
    goals: list[Goal]
    seen: dict[str, str]
    limit: str | None = None  # the threshold's value in this version, as people read it


@dataclass
class ItemCoverage:
    """A rule, output, decision outcome, definition or parameter: its own goals and its sites'."""

    kind: str
    name: str
    decision: str | None
    clause: str | None
    label: Text | None
    span: Span | None
    goals: list[Goal] = field(default_factory=list)
    sites: list[SiteCoverage] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # what was seen that is no goal (an output unknown)

    @property
    def key(self) -> str:
        where = f"{self.decision}." if self.decision and self.kind in ("output", "definition") else ""
        return f"{self.kind} {where}{self.name}"

    @property
    def reached(self) -> bool:
        """Whether a case reached what the item says: a rule decided (pass or fail), an output known, a decision
        run, a definition used, a parameter read."""
        wanted = {"rule": ("pass", "fail"), "output": ("known",), "definition": ("reached",), "parameter": ("read",)}
        names = wanted.get(self.kind)
        return any(g.met and (names is None or g.name in names) for g in self.goals)

    def all_goals(self) -> list[Goal]:
        return self.goals + [g for s in self.sites for g in s.goals]


@dataclass
class ClauseCoverage:
    """A guideline clause: ``status`` reached, unreached (no case reaches any of its items), unevaluated (no
    expression reads its items: a list of names, a procedure) or not_computable (the clause map says why)."""

    clause: str
    text: str
    status: str
    items: list[str]
    met: int
    total: int
    reason: str | None = None


@dataclass
class VersionCoverage:
    """Coverage of one policy version by the cases that ran under it."""

    ref: str
    cases: int
    items: list[ItemCoverage]
    clauses: list[ClauseCoverage]

    def goals(self) -> list[Goal]:
        return [g for item in self.items for g in item.all_goals() if g.applicable]

    def totals(self) -> dict[str, tuple[int, int]]:
        """dimension -> (met, total)."""
        out = {d: [0, 0] for d in DIMENSIONS}
        for g in self.goals():
            out[g.dimension][0] += g.met
            out[g.dimension][1] += 1
        return {d: (met, total) for d, (met, total) in out.items() if total}

    @property
    def unreached(self) -> list[ClauseCoverage]:
        return [c for c in self.clauses if c.status == "unreached"]


@dataclass
class CoverageReport:
    """What `wqpolicy test --coverage` found: per version; ``passed``/``failed`` the cases' own results."""

    versions: list[VersionCoverage]
    passed: int
    failed: int

    @property
    def met(self) -> int:
        return sum(g.met for v in self.versions for g in v.goals())

    @property
    def total(self) -> int:
        return sum(len(v.goals()) for v in self.versions)

    @property
    def percent(self) -> Decimal:
        """Goals met, in percent of all, cut (never rounded up) to one decimal: 99.96 is 99.9, not 100.0; 0 when
        no case ran under any version."""
        return percent(self.met, self.total) if self.versions else Decimal("0.0")


def percent(met: int, total: int) -> Decimal:
    if not total:
        return Decimal("100.0")
    return (Decimal(met * 100) / Decimal(total)).quantize(Decimal("0.1"), ROUND_DOWN)


def _truth(v: Any) -> str:
    return "true" if v is True else "false" if v is False else "unknown"


class _Recorder:
    """Told of each site one case passes (context.Recorder); notes, per site, each goal and the first case that
    met it."""

    __slots__ = ("seen", "thresholds", "case")

    def __init__(self, seen: dict[Site, dict[str, str]], thresholds: dict[Site, Threshold], case: str):
        self.seen, self.thresholds, self.case = seen, thresholds, case

    def observe(self, site: Site, operands: tuple, result: Any) -> None:
        marks = self.seen.get(site)
        if marks is None:
            marks = self.seen[site] = {}
        case = self.case
        notes = ["passed"]
        if site.kind in ("and", "or"):
            left, right = operands
            notes.append("left " + _truth(left))
            notes += ["right skipped"] if right is SKIPPED else ["right evaluated", "right " + _truth(right)]
        elif site.kind == "if":
            cond = operands[0]
            notes.append("then" if cond is True else "else" if cond is False else "neither")
        else:
            notes.append(_truth(result))
            if len(operands) == 2 and operands[1] is not SKIPPED:
                notes.append("right evaluated")
            threshold = self.thresholds.get(site)
            if threshold is not None:
                d = delta(threshold, operands)
                where = position(d, threshold) if d is not None else None
                if where is not None:
                    notes.append(where)
        if result is True:
            notes.append("result true")
        for note in notes:
            marks.setdefault(note, case)


class _Collector:
    """What the cases did, gathered as they run: each version's map, what each site saw, and from each record
    the rule outcomes, the decision's outcome and the outputs."""

    def __init__(self) -> None:
        self.maps: dict[str, PolicyMap] = {}
        self.seen: dict[Site, dict[str, str]] = {}
        self.thresholds: dict[Site, Threshold] = {}
        self.cases: dict[str, int] = {}
        self.results: dict[str, dict[str, dict[str, str]]] = {}  # ref -> item key -> goal -> case

    def recorder_for(self, case: Case, policy: Policy) -> _Recorder:
        ref = policy.model.ref
        if ref not in self.maps:
            m = self.maps[ref] = policy_map(policy.model)
            for site, info in m.sites.items():
                if info.threshold is not None:
                    self.thresholds.setdefault(site, info.threshold)
        return _Recorder(self.seen, self.thresholds, shown_path(str(case.path)))

    def add(self, report: TestReport) -> None:
        for run in report.runs:
            result = run.result
            if result is None or result.record is None:
                continue
            record, case = result.record, shown_path(str(run.case.path))
            self.cases[result.ref] = self.cases.get(result.ref, 0) + 1
            found = self.results.setdefault(result.ref, {})
            found.setdefault(f"outcome {record.decision}", {}).setdefault(record.outcome, case)
            for rule_id, outcome in record.rule_outcomes().items():
                found.setdefault(f"rule {rule_id}", {}).setdefault(str(outcome), case)
            errors = record.output_errors
            for name, value in record.outputs.items():
                goals = found.setdefault(f"output {record.decision}.{name}", {})
                if name in errors:
                    goals.setdefault("error", case)
                    continue
                goals.setdefault("unknown" if value is UNKNOWN else "known", case)
                kind = record.output_kinds[name][0]
                if kind == "money" and isinstance(value, (int, Decimal)) and value:
                    goals.setdefault("nonzero", case)

    def report(self, passed: int, failed: int) -> CoverageReport:
        versions = [
            _version(m, self.seen, self.results.get(ref, {}), self.cases.get(ref, 0)) for ref, m in self.maps.items()
        ]
        return CoverageReport(versions, passed, failed)


def run_coverage(
    paths: Sequence[PathLike],
    policy: PathLike | None = None,
    on: datetime.date | None = None,
    policy_dirs: Sequence[PathLike] = (),
    home: Sequence[PathLike] | None = None,
) -> tuple[TestReport, CoverageReport]:
    """Run the case files at ``paths`` as `wqpolicy test` does (see case_report.run_cases) and measure what they
    cover of each policy version they ran under (``home``: as in run_cases).

    >>> tests, coverage = run_coverage(["tests/cases/filing"])
    >>> tests.failed, [v.ref for v in coverage.versions], coverage.percent > 50
    (0, ['wuqing-five-platforms@2021-trial'], True)
    """
    collector = _Collector()
    tests = run_cases(paths, policy, on, policy_dirs, home=home, recorder_for=collector.recorder_for)
    collector.add(tests)
    return tests, collector.report(tests.passed, tests.failed)


# -- the report, from what was seen ---------------------------------------------------------------------------------
_RULE_GOALS = ("pass", "fail", "unknown")
_SITE_GOALS = {
    "and": ("left true", "left false", "right true", "right false"),
    "or": ("left true", "left false", "right true", "right false"),
    "if": ("then", "else"),
    "compare": ("true", "false"),
    "known": ("true", "false"),  # `x is unknown`: a case where x is missing, and one where it is given
}
_BOUNDARY_GOALS = ("at", "below", "above")


def _version(m: PolicyMap, seen: dict[Site, dict[str, str]], found: dict[str, dict[str, str]], cases: int):
    version = m.version
    reach = _Reach(m, seen, found)
    items: dict[str, ItemCoverage] = {}
    for key, owner in m.owners.items():
        item = items[key] = _item(version, owner)
        got = found.get(key, {})
        if owner.kind == "rule":
            item.goals = [Goal(g, "rule", got.get(g)) for g in _RULE_GOALS]
        elif owner.kind == "outcome":
            decision = version.decisions[owner.name]
            words = list(dict.fromkeys([s.outcome for s in decision.outcome]))
            item.goals = [Goal(w, "outcome", got.get(w)) for w in words]
        elif owner.kind == "output":
            output = version.decisions[owner.decision or ""].outputs[owner.name]
            # An output left unknown is seen and shown, but is no goal: many cannot be (an amount paid only once
            # every rule passed is never unknown).
            names = ("known", "nonzero") if output.kind == "money" else ("known",)
            item.goals = [Goal(g, "output", got.get(g)) for g in names]
            item.seen = got
        else:
            defkey = next(k for k, o in m.definitions.items() if o.key == key)
            item.goals = [Goal("reached", "definition", reach.definition(defkey))]
    for site, info in m.sites.items():
        items[info.owner.key].sites.append(_site(version, info, seen.get(site, {})))
    for name in version.parameters:
        if name in m.reads:
            p = version.parameters[name]
            read = reach.first(m.reads[name])
            item = ItemCoverage("parameter", name, None, p.clause, p.label, p.span, [Goal("read", "parameter", read)])
            items[item.key] = item
    return VersionCoverage(version.ref, cases, list(items.values()), _clauses(version, items))


def _item(version: PolicyVersion, owner: Owner) -> ItemCoverage:
    label: Text | None = None
    span: Span | None = None
    if owner.kind == "rule":
        rule = next(r for d in version.decisions.values() for r in d.rules if r.id == owner.name)
        label, span = rule.label, rule.span
    elif owner.kind == "outcome":
        decision = version.decisions[owner.name]
        label, span = decision.label, decision.span
    elif owner.kind == "output":
        output = version.decisions[owner.decision or ""].outputs[owner.name]
        label, span = output.label, output.span
    else:
        defs = version.decisions[owner.decision].definitions if owner.decision else version.definitions
        label, span = defs[owner.name].label, defs[owner.name].span
    return ItemCoverage(owner.kind, owner.name, owner.decision, owner.clause, label, span)


# What a site must have seen for one side of it to have been evaluated (sites.Guard).
_SIDE = {"left": "passed", "cond": "passed", "right": "right evaluated", "then": "then", "else": "else"}


class _Reach:
    """Whether a guarded piece of an expression was evaluated, and by which case first (sites.Guard)."""

    def __init__(self, m: PolicyMap, seen: dict[Site, dict[str, str]], found: dict[str, dict[str, str]]):
        self.m, self.seen, self.found = m, seen, found
        self._definitions: dict[tuple, str | None] = {}

    def guard(self, guard: Guard) -> str | None:
        if guard[0] == "item":
            owner = self.m.owners[guard[1]]
            if owner.kind == "rule":
                return next(iter(self.found.get(guard[1], {}).values()), None)
            decision = owner.decision or owner.name
            return next(iter(self.found.get(f"outcome {decision}", {}).values()), None)
        if guard[0] == "site":
            _, site, side = guard
            return self.seen.get(site, {}).get(_SIDE.get(side, "result true"))
        return self.definition(guard[1])

    def first(self, guards: set[Guard]) -> str | None:
        met = [case for case in (self.guard(g) for g in guards) if case is not None]
        return min(met) if met else None

    def definition(self, key: tuple) -> str | None:
        if key not in self._definitions:
            self._definitions[key] = None  # definitions never use themselves (a check error), but be safe
            self._definitions[key] = self.first(self.m.uses.get(key, set()))
        return self._definitions[key]


def _site(version: PolicyVersion, info: SiteInfo, seen: dict[str, str]) -> SiteCoverage:
    goals = [Goal(g, "branch", seen.get(g)) for g in _SITE_GOALS[info.site.kind]]
    t = info.threshold
    limit = None
    if t is not None:
        value = version.parameters[t.parameter].value
        own = isinstance(value, (int, Decimal)) and not isinstance(value, bool)
        shown = display(value, version.parameters[t.parameter].kind) if own else None
        limit = shown if shown is not None else excerpt(t.limit)
        for g in _BOUNDARY_GOALS:
            applicable = not (
                g == "below" and own and t.floor is not None and Decimal(value) <= t.floor  # nothing is below it
            )
            met = seen.get(g)
            hint = None if met or not applicable else boundary_case(t, value if own else None, g)
            goals.append(Goal(g, "boundary", met, applicable, hint))
    return SiteCoverage(info, goals, seen, limit)


def _clauses(version: PolicyVersion, items: dict[str, ItemCoverage]) -> list[ClauseCoverage]:
    """Each clause of the clause map (and any an item names besides), with the items that are under it: by their
    own `clause`, and as the clause map lists them (a rule id, parameter, definition, decision, `decision.output`)."""
    under: dict[str, list[str]] = {}
    for key, item in items.items():
        if item.clause:
            under.setdefault(str(item.clause), []).append(key)
    reasons: dict[str, str] = {}
    for clause, entry in version.clause_map.items():
        clause = str(clause)
        if isinstance(entry, dict):
            reasons[clause] = str(entry.get("not_computable", ""))
            continue
        found = under.setdefault(clause, [])
        for name in entry if isinstance(entry, list) else []:
            for key in _named(str(name), items):
                if key not in found:
                    found.append(key)
    order = [str(c) for c in version.clause_map] + [c for c in under if c not in version.clause_map]
    out = []
    for clause in dict.fromkeys(order):
        text = excerpt(version.clauses.get(clause, ""), 60)
        if clause in reasons and not under.get(clause):
            out.append(ClauseCoverage(clause, text, "not_computable", [], 0, 0, reasons[clause]))
            continue
        keys = under.get(clause, [])
        goals = [g for k in keys for g in items[k].all_goals() if g.applicable]
        if not goals:
            status = "unevaluated"
        elif any(items[k].reached for k in keys):
            status = "reached"
        else:
            status = "unreached"
        out.append(ClauseCoverage(clause, text, status, keys, sum(g.met for g in goals), len(goals)))
    return out


def _named(name: str, items: dict[str, ItemCoverage]) -> list[str]:
    """The items a clause-map entry names."""
    out = [
        key
        for key, item in items.items()
        if (item.kind in ("rule", "parameter") and item.name == name)
        or (item.kind == "definition" and item.name == name)
        or (item.kind == "outcome" and item.name == name)
        or (item.kind == "output" and f"{item.decision}.{item.name}" == name)
    ]
    return out
