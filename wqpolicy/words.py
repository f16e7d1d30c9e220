"""The words the engine itself speaks, as string enums: a rule's outcome, a rule's severity, the kind of a value;
and ``ERROR``, the decision outcome of an evaluation that faulted. Each member is the text it stands for
(``RuleOutcome.PASS == "pass"``), so records, reports and JSON read as before."""

from __future__ import annotations

from enum import Enum


class Word(str, Enum):
    """A string enum whose members print, compare and serialise as their text."""

    def __str__(self) -> str:
        return str(self.value)

    def __repr__(self) -> str:  # shown as the text it is: doctests and reports read 'pass', not <RuleOutcome…>
        return repr(self.value)


class RuleOutcome(Word):
    """What one rule came to.

    >>> RuleOutcome.PASS == "pass", str(RuleOutcome.ERROR), RuleOutcome("unknown") is RuleOutcome.UNKNOWN
    (True, 'error', True)
    """

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"  # an input it needs is missing
    ERROR = "error"  # it could not be evaluated (a runtime fault)


class Severity(Word):
    """What a rule's fail does: ``require`` decides the outcome, ``advise`` is a warning only.

    >>> Severity("advise") is Severity.ADVISE, f"{Severity.REQUIRE}"
    (True, 'require')
    """

    REQUIRE = "require"
    ADVISE = "advise"


class Kind(Word):
    """The declared kind of a parameter, definition or output: how it is shown and written to JSON.

    >>> Kind("money"), kind_of("colour")
    ('money', None)
    """

    NUMBER = "number"
    RATIO = "ratio"
    MONEY = "money"
    INTEGER = "integer"
    DATE = "date"
    DURATION = "duration"
    STRING = "string"
    BOOL = "bool"
    LIST = "list"
    MAPPING = "mapping"


def kind_of(word: str | None) -> Kind | None:
    """The Kind a policy's ``type:`` names, or None (none given, or one the engine does not know)."""
    try:
        return Kind(word) if word is not None else None
    except ValueError:
        return None


# The outcome of a decision that could not be evaluated (a runtime fault in a rule, the outcome logic or an output,
# a negative payout): a word beside the decision's own, never one a policy chooses, so a fault never passes for a
# decision.
ERROR = "error"
