"""AST -> Python source -> functions, once per decision.

Design: each expression becomes generated Python in which unknown propagates inline: every operator reads its
operands once (assignment expressions hold them) and yields ``U`` when one is unknown, so the per-application path
makes no call per node, only per definition, aggregate and builtin. Every generated function takes one argument,
the evaluation context (context.py: the document, the cache of definitions, an optional recorder); a definition's
value is memoised in the cache. Aggregates and per-item definitions become loops in functions of their own.
Generated code never sees the policy's text: names become Python identifiers, values become constants in the
namespace, so no input can inject code.

A decision gets one ``runner``: every rule, outcome step and output in one function, each in a try of its own, with
the inputs read once into locals and the definitions held in locals (those that place no fault of their own written
inline); it ends by reading the values each rule names, for its explanation, and returns a RunResult.

Observation: a generator made with ``observe=True`` writes every ``and``, ``or``, ``if``, comparison and `is unknown`
/ `is known` test as a call of the context's recorder with the operands it evaluated (context.Recorder). Code
generated without it has no such call, so evaluation without a recorder costs nothing for the hook.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import keyword
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, NoReturn

from . import ast
from . import types as T
from .checker import OUTCOME_COUNTS, Checker
from .context import SKIPPED, Context, Site
from .display import display, excerpt
from .functions import BUILTINS, round_step
from .model import Definition, Expr, parsed
from .transitions import LACKING, AtTable, alone
from .values import FAULTS, UNKNOWN, Duration, EvalFault, Year, is_whole, quantize
from .words import ERROR, RuleOutcome


class Caught(NamedTuple):
    """A fault caught while evaluating the ``at``-th rule, outcome step or output."""

    at: int
    error: Exception


class RunResult(NamedTuple):
    """What a decision's runner computed for one document: ``outcomes`` (a RuleOutcome per rule, in order),
    ``rule_faults`` (Caught each, or None), ``outcome`` (the outcome word; ``error`` when a rule or a step
    faulted), ``outcome_fault`` (Caught for the step, or None), ``outputs`` (name -> value), ``output_faults``
    (Caught each, or None), ``values`` (the values each rule read, in the order of its reads, rule after rule in
    one tuple; containers copied, never the document's own), ``unknown_rule`` (the positions of the rules that
    came out unknown, in order; empty when none) and ``unknown_output`` (whether an output did): the inputs
    missing are looked for only then."""

    outcomes: tuple
    rule_faults: list | None
    outcome: str
    outcome_fault: Caught | None
    outputs: dict
    output_faults: list | None
    values: tuple
    unknown_rule: tuple
    unknown_output: bool


_MISS = object()
_SPLIT_DEPTH = 12  # deeper subtrees get a function of their own (Python limits nesting of brackets)
_INLINE_CHARS, _INLINE_NESTING = 2000, 60  # a definition inlined in a runner: at most this long, this deep
_NO_FAULT_BUILTINS = frozenset(
    {"sum", "count", "mean", "min", "max", "any", "all", "distinct", "len", "abs", "year", "known", "value_or"}
)  # their implementations raise no EvalFault


def _nesting(text: str) -> int:
    """How deep brackets nest in generated ``text`` (which holds no string literal with a bracket)."""
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


def _division_by_zero(pos: int) -> NoReturn:
    raise EvalFault(
        "division by zero",
        pos,
        "除数为零",
        "say what the expression gives when the divisor is 0: `if x == 0 then … else … / x`",
        "写明除数为零时的结果：`if x == 0 then … else … / x`",
    )


def negative_payout(name: str, value: Any) -> NoReturn:
    """Raise the fault of an amount of money ``value`` below zero, at ``name``."""
    shown = excerpt(display(value))
    raise EvalFault(
        f"negative payout: {name} = {shown}",
        None,
        f"金额为负数：{name} = {shown}",
        "an amount of money is never below zero: correct the input, or the expression (a cap or a "
        "deduction taken twice?)",
        "金额不能小于零：请核对申报数据，或检查计算式（是否重复扣减、上限是否有误）",
    )


def _index(seq: Any, key: Any, pos: int) -> Any:
    if type(seq) is list:
        if not is_whole(key):  # never truncate: xs[0.5] is a mistake, not xs[0]
            shown = excerpt(display(key))
            raise EvalFault(
                f"a list position must be a whole number, not {shown}", pos, f"列表位置须为整数，而不是 {shown}"
            )
        i = int(key)
        return seq[i] if 0 <= i < len(seq) else UNKNOWN
    return seq.get(key, UNKNOWN)


def _placed(pos: int, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, a fault it raises placed at ``pos`` (the call) when it has no place of its own."""
    try:
        return fn(*args)
    except EvalFault as e:
        if e.pos is None:
            e.pos = pos
        raise


def _unpack(body: str, indent: str = "    ", cache: bool = True) -> str:
    """The lines a generated function starts with to have ``doc`` and ``cache`` as locals, for those ``body``
    uses (generated names never are these words)."""
    out = f"{indent}doc = ctx.doc\n" if _DOC.search(body) else ""
    return out + (f"{indent}cache = ctx.cache\n" if cache and _CACHE.search(body) else "")


