"""One application decided, where the batch's work is done (a worker process, or this one): its document read if it
was handed over as text or a file, its decision and version chosen, evaluated, and kept as a ``Result``; whatever
keeps it from being evaluated kept as problems placed in its sheet's cell or its file's line."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..documents.notice import APPLICANT_FIELDS, PLATFORM_FIELDS
from ..errors import Diagnostic, WQError
from ..inputs import load_input
from ..model import Text
from ..record import render_value
from ..source import Span
from ..vocabulary import vocabulary
from ..words import RuleOutcome, Severity
from .items import Item, Problem
from .policies import PolicySet, PolicySpec, policy_set
from .result import FailedRule, Result

_RUNNING: dict[PolicySpec, PolicySet] = {}  # the versions of the run this process works for, set by Decide.setup


@dataclass(frozen=True)
class Decide:
    """The work of an evaluation batch (picklable: it is sent to worker processes): ``spec`` finds the versions,
    ``decision`` is the `--decision` given (a document's own `decision:` wins, then its sheet's)."""

    spec: PolicySpec
    decision: str | None = None
    lines: bool = False  # JSON lines out: each result sent back as its line (Result.packed)

    def setup(self) -> None:
        """Load the versions once in this process (a process made by fork has them already) and keep them for this
        run: its files are looked at here, once, not for each application."""
        _RUNNING[self.spec] = policy_set(self.spec)

    def _policies(self) -> PolicySet:
        return _RUNNING.get(self.spec) or policy_set(self.spec)

    def __call__(self, item: Item) -> Result:
        result = self._checked(item)
        if not self.lines:
            return result
        return result.packed(_payouts(self._policies().default, result.decision or ""))

    def _checked(self, item: Item) -> Result:
        try:
            return self._decide(item)
        except WQError as e:
            return _failed(item, item.id or _line_id(item), [placed(d, item) for d in e.diagnostics])
        except Exception as e:  # noqa: BLE001 - a fault of the engine fails this application closed, not the batch
            problem = Problem(
                item.name, f"内部错误：{type(e).__name__}: {e}", f"internal error: {type(e).__name__}: {e}"
            )
            return _failed(item, item.id or _line_id(item), [problem])

    def _decide(self, item: Item) -> Result:
        if item.problems or (item.document is None and item.text is None and item.path is None):
            return _failed(item, item.id or _line_id(item), list(item.problems), application=item.id is not None)
        document, marks, decision = read_document(item, self.decision)
        pset = self._policies()
        policy, choice = pset.for_document(document, decision)
        key = item.id
        if key is None:
            key = own_id(document, policy, decision) or _line_id(item)
        try:
            record = policy.evaluate(decision, document, marks=marks, input_name=item.name)
        except WQError as e:
            found = [at_line(d, item) for d in e.diagnostics]
            return _failed(item, key, [placed(d, item) for d in found], decision=decision, document=document)
        vocab = vocabulary(policy, record.decision)
        info = record.info
        failed = tuple(
            FailedRule(r.id, r.clause, r.label)
            for r, outcome in zip(info.rules, record.outcomes)
            if outcome is RuleOutcome.FAIL and r.severity is Severity.REQUIRE
        )
        return Result(
            item.index,
            key,
            item.source,
            name_at(document, APPLICANT_FIELDS),
            name_at(document, PLATFORM_FIELDS),
            record.decision,
            record.outcome,
            record.outcome_label or Text(record.outcome, record.outcome),
            failed,
            tuple(vocab.material(p) for p in record.missing_shown),
            record.missing_count,
            tuple(_outputs_json(record).items()),
            tuple(zip(_rule_ids(info), map(_WORDS.__getitem__, record.outcomes))),
            f"{record.policy_id}@{record.version}",
            choice.on.isoformat(),
            choice.source,
            choice.field or "",
            faults=tuple(
                f"{d.zh or d.message} / {d.message}" + (f" ({d.span})" if d.span else "") for d in record.faults
            ),
        )


# Each rule outcome as plain text (quicker to send between processes than the enum), and each decision's rule ids.
_WORDS = {o: o.value for o in RuleOutcome}
_IDS: dict[int, tuple[Any, tuple[str, ...]]] = {}


_PAYOUTS: dict[tuple[int, str], tuple[Any, frozenset[str]]] = {}


def _payouts(policy: Any, decision: str) -> frozenset[str]:
    """The names of ``decision``'s outputs that are payouts (what a summary adds up), found once per policy."""
    found = _PAYOUTS.get((id(policy), decision))
    if found is None or found[0] is not policy:
        d = policy.model.decisions.get(decision)
        names = frozenset(n for n, o in d.outputs.items() if o.payout) if d is not None else frozenset()
        found = _PAYOUTS[(id(policy), decision)] = (policy, names)
    return found[1]


