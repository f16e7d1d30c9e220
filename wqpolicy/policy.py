"""One loaded policy version: its decisions checked and compiled, and ``Policy``, the API that evaluates
documents under it."""

from __future__ import annotations

import dataclasses
import datetime
import os
from typing import Any, Union

from .checker import Checker
from .content_hash import content_hash
from .context import Recorder
from .errors import Diagnostic, WQError
from .evaluate import CompiledDecision
from .inputs import InputSchema, not_json
from .model import PolicyVersion
from .record import DecisionRecord
from .source import Span
from .types import Record
from .yamlload import MarksLike


def check_decisions(
    version: PolicyVersion,
) -> tuple[dict[str, InputSchema | None], dict[str, Checker], list[Diagnostic]]:
    """Each decision's input schema and type checker, and every diagnostic the checkers found. Expressions that
    did not parse are None in ``version``; the checker takes them as of any type, so the rest is still checked."""
    inputs, checkers, found = {}, {}, []
    for name, decision in version.decisions.items():
        schema = (
            InputSchema(decision.input_schema, decision.input_path, decision.input_refs)
            if decision.input_path
            else None
        )
        inputs[name] = schema
        # no schema (an error already): no input field is known
        checkers[name] = Checker(version, decision, schema.record if schema is not None else Record(()))
        found += checkers[name].check()
    return inputs, checkers, _merged(found)


