"""`at(parameter, date)`: the value of a parameter in force on a date. The library knows every version of a policy
and when each is in force (versions.in_force); at load it lays out, for each parameter an `at` reads, the periods of
the timeline with the version in force in each and the parameter's value there (``Period``s, plain data kept on the
model). The compiler turns them into a small sorted table (``AtTable``) looked up by bisection: evaluation never
asks the library, and a record stays plain data.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import ast
from .values import EvalFault
from .versions import in_force


class _Lacking:
    """The value of a parameter in a version that has no such parameter."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "LACKING"

    def __reduce__(self) -> str:
        return "LACKING"


LACKING = _Lacking()


@dataclass(frozen=True)
class Period:
    """From ``start`` until the next period's start: ``version`` in force (None: no version is), with ``value`` of
    the parameter (LACKING when that version has none); ``own``: the version being compiled, whose value is taken
    from its own model when the table is made (so a mutated or varied model answers with its own value)."""

    start: datetime.date
    version: str | None
    value: Any = LACKING
    own: bool = False


@dataclass(frozen=True)
class _Dated:
    version: str
    effective_from: datetime.date
    effective_until: datetime.date | None


def periods(versions: Iterable[Any], own: str, name: str) -> tuple[Period, ...]:
    """The periods of the timeline of ``versions`` (PolicyVersion-like: version, effective_from, effective_until,
    parameters) with the value of parameter ``name`` in each; ``own`` is the version being compiled. The version in
    force on a day is the one versions.in_force picks, so `at` follows the timeline rules the library follows."""
    by_name = {v.version: v for v in versions if v.effective_from is not None}
    dated = [_Dated(v.version, v.effective_from, v.effective_until) for v in by_name.values()]
    breaks: set[datetime.date] = set()
    for d in dated:
        breaks.add(d.effective_from)
        if d.effective_until is not None and d.effective_until < datetime.date.max:
            breaks.add(d.effective_until + datetime.timedelta(days=1))
    out: list[Period] = []
    for start in sorted(breaks):
        chosen = in_force(dated, start)
        version = chosen.version if chosen is not None else None
        if out and out[-1].version == version:
            continue
        if version is None:
            out.append(Period(start, None))
            continue
        p = by_name[version].parameters.get(name)
        out.append(Period(start, version, p.value if p is not None else LACKING, version == own))
    return tuple(out)


def expressions(version: Any) -> list[Any]:
    """Every expression of a version (model.PolicyVersion): its definitions' (per-item parts too), each decision's
    rules, outcome steps, outputs and version date."""
    defs = [*version.definitions.values(), *(d for dec in version.decisions.values() for d in dec.definitions.values())]
    out: list[Any] = []
    for d in defs:
        out.append(d.expr)
        if d.each is not None:
            e = d.each
            out += [e.source, e.order_by, *e.fields.values(), *(x for pair in e.carry.values() for x in pair)]
    for dec in version.decisions.values():
        out += [r.condition for r in dec.rules]
        out += [s.when for s in dec.outcome]
        out += [o.expr for o in dec.outputs.values()]
        out.append(dec.version_date)
    return [e for e in out if e is not None]


def read_by_at(version: Any) -> list[str]:
    """The parameters `at(parameter, date)` reads anywhere in ``version``, in the order first read."""
    found: dict[str, None] = {}
    for e in expressions(version):
        for n in ast.walk(e.node):
            if isinstance(n, ast.Call) and n.func == "at" and n.args and isinstance(n.args[0], ast.Name):
                found.setdefault(n.args[0].name)
    return list(found)


def alone(version: str, start: datetime.date | None, until: datetime.date | None) -> tuple[Period, ...]:
    """The periods of a version compiled on its own, with no library: in force from ``start`` (to ``until``)."""
    if start is None:
        return ()
    out = [Period(start, version, LACKING, True)]
    if until is not None and until < datetime.date.max:
        out.append(Period(until + datetime.timedelta(days=1), None))
    return tuple(out)


class AtTable:
    """The value of one parameter by date, for `at`: ``lookup(date, pos)`` is the value in force on that date; a
    date before the first version, or in a period no version covers, or in one whose version lacks the parameter,
    is a fault (WQ-EVAL at ``pos``): a value from another period is never given in its place."""

    __slots__ = ("name", "policy", "starts", "entries")

    def __init__(self, name: str, policy: str, entries: tuple[Period, ...]) -> None:
        self.name, self.policy = name, policy
        self.starts = tuple(p.start for p in entries)
        self.entries = entries

    def lookup(self, day: Any, pos: int | None = None) -> Any:
        """The value in force on ``day``, or an EvalFault placed at ``pos``.

        >>> rows = (Period(datetime.date(2021, 1, 1), "2021", 50), Period(datetime.date(2024, 1, 1), "2024", 40))
        >>> table = AtTable("share", "p", rows)
        >>> table.lookup(datetime.date(2022, 5, 1)), table.lookup(datetime.date(2024, 1, 1))
        (50, 40)
        """
        if not isinstance(day, datetime.date):
            raise EvalFault(
                f"at({self.name}, …): the date is not a date ({day!r})", pos, f"at({self.name}, …)：日期不是日期值"
            )
        i = bisect.bisect_right(self.starts, day) - 1
        shown = day.isoformat()
        if i < 0 or self.entries[i].version is None:
            first = f" (the first takes effect {self.starts[0].isoformat()})" if self.starts and i < 0 else ""
            first_zh = f"（最早的版本自 {self.starts[0].isoformat()} 起施行）" if self.starts and i < 0 else ""
            raise EvalFault(
                f"at({self.name}, {shown}): no version of {self.policy} is in force on {shown}{first}",
                pos,
                f"at({self.name}, {shown})：{shown} 这一天 {self.policy} 没有施行中的版本{first_zh}",
                "check the date; `wqpolicy list` shows the versions' timeline",
                "请核对日期；`wqpolicy list` 列出各版本的施行期间",
            )
        period = self.entries[i]
        if period.value is LACKING:
            raise EvalFault(
                f"at({self.name}, {shown}): version {period.version}, in force on {shown}, has no parameter "
                f"{self.name}",
                pos,
                f"at({self.name}, {shown})：{shown} 施行的版本 {period.version} 没有参数 {self.name}",
            )
        return period.value
