"""What it would take to pass: for a condition that does not hold, the smallest change of one of the applicant's
own figures (a lever, levers.py) that makes it hold, the rest held fixed — found with the evaluator itself and
verified exactly.

Design: a lever's figure moves in whole steps of its smallest unit (a fen for money, 1 for a count: the input
schema's ``multipleOf`` or ``integer``). ``holds(k)`` evaluates the condition with the figure moved ``k`` steps.
An exponential search (1, 2, 4, … steps, up to the schema's bound) finds a ``k`` that holds, a binary search
then the smallest; the answer is kept only when it holds at ``k`` and not at ``k − 1`` and a few points above it
hold too — a condition that changes its mind along the way (not monotone) is said to have no exact answer. The
searches share a budget of evaluations scaled by the document's size, so a huge application costs a bounded time
(a lever left over is reported as not searched). Nothing here runs unless asked: plain evaluation never pays."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .levers import Lever, steps_of, value_at
from .monotone import Model
from .values import FAULTS, UNKNOWN

# Evaluations of a condition allowed for one record, times (1 + the items of the document's lists): an engine
# setting that keeps explaining a 100,000-line application as quick as explaining a small one is.
BUDGET = 2_000_000
# The most steps a figure may move when the schema sets no maximum (a count of a trillion is no advice).
MAX_STEPS = 10**12


class OutOfBudget(Exception):
    """The evaluations allowed for this record are spent."""


class Budget:
    """The evaluations left for one record's searches; the document's items are counted on the first one (a record
    that needs no search never walks its document)."""

    def __init__(self, doc: Any):
        self._doc = doc
        self._left: int | None = None

    @property
    def left(self) -> int:
        if self._left is None:
            self._left = max(1, BUDGET // (1 + _items(self._doc)))
        return self._left

    def spend(self, count: int = 1) -> None:
        left = self.left - count
        self._left = left
        if left < 0:
            raise OutOfBudget

    def spend_all(self) -> None:
        """What running out does: one evaluation more than were left asked for."""
        self._left = -1 if self.left >= 0 else self.left - 1


def _items(doc: Any) -> int:
    if isinstance(doc, dict):
        return sum(_items(v) for v in doc.values())
    if isinstance(doc, list):
        return len(doc) + sum(_items(v) for v in doc if isinstance(v, (dict, list)))
    return 0


@dataclass(frozen=True)
class Found:
    """A change that makes the condition hold: ``lever``, ``direction`` (+1 more, −1 less), ``before`` and
    ``after`` (the figure; None before for a new item), ``by`` (how much: steps × unit)."""

    lever: Lever
    direction: int
    before: Any
    after: Any
    by: Decimal


@dataclass(frozen=True)
class NotFound:
    """No exact answer along this lever: ``reason`` is ``never`` (not within the figure's bounds), ``not_monotone``
    or ``not_searched`` (the budget ran out)."""

    lever: Lever
    direction: int
    reason: str


def with_value(doc: dict, lever: Lever, value: Any) -> dict:
    """A copy of ``doc`` (only along the changed path) with the lever's figure set to ``value``."""
    if lever.kind == "new_item":
        if lever.list_path is None or lever.field is None:  # a new item's lever always names both
            raise ValueError(f"a new-item lever without its list or field: {lever}")
        items = value_at(doc, lever.list_path)
        new = list(items) if isinstance(items, list) else []
        new.append({**lever.item, lever.field: value})
        return _set(doc, steps_of(lever.list_path), new)
    return _set(doc, steps_of(lever.path), value)


def _set(node: Any, steps: tuple, value: Any) -> Any:
    if not steps:
        return value
    head, rest = steps[0], steps[1:]
    if isinstance(head, int):
        items = list(node)
        items[head] = _set(items[head], rest, value)
        return items
    fields = dict(node) if isinstance(node, dict) else {}
    fields[head] = _set(fields.get(head, {} if rest else None), rest, value)
    return fields


def _moved(before: Any, lever: Lever, steps: int, direction: int) -> Any:
    delta = lever.number.step * steps * direction
    if lever.number.integer and isinstance(before, int) and not isinstance(before, bool):
        return before + int(delta)
    return Decimal(before) + delta


def _mover(before: Any, lever: Lever, direction: int) -> Callable[[int], Any]:
    """``k -> _moved(before, lever, k, direction)``, what does not change with ``k`` worked out once."""
    unit = lever.number.step * direction  # the same product as step × k × direction: exact, or rounded alike
    if lever.number.integer and isinstance(before, int) and not isinstance(before, bool):
        whole = before
        return lambda k: whole + int(unit * k)
    base = Decimal(before)
    return lambda k: base + unit * k


def _bound(before: Any, lever: Lever, direction: int) -> int:
    """The most steps the figure may move in ``direction`` within its schema's bounds."""
    step, number = lever.number.step, lever.number
    if direction > 0:
        if number.maximum is None:
            return MAX_STEPS
        return max(0, min(MAX_STEPS, int((number.maximum - Decimal(before)) / step)))
    low = number.minimum if number.minimum is not None else Decimal(0)
    return max(0, min(MAX_STEPS, int((Decimal(before) - low) / step)))


class _Trial:
    """``doc`` with the lever's figure set to a value, for one search: the path to the figure is copied once and the
    figure set in that copy for each trial (what evaluates a trial keeps nothing of it), as ``with_value`` gives."""

    def __init__(self, doc: dict, lever: Lever) -> None:
        if lever.kind == "new_item":
            if lever.list_path is None or lever.field is None:  # a new item's lever always names both
                raise ValueError(f"a new-item lever without its list or field: {lever}")
            items = value_at(doc, lever.list_path)
            new = list(items) if isinstance(items, list) else []
            self.holder: Any = {**lever.item, lever.field: None}
            new.append(self.holder)
            self.doc = _set(doc, steps_of(lever.list_path), new)
            self.key: Any = lever.field
            return
        steps = steps_of(lever.path)
        self.doc = _set(doc, steps, None)
        holder: Any = self.doc
        for step in steps[:-1]:
            holder = holder[step]
        self.holder, self.key = holder, steps[-1]

    def __call__(self, value: Any) -> dict:
        self.holder[self.key] = value
        return self.doc


_UNSEEN: Any = object()


# What a search may be given to spare it evaluating point by point: (the document at k steps, the figure at k steps,
# the lever, the direction, the most steps) -> whether the condition holds at each step (monotone.Model, a
# function of the steps), or None when that is not known. The search then takes its steps against that answer
# instead of the evaluator, and spends the budget as it would have: its result is the same.
Prove = Callable[[Callable[[int], dict], Callable[[int], Any], Lever, int, int], Callable[[int], bool | None] | None]


def search(
    doc: dict,
    lever: Lever,
    direction: int,
    holds: Callable[[dict], bool],
    budget: Budget,
    prove: Prove | None = None,
) -> Found | NotFound:
    """The smallest move of ``lever`` in ``direction`` after which ``holds(document)`` is true, verified."""
    if lever.kind == "new_item":
        before = 0 if lever.number.integer else Decimal(0)
    else:
        before = value_at(doc, lever.path)
        if before is None or before is UNKNOWN or isinstance(before, bool):
            return NotFound(lever, direction, "never")
    limit = _bound(before, lever, direction)
    if limit < 1:
        return NotFound(lever, direction, "never")
    trial = _Trial(doc, lever)
    moved = _mover(before, lever, direction)
    known = (
        prove(
            lambda k: trial(moved(k)),
            moved,
            lever,
            direction,
            limit,
        )
        if prove is not None
        else None
    )
    if known is not None:  # the steps taken against the answer, counted, then the budget spent as they would
        outcome, k, asked = _replay(known, limit)
        if asked > budget.left:  # it would have run out at the step after the last one left
            budget.spend_all()
            return NotFound(lever, direction, "not_searched")
        budget.spend(asked)
    else:
        seen: dict[int, bool | None] = {}  # steps -> whether it held there (None: a fault); some asked for twice

        def at(k: int, fault: bool | None = False) -> bool | None:
            """Whether the condition holds ``k`` steps away; a runtime fault there (a division by a figure moved
            to zero) counts as ``fault``: not holding while searching, no evidence either way while sampling."""
            budget.spend()
            held = seen.get(k, _UNSEEN)
            if held is _UNSEEN:
                try:
                    held = seen[k] = holds(trial(moved(k))) is True
                except FAULTS:
                    held = seen[k] = None
            return fault if held is None else held

        try:
            outcome, k, _ = _steps(at, limit)
        except OutOfBudget:
            return NotFound(lever, direction, "not_searched")
    if outcome != "found":
        return NotFound(lever, direction, outcome)
    by = lever.number.step * k
    after = _moved(before, lever, k, direction)
    return Found(lever, direction, None if lever.kind == "new_item" else before, after, by)


def _replay(known: Callable[[int], bool | None], limit: int) -> tuple[str, int, int]:
    """``_steps`` asking a known answer (None at a step: a fault there) instead of the condition."""
    if isinstance(known, Model) and not known.ends:
        return _steps_from(known.at, limit, known.rising)
    return _steps(_answer(known), limit)


def _answer(known: Callable[[int], bool | None]) -> Callable[..., bool | None]:
    """``at`` for ``_steps`` from a known answer; a Model's read without calling it."""
    if isinstance(known, Model):
        at, ends, rising = known.at, known.ends, known.rising

        def at_end(k: int, fault: bool | None = False) -> bool | None:
            held = ends.get(k, k >= at if rising else k < at)
            return fault if held is None else held

        return at_end

    def answer(k: int, fault: bool | None = False) -> bool | None:
        held = known(k)
        return fault if held is None else held

    return answer


def _steps(at: Callable[..., bool | None], limit: int) -> tuple[str, int, int]:
    """The search itself, over 1 … ``limit`` steps, asking ``at(k)`` (``at(k, None)`` when sampling): ("found", k),
    or ("never" | "not_monotone", 0); and how many times it asked."""
    low, k, asked = 0, 1, 1  # low: a number of steps known not to hold (0: the figure as it is)
    while not at(k):
        low = k
        if k >= limit:
            return "never", 0, asked
        k = min(k * 2, limit)
        asked += 1
    while k - low > 1:
        mid = (low + k) // 2
        asked += 1
        if at(mid):
            k = mid
        else:
            low = mid
    # verified: holds at k, not one step less; and it keeps holding above (monotone, as far as is seen)
    asked += 1
    if not at(k):
        return "not_monotone", 0, asked
    if k > 1:
        asked += 1
        if at(k - 1):
            return "not_monotone", 0, asked
    for above in sorted({min(k + 1, limit), min(2 * k, limit), min(4 * k, limit), limit}):
        if above > k:
            asked += 1
            if at(above, None) is False:
                return "not_monotone", 0, asked
    for below in sorted({k // 3, (2 * k) // 3} - {0, k}):
        asked += 1
        if at(below, None):
            return "not_monotone", 0, asked
    return "found", k, asked


def _steps_from(at: int, limit: int, rising: bool) -> tuple[str, int, int]:
    """``_steps`` asking a Model without ends (it holds from step ``at`` on when ``rising``, else below it, and
    never faults), each ask written out as the comparison it is: the same steps, answer and count."""
    low, k, asked = 0, 1, 1
    while (k >= at) != rising:
        low = k
        if k >= limit:
            return "never", 0, asked
        k = min(k * 2, limit)
        asked += 1
    while k - low > 1:
        mid = (low + k) // 2
        asked += 1
        if (mid >= at) == rising:
            k = mid
        else:
            low = mid
    asked += 1
    if (k >= at) != rising:
        return "not_monotone", 0, asked
    if k > 1:
        asked += 1
        if (k - 1 >= at) == rising:
            return "not_monotone", 0, asked
    for above in sorted({min(k + 1, limit), min(2 * k, limit), min(4 * k, limit), limit}):
        if above > k:
            asked += 1
            if (above >= at) != rising:
                return "not_monotone", 0, asked
    for below in sorted({k // 3, (2 * k) // 3} - {0, k}):
        asked += 1
        if (below >= at) == rising:
            return "not_monotone", 0, asked
    return "found", k, asked
