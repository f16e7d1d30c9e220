"""AST -> Python closures, once per decision. Evaluation then does no parsing and no name lookups by string
beyond one dictionary access per input field.

Every closure takes an ``Env`` and returns a value or ``UNKNOWN``; faults raise ``EvalFault``.
"""
from __future__ import annotations

import operator
from decimal import Decimal

from . import ast
from . import types as T
from .checker import Checker
from .functions import BUILTINS
from .model import Definition
from .values import UNKNOWN, Duration, EvalFault

_MISS = object()


class Env:
    """The state of one evaluation: the input document, computed definitions, loop variables."""

    __slots__ = ("doc", "cache", "locals", "outcome", "rules")

    def __init__(self, doc: dict):
        self.doc = doc
        self.cache: dict = {}
        self.locals: dict = {}
        self.outcome = UNKNOWN
        self.rules = UNKNOWN


class Compiler:
    """Compiles the expressions of one checked decision."""

    def __init__(self, checker: Checker):
        self.checker = checker
        self.types = checker.types
        self.params = {n: p.value for n, p in checker.policy.parameters.items()}
        self.defs = checker.defs
        self._def_fns: dict = {}

    # -- public -------------------------------------------------------------------------------------
    def compile(self, expr, local_names=()):
        """Closure for an Expr; ``local_names`` are loop or item variables in scope."""
        return self._c(expr.node, frozenset(local_names))

    def compile_node(self, node, local_names=()):
        """Closure for one AST node (a path a rule reads, for its record)."""
        return self._c(node, frozenset(local_names))

    def definition(self, name: str):
        """A memoised getter for definition ``name`` (compiled on first use)."""
        if name in self._def_fns:
            return self._def_fns[name]
        cell = []

        def get(env, name=name, cell=cell):
            cache = env.cache
            v = cache.get(name, _MISS)
            if v is _MISS:
                v = cache[name] = cell[0](env)
            return v

        self._def_fns[name] = get
        d = self.defs[name]
        cell.append(self._each(d) if d.each is not None else self.compile(d.expr))
        return get

    # -- nodes --------------------------------------------------------------------------------------
    def _c(self, n, local):
        return getattr(self, "_" + type(n).__name__)(n, local)

    def _Literal(self, n, local):
        value = n.value
        return lambda env: value

    def _Name(self, n, local):
        name = n.name
        if name in local:
            return lambda env: env.locals[name]
        if name in self.defs:
            return self.definition(name)
        if name in self.params:
            value = self.params[name]
            return lambda env: value
        if self.checker.input.field(name) is not None:
            return lambda env: env.doc.get(name, UNKNOWN)
        if name == "outcome":
            return lambda env: env.outcome
        if name == "rules":
            return lambda env: env.rules
        raise AssertionError(f"unchecked name {name}")  # the checker reports unknown names first

    def _constant(self, n, local):
        """(True, value) when ``n`` is a literal or a parameter: its value is known at compile time."""
        if isinstance(n, ast.Literal):
            return True, n.value
        if isinstance(n, ast.Name) and n.name not in local and n.name not in self.defs and n.name in self.params:
            return True, self.params[n.name]
        return False, None

    def _Field(self, n, local):
        path = _input_path(n, local, self)
        if path is not None:
            return _path_getter(path)
        name = n.name
        if isinstance(n.subject, ast.Name) and n.subject.name in local:
            var = n.subject.name

            def local_field(env):
                v = env.locals[var]
                return UNKNOWN if v is UNKNOWN else v.get(name, UNKNOWN)
            return local_field
        subject = self._c(n.subject, local)

        def field(env):
            v = subject(env)
            if v is UNKNOWN:
                return UNKNOWN
            return v.get(name, UNKNOWN)
        return field

    def _Index(self, n, local):
        subject, key = self._c(n.subject, local), self._c(n.key, local)
        is_list = isinstance(self.types.get(id(n.subject)), T.ListOf)

        def index(env):
            v, k = subject(env), key(env)
            if v is UNKNOWN or k is UNKNOWN:
                return UNKNOWN
            if is_list:
                i = int(k)
                return v[i] if 0 <= i < len(v) else UNKNOWN
            return v.get(k, UNKNOWN)
        return index

    def _Unary(self, n, local):
        operand = self._c(n.operand, local)
        if n.op == "not":
            def not_(env):
                v = operand(env)
                return v if v is UNKNOWN else not v
            return not_

        def neg(env):
            v = operand(env)
            return v if v is UNKNOWN else -v
        return neg

    def _Binary(self, n, local):
        op = n.op
        left, right = self._c(n.left, local), self._c(n.right, local)
        if op == "and":
            def and_(env):
                a = left(env)
                if a is False:
                    return False
                b = right(env)
                if b is False:
                    return False
                return UNKNOWN if (a is UNKNOWN or b is UNKNOWN) else True
            return and_
        if op == "or":
            def or_(env):
                a = left(env)
                if a is True:
                    return True
                b = right(env)
                if b is True:
                    return True
                return UNKNOWN if (a is UNKNOWN or b is UNKNOWN) else False
            return or_
        fn = _operator(op, self.types.get(id(n.left)), self.types.get(id(n.right)), n.pos)
        is_const, value = self._constant(n.right, local)
        if is_const and op == "in":
            def in_const(env):
                a = left(env)
                return UNKNOWN if a is UNKNOWN else a in value
            return in_const
        if is_const:
            def binary_const(env):
                a = left(env)
                if a is UNKNOWN:
                    return UNKNOWN
                return fn(a, value)
            return binary_const

        def binary(env):
            a = left(env)
            if a is UNKNOWN:
                return UNKNOWN
            b = right(env)
            if b is UNKNOWN:
                return UNKNOWN
            return fn(a, b)
        return binary

    def _If(self, n, local):
        cond, then, other = self._c(n.cond, local), self._c(n.then, local), self._c(n.other, local)

        def if_(env):
            c = cond(env)
            if c is True:
                return then(env)
            if c is False:
                return other(env)
            return UNKNOWN
        return if_

    def _ListExpr(self, n, local):
        items = [self._c(x, local) for x in n.items]
        return lambda env: [f(env) for f in items]

    def _Call(self, n, local):
        fn = BUILTINS[n.func]
        args = [self._c(a, local) for a in n.args]
        impl = fn.impl
        if fn.collection and len(args) == 1:
            (arg,) = args

            def collection(env):
                v = arg(env)
                if v is UNKNOWN:
                    return UNKNOWN
                return impl(v)
            return collection
        if fn.strict:
            def strict(env):
                values = [f(env) for f in args]
                for v in values:
                    if v is UNKNOWN:
                        return UNKNOWN
                return impl(*values)
            return strict
        return lambda env: impl(*[f(env) for f in args])

    def _Aggregate(self, n, local):
        fast = self._fast_aggregate(n, local)
        if fast is not None:
            return fast
        source = self._c(n.source, local)
        inner = local | {n.var}
        element = self._c(n.element, inner)
        cond = self._c(n.cond, inner) if n.cond is not None else None
        var = n.var
        impl = BUILTINS[n.func].impl if n.func is not None else None

        def aggregate(env):
            items = source(env)
            if items is UNKNOWN:
                return UNKNOWN
            loc = env.locals
            saved = loc.get(var, _MISS)
            out = []
            try:
                for item in items:
                    loc[var] = item
                    if cond is not None:
                        c = cond(env)
                        if c is False:
                            continue
                        if c is UNKNOWN:
                            out.append(UNKNOWN)
                            continue
                    out.append(element(env))
            finally:
                if saved is _MISS:
                    loc.pop(var, None)
                else:
                    loc[var] = saved
            return out if impl is None else impl(out)
        return aggregate

    def _fast_aggregate(self, n, local):
        """``f(x.a for x in xs if x.b in C)``, the commonest form, as one loop without inner closures."""
        var = n.var
        element = _item_field(n.element, var)
        if element is None or n.func is None:
            return None
        test = None
        if n.cond is not None:
            c = n.cond
            if not (isinstance(c, ast.Binary) and c.op in ("in", "not in", "==", "!=")):
                return None
            tested = _item_field(c.left, var)
            is_const, value = self._constant(c.right, local)
            if tested is None or not is_const:
                return None
            check = {"in": lambda v, value=value: v in value, "not in": lambda v, value=value: v not in value,
                     "==": lambda v, value=value: v == value, "!=": lambda v, value=value: v != value}[c.op]
            test = (tested, check)
        source = self._c(n.source, local)
        impl = BUILTINS[n.func].impl

        if test is None:
            def fast_all(env):
                items = source(env)
                if items is UNKNOWN:
                    return UNKNOWN
                return impl([item.get(element, UNKNOWN) for item in items])
            return fast_all
        tested, check = test

        def fast_filtered(env):
            items = source(env)
            if items is UNKNOWN:
                return UNKNOWN
            out = []
            for item in items:
                v = item.get(tested, UNKNOWN)
                if v is UNKNOWN:
                    out.append(UNKNOWN)
                elif check(v):
                    out.append(item.get(element, UNKNOWN))
            return impl(out)
        return fast_filtered

    # -- per-item definitions -----------------------------------------------------------------------
    def _each(self, d: Definition):
        each = d.each
        var = each.var
        source = self.compile(each.source)
        order_by = self.compile(each.order_by, {var}) if each.order_by is not None else None
        carry_names = list(each.carry)
        starts = [self.compile(s) for s, _ in each.carry.values()]
        scope = {var, *carry_names}
        fields = []
        for name, e in each.fields.items():
            fields.append((name, self.compile(e, scope)))
            scope = scope | {name}
        nexts = [self.compile(nx, scope) for _, nx in each.carry.values()]
        names = [var, *carry_names, *each.fields]

        def run(env):
            items = source(env)
            if items is UNKNOWN:
                return UNKNOWN
            loc = env.locals
            saved = {k: loc[k] for k in names if k in loc}
            try:
                order = list(range(len(items)))
                if order_by is not None:
                    keys = []
                    for item in items:
                        loc[var] = item
                        keys.append(order_by(env))
                    order.sort(key=lambda i: (1, 0) if keys[i] is UNKNOWN else (0, keys[i]))
                carried = [s(env) for s in starts]
                results: list = [None] * len(items)
                for i in order:
                    loc[var] = items[i]
                    for name, value in zip(carry_names, carried):
                        loc[name] = value
                    record = {}
                    for name, f in fields:
                        record[name] = loc[name] = f(env)
                    carried = [f(env) for f in nexts]
                    results[i] = record
                return results
            finally:
                for k in names:
                    loc.pop(k, None)
                loc.update(saved)
        return run


