"""AST -> Python source -> functions, once per decision.

Design: each rule condition, outcome test, output and definition becomes one generated function of
``(doc, cache)``; a definition's value is memoised in ``cache``. Unknown propagates inline: every operator
reads its operands once (assignment expressions hold them) and yields ``U`` when one is unknown, so the
per-application path makes no call per node, only per definition, aggregate and builtin. Aggregates and
per-item definitions become loops in functions of their own. Generated code never sees the policy's text:
names become Python identifiers, values become constants in the namespace, so no input can inject code.
"""
from __future__ import annotations

import itertools
import keyword
from decimal import Decimal

from . import ast
from . import types as T
from .checker import Checker
from .display import display
from .functions import BUILTINS
from .model import Definition
from .values import UNKNOWN, EvalFault, is_whole

_MISS = object()
_SPLIT_DEPTH = 12  # deeper subtrees get a function of their own (Python limits nesting of brackets)


def _divide(a, b, pos):
    if not b:
        raise EvalFault("division by zero", pos)
    return (a if type(a) is Decimal else Decimal(a)) / b


def _index(seq, key, pos):
    if type(seq) is list:
        if not is_whole(key):  # never truncate: xs[0.5] is a mistake, not xs[0]
            raise EvalFault(f"a list position must be a whole number, not {display(key)}", pos)
        i = int(key)
        return seq[i] if 0 <= i < len(seq) else UNKNOWN
    return seq.get(key, UNKNOWN)


def _order_key(key):
    return (1, 0) if key is UNKNOWN else (0, key)


