"""Runs one compiled decision on one input document and builds its decision record."""
from __future__ import annotations

import threading

from .checker import OUTCOME_COUNTS, Checker, item_reads, reads
from .codegen import CodeGen
from .model import Decision, PolicyVersion
from .record import DecisionRecord
from .values import FAULTS, UNKNOWN, EvalFault, fault_message

_COUNT = {"pass": "passed", "fail": "failed", "unknown": "unknown", "error": "error"}
# The outcome when no step of the outcome logic applies, or when a step's `when` cannot be evaluated.
FALLBACK_OUTCOME = "needs_review"


class CompiledDecision:
    """A decision compiled to generated Python; ``run`` evaluates one document.

    Two compiled forms give the same record: one function for the whole decision (``run``, the usual path), and
    one function per rule, outcome step and output (``run_general``, for a document that is not a plain dict,
    and the reference the first is tested against). The values a rule read are computed on demand by functions
    of their own, either way.
    """

    def __init__(self, policy: PolicyVersion, decision: Decision, checker: Checker):
        self.policy = policy
        self.decision = decision
        gen = CodeGen(checker)
        rules = []
        for rule in decision.rules:  # every function first, then compiled at once
            paths = reads(rule.condition)
            rules.append((rule, [(p, gen.name_of(node)) for p, node in paths],
                          [(p, gen.name_of(node)) for p, node in _input_reads(checker, rule.condition)],
                          {p: _kind(checker, p) for p, _ in paths}, gen.name_of(rule.condition.node)))
        outcome = [(gen.name_of(s.when.node) if s.when is not None else None, s.outcome, s.when)
                   for s in decision.outcome]
        outputs = [(o.name, gen.name_of(o.expr.node)) for o in decision.outputs.values()]
        fn = gen.compiled
        self.rules = [(rule, fn(condition), ([(p, fn(f)) for p, f in value_reads], [(p, fn(f)) for p, f in input_reads],
                                             kinds, item_reads(checker, rule.condition)), rule.severity == "advise")
                      for rule, value_reads, input_reads, kinds, condition in rules]
        self.outcome = [(fn(when) if when is not None else None, word, source) for when, word, source in outcome]
        self.outputs = [(name, fn(f)) for name, f in outputs]
        self._output_fns = dict(self.outputs)
        self.output_kinds = {o.name: (o.kind, o.fields) for o in decision.outputs.values()}
        self.output_labels = {o.name: o.label for o in decision.outputs.values()}
        self._output_exprs = [o.expr for o in decision.outputs.values()]
        self._rule_reads = [(rule, reads_) for rule, _, reads_, _ in self.rules]
        self._id, self._version, self._name = policy.id, policy.version, decision.name
        self._labels = decision.outcome_labels
        self._gen = gen  # kept for the runner, generated on the first run: loading and checking need none
        self._runner = None
        self._lock = threading.Lock()

    @property
    def source(self) -> list[str]:
        """The generated Python of this decision's functions, runner included, to read or profile."""
        self._get_runner()
        return self._gen.source

    def _get_runner(self):
        with self._lock:
            if self._runner is None:
                d = self.decision
                self._runner = self._gen.runner(
                    [(rule.condition.node, rule.severity == "advise") for rule in d.rules],
                    [(s.when.node if s.when is not None else None, s.outcome) for s in d.outcome],
                    [(o.name, o.expr.node) for o in d.outputs.values()], FALLBACK_OUTCOME)
            return self._runner

    def run(self, doc: dict, input_name: str | None = None) -> DecisionRecord:
        """The decision record for ``doc`` (an input document, prepared: dates as dates, numbers exact)."""
        if type(doc) is not dict:
            return self.run_general(doc, input_name)
        cache: dict = {}
        runner = self._runner or self._get_runner()
        outcomes, faults, outcome, outcome_fault, outputs, output_faults = runner(doc, cache)
        errors = output_errors = None
        if faults is not None:
            errors = {i: fault_text(e, self.rules[i][0].condition) for i, e in faults}
        if outcome_fault is not None:
            outcome_fault = fault_text(outcome_fault[1], self.outcome[outcome_fault[0]][2])
        if output_faults is not None:
            output_errors = {self.outputs[i][0]: fault_text(e, self._output_exprs[i]) for i, e in output_faults}
        return DecisionRecord(self._id, self._version, self._name, outcome, self._labels.get(outcome),
                              (self._rule_reads, outcomes, (doc, cache), errors), outputs, self.output_kinds,
                              output_errors, input_name, outcome_fault, self.output_labels,
                              (self._output_fns, (doc, cache)))

    def run_general(self, doc: dict, input_name: str | None = None) -> DecisionRecord:
        """What ``run`` returns, evaluated one compiled function per rule, outcome step and output."""
        cache: dict = {}
        env = (doc, cache)
        counts = dict.fromkeys(OUTCOME_COUNTS, 0)
        results = []
        for rule, condition, reads_, advisory in self.rules:
            error = None
            try:
                v = condition(doc, cache)
                outcome = "pass" if v is True else "fail" if v is False else "unknown"
            except FAULTS as e:
                outcome, error = "error", fault_text(e, rule.condition)
            if advisory:
                if outcome == "fail":
                    counts["advisories"] += 1
            else:
                counts[_COUNT[outcome]] += 1
            results.append((rule, outcome, reads_, env, error))
        cache["$rules"] = counts
        outcome, outcome_error = FALLBACK_OUTCOME, None
        for when, word, source in self.outcome:
            try:
                if when is None or when(doc, cache) is True:
                    outcome = word
                    break
            except FAULTS as e:  # the outcome cannot be decided: say why rather than fall through to `otherwise`
                outcome_error = fault_text(e, source)
                break
        cache["$outcome"] = outcome
        outputs, errors = {}, {}
        for name, fn in self.outputs:
            try:
                outputs[name] = fn(doc, cache)
            except FAULTS as e:
                outputs[name] = UNKNOWN
                errors[name] = fault_text(e, self.decision.outputs[name].expr)
        d = self.decision
        return DecisionRecord(self.policy.id, self.policy.version, d.name, outcome, d.outcome_labels.get(outcome),
                              results, outputs, self.output_kinds, errors, input_name, outcome_error,
                              self.output_labels, (self._output_fns, env))


def _kind(checker: Checker, name: str) -> str | None:
    if name in checker.defs:
        return checker.defs[name].kind
    p = checker.policy.parameters.get(name)
    return p.kind if p else None


def fault_text(e: Exception, expr) -> str:
    """What went wrong evaluating ``expr``, and where in the policy file."""
    span = (e.span or (expr.span(e.pos) if e.pos is not None else None)) if isinstance(e, EvalFault) else None
    return f"{fault_message(e)} at {span}" if span is not None else fault_message(e)


def _input_reads(checker: Checker, expr, seen=None, local=()):
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
            own = (each.var, *each.carry, *each.fields)
            for e in [each.source, each.order_by, *each.fields.values(), *(x for pair in each.carry.values()
                                                                           for x in pair)]:
                if e is not None:
                    out.extend(_input_reads(checker, e, seen, own))
        elif root not in checker.params and checker.input.field(root) is not None:
            out.append((path, node))
    unique = {}
    for p, n in out:
        unique.setdefault(p, n)
    return list(unique.items())
