"""Evaluate one expression on its own, against a mapping of facts: for trying the language
(``wqpolicy expr``) and for the language's own tests."""
from __future__ import annotations

import datetime

from . import parser
from . import types as T
from .checker import Checker
from .codegen import CodeGen
from .errors import Diagnostic, WQError
from .model import Decision, Expr, PolicyVersion
from .source import Span


def facts_type(value):
    """The static type of a fact: mappings are records, lists take the join of their items."""
    if isinstance(value, dict):
        return T.Record(tuple((k, facts_type(v)) for k, v in value.items()))
    if isinstance(value, list):
        item = T.ANY
        for x in value:
            item = T.join(item, facts_type(x)) or T.ANY
        return T.ListOf(item)
    return T.of_value(value)


def evaluate_expression(text: str, facts: dict | None = None, file: str = "<expr>", missing=()):
    """Parse, check and evaluate ``text`` with ``facts`` as its input names. ``missing`` names are declared but
    have no value (they evaluate as unknown). Raises WQError for syntax, name and type errors, and for runtime
    faults (WQ-EVAL).

    >>> evaluate_expression("sum(x.a for x in xs if x.a > 1)", {"xs": [{"a": 1}, {"a": 2}]})
    Decimal('2')
    """
    facts = facts or {}

    def locate(offset, length):
        return Span(file, 1, offset + 1, length)

    try:
        node = parser.parse(text)
    except parser.ParseFailure as e:
        raise WQError([Diagnostic("WQ-SYNTAX", e.message, locate(e.offset, e.length), e.hint)]) from None
    expr = Expr(text, node, locate)
    policy = PolicyVersion("expr", "expr", None, datetime.date.min, None, None, False, {}, {}, {}, {}, {}, {}, file)
    decision = Decision("expr", None, "", {}, [], {}, [], {}, {})
    declared = facts_type(facts)
    declared = T.Record(declared.fields + tuple((m, T.ANY) for m in missing if m not in facts))
    checker = Checker(policy, decision, declared)
    checker.expr(expr)
    if checker.diagnostics:
        raise WQError(checker.diagnostics)
    fn = CodeGen(checker).function(expr.node)
    from .values import EvalFault
    try:
        return fn(facts, {})
    except EvalFault as e:
        raise WQError([Diagnostic("WQ-EVAL", e.message, locate(e.pos or 0, 1))]) from None


def evaluate_in_decision(policy, decision: str, text: str, document: dict | None = None):
    """Evaluate ``text`` where a rule of ``decision`` would be: with the policy's parameters and definitions and
    the document's fields (``document`` None: every input is unknown). Returns (value, static type).

    >>> evaluate_in_decision(policy, "recognition", "min_investment / 10000")
    (Decimal('1000'), number)
    """
    def locate(offset, length):
        return Span("<expr>", 1, offset + 1, length)

    try:
        node = parser.parse(text)
    except parser.ParseFailure as e:
        raise WQError([Diagnostic("WQ-SYNTAX", e.message, locate(e.offset, e.length), e.hint)]) from None
    expr = Expr(text, node, locate)
    schema = policy.inputs[decision]
    checker = Checker(policy.model, policy.model.decisions[decision], schema.type)
    t = checker.expr(expr, specials={"outcome": T.STRING})
    if checker.diagnostics:
        raise WQError(checker.diagnostics)
    fn = CodeGen(checker).function(node)
    from .values import EvalFault
    try:
        return fn(schema.prepare(document or {}), {}), t
    except EvalFault as e:
        raise WQError([Diagnostic("WQ-EVAL", e.message, locate(e.pos or 0, 1))]) from None
