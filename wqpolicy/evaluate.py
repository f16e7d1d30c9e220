"""Runs one compiled decision on one input document and builds its decision record."""
from __future__ import annotations

from .checker import OUTCOME_COUNTS, Checker, reads
from .codegen import CodeGen
from .model import Decision, PolicyVersion
from .record import DecisionRecord
from .values import FAULTS, UNKNOWN, EvalFault, fault_message

_COUNT = {"pass": "passed", "fail": "failed", "unknown": "unknown", "error": "error"}
# The outcome when no step of the outcome logic applies, or when a step's `when` cannot be evaluated.
FALLBACK_OUTCOME = "needs_review"


class CompiledDecision:
    """A decision with every expression compiled to closures; ``run`` evaluates one document."""

    def __init__(self, policy: PolicyVersion, decision: Decision, checker: Checker):
        self.policy = policy
        self.decision = decision
        gen = CodeGen(checker)
        self.rules = []
        for rule in decision.rules:
            paths = reads(rule.condition)
            value_reads = [(p, gen.function(node)) for p, node in paths]
            input_reads = [(p, gen.function(node)) for p, node in _input_reads(checker, rule.condition)]
            kinds = {p: _kind(checker, p) for p, _ in paths}
            self.rules.append((rule, gen.function(rule.condition.node), (value_reads, input_reads, kinds),
                               rule.severity == "advise"))
        self.outcome = [(gen.function(s.when.node) if s.when is not None else None, s.outcome, s.when)
                        for s in decision.outcome]
        self.outputs = [(o.name, gen.function(o.expr.node)) for o in decision.outputs.values()]
        self.output_kinds = {o.name: (o.kind, o.fields) for o in decision.outputs.values()}

    def run(self, doc: dict, input_name: str | None = None) -> DecisionRecord:
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
                              results, outputs, self.output_kinds, errors, input_name, outcome_error)


def _kind(checker: Checker, name: str) -> str | None:
    if name in checker.defs:
        return checker.defs[name].kind
    p = checker.policy.parameters.get(name)
    return p.kind if p else None


def fault_text(e: Exception, expr) -> str:
    """What went wrong evaluating ``expr``, and where in the policy file."""
    span = (e.span or (expr.span(e.pos) if e.pos is not None else None)) if isinstance(e, EvalFault) else None
    return f"{fault_message(e)} at {span}" if span is not None else fault_message(e)


def _input_reads(checker: Checker, expr, seen=None):
    """Dotted input paths read by ``expr``, following definitions transitively."""
    seen = set() if seen is None else seen
    out = []
    for path, node in reads(expr):
        root = path.split(".")[0].split("[")[0]
        if root in checker.defs:
            if root in seen:
                continue
            seen.add(root)
            d = checker.defs[root]
            exprs = [d.expr] if d.expr is not None else [d.each.source]
            for e in exprs:
                out.extend(_input_reads(checker, e, seen))
        elif root not in checker.params and checker.input.field(root) is not None:
            out.append((path, node))
    unique = {}
    for p, n in out:
        unique.setdefault(p, n)
    return list(unique.items())
