"""Runs one compiled decision on one input document and builds its decision record: plain data, failing closed
(a runtime fault anywhere, or a negative amount of money, makes the outcome `error` and leaves no amount)."""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from . import ast
from .absent import MISSING_SHOWN, Missing, absent_reads
from .checker import Checker, item_reads, reads
from .codegen import CodeGen, RunResult, negative_payout
from .context import Context, Recorder
from .display import exact_money_text
from .errors import Diagnostic
from .model import Decision, Expr, PolicyVersion, Rule, parsed, stated
from .record import ERROR_LABEL, DecisionInfo, DecisionRecord, OutputInfo, RuleInfo, to_json_value
from .values import FAULTS, UNKNOWN, EvalFault, fault_message, fault_message_zh, is_number
from .words import ERROR, Kind, Severity, kind_of
from .workspace import shown_file

# The outcome when no step of the outcome logic applies (a policy without `otherwise`).
FALLBACK_OUTCOME = "needs_review"


class CompiledDecision:
    """A decision compiled to generated Python; ``run`` evaluates one document into a DecisionRecord.

    The whole decision is one generated function (``runner``, see codegen.CodeGen.runner). What only some records
    need — the functions that find what an unknown rule or output lacked, and a runner that reports each branch to
    a recorder — is compiled on first use.
    """

    def __init__(self, policy: PolicyVersion, decision: Decision, checker: Checker) -> None:
        self.policy = policy
        self.decision = decision
        self._checker = checker
        self._gen = CodeGen(checker)
        self._lock = threading.Lock()
        self._runner: Callable[[Context], RunResult] | None = None
        self._observing: Callable[[Context], RunResult] | None = None
        self._lazy_runner: Callable[[Context], RunResult] | None = None
        self._absent_fns: tuple | None = None  # (per rule: input reads; per output: its function), when first asked
        self._version_date: Callable[[Context], Any] | None = None
        dated = decision.version_date
        # the input fields (their first part) the version date reads
        read = reads(dated) if dated is not None else []
        self.version_date_fields = frozenset(re.split(r"[.\[]", p, maxsplit=1)[0] for p, _ in read)
        self._reads = [reads(parsed(rule.condition)) for rule in decision.rules]
        self._item_reads = [
            [(path, name, f"{path}[].{name}") for path, name in item_reads(checker, parsed(rule.condition))]
            for rule in decision.rules
        ]
        self._required = [rule.severity != Severity.ADVISE for rule in decision.rules]
        self._exprs = [rule.condition for rule in decision.rules]
        self._steps = [s.when for s in decision.outcome]
        self._outputs = list(decision.outputs.values())
        self._output_index = {o.name: i for i, o in enumerate(self._outputs)}
        self._money = [o.name for o in self._outputs if o.kind == Kind.MONEY]
        self._list_outputs = [o.name for o in self._outputs if o.kind == Kind.LIST]
        self._money_fields = [
            (o.name, [f for f, k in o.fields.items() if k == Kind.MONEY])
            for o in self._outputs
            if o.kind == Kind.LIST and any(k == Kind.MONEY for k in o.fields.values())
        ]
        self.info = DecisionInfo(
            policy.id,
            policy.version,
            decision.name,
            tuple(self._rule_info(rule, paths) for rule, paths in zip(decision.rules, self._reads)),
            tuple(
                OutputInfo(o.name, kind_of(o.kind), {f: kind_of(k) for f, k in o.fields.items()}, o.label)
                for o in self._outputs
            ),
            {**decision.outcome_labels, **({} if ERROR in decision.outcome_labels else {ERROR: ERROR_LABEL})},
            tuple(shown_file(f) for f in policy.files),
        )

    def _rule_info(self, rule: Rule, paths: list[tuple[str, ast.Node]]) -> RuleInfo:
        kinds = {p: kind_of(_kind(self._checker, p)) for p, _ in paths}
        constants = {
            p: _constant_json(self._gen.constant(node), kinds[p])
            for p, node in paths
            if self._gen.constant(node) is not None
        }
        return RuleInfo(
            rule.id,
            rule.clause,
            Severity(rule.severity),
            stated(rule.label),
            stated(rule.message),
            tuple(p for p, _ in paths),
            kinds,
            constants,
        )

    @property
    def source(self) -> list[str]:
        """The generated Python of this decision's functions, runner included, to read or profile."""
        self.runner  # noqa: B018 - compiled on first use
        return self._gen.source

    @property
    def runner(self) -> Callable[[Context], RunResult]:
        """The compiled core: ``runner(Context(document))`` -> codegen.RunResult."""
        return self._runner or self._compile_runner()

    def _compile_runner(self, observe: bool = False) -> Callable[[Context], RunResult]:
        with self._lock:
            if observe:
                if self._observing is None:
                    self._observing = self._generate(CodeGen(self._checker, observe=True))
                return self._observing
            if self._runner is None:
                self._gen.ns["_lazy"] = self._lazy
                self._runner = self._generate(self._gen, "_lazy")
            return self._runner

    def _generate(self, gen: CodeGen, lazy: str | None = None) -> Callable[[Context], RunResult]:
        d = self.decision
        return gen.runner(
            [(rule.condition, rule.severity == Severity.ADVISE) for rule in d.rules],
            [(s.when, s.outcome) for s in d.outcome],
            [(o.name, o.expr) for o in self._outputs],
            FALLBACK_OUTCOME,
            self._reads,
            lazy,
            frozenset(self._money),
        )

    def _lazy(self, ctx: Context) -> RunResult:
        """The runner for a document not shaped as its schema says (only one not validated can be): each field
        read where it is used, so that a fault is that rule's or output's. Compiled on first need."""
        if self._lazy_runner is None:
            with self._lock:
                if self._lazy_runner is None:
                    self._lazy_runner = self._generate(CodeGen(self._checker))
        runner = self._lazy_runner
        assert runner is not None
        return runner(ctx)

    def version_date(self, doc: dict) -> datetime.date | None:
        """The application's own date that picks the version in force for it: the decision's `version_date`
        evaluated on ``doc`` (prepared), or None when the decision declares none, or it is unknown or faults
        for this document (the evaluation date is then used: the caller says so)."""
        expr = self.decision.version_date
        if expr is None:
            return None
        if self._version_date is None:
            with self._lock:
                if self._version_date is None:
                    self._version_date = CodeGen(self._checker).function(expr.node, expr)
        try:
            value = self._version_date(Context(doc if type(doc) is dict else dict(doc)))
        except FAULTS:  # a date past 9999-12-31, say: no date of the application's own
            return None
        return value if isinstance(value, datetime.date) else None

    def run(self, doc: dict, input_name: str | None = None, recorder: Recorder | None = None) -> DecisionRecord:
        """The decision record for ``doc`` (an input document, prepared: dates as dates, numbers exact).
        ``recorder``: told of each branch and comparison evaluated (context.Recorder); without one, code that
        tells nobody runs."""
        if type(doc) is not dict:
            doc = dict(doc)  # any mapping: read as a dict
        ctx = Context(doc, {}, recorder)
        if recorder is None:
            result = (self._runner or self._compile_runner())(ctx)
        else:
            result = (self._observing or self._compile_runner(observe=True))(ctx)
        return self._record(result, ctx, input_name)

    def _record(self, result: RunResult, ctx: Context, input_name: str | None) -> DecisionRecord:
        outcome, outputs, outcomes = result.outcome, result.outputs, result.outcomes
        output_faults = self._output_faults(result)
        unknown_output = result.unknown_output or (bool(self._list_outputs) and self._unsettled_lists(outputs))
        if result.unknown_rule or unknown_output:
            rule_missing, missing = self._missing(
                result.unknown_rule, len(outcomes), result.values, outputs, ctx, unknown_output
            )
            shown, count = tuple(missing.shown), missing.count
        else:  # the usual record: nothing missing
            rule_missing, shown, count = (), (), 0
        rule_faults: tuple = ()
        outcome_fault = None
        if result.rule_faults is not None:
            rule_faults = tuple(
                (c.at, fault_diagnostic(c.error, self._exprs[c.at], self.decision.rules[c.at].id, self.decision.name))
                for c in result.rule_faults
            )
        if result.outcome_fault is not None:
            c = result.outcome_fault
            outcome_fault = fault_diagnostic(c.error, self._steps[c.at], "outcome", self.decision.name)
        if output_faults:
            outcome = ERROR
        if outcome == ERROR:  # fail closed: no amount of a faulted evaluation is given
            outputs = self._without_money(outputs)
        return DecisionRecord(
            self.info,
            outcome,
            input_name,
            outcomes,
            result.values,
            outputs,
            rule_missing,
            shown,
            count,
            rule_faults,
            outcome_fault,
            output_faults,
        )

    def _output_faults(self, result: RunResult) -> tuple:
        """(output name, WQ-EVAL Diagnostic) for each output that faulted or, money, came out below zero, in
        output order."""
        if result.output_faults is None and not self._money_fields:
            return ()
        outputs, found = result.outputs, []
        if result.output_faults is not None:
            name = self.decision.name
            found = [
                (
                    self._outputs[c.at].name,
                    fault_diagnostic(c.error, self._outputs[c.at].expr, self._outputs[c.at].name, name),
                )
                for c in result.output_faults
            ]
        for o, money_fields in self._money_fields:
            rows = outputs[o]
            for i, row in enumerate(rows if type(rows) is list else ()):
                bad = (
                    next((f for f in money_fields if is_number(row.get(f)) and row[f] < 0), None)
                    if type(row) is dict
                    else None
                )
                if bad is not None:
                    found.append((o, self._negative(o, row[bad], f"{o}[{i}].{bad}")))
                    break
        if len(found) > 1:
            found.sort(key=lambda pair: self._output_index[pair[0]])
        return tuple(found)

    def _unsettled_lists(self, outputs: dict) -> bool:
        """Whether a list output has an item with an unknown field."""
        return any(_unsettled(outputs[name]) for name in self._list_outputs)

    def _negative(self, output: str, value: Any, where: str) -> Diagnostic:
        """A money field of an item of a list output (at ``where``) that came out below zero (a money output itself
        is checked by the runner)."""
        try:
            negative_payout(where, value)
        except EvalFault as e:
            return fault_diagnostic(e, self.decision.outputs[output].expr, output, self.decision.name)
        raise AssertionError("negative_payout returned")

    def _without_money(self, outputs: dict) -> dict:
        out = dict(outputs)
        for name in self._money:
            out[name] = UNKNOWN
        for name, money_fields in self._money_fields:
            rows = out[name]
            if type(rows) is list:
                out[name] = [
                    {**row, **dict.fromkeys(money_fields, UNKNOWN)} if type(row) is dict else row for row in rows
                ]
        return out

    def _missing(
        self, unknown: tuple, rules: int, values: tuple, outputs: dict, ctx: Context, unknown_output: bool
    ) -> tuple[tuple, Missing]:
        """Per rule (of ``rules``), what an unknown rule (its position among ``unknown``) lacks, None for the
        others; and what the record lacks in all: the required rules' first, then what unknown outputs
        (``unknown_output``: there are some) asked for."""
        input_reads, output_fns, direct_reads = self._absent_functions()
        doc = ctx.doc
        plain = None
        everything = Missing()
        per_rule: list = [None] * rules
        spans = self.info.value_spans
        for i in unknown:
            start = spans[i][0]
            direct = direct_reads[i]
            if direct is not None:  # the usual rule: it names what it lacks straight from the values it read
                lacking = tuple([path for path, at in direct if values[start + at] is UNKNOWN])
                per_rule[i] = (lacking, len(lacking))
                if self._required[i]:
                    everything.update(lacking)
                continue
            own = Missing()
            into = (own, everything) if self._required[i] else (own,)
            empty = []  # input lists given without an item: what an unknown of no items asks for
            for path, at, fn in input_reads[i]:  # a path the rule's values hold is not read again
                if at is not None:
                    value = values[start + at]
                else:
                    plain = plain or Context(doc, ctx.cache)
                    value = _read(fn, plain)
                if value is UNKNOWN:
                    for m in into:
                        m.add_text(path)
                elif type(value) is list and not value:
                    empty.append(path)
            for path, name, shape in self._item_reads[i]:
                for j, item in enumerate(_list_at(doc, path)):
                    if isinstance(item, dict) and item.get(name) is None:
                        for m in into:
                            m.add(shape, (j,))
            if not own.count:  # nothing absent, yet undecided: the lists it reads hold nothing (no finance years)
                for path in empty:
                    for m in into:
                        m.add_text(path)
            per_rule[i] = (tuple(own.shown), own.count)
        if unknown_output:
            unsettled = [fn for o, fn in zip(self._outputs, output_fns) if _unsettled(outputs[o.name])]
            # What the outputs ask for, evaluated again over a noting view of the document: of the evaluation's
            # cache, absent_reads keeps the rule counts and the outcome (the `$` entries), and computes every
            # definition again over the view.
            absent_reads(unsettled, doc, ctx.cache, everything)
        return tuple(per_rule), everything

    def _absent_functions(self) -> tuple:
        """Compiled on first use: per rule, (input path, its index among the rule's values or None, function)
        for each input it reads, following definitions; per output, its own function (run again over a noting
        view by absent_reads); per rule, its (input path, index) pairs when those say all it can lack, else None."""
        if self._absent_fns is None:
            with self._lock:
                if self._absent_fns is None:
                    gen = self._gen
                    inputs = []
                    for rule, info in zip(self.decision.rules, self.info.rules):
                        at = {p: i for i, p in enumerate(info.paths)}
                        inputs.append(
                            [
                                (p, at.get(p), None if p in at else gen.name_of(node))
                                for p, node in _input_reads(self._checker, parsed(rule.condition))
                            ]
                        )
                    outputs = [gen.name_of(parsed(o.expr).node, o.expr) for o in self._outputs]
                    # A rule whose input paths are all among its values read (plain paths, none inside an input
                    # list's items) and fewer than a record names: what it lacks is its values that are unknown.
                    direct = [
                        tuple((p, at) for p, at, _ in rule)
                        if all(at is not None and "[" not in p for p, at, _ in rule)
                        and not items
                        and len(rule) <= MISSING_SHOWN
                        else None
                        for rule, items in zip(inputs, self._item_reads)
                    ]
                    self._absent_fns = (
                        [[(p, at, gen.compiled(f) if f else None) for p, at, f in rule] for rule in inputs],
                        [gen.compiled(f) for f in outputs],
                        direct,
                    )
        return self._absent_fns