class CodeGen:
    """Generates and compiles the functions of one checked decision."""

    def __init__(self, checker: Checker):
        self.checker = checker
        self.types = checker.types
        self.params = {n: p.value for n, p in checker.policy.parameters.items()}
        self.defs: dict[str, Definition] = checker.defs
        self.ns: dict = {"U": UNKNOWN, "MISS": _MISS, "Decimal": Decimal, "_divide": _divide, "_index": _index,
                         "_order_key": _order_key, "EvalFault": EvalFault}
        self._consts: dict = {}
        self._ids = itertools.count()
        self._sources: list[str] = []
        self._def_names: dict[str, str] = {}
        self._pending: list = []

    # -- public -------------------------------------------------------------------------------------
    def function(self, node: ast.Node, local_names=()):
        """A compiled function ``f(doc, cache)`` for ``node`` (locals are not allowed at top level)."""
        name = self._function_for(node, {})
        self._flush()
        return self.ns[name]

    def definition(self, name: str):
        fn = self._definition_name(name)
        self._flush()
        return self.ns[fn]

    # -- functions ----------------------------------------------------------------------------------
    def _new(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def _function_for(self, node, local: dict) -> str:
        fn = self._new("f")
        params = ", ".join(["doc", "cache", *local.values()])
        body = self._expr(node, local, 0)
        self._sources.append(f"def {fn}({params}):\n    return {body}\n")
        return fn

    def _flush(self) -> None:
        while self._pending:
            self._pending.pop()()
        if self._sources:
            code = "\n".join(self._sources)
            self._sources = []
            exec(compile(code, "<wqpolicy>", "exec"), self.ns)  # noqa: S102 - our own generated code

    def _definition_name(self, name: str) -> str:
        if name in self._def_names:
            return self._def_names[name]
        fn = self._new("d")
        self._def_names[name] = fn
        key = self._const(name)
        d = self.defs[name]
        if d.each is not None:
            body_fn = self._each(d)
        else:
            body_fn = self._function_for(d.expr.node, {})
        where = self._new("w")  # a fault inside is placed in this definition's text (per-item: at its name)
        self.ns[where] = (d.expr, d.span)
        self._sources.append(
            f"def {fn}(doc, cache):\n"
            f"    v = cache.get({key}, MISS)\n"
            f"    if v is MISS:\n"
            f"        try:\n"
            f"            v = cache[{key}] = {body_fn}(doc, cache)\n"
            f"        except EvalFault as e:\n"
            f"            raise e.place(*{where})\n"
            f"    return v\n")
        return fn

    def _const(self, value) -> str:
        if isinstance(value, bool) or value is None:
            return repr(value)
        key = (type(value), value) if not isinstance(value, (list, dict)) else id(value)
        if key not in self._consts:
            name = self._new("k")
            self.ns[name] = value
            self._consts[key] = name
        return self._consts[key]

    # -- expressions --------------------------------------------------------------------------------
    def _expr(self, n, local: dict, depth: int) -> str:
        if depth > _SPLIT_DEPTH and not isinstance(n, (ast.Literal, ast.Name)):
            fn = self._function_for(n, local)
            return f"{fn}({', '.join(['doc', 'cache', *local.values()])})"
        return getattr(self, "_" + type(n).__name__)(n, local, depth + 1)

    def _tmp(self) -> str:
        return self._new("_t")

    def _Literal(self, n, local, depth):
        return self._const(n.value)

    def _Name(self, n, local, depth):
        name = n.name
        if name in local:
            return local[name]
        if name in self.defs:
            fn, key = self._definition_name(name), self._const(name)
            return f"(cache[{key}] if {key} in cache else {fn}(doc, cache))"
        if name in self.params:
            return self._const(self.params[name])
        if self.checker.input.field(name) is not None:
            return f"doc.get({self._const(name)}, U)"
        if name in ("outcome", "rules"):
            return f"cache.get({self._const('$' + name)}, U)"
        raise AssertionError(f"unchecked name {name}")

    def _Field(self, n, local, depth):
        # UNKNOWN.get(...) is UNKNOWN, so a chain of .get needs no test between its steps.
        return f"{self._expr(n.subject, local, depth)}.get({self._const(n.name)}, U)"

    def _Index(self, n, local, depth):
        subject, key = self._expr(n.subject, local, depth), self._expr(n.key, local, depth)
        a, b = self._tmp(), self._tmp()
        return f"(U if ({a} := {subject}) is U or ({b} := {key}) is U else _index({a}, {b}, {ast.start(n.key)}))"

    def _Unary(self, n, local, depth):
        operand, t = self._expr(n.operand, local, depth), self._tmp()
        op = "not " if n.op == "not" else "-"
        return f"(U if ({t} := {operand}) is U else {op}{t})"

    def _Binary(self, n, local, depth):
        op = n.op
        left, right = self._expr(n.left, local, depth), self._expr(n.right, local, depth)
        a, b = self._tmp(), self._tmp()
        if op == "and":
            return (f"(False if ({a} := {left}) is False else (False if ({b} := {right}) is False else "
                    f"(U if {a} is U or {b} is U else True)))")
        if op == "or":
            return (f"(True if ({a} := {left}) is True else (True if ({b} := {right}) is True else "
                    f"(U if {a} is U or {b} is U else False)))")
        ta, tb = self.types.get(id(n.left)), self.types.get(id(n.right))
        if self._is_constant(n.right, local):  # a known value: no unknown test, no temporary
            return f"(U if ({a} := {left}) is U else {self._operation(op, a, right, ta, tb, n.pos)})"
        result = self._operation(op, a, b, ta, tb, n.pos)
        return f"(U if ({a} := {left}) is U or ({b} := {right}) is U else {result})"

    def _is_constant(self, n, local) -> bool:
        if isinstance(n, ast.Literal):
            return True
        return isinstance(n, ast.Name) and n.name not in local and n.name not in self.defs and n.name in self.params

    def _operation(self, op, a, b, ta, tb, pos) -> str:
        if op == "+" and (ta, tb) == (T.DATE, T.DURATION):
            return f"{b}.add_to({a}, 1, {pos})"
        if op == "+" and (ta, tb) == (T.DURATION, T.DATE):
            return f"{a}.add_to({b}, 1, {pos})"
        if op == "-" and (ta, tb) == (T.DATE, T.DURATION):
            return f"{b}.add_to({a}, -1, {pos})"
        if op == "/":
            return f"_divide({a}, {b}, {pos})"
        return f"{a} {op} {b}"

    def _If(self, n, local, depth):
        cond = self._expr(n.cond, local, depth)
        then, other = self._expr(n.then, local, depth), self._expr(n.other, local, depth)
        c = self._tmp()
        return f"({then} if ({c} := {cond}) is True else ({other} if {c} is False else U))"

    def _ListExpr(self, n, local, depth):
        return "[" + ", ".join(self._expr(x, local, depth) for x in n.items) + "]"

    def _Call(self, n, local, depth):
        fn = BUILTINS[n.func]
        impl = self._const(fn.impl)
        args = [self._expr(a, local, depth) for a in n.args]
        if fn.collection and len(args) == 1 or fn.strict:
            temps = [self._tmp() for _ in args]
            test = " or ".join(f"({t} := {a}) is U" for t, a in zip(temps, args))
            return f"(U if {test} else {impl}({', '.join(temps)}))"
        return f"{impl}({', '.join(args)})"

    def _Aggregate(self, n, local, depth):
        fn = self._new("a")
        var = self._new("v_")
        inner = {**local, n.var: var}
        source = self._expr(n.source, local, 0)
        element = self._expr(n.element, inner, 0)
        lines = [f"def {fn}({', '.join(['doc', 'cache', *local.values()])}):",
                 f"    items = {source}",
                 "    if items is U:",
                 "        return U",
                 "    out = []",
                 f"    for {var} in items:"]
        if n.cond is not None:
            cond = self._expr(n.cond, inner, 0)
            c = self._tmp()
            lines += [f"        {c} = {cond}",
                      f"        if {c} is False:",
                      "            continue",
                      f"        if {c} is U:",
                      "            out.append(U)",
                      "            continue"]
        lines.append(f"        out.append({element})")
        if n.func is None:
            lines.append("    return out")
        else:
            lines.append(f"    return {self._const(BUILTINS[n.func].impl)}(out)")
        self._sources.append("\n".join(lines) + "\n")
        return f"{fn}({', '.join(['doc', 'cache', *local.values()])})"

    # -- per-item definitions -----------------------------------------------------------------------
    def _each(self, d: Definition) -> str:
        each = d.each
        fn = self._new("e")
        var = self._new("v_")
        local = {each.var: var}
        carry = {name: self._new("c_") for name in each.carry}
        lines = [f"def {fn}(doc, cache):",
                 f"    items = {self._expr(each.source.node, {}, 0)}",
                 "    if items is U:",
                 "        return U",
                 "    order = list(range(len(items)))"]
        if each.order_by is not None:
            key = self._expr(each.order_by.node, local, 0)
            lines += ["    keys = []",
                      f"    for {var} in items:",
                      f"        keys.append(_order_key({key}))",
                      "    order.sort(key=keys.__getitem__)"]
        for name, (start, _) in each.carry.items():
            lines.append(f"    {carry[name]} = {self._expr(start.node, {}, 0)}")
        lines += ["    results = [None] * len(items)",
                  "    for i in order:",
                  f"        {var} = items[i]"]
        scope = {**local, **carry}
        fields = []
        for name, e in each.fields.items():
            py = self._new("f_")
            lines.append(f"        {py} = {self._expr(e.node, scope, 0)}")
            scope[name] = py
            fields.append((name, py))
        nexts = [(carry[name], self._new("n_"), self._expr(nx.node, scope, 0))
                 for name, (_, nx) in each.carry.items()]
        lines += [f"        {tmp} = {e}" for _, tmp, e in nexts]  # every `next` sees the values before it
        lines += [f"        {c} = {tmp}" for c, tmp, _ in nexts]
        record = ", ".join(f"{self._const(name)}: {py}" for name, py in fields)
        lines += [f"        results[i] = {{{record}}}", "    return results"]
        self._sources.append("\n".join(lines) + "\n")
        return fn


assert all(not keyword.iskeyword(p) for p in ("doc", "cache", "items", "out", "order", "keys", "results"))
