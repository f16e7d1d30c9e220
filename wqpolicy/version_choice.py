"""The version an application's own date puts in force: each decision declares which date of its input picks the
version (`version_date`: `submitted_on`, `date(year, 1, 1)`), so a 2022 claim evaluated after a 2023 revision is
decided under the version in force in 2022.

How the date is read: the version in force on the evaluation date reads the document's date through its
decision's `version_date`; the version in force on that date is used — and when that version reads the date
differently (a revision may change `version_date`), its own reading is applied in turn, until a version agrees with
itself (a circle of readings keeps the first choice). When the date is unknown for the document, or the decision
declares none, the evaluation date chooses, and the record says so. A date given for the evaluation (`--on`)
chooses alone; a version named (`ID@VERSION`, a policy file) is used as it is.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

from . import clock
from .errors import Diagnostic, WQError
from .library import Library
from .policy import Policy
from .record import FROM_EVALUATION_DATE, FROM_INPUT, FROM_ON, DecisionRecord, VersionDate
from .yamlload import Marks


def by_own_date(
    first: Policy,
    decision: str | None,
    document: dict,
    today: datetime.date,
    use: Callable[[Policy], Policy],
    load: Callable[[datetime.date, VersionDate], Policy],
) -> tuple[Policy, VersionDate]:
    """(the version to decide ``document`` under, the date that chose it and where from), starting from ``first``,
    the version in force on ``today`` (the evaluation date): its decision's `version_date` reads the document's
    date, ``load(day, found)`` gives the version in force that day (raising WQError when there is none), and so on
    until a version agrees with itself (see the module's docstring). ``use`` is applied to the version returned.
    ``decision`` None: the document's own `decision:`."""
    name = decision if decision is not None else document.get("decision") if isinstance(document, dict) else None
    if not isinstance(name, str) or name not in first.decisions:
        return use(first), VersionDate(today, FROM_EVALUATION_DATE)  # evaluate() reports the name
    current, chosen = first, None
    seen: set[str] = set()
    while current.version not in seen:
        seen.add(current.version)
        compiled = current.decisions.get(name)
        expr = compiled.decision.version_date if compiled is not None else None
        if expr is None:
            found = VersionDate(today, FROM_EVALUATION_DATE)
        else:
            day = current.version_date(name, document)
            field = " ".join(expr.text.split())
            found = (
                VersionDate(day, FROM_INPUT, field)
                if day is not None
                else VersionDate(today, FROM_EVALUATION_DATE, field)
            )
        target = load(found.date or today, found)
        if chosen is None:
            chosen = (target, found)
        if target.version == current.version:
            return use(current), found
        current = target
    assert chosen is not None  # set on the first turn
    return use(chosen[0]), chosen[1]  # readings that go round in a circle: the first choice stands


class VersionChooser:
    """Picks, for each document, the version of one policy in force on the document's own date, from a Library
    (each version loaded once, however many documents use it), and evaluates the document under it.

    ``policy_id``: the policy (None: the library's only one). ``on``: a date given for the evaluation, which
    chooses alone (`--on`). ``today``: the evaluation date (default: the day it runs).

    >>> chooser = VersionChooser(Library())
    >>> record = chooser.evaluate("recognition", {"submitted_on": "2021-06-01"})
    >>> record.version, record.version_date.to_json()
    ('2021-trial', {'date': '2021-06-01', 'source': 'input', 'field': 'submitted_on'})
    """

    def __init__(
        self,
        library: Library,
        policy_id: str | None = None,
        *,
        on: datetime.date | None = None,
        today: datetime.date | None = None,
    ):
        self.library = library
        self.policy_id = policy_id
        self.on = on
        self.today = today or clock.today()
        self.used: dict[str, Policy] = {}  # the versions used so far, by ref, in the order first used
        self._on_day: dict[datetime.date, Policy] = {}  # the version in force on each date asked about

    def default(self) -> Policy:
        """The version in force on the evaluation date (or ``on``): the one that reads each document's date."""
        return self._load(self.on or self.today)

    def choose(self, decision: str | None, document: dict) -> tuple[Policy, VersionDate]:
        """(the version to evaluate ``document`` under, the date that chose it and where from). ``decision``
        None: the document's own `decision:`. Raises WQError when no version is in force on the date."""
        if self.on is not None:
            return self._use(self._load(self.on)), VersionDate(self.on, FROM_ON)
        first = self.default()
        return by_own_date(first, decision, document, self.today, self._use, self._load)

    def evaluate(
        self,
        decision: str | None,
        document: dict,
        *,
        marks: Marks | None = None,
        input_name: str | None = None,
    ) -> DecisionRecord:
        """``document`` evaluated under the version its date puts in force (``Policy.evaluate``), the record
        stating that date and where it came from."""
        policy, dated = self.choose(decision, document)
        return policy.evaluate(decision, document, marks=marks, input_name=input_name).dated(dated)

    def files(self) -> Iterator[str]:
        """The policy files read for the versions used, each once."""
        yield from dict.fromkeys(f for policy in self.used.values() for f in policy.model.files)

    def _load(self, day: datetime.date, found: VersionDate | None = None) -> Policy:
        if day in self._on_day:
            return self._on_day[day]
        try:
            policy = self._on_day[day] = self.library.load(*self.library.pick(self.policy_id, day))
            return policy
        except WQError as e:
            if found is None or found.source != FROM_INPUT:
                raise
            d = e.diagnostics[0]
            raise WQError(
                [
                    Diagnostic(
                        d.code,
                        f"{d.message} (the application's date: `{found.field}` = {day.isoformat()})",
                        d.span,
                        d.hint,
                        zh=f"申请材料的日期 `{found.field}` 为 {day.isoformat()}，该日没有有效的政策版本",
                        hint_zh="核对申请材料中的日期；`wqpolicy list` 列出各版本的有效期",
                    )
                ]
            ) from None

    def _use(self, policy: Policy) -> Policy:
        self.used.setdefault(policy.model.ref, policy)
        return policy