def fault_diagnostic(e: Exception, expr: Expr | None, subject: str | None, decision: str | None) -> Diagnostic:
    """A runtime fault as a WQ-EVAL Diagnostic placed in the policy file: where the fault says (inside a
    definition: in the definition's text), else at its offset in ``expr``, else at ``expr``'s start."""
    span = None
    if isinstance(e, EvalFault) and e.span is not None:
        span = e.span
    elif expr is not None:
        pos = e.pos if isinstance(e, EvalFault) else None
        span = expr.span(pos) if pos is not None else expr.span(0, max(1, len(expr.text)))
    hint, hint_zh = (e.hint, e.hint_zh) if isinstance(e, EvalFault) else (None, None)
    return Diagnostic(
        "WQ-EVAL",
        fault_message(e),
        span,
        hint,
        subject=subject,
        decision=decision,
        zh=fault_message_zh(e),
        hint_zh=hint_zh,
    )


def _constant_json(value: Any, kind: Kind | None) -> Any:
    """A parameter's value as a rule's ``values`` give it in JSON."""
    if kind is Kind.MONEY and is_number(value):
        return exact_money_text(value)
    return to_json_value(value)


def _kind(checker: Checker, name: str) -> str | None:
    if name in checker.defs:
        return checker.defs[name].kind
    p = checker.policy.parameters.get(name)
    return p.kind if p else None


