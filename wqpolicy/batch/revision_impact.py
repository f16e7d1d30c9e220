"""What a revision does to real applications: each application decided under the older and the newer version
(outcome and every payout), and, for each one that changes, which change of the revision moves it — the older
version with that change alone applied — or that only their combination does. Totals per payout count the
applications decided under both versions; one that cannot be decided under one of them is counted and listed apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..documents.notice import APPLICANT_FIELDS
from ..errors import WQError
from ..library import Library, is_policy_file
from ..loader import load_policy
from ..model import Text
from ..policy import Policy
from ..set_aside import evaluate_beside
from ..words import ERROR
from .decide import at_line, name_at, own_id, placed, read_document
from .items import Item, Problem
from .layout import layout_for
from .progress import Progress
from .runner import default_jobs, run_ordered
from .sources import Sources
from .variants import revision_edits, variant


@dataclass(frozen=True)
class Side:
    """One application under one version: ``outcome`` (None: not decided, ``problems`` say why), its words and
    its payouts (name → JSON amount, None where unknown)."""

    outcome: str | None
    label: Text | None = None
    payouts: tuple[tuple[str, Any], ...] = ()
    problems: tuple[Problem, ...] = ()
    set_aside: tuple[str, ...] = ()  # input fields left out under this version: only the other version knows them

    @property
    def decided(self) -> bool:
        return self.outcome is not None and self.outcome != ERROR

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome, "outputs": dict(self.payouts)}
        if self.label is not None:
            out["outcome_label"] = self.label.to_json()
        if self.problems:
            out["problems"] = [p.to_json() for p in self.problems]
        if self.set_aside:
            out["set_aside"] = list(self.set_aside)
        return out


@dataclass(frozen=True)
class Moved:
    """An edit that alone moves an application: its index among the revision's edits, the outcome under it, its
    payouts' differences from the older version, and whether it alone makes the change the revision makes (the
    same new outcome; or, where the outcome stays, a payout moved)."""

    edit: int
    outcome: str | None
    differences: tuple[tuple[str, Decimal], ...]
    causes: bool = False


@dataclass(frozen=True)
class AppImpact:
    index: int
    id: str
    source: str
    name: str
    decision: str | None
    before: Side
    after: Side
    moved_by: tuple[Moved, ...] = ()
    application: bool = True

    @property
    def both(self) -> bool:
        """Decided under both versions (its payouts count in the totals)."""
        return self.before.decided and self.after.decided

    @property
    def outcome_changed(self) -> bool:
        return self.before.outcome != self.after.outcome

    @property
    def changed(self) -> bool:
        return self.outcome_changed or self.before.payouts != self.after.payouts

    @property
    def changed_by(self) -> tuple[Moved, ...]:
        """The edits that alone make the change the revision makes to this application."""
        return tuple(m for m in self.moved_by if m.causes)

    @property
    def only_in_combination(self) -> bool:
        return self.both and self.changed and not self.changed_by

    def differences(self) -> dict[str, Decimal]:
        """Each payout's after - before, where both are known."""
        before, after = dict(self.before.payouts), dict(self.after.payouts)
        return {
            n: Decimal(after[n]) - Decimal(before[n])
            for n in after
            if isinstance(after.get(n), str) and isinstance(before.get(n), str)
        }


class Versions:
    """The older and newer versions and the revision's edits, each variant compiled once per process."""

    def __init__(self, old_ref: str, new_ref: str, home: tuple[str, ...] | None = None):
        files = [r for r in (old_ref, new_ref) if is_policy_file(r)]
        self.old, self.new = _load(old_ref, files, home), _load(new_ref, files, home)
        self.edits, self.changes = revision_edits(self.old, self.new)
        self._variants: dict[int, Policy | WQError] = {}
        self.payouts = {
            name: [o for o in d.outputs if d.outputs[o].payout]
            for name, d in {**self.old.model.decisions, **self.new.model.decisions}.items()
        }

    def variant(self, i: int) -> Policy | WQError:
        if i not in self._variants:
            try:
                self._variants[i] = variant(self.old, self.new, self.edits[i])
            except WQError as e:
                self._variants[i] = e
        return self._variants[i]


