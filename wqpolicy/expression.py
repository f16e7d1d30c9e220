"""Evaluate one expression on its own, against a mapping of facts: for trying the language
(``wqpolicy expr``) and for the language's own tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import ast, parser
from . import types as T
from .checker import Checker
from .codegen import CodeGen
from .context import Context
from .errors import Diagnostic, WQError
from .evaluate import fault_diagnostic
from .model import Decision, Expr, PolicyVersion
from .source import Span
from .values import FAULTS
from .yamlload import MarksLike

if TYPE_CHECKING:
    from .policy import Policy


def facts_type(value: Any) -> T.Type:
    """The static type of a fact: mappings are records, lists take the join of their items."""
    if isinstance(value, dict):
        return _facts_record(value)
    if isinstance(value, list):
        item: T.Type = T.ANY
        for x in value:
            item = T.join(item, facts_type(x)) or T.ANY
        return T.ListOf(item)
    return T.of_value(value)


def _facts_record(facts: dict) -> T.Record:
    return T.Record(tuple((k, facts_type(v)) for k, v in facts.items()))


def evaluate_expression(text: str, facts: dict | None = None, file: str = "<expr>", missing: Iterable[str] = ()) -> Any:
    """Parse, check and evaluate ``text`` with ``facts`` as its input names. ``missing`` names are declared but
    have no value (they evaluate as unknown). Raises WQError for syntax, name and type errors, and for runtime
    faults (WQ-EVAL).

    >>> evaluate_expression("sum(x.a for x in xs if x.a > 1)", {"xs": [{"a": 1}, {"a": 2}]})
    Decimal('2')
    """
    facts = facts or {}
    expr = _parse(text, file)
    policy = PolicyVersion("expr", "expr", None, datetime.date.min, None, None, False, {}, {}, {}, {}, {}, {}, file)
    decision = Decision("expr", None, "", {}, [], {}, [], {}, {})
    declared = _facts_record(facts)
    declared = T.Record(declared.fields + tuple((m, T.ANY) for m in missing if m not in facts))
    checker = Checker(policy, decision, declared)
    checker.expr(expr)
    return _run(checker, expr, facts)


def evaluate_in_decision(
    policy: Policy,
    decision: str,
    text: str,
    document: dict | None = None,
    marks: MarksLike | None = None,
    file: str | None = None,
) -> tuple[Any, T.Type | None]:
    """Evaluate ``text`` where a rule of ``decision`` would be: with the policy's parameters and definitions and
    the document's fields (``document`` None: every input is unknown). The document must pass the decision's
    input schema (WQ-INPUT otherwise, placed with ``marks`` in ``file``). Returns (value, static type).

    >>> value, kind = evaluate_in_decision(load_policy(), "recognition", "min_investment / 10000")
    >>> value, str(kind)
    (Decimal('1000'), 'number')
    """
    expr = _parse(text, "<expr>")
    schema = policy.inputs[decision]
    doc = schema.validated(document, marks, file) if document is not None else schema.prepare({})
    checker, t = _check_in(policy, decision, expr)
    if any(d.span is None or d.span.file != "<expr>" for d in checker.diagnostics):
        _not_in_scope(policy, decision, expr, checker.diagnostics)
    return _run(checker, expr, doc), t


def part_evaluator(policy: Policy, decision: str, expr: Expr) -> Callable[[ast.Node, dict], Any]:
    """For explaining a rule: a function ``(node, document) -> value`` that evaluates any node of ``expr`` (a
    rule's condition, or a definition's expression, of ``decision``) on a prepared document, with the code the
    compiled decision runs (Decimal, unknown and faults as there: a fault is raised, one of values.FAULTS). Each
    node is compiled once, on its first use.

    >>> policy = load_policy()
    >>> rule = policy.model.decisions["recognition"].rules[-1]          # not equipment_intensive or …
    >>> evaluate = part_evaluator(policy, "recognition", rule.condition)
    >>> doc = policy.inputs["recognition"].prepare({"platform": {"industry": "biomedicine"}})
    >>> evaluate(rule.condition.node.left, doc)                         # not equipment_intensive
    False
    """
    checker, _ = _check_in(policy, decision, expr)
    gen = CodeGen(checker)
    compiled: dict[int, Callable[[Context], Any]] = {}

    def evaluate(node: ast.Node, document: dict) -> Any:
        fn = compiled.get(id(node))
        if fn is None:
            fn = compiled[id(node)] = gen.function(node, expr)
        return fn(Context(document))

    return evaluate


def _check_in(policy, decision: str, expr: Expr):
    checker = Checker(policy.model, policy.model.decisions[decision], policy.inputs[decision].type)
    return checker, checker.expr(expr, specials={"outcome": T.STRING})


def _not_in_scope(policy: Policy, decision: str, expr: Expr, found: list[Diagnostic]) -> None:
    """The expression checks in itself, but a definition it uses reads fields ``decision``'s input lacks:
    say so at the expression, and name the decisions where it can be evaluated."""
    fits = [name for name in policy.decisions if name != decision and not _check_in(policy, name, expr)[0].diagnostics]
    first = next(d for d in found if d.span is None or d.span.file != "<expr>")
    raise WQError(
        [
            Diagnostic(
                "WQ-NAME",
                f"this expression uses definitions that decision `{decision}` cannot evaluate: "
                f"{first.message} at {first.span}",
                expr.span(0, len(expr.text)),
                f"try --decision {' or '.join(fits)}" if fits else None,
                zh=f"这个表达式用到的定义在决定 `{decision}` 中无法计算："
                f"{first.zh or first.message}（位于 {first.span}）",
                hint_zh=f"试试 --decision {' 或 '.join(fits)}" if fits else None,
            )
        ]
    )


def _parse(text: str, file: str) -> Expr:
    def locate(offset: int, length: int) -> Span:
        return Span(file, 1, offset + 1, length)

    try:
        return Expr(text, parser.parse(text), locate)
    except parser.ParseFailure as e:
        raise WQError(
            [Diagnostic("WQ-SYNTAX", e.message, locate(e.offset, e.length), e.hint, zh=e.zh, hint_zh=e.hint_zh)]
        ) from None


def _run(checker: Checker, expr: Expr, doc: dict) -> Any:
    """Compile ``expr`` once it checks, and evaluate it on ``doc``; a runtime fault is a WQ-EVAL error."""
    if checker.diagnostics:
        raise WQError(checker.diagnostics)
    fn = CodeGen(checker).function(expr.node, expr)
    try:
        return fn(Context(doc))
    except FAULTS as e:
        raise WQError([fault_diagnostic(e, expr, None, None)]) from None