def _outputs_json(record: Any) -> dict[str, Any]:
    """Each output in its JSON form, as render_value gives it: by the record's generated JSON writer (the same
    values, tests/test_json_writer.py) when the outputs are the decision's, as the runner gives them."""
    outputs, writer = record.outputs, record.info.writer
    if tuple(outputs) == writer.output_names:
        return writer.outputs(outputs)
    kinds = record.info.output_kinds
    return {name: render_value(value, *kinds[name]) for name, value in outputs.items()}


def _rule_ids(info: Any) -> tuple[str, ...]:
    found = _IDS.get(id(info))
    if found is None or found[0] is not info:
        found = _IDS[id(info)] = (info, tuple(r.id for r in info.rules))
    return found[1]


def read_document(item: Item, decision: str | None) -> tuple[dict, Any, str]:
    """The document of ``item`` (read from its text or file when it was handed over so), its marks (None for one
    read from a sheet) and its decision: the document's own, else its sheet's, else ``decision`` (`--decision`).
    Raises WQError, placed in the file (a line of JSON lines at its line), when it cannot be read or has none."""
    marks: Any = None
    if item.text is not None:
        try:
            document, marks = load_input(item.source, item.text, as_json=True)
        except WQError as e:
            raise WQError([at_line(d, item) for d in e.diagnostics]) from None
    elif item.path is not None:
        document, marks = load_input(item.path)
    else:
        document = dict(item.document or {})
    own = document.get("decision") if isinstance(document.get("decision"), str) else None
    chosen = own or item.decision or decision
    if chosen is None:
        raise WQError(
            [
                Diagnostic(
                    "WQ-INPUT",
                    "the document has no `decision:` field; give --decision",
                    Span(item.name, 1, 1),
                    zh="文件没有写明决定类型（decision）；请加 --decision",
                )
            ]
        )
    return document, marks, chosen


def _failed(
    item: Item,
    key: str,
    problems: list[Problem],
    application: bool = True,
    decision: str | None = None,
    document: dict | None = None,
) -> Result:
    document = document if document is not None else item.document or {}
    return Result(
        item.index,
        key,
        item.source,
        name_at(document, APPLICANT_FIELDS),
        name_at(document, PLATFORM_FIELDS),
        decision=decision or item.decision,
        problems=tuple(problems),
        application=application,
    )


def _line_id(item: Item) -> str:
    return f"第{item.line}行" if item.text is not None else item.source


def own_id(document: dict, policy: Any, decision: str) -> str | None:
    """A document's `id` names it when its decision's input has no field of that name (the field is then taken
    out: it is the batch's, not the policy's)."""
    key = document.get("id")
    d = policy.model.decisions.get(decision)
    props = d.input_schema.get("properties") if d is not None and isinstance(d.input_schema, dict) else None
    if isinstance(key, (str, int)) and not isinstance(key, bool) and not (isinstance(props, dict) and "id" in props):
        del document["id"]
        return str(key)
    return None


def name_at(document: dict, paths: tuple[str, ...]) -> str:
    for path in paths:
        value: Any = document
        for step in path.split("."):
            value = value.get(step) if isinstance(value, dict) else None
        if isinstance(value, str) and value:
            return value
    return ""


def at_line(d: Diagnostic, item: Item) -> Diagnostic:
    """A diagnostic of one line of a JSON lines file, placed at its line in the file."""
    if d.span is None or d.span.file != item.source or item.line == 1:
        return d
    return dataclasses.replace(d, span=Span(d.span.file, d.span.line + item.line - 1, d.span.col, d.span.length))


def placed(d: Diagnostic, item: Item) -> Problem:
    """A diagnostic as a problem, at the cell its field was read from when the application came from a sheet."""
    if item.cells:
        subject = d.subject or ""
        while subject and subject not in item.cells:
            cut = max(subject.rfind("."), subject.rfind("["))
            subject = subject[:cut] if cut > 0 else ""
        where = item.cells.get(subject) or item.cells.get("")
        if where:
            return Problem.of(d, where)
    return Problem.of(d)