def _merged(found: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic for the findings that differ only in the decision they concern (a definition that several
    decisions share is checked in each): not tied to one decision, with the related places of each (where a
    decision names its input schema, when that is what the finding is about), in the order found."""
    groups: dict = {}
    for d in found:
        groups.setdefault((d.code, d.span_key, d.message, d.subject, d.severity, d.hint), []).append(d)
    out = []
    for same in groups.values():
        decisions = list(dict.fromkeys(d.decision for d in same))
        if len(decisions) < 2:
            out.append(same[0])
            continue
        related = tuple(dict.fromkeys(r for d in same for r in d.related))
        out.append(dataclasses.replace(same[0], decision=None, related=related))
    return out


PathLike = Union[str, "os.PathLike[str]"]


class Policy:
    """One loaded, checked and compiled policy version: made by ``load_policy``, used through ``evaluate``.

    ``id`` and ``version`` name it, ``decisions`` maps each decision's name to its compiled form, ``warnings``
    holds what the checks found that is not an error, and ``model`` the checked policy itself.

    >>> policy = load_policy("wuqing-five-platforms@2021-trial")
    >>> policy.id, policy.version, list(policy.decisions)
    ('wuqing-five-platforms', '2021-trial', ['filing', 'recognition', 'annual_assessment', 'demand_subsidy'])
    >>> policy.evaluate("filing", {"platform": {"industry": "biomedicine"}}).outcome  # the rest unknown
    'needs_review'
    """

    def __init__(self, version: PolicyVersion, warnings: list[Diagnostic]) -> None:
        self.model = version
        inputs, checkers, found = check_decisions(version)
        errors = [d for d in found if d.severity == "error"]
        if errors:
            raise WQError(errors)
        # each decision has its schema here (a decision without one is an error above)
        self.inputs = {name: schema for name, schema in inputs.items() if schema is not None}
        self.warnings = warnings + found
        self.decisions: dict[str, CompiledDecision] = {
            name: CompiledDecision(version, decision, checkers[name]) for name, decision in version.decisions.items()
        }

    def __repr__(self) -> str:
        return f"<Policy {self.model.ref}: {', '.join(self.decisions)}>"

    @property
    def id(self) -> str:
        """The policy's id, e.g. ``'wuqing-five-platforms'``."""
        return self.model.id

    @property
    def version(self) -> str:
        """The version loaded, e.g. ``'2021-trial'``."""
        return self.model.version

    @property
    def content_hash(self) -> str:
        """sha256 (hex) of the resolved policy and its decisions' input schemas (content_hash.py): what notices
        cite (its first 12 characters) and receipts record.

        >>> len(load_policy().content_hash)
        64
        """
        found = self.__dict__.get("_content_hash")
        if found is None:
            found = self.__dict__["_content_hash"] = content_hash(self.model)
        return found

    def validate(
        self, decision: str, document: dict, marks: MarksLike | None = None, file: str | None = None
    ) -> list[Diagnostic]:
        """Schema problems of ``document`` as an input of ``decision``: an empty list when it is valid.

        ``marks`` and ``file`` place each problem at its line (as ``wqpolicy eval`` does); without them a problem
        carries its JSON path only. Raises WQError when the policy has no such decision.

        >>> [d.message for d in load_policy().validate("filing", {"platform": {"industry": 5}})]
        ["platform.industry: 5 is not of type 'string'"]
        """
        self._named(decision, file)
        if isinstance(document, dict) and "decision" not in document:
            document = {"decision": decision, **document}  # as evaluate takes it
        return self.inputs[decision].errors(document, marks, file)

    def evaluate(
        self,
        decision: str | None,
        document: dict,
        *,
        validate: bool = True,
        marks: MarksLike | None = None,
        input_name: str | None = None,
        recorder: Recorder | None = None,
    ) -> DecisionRecord:
        """Evaluate ``document`` for ``decision`` (None: the document's own ``decision`` field).

        ``document`` is a mapping as ``json.load`` or ``yaml.safe_load`` gives it: numbers int, Decimal or float
        (a float is read as the shortest decimal that gives it back: 0.1 is 0.1), dates ``"YYYY-MM-DD"`` or
        ``datetime.date``. Any field may be left out (the rules that need it are then unknown). ``input_name``
        names the document in the record (its ``input``) and in error messages; ``validate=False`` skips the
        schema check, for a document already known to be valid. ``recorder`` (context.Recorder) is told of each
        branch and comparison evaluated, for a coverage tool; without it, evaluation pays nothing for that.

        Returns the DecisionRecord, plain data that holds no reference to ``document``; ``record.to_json()`` is
        what ``wqpolicy eval --format json`` prints. A runtime fault (division by zero, …) or a negative amount of
        money makes its outcome ``error``, with the fault in ``record.faults``; it is never raised.
        Raises WQError (code WQ-INPUT, with the JSON path of each problem) when the document does not match the
        decision's input schema, has no decision, or names one the policy lacks.

        >>> record = load_policy().evaluate("filing", {"platform": {"industry": "biomedicine"}})
        >>> record.outcome, record.rule("filing.industry").outcome
        ('needs_review', 'pass')
        """
        if not isinstance(document, dict):
            raise WQError(
                [
                    Diagnostic(
                        "WQ-INPUT",
                        "an input document must be a mapping of fields",
                        Span(input_name, 1, 1) if input_name else None,
                        zh="申报材料必须是一组“字段: 值”",
                    )
                ]
            )
        name = document.get("decision") if decision is None else decision
        compiled = self.decisions.get(name) if type(name) is str else None  # the usual call: one of its decisions
        if compiled is None:
            compiled = self._asked_for(name, decision, document, marks, input_name)
        assert isinstance(name, str)  # a decision's name, or _asked_for raised
        schema = self.inputs[name]
        if "decision" not in document:
            document = {"decision": name, **document}  # the decision was given apart from the document
        if not validate:
            return compiled.run(schema.prepare(document), input_name, recorder)
        try:
            document = schema.validated(document, marks, input_name)
        except WQError:
            if not_json(document):  # no JSON document: nothing more to try
                raise
            dated = _iso_dates(document)
            if dated is document:
                raise
            document = schema.validated(dated, marks, input_name)  # datetime.date values, as yaml.safe_load gives
        return compiled.run(document, input_name, recorder)

    def _asked_for(
        self, name: Any, decision: str | None, document: dict, marks: MarksLike | None, input_name: str | None
    ) -> CompiledDecision:
        """The decision ``name`` (given as ``decision``, or the document's own), when it is not one of this
        policy's decisions by that very text; WQError (WQ-INPUT) when there is none, placed by ``marks``."""

        def where() -> Span | None:  # only an error asks: marks may be found only when asked for
            return (
                marks.span(("decision",)) if marks is not None and decision is None and "decision" in document else None
            ) or (Span(input_name, 1, 1) if input_name else None)

        if name is None:
            raise WQError(
                [
                    Diagnostic(
                        "WQ-INPUT",
                        "the document has no `decision:` field; give the decision "
                        f"(one of {', '.join(self.decisions)})",
                        where(),
                        zh=f"申报材料中没有 `decision:` 字段：请写明要作出的决定（可选：{', '.join(self.decisions)}）",
                    )
                ]
            )
        if not isinstance(name, str):
            raise WQError(
                [
                    Diagnostic(
                        "WQ-INPUT",
                        f"decision: {name!r} is not the name of a decision (one of {', '.join(self.decisions)})",
                        where(),
                        zh=f"decision: {name!r} 不是决定的名称（可选：{', '.join(self.decisions)}）",
                    )
                ]
            )
        return self.decisions.get(name) or self._named(name, input_name, where())

    def version_date(self, decision: str, document: dict) -> datetime.date | None:
        """The date of ``document`` that picks the version in force for it, as ``decision`` of this version reads
        it (its `version_date`); None when it declares none, or the date is unknown for this document.

        >>> load_policy().version_date("recognition", {"submitted_on": "2021-06-01"})
        datetime.date(2021, 6, 1)
        """
        compiled = self._named(decision, None)
        schema = self.inputs[decision]
        if not isinstance(document, dict) or schema is None:
            return None
        # only the fields the date is read from are prepared: not the whole document, for each of a batch
        roots = compiled.version_date_fields
        try:
            prepared = schema.prepare({k: document[k] for k in roots if k in document})
        except (RecursionError, ValueError, TypeError):  # not a document (it is reported when evaluated)
            return None
        return compiled.version_date(prepared)

    def decision(self, name: str, file: str | None = None) -> CompiledDecision:
        """The compiled decision ``name``. Raises WQError (WQ-INPUT, with the closest name as its hint) when the
        policy has none of that name; ``file``, the input that named it, places the error.

        >>> load_policy().decision("filing").info.rules[0].id
        'filing.industry'
        """
        return self._named(name, file)

    def _named(self, name: str, file: str | None, where: Span | None = None) -> CompiledDecision:
        where = where or (Span(file, 1, 1) if file else None)
        names = ", ".join(self.decisions)
        if not isinstance(name, str):
            raise WQError(
                [
                    Diagnostic(
                        "WQ-INPUT",
                        f"decision: {name!r} is not the name of a decision (one of {names})",
                        where,
                        zh=f"decision: {name!r} 不是决定的名称（可选：{names}）",
                    )
                ]
            )
        if name not in self.decisions:
            from .errors import suggest

            hint = suggest(name, self.decisions) or (f"decisions: {names}", f"可用的决定：{names}")
            raise WQError(
                [
                    Diagnostic(
                        "WQ-INPUT",
                        f"policy {self.model.ref} has no decision `{name}`",
                        where,
                        hint[0],
                        subject=name,
                        zh=f"政策 {self.model.ref} 没有名为 `{name}` 的决定",
                        hint_zh=hint[1],
                    )
                ]
            )
        return self.decisions[name]


def _iso_dates(value: Any) -> Any:
    """``value`` with ``datetime.date`` values written as the input schemas want dates ("2024-03-01"); ``value``
    itself when it holds none. Only a document that failed its schema is looked through."""
    if type(value) is datetime.date:
        return value.isoformat()
    if isinstance(value, dict):
        new = {k: _iso_dates(v) for k, v in value.items()}
        return value if all(new[k] is v for k, v in value.items()) else new
    if isinstance(value, list):
        items = [_iso_dates(v) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else items
    return value
