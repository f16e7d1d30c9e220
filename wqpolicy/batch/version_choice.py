"""Which date chooses the policy version an application is decided under: the one place that says so, for every
batch. ``--on`` when given; else the application's own date, as its decision declares it (`version_date`, read by the
version in force on the day of the evaluation, and again by the version that date puts in force, as `wqpolicy eval`
reads it: wqpolicy/version_choice.py); else, when the application has no such date or the decision declares none,
the day of the evaluation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import Text
from ..record import FROM_INPUT, VersionDate
from ..version_choice import by_own_date

# Where the date came from, as the result sheet says it.
SOURCES = {
    "--on": Text("命令行 --on 指定的日期", "the date given with --on"),
    "today": Text("评估当日", "the day of the evaluation"),
    "--policy": Text("--policy 指定的版本", "the version named with --policy"),
    "input": Text("申请材料的日期", "the application's own date"),
}


@dataclass(frozen=True)
class DateChoice:
    """The date that chooses the version (``on``) and where it came from (``source``, a key of SOURCES); ``field``
    is the decision's `version_date` (`submitted_on`, `date(year, 1, 1)`): what gave the date (source ``input``),
    or what the application lacked (source ``today``)."""

    on: datetime.date
    source: str
    field: str | None = None

    @property
    def words(self) -> Text:
        return source_words(self.source, self.field)


def source_words(source: str, field: str | None = None) -> Text:
    """Where a version's date came from, in words: `申请材料的日期（submitted_on）`, `评估当日（申请材料未给出
    submitted_on）`, `命令行 --on 指定的日期`.

    >>> source_words("input", "submitted_on").zh, source_words("today", "submitted_on").en
    ('申请材料的日期（submitted_on）', 'the day of the evaluation (submitted_on not given)')
    """
    words = SOURCES.get(source, Text(source, source))
    if not field:
        return words
    if source == "input":
        return Text(f"{words.zh}（{field}）", f"{words.en} ({field})")
    if source == "today":
        return Text(f"{words.zh}（申请材料未给出 {field}）", f"{words.en} ({field} not given)")
    return words


def version_date(
    document: dict,
    decision: str,
    on: datetime.date | None,
    today: datetime.date,
    policy: Any,
    in_force: Callable[[datetime.date], Any] | None = None,
) -> DateChoice:
    """The date that chooses the version in force for one application: ``document`` (its input), ``decision``, the
    ``on`` of the command line, ``today``, and ``policy`` (the version in force ``today``, whose decision's
    `version_date` says which date of the application counts). ``in_force(day)`` gives the version in force on a
    day (raising WQError when there is none): the version the application's date puts in force reads that date
    again, when a revision reads it differently (without it, ``policy``'s reading stands). ``--on`` overrides any
    rule."""
    if on is not None:
        return DateChoice(on, "--on")
    load = (lambda day, _found: in_force(day)) if in_force is not None else (lambda _day, _found: policy)
    _, dated = by_own_date(policy, decision, document, today, lambda p: p, load)
    return _choice(dated, today)


def _choice(dated: VersionDate, today: datetime.date) -> DateChoice:
    if dated.source == FROM_INPUT and dated.date is not None:
        return DateChoice(dated.date, "input", dated.field)
    return DateChoice(today, "today", dated.field)
