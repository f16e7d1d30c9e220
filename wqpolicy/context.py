"""The evaluation context that generated code takes: the document, the cache of values computed for it, and an
optional recorder that observes each branch and comparison (for a coverage tool; nothing observes without one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .source import Span


@dataclass(frozen=True)
class Site:
    """A place in the policy where evaluation branches or compares: ``kind`` is ``and``, ``or``, ``if``,
    ``compare`` or ``known`` (an `is unknown` / `is known` test); ``op`` the operator (``>=``, ``in``, ``is unknown``,
    …; the kind again for and, or, if); ``span`` where it is written (None for an expression given alone without a
    file); ``text`` its source text."""

    kind: str
    op: str
    span: Span | None
    text: str


class _Skipped:
    """The operand of a branch that evaluation did not need (`false and …`): never evaluated."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SKIPPED"

    def __reduce__(self) -> str:
        return "SKIPPED"


SKIPPED = _Skipped()


class Recorder(Protocol):
    """What a coverage tool gives ``Policy.evaluate(..., recorder=)``: called once each time evaluation passes a
    Site, with the operands it evaluated (SKIPPED for one it did not) and the result.

    ``and``/``or``: (left, right) — right SKIPPED when left settled it; ``if``: (condition,) — the branch taken
    follows from it (true: then, false: else, unknown: neither); ``compare``: (left, right); ``known``: (the value
    tested,). A value may be
    ``UNKNOWN``. A fault inside a site's operands ends evaluation of it before it is observed."""

    def observe(self, site: Site, operands: tuple, result: Any) -> None: ...


class Context:
    """One evaluation's state, passed to every generated function: ``doc`` (the prepared input document),
    ``cache`` (definition name -> value, and the ``$rules`` counts and ``$outcome`` once known) and ``recorder``
    (None: code compiled without observation runs; see Recorder)."""

    __slots__ = ("doc", "cache", "recorder")

    def __init__(self, doc: Any, cache: dict | None = None, recorder: Recorder | None = None) -> None:
        self.doc = doc
        self.cache = {} if cache is None else cache
        self.recorder = recorder

    def unread(self) -> None:
        """Called by ``known(x)``, ``x is known``, ``x is unknown`` and ``value_or(x, d)`` when ``x`` is missing: it
        was asked about, not needed.
        Nothing to do here; the context that notes missing inputs (absent.py) takes the note back."""