def _load(ref: str, files: list[str], home: tuple[str, ...] | None = None) -> Policy:
    """As the command line names a version: a policy file, or ID@VERSION among the officer's policies (``home``;
    else the bundled ones) and the files beside ``files`` (``files`` themselves left out)."""
    folders = list(home) if home is not None else None
    if is_policy_file(ref):
        return load_policy(ref, home=folders)
    library = Library.over_bundled(list(files), exclude=files, home=folders)
    return library.load(*library.pick(ref))


_VERSIONS: dict[tuple[str, str, tuple[str, ...] | None], Versions] = {}


def versions(old_ref: str, new_ref: str, home: tuple[str, ...] | None = None) -> Versions:
    found = _VERSIONS.get((old_ref, new_ref, home))
    if found is None:
        found = _VERSIONS[(old_ref, new_ref, home)] = Versions(old_ref, new_ref, home)
    return found


@dataclass(frozen=True)
class Compare:
    """The work of an impact run (picklable): decide each application under both versions, and under each edit
    alone when it changes."""

    old_ref: str
    new_ref: str
    decision: str | None = None
    home: tuple[str, ...] | None = None  # the officer's policy folders (standing in for the bundled ones)

    def setup(self) -> None:
        versions(self.old_ref, self.new_ref, self.home)

    def __call__(self, item: Item) -> AppImpact:
        try:
            return self._compare(item)
        except Exception as e:  # noqa: BLE001 - a fault of the engine fails this application closed, not the run
            kind = type(e).__name__
            side = Side(None, problems=(Problem(item.name, f"内部错误：{kind}: {e}", f"internal error: {kind}: {e}"),))
            return AppImpact(item.index, item.id or item.name, item.source, "", item.decision, side, side)

    def _compare(self, item: Item) -> AppImpact:
        if item.problems or (item.document is None and item.text is None and item.path is None):
            side = Side(None, problems=item.problems)
            return AppImpact(
                item.index, item.id or item.name, item.source, "", item.decision, side, side, (), item.id is not None
            )
        v = versions(self.old_ref, self.new_ref, self.home)
        try:
            document, marks, decision = read_document(item, self.decision)
        except WQError as e:
            side = Side(None, problems=tuple(placed(d, item) for d in e.diagnostics))
            return AppImpact(item.index, item.id or item.name, item.source, "", item.decision, side, side)
        key = item.id or own_id(document, v.new, decision) or own_id(document, v.old, decision) or item.name
        payouts = v.payouts.get(decision, [])
        before = _side(v.old, decision, document, marks, item, payouts, v.new)
        after = _side(v.new, decision, document, marks, item, payouts, v.old)
        result = AppImpact(item.index, key, item.source, name_at(document, APPLICANT_FIELDS), decision, before, after)
        if not (result.both and result.changed):
            return result
        moved = []
        for i in range(len(v.edits)):
            policy = v.variant(i)
            if isinstance(policy, WQError):
                continue
            alone = _side(policy, decision, document, marks, item, payouts, v.old, v.new)
            if alone.outcome != before.outcome or alone.payouts != before.payouts:
                shifted = AppImpact(0, "", "", "", decision, before, alone).differences()
                causes = alone.outcome == after.outcome if result.outcome_changed else any(shifted.values())
                moved.append(Moved(i, alone.outcome, tuple(sorted(shifted.items())), causes))
        return AppImpact(result.index, key, item.source, result.name, decision, before, after, tuple(moved))


def _side(
    policy: Policy, decision: str, document: dict, marks: Any, item: Item, payouts: list[str], *others: Policy
) -> Side:
    """The application under ``policy``; a field only ``others`` (the other versions compared) know is set aside
    for it, and said."""
    try:
        record, aside = evaluate_beside(policy, decision, dict(document), others, marks=marks, input_name=item.name)
    except WQError as e:
        return Side(None, problems=tuple(placed(at_line(d, item), item) for d in e.diagnostics))
    values = tuple((n, record.output(n)) for n in payouts if n in record.outputs)
    faults = tuple(Problem.of(d) for d in record.faults)
    return Side(record.outcome, record.outcome_label, values, faults, aside)