def _item_field(n, var):
    """`a` for the node `var.a`, else None."""
    if isinstance(n, ast.Field) and isinstance(n.subject, ast.Name) and n.subject.name == var:
        return n.name
    return None


def _input_path(n, local, compiler):
    """('a', 'b', 'c') for a field chain a.b.c rooted at an input field, else None."""
    parts = []
    while isinstance(n, ast.Field):
        parts.append(n.name)
        n = n.subject
    if not isinstance(n, ast.Name):
        return None
    root = n.name
    if root in local or root in compiler.defs or root in compiler.params:
        return None
    if compiler.checker.input.field(root) is None:
        return None
    return (root, *reversed(parts))


def _path_getter(path):
    if len(path) == 2:
        a, b = path

        def get2(env):
            v = env.doc.get(a, UNKNOWN)
            return UNKNOWN if v is UNKNOWN else v.get(b, UNKNOWN)
        return get2

    def get(env):
        v = env.doc
        for key in path:
            v = v.get(key, UNKNOWN)
            if v is UNKNOWN:
                return UNKNOWN
        return v
    return get


def _divide(pos):
    def div(a, b):
        if not b:
            raise EvalFault("division by zero", pos)
        return (a if type(a) is Decimal else Decimal(a)) / b
    return div


def _contains(a, b):
    return a in b


def _operator(op, ta, tb, pos):
    if op == "+" and (ta, tb) == (T.DATE, T.DURATION):
        return lambda a, b: b.add_to(a)
    if op == "+" and (ta, tb) == (T.DURATION, T.DATE):
        return lambda a, b: a.add_to(b)
    if op == "-" and (ta, tb) == (T.DATE, T.DURATION):
        return lambda a, b: b.add_to(a, -1)
    if op == "/":
        return _divide(pos)
    return {
        "+": operator.add, "-": operator.sub, "*": operator.mul, "==": operator.eq, "!=": operator.ne,
        "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
        "in": _contains, "not in": lambda a, b: a not in b,
    }[op]


__all__ = ["Compiler", "Env", "Duration"]