def _with_unpack(lines: list[str]) -> str:
    """The source of a function whose lines hold a ``<unpack>`` line, that line replaced by what ``_unpack`` gives."""
    text = "\n".join(lines) + "\n"
    return text.replace("    <unpack>\n", _unpack(text))


_DOC, _CACHE = re.compile(r"\bdoc\b"), re.compile(r"\bcache\b")


def site_of(node: ast.Node, kind: str, where: Expr | None) -> Site:
    """The Site that observing code reports for ``node`` (of kind ``and``, ``or``, ``if``, ``compare`` or ``known``,
    an `is unknown` / `is known` test) of the expression ``where``: so that a coverage tool can list every site of a
    policy, reached or not."""
    start = ast.start(node)
    span = where.span(start, max(1, node.end - start)) if where is not None else None
    text = where.text[start : node.end] if where is not None else ""
    return Site(kind, node.op if isinstance(node, (ast.Binary, ast.IsKnown)) else kind, span, text)


def _order_key(key):
    return (1, 0) if key is UNKNOWN else (0, key)


def _seen(ctx: Context, site: Site, _: object, result: Any, *operands: Any) -> Any:
    """Tell the context's recorder that evaluation passed ``site`` (observing code only)."""
    if ctx.recorder is not None:  # (observing code runs with one)
        ctx.recorder.observe(site, operands, result)
    return result


def own(value: Any) -> Any:
    """``value`` with its lists and mappings copied (the leaves are immutable): so that what a record keeps is its
    own, never a part of the caller's document."""
    t = type(value)
    if t is list:
        if _LEAVES.issuperset(map(type, value)):  # the usual list, of texts or numbers: one copy, in C
            return value[:]
        return [own(x) for x in value]
    if t is tuple:
        return tuple(own(x) for x in value)
    if t is dict or isinstance(value, dict):
        if _LEAVES.issuperset(map(type, value.values())):  # the usual item, a record of leaves: one copy, in C
            return dict(value)
        return {k: own(x) for k, x in value.items()}
    return value


_LEAVES = frozenset({str, int, bool, Decimal, Year, float, type(None), datetime.date, Duration, type(UNKNOWN)})
# Static types whose values are immutable leaves: a value of one is kept as it is, not copied.
_LEAF_TYPES = (T.NUMBER, T.BOOL, T.STRING, T.DATE, T.DURATION)
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "not in"})


