"""The validated policy: plain dataclasses built from a resolved policy document (see policyfile.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import ast
from .source import Span


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def to_json(self) -> dict:
        return {"zh": self.zh, "en": self.en}


@dataclass
class Expr:
    """An expression: its text, its AST (parsed once, at load) and how to place an offset in the file."""

    text: str
    node: ast.Node
    locate: Callable[[int, int], Span | None]  # None: no place known (a policy built without marks)

    def span(self, offset: int = 0, length: int = 1) -> Span | None:
        return self.locate(offset, length)


def parsed(expr: Expr | None) -> Expr:
    """``expr`` of a policy that checked clean, where every expression parsed (None only in one with errors)."""
    if expr is None:
        raise ValueError("an expression that did not parse: a policy with errors is never compiled")
    return expr


def stated(text: Text | None) -> Text:
    """A rule's label or message in a policy that checked clean (None only in one with errors)."""
    if text is None:
        raise ValueError("a label or message missing: a policy with errors is never compiled")
    return text


@dataclass
class Parameter:
    name: str
    value: Any
    kind: str | None
    label: Text | None
    clause: str | None
    note: str | None
    span: Span | None
    unit: str | None = None
    # the bounds its value must lie within: declared (`min`, `max`), else those of its kind (plausibility.py)
    minimum: Any = None
    maximum: Any = None
    label_template: Text | None = None  # the label as written, {parameter} placeholders unfilled


@dataclass
class Each:
    """A per-item definition: one record per item of ``source``, processed in ``order_by`` order."""

    source: Expr | None  # None: it did not parse (an error already; so for every Expr | None of a built policy)
    var: str
    order_by: Expr | None
    carry: dict  # name -> (start Expr, next Expr)
    fields: dict  # name -> Expr


@dataclass
class Definition:
    name: str
    expr: Expr | None
    each: Each | None
    label: Text | None
    clause: str | None
    note: str | None
    span: Span | None
    kind: str | None = None
    label_template: Text | None = None


@dataclass
class Rule:
    id: str
    clause: str
    label: Text | None
    condition: Expr | None
    severity: str
    message: Text | None
    note: str | None
    span: Span | None
    label_template: Text | None = None  # the label as written, {parameter} placeholders unfilled


@dataclass
class OutcomeStep:
    when: Expr | None  # None: otherwise
    outcome: str
    span: Span | None


@dataclass
class Output:
    name: str
    expr: Expr | None
    kind: str
    fields: dict
    label: Text | None
    clause: str | None
    span: Span | None
    label_template: Text | None = None
    payout: bool = False  # an amount paid out (`payout: true`): summed in impact totals; a remaining cap is not


@dataclass
class Decision:
    name: str
    label: Text | None
    input_path: str
    input_schema: dict
    rules: list[Rule]
    definitions: dict[str, Definition]
    outcome: list[OutcomeStep]
    outcome_labels: dict[str, Text | None]
    outputs: dict[str, Output]
    span: Span | None = None
    input_refs: dict = field(default_factory=dict)  # URI -> contents of the schema files its input schema's refs name
    # the date of the application that picks the version in force for it (an expression over the input), and
    # the policy's reading behind it
    version_date: Expr | None = None
    version_date_note: str | None = None


@dataclass
class PolicyVersion:
    """One version of one policy, resolved (``extends`` applied) and with every expression parsed."""

    id: str
    version: str
    title: Text | None
    effective_from: datetime.date
    effective_until: datetime.date | None
    extends: str | None
    gap_before: bool
    parameters: dict[str, Parameter]
    definitions: dict[str, Definition]
    decisions: dict[str, Decision]
    clause_map: dict[str, Any]
    clauses: dict[str, str]  # clause id -> its text, from the source document
    metadata: dict
    file: str
    raw: dict = field(repr=False, default_factory=dict)  # the resolved document, for show and diff
    origin: dict = field(repr=False, default_factory=dict)  # item path -> 'changed' | 'added' | 'removed'
    marks: Any = field(repr=False, default=None)  # the resolved document's marks (yamlload.Marks), where known
    warnings: list = field(repr=False, default_factory=list)
    effective_span: Span | None = None  # where effective_from is written, for timeline errors
    # The last day in force: ``effective_until``, or the day before the next version of the library starts
    # (``ended_by`` names it); None while no end is known. Set by the library that found the version.
    ends_on: datetime.date | None = None
    ended_by: str | None = None
    files: tuple[str, ...] = ()  # the policy files read for it: its own, then each base it extends
    gone: dict = field(repr=False, default_factory=dict)  # name -> (kind en, kind zh): deleted since published
    # parameter -> its value by date across the versions the library knows (transitions.Period each), for each
    # parameter an `at(parameter, date)` reads; set by the library when it loads the version
    timeline: dict = field(repr=False, default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


# Sections of a decision whose entries are named items (a rule id, an output, a definition, an outcome word).
_DECISION_ITEMS = ("rules", "outputs", "definitions", "outcomes")


def item_of(path: tuple) -> tuple[str | None, str | None]:
    """(subject, decision) of a place in a policy document, for a diagnostic there: the parameter, definition,
    clause, rule id or output the ``path`` lies in (``"outcome"`` for an outcome step), and the decision it lies
    in; None where there is none.

    >>> item_of(("decisions", "recognition", "rules", "recognition.filed", "condition"))
    ('recognition.filed', 'recognition')
    """
    path = tuple(path[1:] if path[:1] == ("<key>",) else path)
    if len(path) >= 2 and path[0] in ("parameters", "definitions", "clause_map", "metadata"):
        return str(path[1]), None
    if len(path) >= 2 and path[0] == "decisions":
        if len(path) >= 4 and path[2] in _DECISION_ITEMS:
            return str(path[3]), str(path[1])
        return ("outcome" if path[2:3] == ("outcome",) else None), str(path[1])
    return None, None