def _read(fn: Callable[[Context], Any], ctx: Context) -> Any:
    try:
        return fn(ctx)
    except Exception:  # noqa: BLE001 - a read that faults shows as unknown; the rule itself reports the fault
        return UNKNOWN


def _unsettled(value: Any) -> bool:
    """An output value that is unknown, or a list with an unknown field in one of its items."""
    if value is UNKNOWN or value is None:
        return True
    return type(value) is list and any(type(x) is dict and any(v is UNKNOWN for v in x.values()) for x in value)


def _list_at(doc: Any, path: str) -> list:
    """The list at dotted ``path`` of the input document, or [] when there is none there."""
    for part in path.split("."):
        doc = doc.get(part) if isinstance(doc, dict) else None
    return doc if isinstance(doc, list) else []


def _input_reads(
    checker: Checker, expr: Expr, seen: set | None = None, local: Iterable[str] = ()
) -> list[tuple[str, ast.Node]]:
    """Dotted input paths read by ``expr``, following definitions transitively (a per-item definition's fields
    too, its item, carried and field names being its own)."""
    seen = set() if seen is None else seen
    out = []
    for path, node in reads(expr, local):
        root = path.split(".")[0].split("[")[0]
        if root in checker.defs:
            if root in seen:
                continue
            seen.add(root)
            d = checker.defs[root]
            if d.expr is not None:
                out.extend(_input_reads(checker, d.expr, seen))
                continue
            each = d.each
            assert each is not None  # a definition has an expression or is per item
            own = (each.var, *each.carry, *each.fields)
            for e in [
                each.source,
                each.order_by,
                *each.fields.values(),
                *(x for pair in each.carry.values() for x in pair),
            ]:
                if e is not None:
                    out.extend(_input_reads(checker, e, seen, own))
        elif root not in checker.params and checker.input.field(root) is not None:
            out.append((path, node))
    unique: dict[str, Any] = {}
    for p, n in out:
        unique.setdefault(p, n)
    return list(unique.items())