class CodeGen:
    """Generates and compiles the functions of one checked decision. ``observe``: every branch and comparison
    calls the context's recorder (see the module's docstring); such code is for a recorder only."""

    def __init__(self, checker: Checker, observe: bool = False) -> None:
        self.checker = checker
        self.types = checker.types
        self.observe = observe
        self.params = {n: p.value for n, p in checker.policy.parameters.items()}
        self.defs: dict[str, Definition] = checker.defs
        self.ns: dict = {
            "U": UNKNOWN,
            "MISS": _MISS,
            "Decimal": Decimal,
            "_index": _index,
            "_order_key": _order_key,
            "EvalFault": EvalFault,
            "FAULTS": FAULTS,
            "_division_by_zero": _division_by_zero,
            "_quantize": quantize,
            "_placed": _placed,
            "_seen": _seen,
            "SKIPPED": SKIPPED,
            "_own": own,
            "RunResult": RunResult,
            "_tuple_new": tuple.__new__,  # a RunResult made without its __new__'s Python frame
            "Caught": Caught,
            "_negative": negative_payout,
            "_sum": sum,
            "_ZERO": Decimal(0),
        }
        self._consts: dict = {}
        self._at_tables: dict[str, str] = {}  # parameter -> the name of its AtTable constant
        self._ids = itertools.count()
        self._sources: list[str] = []
        self._def_names: dict[str, str] = {}
        self._pending: list = []
        self._scope: dict | None = None  # inside a decision's runner: its hoisted inputs and definitions
        self._where: Expr | None = None  # the expression being generated, to place observed sites
        self.source: list[str] = []  # every function generated so far, for reading and profiling

    # -- public -------------------------------------------------------------------------------------
    def function(self, node: ast.Node, expr: Expr | None = None) -> Callable[[Context], Any]:
        """A compiled function ``f(ctx)`` for ``node`` (of ``expr``, which places observed sites)."""
        name = self.name_of(node, expr)
        self._flush()
        return self.ns[name]

    def name_of(self, node: ast.Node, expr: Expr | None = None) -> str:
        """The name the function ``f(ctx)`` for ``node`` will have once ``compiled`` is called: so that many
        functions are compiled at once."""
        saved, self._where = self._where, expr
        try:
            return self._function_for(node, {})
        finally:
            self._where = saved

    def function_with(self, node: ast.Node, names: tuple[str, ...], expr: Expr | None = None) -> Callable[..., Any]:
        """A compiled function ``f(ctx, *values)`` for ``node``, a part of an expression inside a loop: ``names``
        are the loop variables it reads (an aggregate's item), bound to ``values`` in that order."""
        saved, self._where = self._where, expr
        try:
            name = self._function_for(node, {n: self._new("v_") for n in names})
        finally:
            self._where = saved
        self._flush()
        return self.ns[name]

    def compiled(self, name: str) -> Callable[..., Any]:
        """The function called ``name`` (compiling whatever is pending)."""
        if self._sources or self._pending:
            self._flush()
        return self.ns[name]

    def constant(self, node: ast.Node) -> Any:
        """The value of ``node`` when it names a parameter (the same for every document), else None."""
        return self.params[node.name] if isinstance(node, ast.Name) and self._is_constant(node, {}) else None

    def definition(self, name: str) -> Callable[[Context], Any]:
        fn = self._definition_name(name)
        self._flush()
        return self.ns[fn]

    def runner(
        self,
        rules: list[tuple[Expr | None, bool]],
        steps: list[tuple[Expr | None, str]],
        outputs: list[tuple[str, Expr | None]],
        fallback: str,
        reads: list[list[tuple[str, ast.Node]]],
        lazy: str | None = None,
        money: frozenset[str] = frozenset(),
    ) -> Callable[[Context], RunResult]:
        """One compiled function ``run(ctx)`` for a whole decision, for ``ctx.doc`` a dict; it returns a RunResult.

        ``rules``: (condition Expr, advisory?) each; ``steps``: (when Expr or None for `otherwise`, outcome word)
        each, in order; ``outputs``: (name, Expr) each; ``fallback``: the outcome when no step applies;
        ``reads``: per rule, the (path, node) pairs whose values explain it (checker.reads), read at the end.
        ``money``: the names of the outputs of kind money: one that comes out below zero is a fault of that
        output (EvalFault "negative payout"). ``lazy``: the name, in this generator's namespace, of a runner to
        hand the context to when the document is not shaped as its schema says (a field that should hold a record
        holds a list): this one then reads every field of an input it names at its start, once, and the other
        reads each where it is used.
        A fault in a rule or a step makes the outcome ``error`` (the steps are then not evaluated), caught where
        it happens so that every other rule and output is still evaluated. The runner reads each input field it
        names once, holds each definition it uses in a local and counts the rule outcomes as it goes.
        """
        scope: dict[str, Any] = {
            "inputs": {},
            "fields": {},
            "defs": {},
            "specials": {},
            "bodies": {},
            "eager": lazy is not None,
        }
        saved, self._scope = self._scope, scope
        count = scope["counts"] = {c: self._new("r_") for c in OUTCOME_COUNTS}
        words = {w: self._const(w) for w in RuleOutcome}
        body, names = [], []
        for i, (expr, advisory) in enumerate(rules):
            o = self._new("o_")
            names.append(o)
            tally = {
                w: ([] if advisory and w != "fail" else [f"{count['advisories' if advisory else c]} += 1"])
                for w, c in (("pass", "passed"), ("fail", "failed"), ("unknown", "unknown"), ("error", "error"))
            }
            body += [
                "try:",
                f"    r_v = {self._top(parsed(expr))}",
                "except FAULTS as r_e:",
                f"    {o} = {words[RuleOutcome.ERROR]}",
                *("    " + t for t in tally["error"]),
                f"    r_faults = (r_faults or []) + [Caught({i}, r_e)]",
                "else:",
                "    if r_v is True:",
                f"        {o} = {words[RuleOutcome.PASS]}",
                *("        " + t for t in tally["pass"]),
                "    elif r_v is False:",
                f"        {o} = {words[RuleOutcome.FAIL]}",
                *("        " + t for t in tally["fail"]),
                "    else:",
                f"        {o} = {words[RuleOutcome.UNKNOWN]}",
                *("        " + t for t in tally["unknown"]),
                f"        r_unknown += ({i},)",
            ]
        rules_dict = ", ".join(f"{c!r}: {count[c]}" for c in OUTCOME_COUNTS)
        body.append(f"r_rules = cache[{self._const('$rules')}] = {{{rules_dict}}}")
        scope["specials"]["rules"] = "r_rules"
        decide = ["try:"]
        for i, (expr, word) in enumerate(steps):
            indent = "    " if i == 0 else "        "
            if i:
                decide.append("    if r_outcome is None:")
            decide.append(f"{indent}r_step = {i}")
            if expr is None:
                decide.append(f"{indent}r_outcome = {self._const(word)}")
                break
            decide += [f"{indent}if {self._top(expr)} is True:", f"{indent}    r_outcome = {self._const(word)}"]
        decide += [
            "    pass",
            "except FAULTS as r_e:",
            "    r_ofault = Caught(r_step, r_e)",
            f"    r_outcome = {self._const(ERROR)}",
        ]
        body += [
            "r_outcome = r_ofault = None",
            "if r_faults is not None:",
            f"    r_outcome = {self._const(ERROR)}",
            "else:",
            *("    " + line for line in decide),
            "if r_outcome is None:",
            f"    r_outcome = {self._const(fallback)}",
            f"cache[{self._const('$outcome')}] = r_outcome",
        ]
        scope["specials"]["outcome"] = "r_outcome"
        body.append("r_oerrors = None")
        values, output_vars = [], []
        for i, (name, expr) in enumerate(outputs):
            v = self._new("p_")
            output_vars.append(v)
            values.append(f"{self._const(name)}: {v}")
            text = self._top(parsed(expr))
            if self.types.get(id(parsed(expr).node)) not in _LEAF_TYPES:
                text = f"_own({text})"
            body += [
                "try:",
                f"    {v} = {text}",
                *(
                    [
                        f"    if (type({v}) is Decimal or type({v}) is int) and {v} < 0:",
                        f"        _negative({self._const(name)}, {v})",
                    ]
                    if name in money
                    else []
                ),
                "except FAULTS as r_e:",
                f"    {v} = U",
                f"    r_oerrors = (r_oerrors or []) + [Caught({i}, r_e)]",
            ]
        body += self._reads(reads)
        outputs_unknown = " or ".join(f"{v} is U or {v} is None" for v in output_vars) or "False"
        body.append(
            f"return _tuple_new(RunResult, (({''.join(n + ', ' for n in names)}), r_faults, r_outcome, r_ofault, "
            f"{{{', '.join(values)}}}, r_oerrors, r_values, r_unknown, {outputs_unknown}))"
        )
        self._scope = saved
        head = ["doc = ctx.doc", "cache = ctx.cache"]
        head += [f"{var} = doc.get({self._const(name)}, U)" for name, var in scope["inputs"].items()]
        fields = [f"{var} = {read}" for var, read in scope["fields"].values()]
        if fields:  # a field of a record that is no record: the runner that reads where it is used says so
            head += ["try:", *("    " + f for f in fields), "except FAULTS:", f"    return {lazy}(ctx)"]
        head += [f"{var} = MISS" for var in scope["defs"].values()]
        head += [f"{c} = 0" for c in count.values()] + ["r_faults = None", "r_unknown = ()"]
        fn = self._new("run")
        self._sources.append(f"def {fn}(ctx):\n" + "".join(f"    {line}\n" for line in head + body))
        self._flush()
        return self.ns[fn]

    def _top(self, expr: Expr) -> str:
        """The runner's text for one whole expression."""
        saved, self._where = self._where, expr
        try:
            return self._expr(expr.node, {}, 0)
        finally:
            self._where = saved

    def _reads(self, reads: list[list[tuple[str, ast.Node]]]) -> list[str]:
        """Lines setting ``r_values``: the values each rule read, rule after rule, in one tuple. A path read by
        several rules is read once; one that faults reads as unknown (the rule itself reports the fault); a
        parameter is its own constant; a value that is not a leaf is copied."""
        lines, got = [], {}
        for rule_reads in reads:
            for path, node in rule_reads:
                if path in got:
                    continue
                if self._is_constant(node, {}):
                    got[path] = self._const(self._value(node))
                    continue
                text = self._expr(node, {}, 0)
                if self.types.get(id(node)) not in _LEAF_TYPES and not self._in_parameter(node):
                    text = f"_own({text})"
                elif text.isidentifier():  # a local: an input or a field read at the start
                    got[path] = text
                    continue
                var = got[path] = self._new("q_")
                lines += ["try:", f"    {var} = {text}", "except FAULTS:", f"    {var} = U"]
        every = "".join(f"{got[p]}, " for rule_reads in reads for p, _ in rule_reads)
        lines.append(f"r_values = ({every})")  # one tuple, rule after rule (record.DecisionInfo.value_spans)
        return lines

    def _in_parameter(self, node: ast.Node) -> bool:
        """Whether ``node`` reads a part of a parameter (`industries[platform.industry].subsectors`): the policy's
        own value, the same in every record, not the document's."""
        while isinstance(node, (ast.Field, ast.Index)):
            node = node.subject
        return self._is_constant(node, {})

    # -- functions ----------------------------------------------------------------------------------
    def _new(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def _function_for(self, node: ast.Node, local: dict) -> str:
        fn = self._new("f")
        params = ", ".join(["ctx", *local.values()])
        scope, self._scope = self._scope, None  # a function of its own sees no runner's locals
        body = self._expr(node, local, 0)
        self._scope = scope
        self._sources.append(f"def {fn}({params}):\n{_unpack(body)}    return {body}\n")
        return fn

    def _flush(self) -> None:
        while self._pending:
            self._pending.pop()()
        if self._sources:
            code = "\n".join(self._sources)
            self.source += self._sources
            self._sources = []
            exec(compile(code, "<wqpolicy>", "exec"), self.ns)  # noqa: S102 - our own generated code

    def _definition_name(self, name: str) -> str:
        if name in self._def_names:
            return self._def_names[name]
        fn = self._new("d")
        self._def_names[name] = fn
        key = self._const(name)
        d = self.defs[name]
        scope, self._scope = self._scope, None
        where, self._where = self._where, d.expr
        if d.each is not None:
            body = f"{self._each(d)}(ctx)"
        else:
            assert d.expr is not None  # a definition has an expression or is per item
            body = self._expr(d.expr.node, {}, 0)
        self._scope, self._where = scope, where
        place = self._new("w")  # a fault inside is placed in this definition's text (per-item: at its name)
        self.ns[place] = (d.expr, d.span)
        self._sources.append(
            f"def {fn}(ctx):\n"
            f"    cache = ctx.cache\n"
            f"    v = cache.get({key}, MISS)\n"
            f"    if v is MISS:\n"
            f"{_unpack(body, '        ', cache=False)}"
            f"        try:\n"
            f"            v = cache[{key}] = {body}\n"
            f"        except EvalFault as e:\n"
            f"            raise e.place(*{place})\n"
            f"    return v\n"
        )
        return fn

    def _const(self, value: Any) -> str:
        if isinstance(value, bool) or value is None:
            return repr(value)
        key = (type(value), value) if not isinstance(value, (list, dict)) else id(value)
        if key not in self._consts:
            name = self._new("k")
            self.ns[name] = value
            self._consts[key] = name
        return self._consts[key]

    def _exact_const(self, value: Decimal) -> str:
        """A constant for a Decimal with its own exponent: ``_const`` takes 0.01 and 0.010 as one (they are
        equal), but as a step to round to they differ."""
        key = ("exact", str(value))
        if key not in self._consts:
            self._consts[key] = name = self._new("k")
            self.ns[name] = value
        return self._consts[key]

    # -- expressions --------------------------------------------------------------------------------
    def _expr(self, n: ast.Node, local: dict, depth: int) -> str:
        if depth > _SPLIT_DEPTH and not isinstance(n, (ast.Literal, ast.Name)):
            fn = self._function_for(n, local)
            return f"{fn}({', '.join(['ctx', *local.values()])})"
        return getattr(self, "_" + type(n).__name__)(n, local, depth + 1)

    def _tmp(self) -> str:
        return self._new("_t")

    def _Literal(self, n: ast.Literal, local: dict[str, str], depth: int) -> str:
        return "U" if n.kind == "unknown" else self._const(n.value)

    def _IsKnown(self, n: ast.IsKnown, local: dict[str, str], depth: int) -> str:
        # As known(x): a missing x was asked about, not needed (ctx.unread takes back the note that it is missing).
        subject, t = self._expr(n.subject, local, depth), self._tmp()
        if n.known:
            plain = f"(True if ({t} := {subject}) is not U else (ctx.unread() or False))"
        else:
            plain = f"(False if ({t} := {subject}) is not U else (ctx.unread() or True))"
        return f"_seen(ctx, {self._site(n, 'known')}, None, {plain}, {t})" if self.observe else plain

    def _Name(self, n: ast.Name, local: dict[str, str], depth: int) -> str:
        name = n.name
        if name in local:
            return local[name]
        scope = self._scope
        if name in self.defs:
            d = self.defs[name]
            alias = d.expr.node if d.each is None and d.expr is not None else None
            if isinstance(alias, ast.Name) and self._is_input_or_parameter(alias.name):
                return self._Name(alias, {}, depth)  # another name for an input or parameter: read it
            fn, key = self._definition_name(name), self._const(name)
            if scope is not None:  # the runner holds each definition in a local once it has its value
                var = scope["defs"].setdefault(name, self._new("y_"))
                body = self._inline_body(name)
                if body is None:
                    return f"({var} if {var} is not MISS else ({var} := {fn}(ctx)))"
                # What the definition's function does, without the call: a value once computed goes to the cache.
                return (
                    f"({var} if {var} is not MISS else "
                    f"({var} := (cache[{key}] if {key} in cache else cache.setdefault({key}, {body}))))"
                )
            return f"(cache[{key}] if {key} in cache else {fn}(ctx))"
        if name in self.params:
            return self._const(self.params[name])
        if self.checker.input.field(name) is not None:
            if scope is not None:  # read once at the runner's start: doc is a dict, so .get cannot fault
                return scope["inputs"].setdefault(name, self._new("x_"))
            return f"doc.get({self._const(name)}, U)"
        if name in ("outcome", "rules"):
            if scope is not None and name in scope["specials"]:
                return scope["specials"][name]
            return f"cache.get({self._const('$' + name)}, U)"
        raise AssertionError(f"unchecked name {name}")

    def _is_input_or_parameter(self, name: str) -> bool:
        return name not in self.defs and (name in self.params or self.checker.input.field(name) is not None)

    def _inline_body(self, name: str) -> str | None:
        """The runner's text for definition ``name``'s expression, when it may stand in for a call of the
        definition's function: when nothing in it raises a fault that function would place (the definitions it
        uses place their own), and the text stays small and shallow. Else None."""
        assert self._scope is not None  # only a runner inlines
        bodies = self._scope["bodies"]
        if name not in bodies:
            bodies[name] = None  # while it is generated
            d = self.defs[name]
            if d.each is None and d.expr is not None and not self._places_faults(d.expr.node):
                where, self._where = self._where, d.expr
                text = self._expr(d.expr.node, {}, 0)
                self._where = where
                if len(text) <= _INLINE_CHARS and _nesting(text) <= _INLINE_NESTING:
                    bodies[name] = text
        return bodies[name]

    def _places_faults(self, n: ast.Node) -> bool:
        """Whether evaluating ``n`` itself may raise an EvalFault (division, a list position, date arithmetic,
        round with a computed place count, date()); what the definitions it names raise is theirs to place."""
        if isinstance(n, ast.Binary):
            if n.op == "/" and not (
                self._is_constant(n.right, {}) and type(self._value(n.right)) in (int, Decimal) and self._value(n.right)
            ):
                return True
            if n.op in ("+", "-") and {self.types.get(id(n.left)), self.types.get(id(n.right))} & {T.DATE, T.DURATION}:
                return True
        elif isinstance(n, ast.Index):
            if not (self._is_constant(n.subject, {}) and type(self._value(n.subject)) is dict):
                return True
        elif (
            isinstance(n, ast.Call)
            and n.func not in _NO_FAULT_BUILTINS
            and not (n.func == "round" and self._is_constant(n.args[1], {}) and self._round_step(n.args[1]) is not None)
        ):
            return True
        return any(self._places_faults(c) for c in ast.children(n))

    def _Field(self, n: ast.Field, local: dict[str, str], depth: int) -> str:
        scope = self._scope
        if (
            scope is not None
            and "rules" in scope["specials"]
            and isinstance(n.subject, ast.Name)
            and n.subject.name == "rules"
            and "rules" not in local
            and n.name in scope["counts"]
            and "rules" not in self.defs
            and "rules" not in self.params
            and self.checker.input.field("rules") is None
        ):
            return scope["counts"][n.name]  # rules.failed: the runner's own count
        # UNKNOWN.get(...) is UNKNOWN, so a chain of .get needs no test between its steps.
        read = f"{self._expr(n.subject, local, depth)}.get({self._const(n.name)}, U)"
        path = self._input_path(n, local) if scope is not None and scope["eager"] else None
        if path is None or scope is None:
            return read
        # A runner reads each field of an input once, at its start, into a local: the rules that read it and the
        # values read at the end take it from there (a field's prefix is registered, and so read, first).
        if path not in scope["fields"]:
            scope["fields"][path] = (self._new("g_"), read)
        return scope["fields"][path][0]

    def _input_path(self, n: ast.Node, local: dict) -> str | None:
        """`a.b.c` for a chain of fields of the input `a`, else None."""
        names = []
        while isinstance(n, ast.Field):
            names.append(n.name)
            n = n.subject
        if (
            not isinstance(n, ast.Name)
            or n.name in local
            or n.name in self.defs
            or n.name in self.params
            or self.checker.input.field(n.name) is None
        ):
            return None
        return ".".join([n.name, *reversed(names)])

    def _Index(self, n: ast.Index, local: dict[str, str], depth: int) -> str:
        key, b = self._expr(n.key, local, depth), self._tmp()
        if self._is_constant(n.subject, local) and type(self._value(n.subject)) is dict:
            return f"(U if ({b} := {key}) is U else {self._const(self._value(n.subject))}.get({b}, U))"
        subject, a = self._expr(n.subject, local, depth), self._tmp()
        return f"(U if ({a} := {subject}) is U or ({b} := {key}) is U else _index({a}, {b}, {ast.start(n.key)}))"

    def _Unary(self, n: ast.Unary, local: dict[str, str], depth: int) -> str:
        operand, t = self._expr(n.operand, local, depth), self._tmp()
        op = "not " if n.op == "not" else "-"
        return f"(U if ({t} := {operand}) is U else {op}{t})"

    def _Binary(self, n: ast.Binary, local: dict[str, str], depth: int) -> str:
        op = n.op
        left, right = self._expr(n.left, local, depth), self._expr(n.right, local, depth)
        a, b = self._tmp(), self._tmp()
        if op == "and":
            return self._observed(
                n,
                "and",
                a,
                b,
                f"(False if ({a} := {left}) is False else (False if ({b} := {right}) "
                f"is False else (U if {a} is U or {b} is U else True)))",
            )
        if op == "or":
            return self._observed(
                n,
                "or",
                a,
                b,
                f"(True if ({a} := {left}) is True else (True if ({b} := {right}) "
                f"is True else (U if {a} is U or {b} is U else False)))",
            )
        ta, tb = self.types.get(id(n.left)), self.types.get(id(n.right))
        if self.observe and op in _COMPARISONS:  # both operands in temporaries, for the recorder
            return self._observed(
                n,
                "compare",
                a,
                b,
                f"(U if ({a} := {left}) is U or ({b} := {right}) is U else {self._operation(op, a, b, ta, tb, n.pos)})",
            )
        # A known value (a literal, a parameter) needs no unknown test and no temporary.
        left_known, right_known = self._is_constant(n.left, local), self._is_constant(n.right, local)
        if right_known and op in ("in", "not in"):
            members = self._value(n.right)
            if type(members) is list and members and all(type(m) is str for m in members):
                # Texts hash as they compare: a set answers as the list would, for a text (anything else: the list).
                fast = self._const(frozenset(members))
                return f"(U if ({a} := {left}) is U else ({a} {op} {fast} if type({a}) is str else {a} {op} {right}))"
        if left_known and right_known:
            return f"({self._operation(op, left, right, ta, tb, n.pos, self._value(n.right))})"
        if right_known:
            return (
                f"(U if ({a} := {left}) is U else {self._operation(op, a, right, ta, tb, n.pos, self._value(n.right))})"
            )
        if left_known:
            return f"(U if ({b} := {right}) is U else {self._operation(op, left, b, ta, tb, n.pos)})"
        result = self._operation(op, a, b, ta, tb, n.pos)
        return f"(U if ({a} := {left}) is U or ({b} := {right}) is U else {result})"

    def _is_constant(self, n: ast.Node, local: dict) -> bool:
        if isinstance(n, ast.Literal):
            return n.kind != "unknown"  # the unknown literal is tested as any unknown value is
        return isinstance(n, ast.Name) and n.name not in local and n.name not in self.defs and n.name in self.params

    def _value(self, n: ast.Node) -> Any:
        """The value of a node ``_is_constant`` accepts."""
        if isinstance(n, ast.Literal):
            return n.value
        assert isinstance(n, ast.Name)
        return self.params[n.name]

    def _operation(
        self, op: str, a: str, b: str, ta: T.Type | None, tb: T.Type | None, pos: int, divisor: Any = None
    ) -> str:
        if op == "+" and (ta, tb) == (T.DATE, T.DURATION):
            return f"{b}.add_to({a}, 1, {pos})"
        if op == "+" and (ta, tb) == (T.DURATION, T.DATE):
            return f"{a}.add_to({b}, 1, {pos})"
        if op == "-" and (ta, tb) == (T.DATE, T.DURATION):
            return f"{b}.add_to({a}, -1, {pos})"
        if op == "/":  # inline: a Decimal quotient (never int / int -> float), 0 a fault
            quotient = f"({a} if type({a}) is Decimal else Decimal({a})) / {b}"
            if type(divisor) in (int, Decimal) and divisor:
                return quotient
            return f"(_division_by_zero({pos}) if not {b} else {quotient})"
        return f"{a} {op} {b}"

    def _If(self, n: ast.If, local: dict[str, str], depth: int) -> str:
        cond = self._expr(n.cond, local, depth)
        then, other = self._expr(n.then, local, depth), self._expr(n.other, local, depth)
        c = self._tmp()
        plain = f"({then} if ({c} := {cond}) is True else ({other} if {c} is False else U))"
        return f"_seen(ctx, {self._site(n, 'if')}, None, {plain}, {c})" if self.observe else plain

    def _observed(self, n: ast.Node, kind: str, a: str, b: str, plain: str) -> str:
        """``plain``, the text of a binary node whose operands it holds in ``a`` and ``b``; when observing, in a
        call that hands the recorder both (``b`` SKIPPED when ``plain`` did not evaluate it)."""
        if not self.observe:
            return plain
        return f"_seen(ctx, {self._site(n, kind)}, ({b} := SKIPPED), {plain}, {a}, {b})"

    def _site(self, n: ast.Node, kind: str) -> str:
        """A constant Site for node ``n`` of the expression being generated."""
        name = self._new("s")
        self.ns[name] = site_of(n, kind, self._where)
        return name

    def _ListExpr(self, n: ast.ListExpr, local: dict[str, str], depth: int) -> str:
        return "[" + ", ".join(self._expr(x, local, depth) for x in n.items) + "]"

    def _Call(self, n: ast.Call, local: dict[str, str], depth: int) -> str:
        if n.func == "at":  # at(parameter, date): the table of the parameter's values by date, looked up
            first = n.args[0]
            assert isinstance(first, ast.Name)  # the checker allows a parameter's name alone
            day, t = self._expr(n.args[1], local, depth), self._tmp()
            return f"(U if ({t} := {day}) is U else {self._at_table(first.name)}.lookup({t}, {n.pos}))"
        fn = BUILTINS[n.func]
        impl = self._const(fn.impl)
        args = [self._expr(a, local, depth) for a in n.args]
        if n.func in ("known", "value_or"):
            # A missing x was asked about, not needed: the context is told (ctx.unread) before the default, if
            # any, is evaluated, so that what the default itself lacks is still noted as missing.
            t = self._tmp()
            if n.func == "known":
                return f"(True if ({t} := {args[0]}) is not U else (ctx.unread() or False))"
            return f"((ctx.unread(), {args[1]})[1] if ({t} := {args[0]}) is U else ({t}, {args[1]})[0])"
        if (fn.collection and len(args) == 1) or fn.strict:
            known = [self._is_constant(a, local) for a in n.args]
            temps = [a if k else self._tmp() for a, k in zip(args, known)]
            if n.func in ("min", "max") and len(args) > 1:
                impl = self._const(min if n.func == "min" else max)  # what the builtin does once all are known
            elif n.func == "round" and known[1] and (places := self._round_step(n.args[1])) is not None:
                # round(x, 2) is quantize(x, 0.01, half-up) once the places are known to be valid
                step, half_up = self._exact_const(places), self._const(ROUND_HALF_UP)
                x = temps[0]
                # A finite Decimal of fewer digits than the context's 28 can hold once rounded (a carry included)
                # is rounded in place, without values.quantize's frames; anything else goes to it.
                impl = (
                    f"({x}.quantize({step}, {half_up}) if type({x}) is Decimal and {x}.is_finite() "
                    f"and {x}.adjusted() < {26 + places.adjusted()} else _quantize({x}, {step}, {half_up}))"
                )
                return f"(U if ({temps[0]} := {args[0]}) is U else {impl})" if not known[0] else impl
            call = f"{impl}({', '.join(temps)})"
            if n.func not in _NO_FAULT_BUILTINS:  # round, date: a fault of theirs is placed at the call
                call = f"_placed({n.pos}, {impl}, {', '.join(temps)})"
            test = " or ".join(f"({t} := {a}) is U" for t, a, k in zip(temps, args, known) if not k)
            return f"(U if {test} else {call})" if test else call
        return f"{impl}({', '.join(args)})"

    def _at_table(self, name: str) -> str:
        """The constant AtTable of parameter ``name``: the periods the library laid out at load (the model's
        ``timeline``), or, for a version compiled without one, its own period alone; the period of the version
        compiled takes its value from this model (a mutant's, a variant's own value)."""
        if name not in self._at_tables:
            model = self.checker.policy
            found = model.timeline.get(name) or alone(model.version, model.effective_from, model.effective_until)
            own = self.params.get(name, LACKING)
            entries = tuple(dataclasses.replace(p, value=own) if p.own else p for p in found)
            self._at_tables[name] = self._const(AtTable(name, model.id, entries))
        return self._at_tables[name]

    def _round_step(self, places_node: ast.Node) -> Decimal | None:
        """The step ``round(x, places)`` rounds to, for a known, valid ``places`` (else None: let it fault)."""
        return round_step(self._value(places_node))

    def _Aggregate(self, n: ast.Aggregate, local: dict[str, str], depth: int) -> str:
        fn = self._new("a")
        var = self._new("v_")
        inner = {**local, n.var: var}
        scope, self._scope = self._scope, None
        source = self._expr(n.source, local, 0)
        element = self._expr(n.element, inner, 0)
        builtin = BUILTINS[n.func] if n.func is not None else None
        # A strict builtin is unknown once an item is: note that as the loop goes, hand it only known items.
        strict = builtin is not None and builtin.collection and builtin.strict
        lines = [
            f"def {fn}({', '.join(['ctx', *local.values()])}):",
            "    <unpack>",
            f"    items = {source}",
            "    if items is U:",
            "        return U",
            "    out = []",
            "    append = out.append",
            *(["    unknown = False"] if strict else []),
            f"    for {var} in items:",
        ]
        if n.cond is not None:
            cond = self._expr(n.cond, inner, 0)
            c = self._tmp()
            lines += [
                f"        {c} = {cond}",
                f"        if {c} is False:",
                "            continue",
                f"        if {c} is U:",
                "            unknown = True" if strict else "            append(U)",
                "            continue",
            ]
        self._scope = scope
        if strict and builtin is not None:
            x = self._tmp()
            impl = self._const(builtin.known_impl or builtin.impl)
            lines += [
                f"        {x} = {element}",
                f"        if {x} is U:",
                "            unknown = True",
                "        else:",
                f"            append({x})",
                "    if unknown:",
                "        return U",
            ]
            if n.func in ("sum", "mean"):
                # The usual sum, of numbers, in C without the builtin's frames; anything else (a text among them)
                # goes to the builtin, which faults as it does.
                lines += [
                    *(["    if not out:", "        return U"] if n.func == "mean" else []),
                    "    try:",
                    "        total = _sum(out, _ZERO)",
                    "    except TypeError:",
                    f"        return {impl}(out)",
                    "    return total" if n.func == "sum" else "    return total / Decimal(len(out))",
                ]
            else:
                lines.append(f"    return {impl}(out)")
        else:
            lines.append(f"        append({element})")
            lines.append("    return out" if builtin is None else f"    return {self._const(builtin.impl)}(out)")
        self._sources.append(_with_unpack(lines))
        return f"{fn}({', '.join(['ctx', *local.values()])})"

    # -- per-item definitions -----------------------------------------------------------------------
    def _part(self, e: Expr, local: dict) -> str:
        """The text of ``e``, one part of a per-item definition, with observed sites placed in it."""
        saved, self._where = self._where, e
        try:
            return self._expr(e.node, local, 0)
        finally:
            self._where = saved

    def _each(self, d: Definition) -> str:
        each = d.each
        assert each is not None
        fn = self._new("e")
        var = self._new("v_")
        local = {each.var: var}
        carry = {name: self._new("c_") for name in each.carry}
        lines = [
            f"def {fn}(ctx):",
            "    <unpack>",
            f"    items = {self._part(parsed(each.source), {})}",
            "    if items is U:",
            "        return U",
            "    order = list(range(len(items)))",
        ]
        if each.order_by is not None:
            key = self._part(each.order_by, local)
            lines += [
                "    keys = []",
                f"    for {var} in items:",
                f"        keys.append(_order_key({key}))",
                "    order.sort(key=keys.__getitem__)",
            ]
        for name, (start, _) in each.carry.items():
            lines.append(f"    {carry[name]} = {self._part(start, {})}")
        if each.order_by is not None and each.carry:
            # an item of unknown place may come first: what is carried to any item is then unknown
            lines += ["    if any(k[0] for k in keys):", *(f"        {c} = U" for c in carry.values())]
        lines += ["    results = [None] * len(items)", "    for i in order:", f"        {var} = items[i]"]
        scope = {**local, **carry}
        fields = []
        for name, e in each.fields.items():
            py = self._new("f_")
            lines.append(f"        {py} = {self._part(e, scope)}")
            scope[name] = py
            fields.append((name, py))
        nexts = [(carry[name], self._new("n_"), self._part(nx, scope)) for name, (_, nx) in each.carry.items()]
        lines += [f"        {tmp} = {e}" for _, tmp, e in nexts]  # every `next` sees the values before it
        lines += [f"        {c} = {tmp}" for c, tmp, _ in nexts]
        record = ", ".join(f"{self._const(name)}: {py}" for name, py in fields)
        lines += [f"        results[i] = {{{record}}}", "    return results"]
        self._sources.append(_with_unpack(lines))
        return fn


assert all(
    not keyword.iskeyword(p)
    for p in ("doc", "cache", "items", "out", "order", "keys", "results", "append", "unknown", "total")
)
