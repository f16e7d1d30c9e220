"""Which date chooses the policy version an application is decided under: the one place that says so, for every
batch. Today it is ``--on`` when given, else the day of the evaluation; when the policy declares which date of an
application chooses its version (the application's own date, issue 14), that rule is read here and nowhere else."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from ..model import Text

# Where the date came from, as the result sheet says it.
SOURCES = {
    "--on": Text("命令行 --on 指定的日期", "the date given with --on"),
    "today": Text("评估当日", "the day of the evaluation"),
    "--policy": Text("--policy 指定的版本", "the version named with --policy"),
}


@dataclass(frozen=True)
class DateChoice:
    """The date that chooses the version (``on``) and where it came from (``source``, a key of SOURCES or, once the
    policy declares it, the expression or field it was read from)."""

    on: datetime.date
    source: str

    @property
    def words(self) -> Text:
        return SOURCES.get(self.source, Text(self.source, self.source))


def version_date(
    document: dict, decision: str, on: datetime.date | None, today: datetime.date, policy: Any
) -> DateChoice:
    """The date that chooses the version in force for one application: ``document`` (its input), ``decision``, the
    ``on`` of the command line, ``today``, and ``policy`` (the version in force ``today``, whose rule — once
    declared — says which date of the application counts). ``--on`` overrides any rule."""
    if on is not None:
        return DateChoice(on, "--on")
    return DateChoice(today, "today")