@dataclass
class EditCount:
    """What one edit alone does over the applications the revision changes."""

    applications: int = 0
    outcome_changed: int = 0
    differences: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (decision, payout) -> sum


@dataclass
class Total:
    decision: str
    payout: str
    label: Text
    before: Decimal = Decimal(0)
    after: Decimal = Decimal(0)

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass
class ImpactRun:
    """The impact of a revision on a batch: every application (``applications``, in input order), the totals per
    payout over those decided under both versions, what each edit alone does, and the counts."""

    versions: Versions
    applications: list[AppImpact]
    totals: list[Total]
    edits: list[EditCount]
    file_problems: list[AppImpact]

    @property
    def changed(self) -> list[AppImpact]:
        return [a for a in self.applications if a.both and a.changed]

    @property
    def apart(self) -> list[AppImpact]:
        """Applications not decided under both versions: counted, listed, and outside the totals."""
        return [a for a in self.applications if not a.both]

    @property
    def only_in_combination(self) -> list[AppImpact]:
        return [a for a in self.applications if a.only_in_combination]

    def payout_label(self, decision: str, name: str) -> Text:
        for policy in (self.versions.new, self.versions.old):
            d = policy.model.decisions.get(decision)
            o = d.outputs.get(name) if d is not None else None
            if o is not None and o.label is not None:
                return o.label
        return Text(name, name)

    def decision_label(self, decision: str | None) -> Text:
        for policy in (self.versions.new, self.versions.old):
            d = policy.model.decisions.get(decision or "")
            if d is not None and d.label is not None:
                return d.label
        return Text(decision or "", decision or "")


def revision_impact(
    old_ref: str,
    new_ref: str,
    inputs: Sequence[str],
    *,
    decision: str | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    report: Callable[[str], None] = lambda line: None,
    home: Sequence[str] | None = None,
) -> ImpactRun:
    """The impact of the revision from ``old_ref`` to ``new_ref`` (as `wqpolicy diff` names versions) on the
    applications under ``inputs`` (any batch: a folder, a workbook, CSV, JSON lines, a decision log). Raises
    WQError when a version does not load. ``home``: the folders that stand in for the bundled policies (the
    officer's own, workspace.py)."""
    folders = tuple(home) if home is not None else None
    v = versions(old_ref, new_ref, folders)
    made: dict[str, Any] = {}

    def layouts(name: str) -> Any:
        if name not in made:
            policy = v.new if name in v.new.decisions else v.old
            policy.decision(name)
            made[name] = layout_for(policy, name)
        return made[name]

    sources = Sources(inputs, layouts, decision)
    progress = progress or Progress("对比中 Comparing", enabled=False)
    apps: list[AppImpact] = []
    problems: list[AppImpact] = []
    try:
        for r in run_ordered(
            sources.items(), Compare(old_ref, new_ref, decision, folders), jobs or default_jobs(), progress.start
        ):
            progress.advance()
            (apps if r.application else problems).append(r)
    finally:
        progress.stop()
    for w in sources.warnings:
        report(f"warning: {w.text()}")
    run = ImpactRun(v, apps, [], [EditCount() for _ in v.edits], problems)
    totals: dict[tuple[str, str], Total] = {}
    for a in apps:
        if not a.both or a.decision is None:
            continue
        before, after = dict(a.before.payouts), dict(a.after.payouts)
        for name in v.payouts.get(a.decision, []):
            key = (a.decision, name)
            total = totals.get(key)
            if total is None:
                total = totals[key] = Total(a.decision, name, run.payout_label(a.decision, name))
            if isinstance(before.get(name), str):
                total.before += Decimal(before[name])
            if isinstance(after.get(name), str):
                total.after += Decimal(after[name])
        for m in a.moved_by:
            count = run.edits[m.edit]
            count.applications += 1
            count.outcome_changed += m.outcome != a.before.outcome
            for name, diff in m.differences:
                count.differences[(a.decision, name)] = count.differences.get((a.decision, name), Decimal(0)) + diff
    run.totals = [totals[k] for k in sorted(totals)]
    return run
