"""Whether a condition moves one way as one figure of an application moves, proven from the condition's AST and the
document — and, when it does, where it changes, found from a few evaluations instead of a search point by point.

to_pass.py moves a figure (a lever, levers.py) by 1, 2, 4, … steps and then halves the gap, some forty to seventy
evaluations of the condition for each lever and direction. When the condition is proven monotone over the steps the
search may try, its answer is fixed by one number — the first step at which it holds (or stops holding) — and the
search can be replayed against that answer without evaluating anything: the same steps asked, the same budget
spent, the same result. This module gives that number, or None when it cannot prove the condition monotone; the
search then evaluates point by point as before.

The proof, over the steps 1 … limit (the figure is x; a node "depends" when it reads x):
- a comparison ``A >= c`` (``>``, ``<=``, ``<``) whose one side depends on x and moves one way (below) and whose
  other side is a known number that does not depend on x;
- a node that does not depend on x has the same value at every step (it is evaluated once, with the evaluator);
- x moves one way; a sum or difference of such nodes moving the same way, or with known numbers, moves that way; so
  does a product or quotient by a known non-zero number (the way its sign says), min and max, round, and a sum,
  mean, min or max over a list whose items' filters do not depend on x; ``if`` picks the same branch at every step
  when its condition does not depend on x, or compares x with a number outside x's range;
- each of these gives a number at every step and never faults (no division by x, no list position, no date), and
  every branch taken and every filter is the same at every step, so what does not depend on x is evaluated at every
  step exactly as once.
Anything else (x in a condition that x crosses, x times x, a per-item definition over x's list, a text, a list
position) is not proven. The number found is then checked with the condition itself on both sides of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Context as DecimalContext
from decimal import Decimal
from typing import Any, NamedTuple

from . import ast
from . import types as T
from .checker import Checker
from .codegen import CodeGen
from .context import Context
from .functions import BUILTINS, round_step
from .levers import Lever, value_at
from .model import Definition, Expr
from .values import FAULTS, UNKNOWN

# Items of one list looked at one by one, at most (an engine setting): past it, the search evaluates as before.
MAX_ITEMS = 1_000
# Evaluations spent looking for where a proven condition changes, at most (an engine setting; halving alone needs
# fewer than 45 for the largest range a figure may move).
MAX_PROBES = 100

_CONST, _UP, _DOWN = 0, 1, -1
_ORDERS = {">=", ">", "<=", "<"}
_MIRROR = {">=": "<=", "<=": ">=", ">": "<", "<": ">"}
_WIDE = DecimalContext(prec=60)  # for the interpolation only: where to look next, never a result


class _Unproven(Exception):
    """The condition is not proven monotone in the figure."""


@dataclass(frozen=True)
class Model:
    """Where a proven condition holds, steps 1 … limit: from ``at`` on when ``rising``, else below ``at``
    (``at`` = limit + 1 when it never changes there); at the steps of ``ends`` (the first or the last, where the
    figure reaches an edge of the condition, such as zero) as it was evaluated there: True, False, or None for a
    fault."""

    rising: bool
    at: int
    ends: dict[int, bool | None] = field(default_factory=dict)

    def __call__(self, k: int) -> bool | None:
        if k in self.ends:
            return self.ends[k]
        return k >= self.at if self.rising else k < self.at


class _Abs(NamedTuple):
    """What a node is over the steps: ``way`` _CONST (then ``value`` is its value at every step), _UP or _DOWN
    (a number at every step, never faulting, moving that way as the steps grow); ``is_x``: the node is x itself."""

    way: int
    value: Any = None
    is_x: bool = False


class _Lever:
    """The figure: where it is (a field's path; a list's path, the item's position and the field), the steps
    proven (``start`` … ``stop``: all but an end left out, see ``leave_out``) and the least and the most the figure
    is over them (``low``, ``high``). ``values`` maps steps 1, 2, limit − 1 and limit to the figure there."""

    def __init__(self, lever: Lever, doc: dict, way: int, limit: int, values: dict[int, Any]) -> None:
        self.kind = lever.kind
        self.path = lever.path if lever.kind == "field" else None
        self.list_path = lever.list_path
        self.field = lever.field
        items = value_at(doc, lever.list_path) if lever.list_path else None
        self.index = len(items) - 1 if lever.kind == "new_item" and isinstance(items, list) else lever.index
        self.way, self.limit, self.values = way, limit, values
        self.root = (self.path or self.list_path or "").split(".")[0]
        self.where = (self.kind == "field", self.path, self.list_path, self.field)
        self.start, self.stop = 1, limit
        self._span()

    def _span(self) -> None:
        if self.start > self.stop:  # nothing left to prove
            self.low = self.high = self.values[1]
            return
        a, b = self.values[self.start], self.values[self.stop]
        self.low, self.high = (a, b) if a <= b else (b, a)

    def leave_out(self, value: Any) -> bool:
        """Leave out of the proof the end step (the first or the last) at which the figure is ``value``, when it
        is that value there only (the figure moves strictly): that step is then evaluated as it is. False when
        ``value`` is not the figure's at an end of the steps still proven."""
        for end in (self.stop, self.start):
            if end in (1, self.limit) and self.start <= end <= self.stop and self.values[end] == value:
                if end == self.stop:
                    self.stop -= 1
                else:
                    self.start += 1
                self._span()
                return self.start > self.stop or not self.low <= value <= self.high
        return False


class Prover:
    """Proves conditions of one rule of one decision monotone in a lever: the nodes it evaluates are compiled
    from the rule's own checked condition, on first use."""

    def __init__(self, policy: Any, decision: str, expr: Expr) -> None:
        checker = Checker(policy.model, policy.model.decisions[decision], policy.inputs[decision].type)
        checker.expr(expr, specials={"outcome": T.STRING})
        self.expr = expr
        self.gen = CodeGen(checker)
        self.defs: dict[str, Definition] = checker.defs
        self.params = self.gen.params
        self.input = checker.input
        self._compiled: dict[tuple, Callable[..., Any]] = {}
        # what depends only on the policy, kept for every document: whether a node reads a lever (by where the
        # lever is and which loop variables hold its item), a chain of fields, the input a name reads
        self.reads: dict[tuple, bool] = {}
        self.chains: dict[int, tuple[str, tuple[str, ...]] | None] = {}
        self.inputs: dict[str, str | None] = {}
        # and what each node is over the steps, as a plan (see _Run.plan), by lever shape and loop variables
        self.plans: dict[tuple, Callable[..., Any]] = {}

    def threshold(
        self,
        node: ast.Node,
        doc_at: Callable[[int], dict],
        figure_at: Callable[[int], Any],
        lever: Lever,
        direction: int,
        limit: int,
        holds: Callable[[dict], bool],
    ) -> Model | None:
        """The Model of ``holds(doc_at(k))`` for k in 1 … ``limit`` (``doc_at(k)``: the document with the figure moved
        k steps in ``direction``, to ``figure_at(k)``), when ``node``, a comparison, is proven monotone in the figure
        and the change found is confirmed by ``holds`` on both sides; else None."""
        if not (isinstance(node, ast.Binary) and node.op in _ORDERS) or limit < 1:
            return None
        try:
            values = {k: figure_at(k) for k in {limit, limit - 1, 2, 1} - {0}}
            if not all(_number(v) for v in values.values()):
                return None
            first = doc_at(1)  # the document at the first step, where the proof reads what does not move
            x = _Lever(lever, first, _UP if direction > 0 else _DOWN, limit, values)
            run = _Run(self, x, first)
            left, right = run.abs(node.left, {}), run.abs(node.right, {})
            op = node.op
            start, stop = x.start, x.stop
            ends = {k: _held(holds, doc_at(k)) for k in (1, limit) if not start <= k <= stop}
            if left.way != _CONST and right.way == _CONST:
                side, other, constant = node.left, left, right.value
            elif left.way == _CONST and right.way != _CONST:
                side, other, constant, op = node.right, right, left.value, _MIRROR[op]
            elif left.way == _CONST and right.way == _CONST:  # nothing it compares moves: the same at every step
                if start > stop:
                    return Model(True, limit + 1, ends)
                held = holds(doc_at(start))
                model = Model(True, start if held else stop + 1, ends)
                return model if holds(doc_at(stop)) is held else None
            else:
                return None
            if not _number(constant):
                return None
            if start > stop:
                return Model(True, limit + 1, ends)
            rising = (other.way == _UP) == (op in (">=", ">"))
            compare = _COMPARE[op]
            value = run.value_of(side)
            found = _find(
                lambda k: value(doc_at(k)), compare, constant, rising, start, stop, lambda k: holds(doc_at(k))
            )
            return Model(found.rising, found.at, ends) if found is not None else None
        except (_Unproven, RecursionError):
            return None

    def compiled(self, node: ast.Node, names: tuple[str, ...]) -> Callable[..., Any]:
        key = (id(node), names)
        fn = self._compiled.get(key)
        if fn is None:
            fn = self._compiled[key] = self.gen.function_with(node, names, self.expr)
        return fn


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
}


def _number(v: Any) -> bool:
    """An int or a finite Decimal (not a truth value, not unknown)."""
    t = type(v)
    return t is int or (t is Decimal and v.is_finite())


def _held(holds: Callable[[dict], bool], doc: dict) -> bool | None:
    """Whether the condition holds on ``doc``; None for a fault."""
    try:
        return holds(doc) is True
    except FAULTS:
        return None


def _find(
    value: Callable[[int], Any],
    compare: Callable[[Any, Any], bool],
    constant: Any,
    rising: bool,
    first: int,
    limit: int,
    holds: Callable[[int], bool],
) -> Model | None:
    """The step where ``compare(value(k), constant)`` changes (it holds from there on when ``rising``, else stops
    holding there), found by interpolating between a step on each side and halving when that is slow; then
    checked with ``holds`` at that step and the one before. None when the values are not numbers or the check
    fails."""
    probes = 0

    def changed(k: int) -> tuple[bool, Any]:
        nonlocal probes
        probes += 1
        if probes > MAX_PROBES:
            raise _Unproven
        v = value(k)
        if not _number(v):
            raise _Unproven
        return compare(v, constant) == rising, v  # True: at or past the change

    try:
        past_first, v_low = changed(first)
        if past_first:
            at = first
        else:
            past_last, v_high = changed(limit)
            if not past_last:
                at = limit + 1
            else:
                low, high, streak, last_side, clamped = first, limit, 0, None, False
                while high - low > 1:
                    # a straight line through the two ends first; when one end moved twice running (a curve, such
                    # as a ratio over the figure), the line through the end that stayed weighted down (halved, then
                    # quartered: the Illinois rule); halving the steps when that is slow too, or when the line
                    # pointed at an end. Whatever the path, the step found is the one where the proven monotone
                    # comparison changes (the lowest past it, the one below not), checked below.
                    if clamped:  # the last line pointed next to an end, or past it: halving now
                        guess = None
                    elif streak < 2:
                        guess = _interpolated(low, high, v_low, v_high, constant)
                    elif streak < 4:
                        scale = 2 ** (streak - 1)
                        if last_side:  # the upper end moved: the lower one stayed
                            guess = _interpolated(low, high, _toward(v_low, constant, scale), v_high, constant)
                        else:
                            guess = _interpolated(low, high, v_low, _toward(v_high, constant, scale), constant)
                    else:
                        guess = None
                    k = (low + high) // 2 if guess is None else min(max(guess, low + 1), high - 1)
                    clamped = guess is not None and (guess <= low + 1 or guess >= high - 1)
                    past, v = changed(k)
                    streak = streak + 1 if past == last_side else 1
                    last_side = past
                    if past:
                        high, v_high = k, v
                    else:
                        low, v_low = k, v
                at = high
    except (_Unproven, *FAULTS):
        return None
    model = Model(rising, at)
    try:  # the condition itself, where the model says it changes
        if at <= limit and holds(at) is not model(at):
            return None
        before = at - 1 if at <= limit else limit
        if at > first and holds(before) is not model(before):
            return None
    except FAULTS:
        return None
    return model


def _toward(v: Any, constant: Any, scale: int) -> Decimal:
    """``v`` moved toward ``constant``: its distance divided by ``scale`` (where to look next, never a result)."""
    return _WIDE.add(Decimal(constant), _WIDE.divide(_WIDE.subtract(Decimal(v), Decimal(constant)), Decimal(scale)))


def _interpolated(low: int, high: int, v_low: Any, v_high: Any, constant: Any) -> int | None:
    """The step between ``low`` and ``high`` where a straight line through their values meets ``constant``,
    rounded up."""
    span = Decimal(v_high) - Decimal(v_low)
    if not span:
        return None
    r = _WIDE.add(
        Decimal(low), _WIDE.divide(_WIDE.multiply(Decimal(constant) - Decimal(v_low), Decimal(high - low)), span)
    )
    if not r.is_finite():
        return None
    return int(r.to_integral_value(rounding="ROUND_CEILING"))


class _Run:
    """One proof: a lever, the document at the first step, and what each definition is over the steps."""

    def __init__(self, prover: Prover, x: _Lever, doc: dict) -> None:
        self.p, self.x, self.doc = prover, x, doc
        self._defs: dict[str, _Abs] = {}
        self._reads = prover.reads
        self._ctx: Context | None = None

    def value_of(self, node: ast.Node) -> Callable[[dict], Any]:
        fn = self.p.compiled(node, ())
        return lambda doc: fn(Context(doc))

    # -- what a node reads -------------------------------------------------------------------------------------
    def reads(self, n: ast.Node, env: dict) -> bool:
        """Whether ``n`` may read x (conservative: True for anything not understood)."""
        key = (self.x.where, id(n), *((k, v[1]) for k, v in env.items())) if env else (self.x.where, id(n))
        found = self._reads.get(key)
        if found is None:
            self._reads[key] = True  # a definition that names itself: not understood
            found = self._reads[key] = self._reads_now(n, env)
        return found

    def _reads_now(self, n: ast.Node, env: dict) -> bool:
        x = self.x
        if isinstance(n, ast.Literal):
            return False
        if isinstance(n, ast.Name):
            name = n.name
            if name in env:
                return env[name][1]
            d = self.p.defs.get(name)
            if d is not None:
                if d.expr is not None and d.each is None:
                    return self.reads(d.expr.node, {})
                return True
            if name in self.p.params:
                return False
            if self.p.input.field(name) is not None:
                return name == x.root
            return True  # rules, outcome
        if isinstance(n, ast.Field):
            path, local = self._path(n, env)
            if path is not None:
                if local is not None:
                    return env[local][1] and path.split(".")[1] == x.field
                return self._touches(path)
            return self.reads(n.subject, env)
        if isinstance(n, ast.Aggregate):
            source = self._list_path(n.source, env)
            inner = {**env, n.var: (None, source is not None and source == x.list_path)}
            if source is None and self.reads(n.source, env):
                return True
            if source is not None and source != x.list_path and self._touches(source):
                return True
            return self.reads(n.element, inner) or (n.cond is not None and self.reads(n.cond, inner))
        if isinstance(n, (ast.Binary, ast.Unary, ast.If, ast.Call, ast.Index, ast.ListExpr)):
            return any(self.reads(c, env) for c in ast.children(n))
        return True  # a construct this module does not know

    def _touches(self, path: str) -> bool:
        """Whether reading the input at dotted ``path`` reads x (the field, the list, or what holds them)."""
        x = self.x
        at = x.path if x.kind == "field" else x.list_path
        if at is None:
            return True
        return path == at or at.startswith(path + ".") or path.startswith(at + ".")

    def _path(self, n: ast.Node, env: dict) -> tuple[str | None, str | None]:
        """(dotted path, local name) of a chain of fields: ``var.f`` -> ("var.f", "var"); an input's
        ``a.b.c`` -> ("a.b.c", None) (through another name for the input); else (None, None)."""
        chains = self.p.chains
        chain = chains.get(id(n), _UNSET)
        if chain is _UNSET:
            names = []
            top = n
            while isinstance(top, ast.Field):
                names.append(top.name)
                top = top.subject
            chain = chains[id(n)] = (top.name, tuple(reversed(names))) if isinstance(top, ast.Name) else None
        if chain is None:
            return None, None
        root, names = chain
        if root in env:
            return ".".join((root, *names)), root
        base = self._input_name(root)
        if base is None:
            return None, None
        return ".".join((base, *names)), None

    def _input_name(self, name: str) -> str | None:
        """The input path a name reads: an input field, or a definition that is another name for one."""
        found = self.p.inputs.get(name, _UNSET)
        if found is _UNSET:
            found = self.p.inputs[name] = self._input_name_now(name)
        return found

    def _input_name_now(self, name: str) -> str | None:
        p = self.p
        seen = set()
        while name in p.defs and name not in seen:
            seen.add(name)
            d = p.defs[name]
            if d.each is not None or d.expr is None:
                return None
            node = d.expr.node
            path, local = self._path(node, {}) if isinstance(node, ast.Field) else (None, None)
            if path is not None and local is None:
                return path
            if not isinstance(node, ast.Name):
                return None
            name = node.name
        if name in p.defs or name in p.params or p.input.field(name) is None:
            return None
        return name

    def _list_path(self, n: ast.Node, env: dict) -> str | None:
        if isinstance(n, ast.Name) and n.name not in env:
            return self._input_name(n.name)
        if isinstance(n, ast.Field):
            path, local = self._path(n, env)
            return path if local is None else None
        return None

    # -- what a node does over the steps -----------------------------------------------------------------------
    # A node is looked at once per policy, lever shape (``x.where``) and loop variables (which hold the figure's
    # item): what its structure decides (what it reads, which construct it is, which input a name is, which
    # definition) is settled then into a plan, a function of the run and the loop variables' items that does only
    # what depends on the document and on the steps.
    def abs(self, n: ast.Node, env: dict) -> _Abs:
        """What ``n`` is over the steps (raises _Unproven)."""
        return self.plan(n, tuple((k, v[1]) for k, v in env.items()))(self, env)

    def plan(self, n: ast.Node, sig: tuple) -> _Plan:
        """The plan of ``n`` with loop variables ``sig`` ((name, holds the figure's item), in order)."""
        plans = self.p.plans
        key = (self.x.where, id(n), sig)
        found = plans.get(key)
        if found is None:
            found = plans[key] = self._compile(n, sig)
        return found

    def define(self, name: str, node: ast.Node) -> _Abs:
        """What definition ``name`` (its expression ``node``) is over the steps, once per run."""
        defs = self._defs
        found = defs.get(name)
        if found is None:
            defs[name] = _Abs(_CONST, _UNSET)  # a definition that names itself: not proven
            found = defs[name] = self.plan(node, ())(self, {})
        if found.value is _UNSET:
            raise _Unproven
        return found

    def context(self) -> Context:
        """One evaluation context for what does not move, on the document at the first step: a definition it
        needs is computed once for the run (the cache holds only values computed without a fault)."""
        ctx = self._ctx
        if ctx is None:
            ctx = self._ctx = Context(self.doc)
        return ctx

    def _compile(self, n: ast.Node, sig: tuple) -> _Plan:
        env = {k: (None, f) for k, f in sig}  # the loop variables as the structure sees them
        x = self.x
        if not self.reads(n, env):
            return self._const(n, sig)
        if isinstance(n, ast.Name):
            name = n.name
            d = self.p.defs.get(name)
            if name in env or d is None:
                if name not in env and x.path is not None and self._input_name(name) == x.path:
                    return _figure
                return _unproven
            if d.expr is None or d.each is not None:
                return _unproven
            node = d.expr.node
            return lambda run, env: run.define(name, node)
        if isinstance(n, ast.Field):
            path, local = self._path(n, env)
            if path is not None and local is not None and env[local][1] and path == f"{local}.{x.field}":
                return _figure
            if path is not None and local is None and path == x.path:
                return _figure
            return _unproven
        if isinstance(n, ast.Unary) and n.op == "-":
            operand, whole = self._known(n.operand, sig), self._value(n, sig)

            def negated(run: _Run, env: dict) -> _Abs:
                a = operand(run, env)
                return _Abs(-a.way) if a.way != _CONST else _Abs(_CONST, whole(run, env))

            return negated
        if isinstance(n, ast.Binary):
            return self._binary(n, sig)
        if isinstance(n, ast.If):
            cond, then, other = self._condition(n.cond, sig), self.plan(n.then, sig), self.plan(n.other, sig)

            def branch(run: _Run, env: dict) -> _Abs:
                c = cond(run, env)
                if c is True:
                    return then(run, env)
                if c is False:
                    return other(run, env)
                return _UNKNOWN_ABS

            return branch
        if isinstance(n, ast.Call):
            return self._call(n, sig, env)
        if isinstance(n, ast.Aggregate):
            return self._aggregate(n, sig, env)
        return _unproven

    def _value(self, n: ast.Node, sig: tuple) -> Callable[[_Run, dict], Any]:
        """The value of a node that does not read x (the same at every step), as a plan gives it."""
        if isinstance(n, ast.Literal):
            value = n.value
            return lambda run, env: value
        names = tuple(sorted(k for k, _ in sig))
        if isinstance(n, ast.Name) and n.name not in names and n.name not in self.p.defs and n.name in self.p.params:
            value = self.p.params[n.name]
            return lambda run, env: value
        p, fn = self.p, None
        if not names:

            def value_alone(run: _Run, env: dict) -> Any:
                nonlocal fn
                if fn is None:
                    fn = p.compiled(n, names)
                try:
                    return fn(run.context())
                except FAULTS:
                    raise _Unproven from None

            return value_alone

        def value_now(run: _Run, env: dict) -> Any:
            nonlocal fn
            if fn is None:
                fn = p.compiled(n, names)
            try:
                return fn(run.context(), *[env[name][0] for name in names])
            except FAULTS:
                raise _Unproven from None

        return value_now

    def _const(self, n: ast.Node, sig: tuple) -> _Plan:
        if isinstance(n, ast.Literal):
            fixed = _Abs(_CONST, n.value)
            return lambda run, env: fixed
        p = self.p
        if isinstance(n, ast.Name) and n.name not in dict(sig) and n.name not in p.defs and n.name in p.params:
            fixed = _Abs(_CONST, p.params[n.name])
            return lambda run, env: fixed
        value_now = self._value(n, sig)
        return lambda run, env: _Abs(_CONST, value_now(run, env))

    def _known(self, n: ast.Node, sig: tuple) -> _Plan:
        """``n`` as a number moving one way, or a known number that does not move."""
        inner = self.plan(n, sig)

        def known(run: _Run, env: dict) -> _Abs:
            a = inner(run, env)
            if a.way == _CONST and not _number(a.value):
                raise _Unproven
            return a

        return known

    def _binary(self, n: ast.Binary, sig: tuple) -> _Plan:
        op = n.op
        if op not in ("+", "-", "*", "/"):
            return _unproven  # a comparison that depends on x, other than as an `if` condition (below)
        left, right, whole = self._known(n.left, sig), self._known(n.right, sig), self._value(n, sig)
        if op in ("+", "-"):
            dated = T.DATE in (self.p.gen.types.get(id(n.left)), self.p.gen.types.get(id(n.right)))
            sign = 1 if op == "+" else -1

            def summed(run: _Run, env: dict) -> _Abs:
                a, b = left(run, env), right(run, env)
                if a.way == _CONST and b.way == _CONST:  # neither moves after all: the same at every step
                    return _Abs(_CONST, whole(run, env))
                if dated:
                    raise _Unproven
                ways = {w for w in (a.way, sign * b.way) if w != _CONST}
                if len(ways) != 1:
                    raise _Unproven
                return _Abs(ways.pop())

            return summed
        if op == "*":

            def times(run: _Run, env: dict) -> _Abs:
                a, b = left(run, env), right(run, env)
                if a.way == _CONST and b.way == _CONST:
                    return _Abs(_CONST, whole(run, env))
                a, b = left(run, env), right(run, env)  # looked at again, as it always was (leave_out may move)
                if a.way != _CONST and b.way != _CONST:
                    raise _Unproven
                moving, factor = (a, b.value) if a.way != _CONST else (b, a.value)
                if not factor:
                    raise _Unproven
                return _Abs(moving.way if factor > 0 else -moving.way)

            return times

        def divided(run: _Run, env: dict) -> _Abs:
            a, b = left(run, env), right(run, env)
            if a.way == _CONST and b.way == _CONST:
                return _Abs(_CONST, whole(run, env))
            a, b = left(run, env), right(run, env)  # looked at again, as it always was (leave_out may move)
            if b.way == _CONST:
                if not b.value:
                    raise _Unproven
                return _Abs(a.way if b.value > 0 else -a.way)
            # x itself as the divisor, of one sign over its range, and a known number divided by it: a / x moves
            # against x when a is above zero (on either side of zero), with it when a is below
            x = run.x
            if not b.is_x or a.way != _CONST or not a.value:
                raise _Unproven
            if not (x.low > 0 or x.high < 0) and not (x.leave_out(0) and (x.low > 0 or x.high < 0)):
                raise _Unproven  # x reaches zero, other than at an end
            return _Abs(-b.way if a.value > 0 else b.way)

        return divided

    def _condition(self, n: ast.Node, sig: tuple) -> Callable[[_Run, dict], Any]:
        """The value of an `if` condition at every step: one that does not read x, or a comparison of x itself
        with a known number outside x's range."""
        if not self.reads(n, {k: (None, f) for k, f in sig}):
            return self._value(n, sig)
        if not (isinstance(n, ast.Binary) and n.op in ("==", "!=", *_ORDERS)):
            return _unproven
        left, right, op0 = self.plan(n.left, sig), self.plan(n.right, sig), n.op

        def compared(run: _Run, env: dict) -> Any:
            a, b = left(run, env), right(run, env)
            op = op0
            if b.is_x and a.way == _CONST:
                a, b, op = b, a, _MIRROR.get(op, op)
            if a.is_x and b.way == _CONST and _number(b.value):
                c, x = b.value, run.x
                if op in ("==", "!=") and (not x.low <= c <= x.high or x.leave_out(c)):
                    return op == "!="  # x equals c at no step still proven
                if op in _ORDERS:
                    at_low, at_high = _COMPARE[op](x.low, c), _COMPARE[op](x.high, c)
                    if at_low == at_high:
                        return at_low
            raise _Unproven

        return compared

    def _call(self, n: ast.Call, sig: tuple, env: dict) -> _Plan:
        if n.func in ("min", "max") and len(n.args) > 1:
            args, whole = [self._known(a, sig) for a in n.args], self._value(n, sig)

            def extreme(run: _Run, env: dict) -> _Abs:
                ways = {a.way for a in [arg(run, env) for arg in args] if a.way != _CONST}
                if not ways:
                    return _Abs(_CONST, whole(run, env))
                if len(ways) != 1:
                    raise _Unproven
                return _Abs(ways.pop())

            return extreme
        if n.func == "round" and len(n.args) == 2 and not self.reads(n.args[1], env):
            step, arg, whole = self._value(n.args[1], sig), self._known(n.args[0], sig), self._value(n, sig)

            def rounded(run: _Run, env: dict) -> _Abs:
                if round_step(step(run, env)) is None:
                    raise _Unproven
                a = arg(run, env)
                return _Abs(a.way) if a.way != _CONST else _Abs(_CONST, whole(run, env))

            return rounded
        return _unproven

    def _aggregate(self, n: ast.Aggregate, sig: tuple, env: dict) -> _Plan:
        builtin = BUILTINS.get(n.func) if n.func is not None else None
        if builtin is None or n.func not in ("sum", "mean", "min", "max") or not builtin.strict:
            return _unproven
        source = self._list_path(n.source, env)
        if source is not None and source == self.x.list_path:
            return self._over_figure(n, sig, env, source)
        if self.reads(n.source, env):
            return _unproven
        var, inner_sig = n.var, _with(sig, n.var, False)  # no item of this list holds the figure
        items_of, whole = self._value(n.source, sig), self._value(n, sig)
        cond = self._condition(n.cond, inner_sig) if n.cond is not None else None
        element = self.plan(n.element, inner_sig)

        def aggregate(run: _Run, env: dict) -> _Abs:
            items = items_of(run, env)
            if not isinstance(items, list) or len(items) > MAX_ITEMS:
                raise _Unproven
            ways = set()
            unknown = False  # an item's filter or value unknown: so is the aggregate, at every step
            for item in items:
                inner = {**env, var: (item, False)}
                if cond is not None:
                    keep = cond(run, inner)
                    if keep is not True and keep is not False:
                        unknown = unknown or keep is UNKNOWN
                        if keep is not UNKNOWN:
                            raise _Unproven
                        continue
                    if not keep:
                        continue
                e = element(run, inner)
                if e.way != _CONST:
                    ways.add(e.way)
                elif e.value is UNKNOWN:
                    unknown = True
                elif not _number(e.value):
                    raise _Unproven
            if len(ways) > 1:
                raise _Unproven  # items moving both ways
            if unknown:
                return _UNKNOWN_ABS
            if not ways:  # the figure's item filtered out, or not counted: the same at every step
                return _Abs(_CONST, whole(run, env))
            return _Abs(ways.pop())

        return aggregate

    def _over_figure(self, n: ast.Aggregate, sig: tuple, env: dict, source: str) -> _Plan:
        """An aggregate over the list that holds the figure's item (``mine``). The other items' filters and values
        read nothing of x (as the structure shows), so they are the same at every step; the aggregate evaluated
        once, at the first step, says they are known and fault nowhere (a strict aggregate is unknown when one is
        unknown, and faults when one faults). The figure's own item is looked at as any node is."""
        others = {**env, n.var: (None, False)}
        if self.reads(n.element, others) or (n.cond is not None and self.reads(n.cond, others)):
            return _unproven  # the other items move too
        var, mine_sig = n.var, _with(sig, n.var, True)
        cond = self._condition(n.cond, mine_sig) if n.cond is not None else None
        element, whole = self.plan(n.element, mine_sig), self._value(n, sig)

        def over_figure(run: _Run, env: dict) -> _Abs:
            items, mine = value_at(run.doc, source), run.x.index
            if not isinstance(items, list) or mine is None or not 0 <= mine < len(items):
                raise _Unproven
            item = items[mine]
            if not isinstance(item, dict):
                raise _Unproven
            mine_env = {**env, var: (item, True)}
            keep = True if cond is None else cond(run, mine_env)
            e = element(run, mine_env) if keep is True else None
            total = whole(run, env)  # at the first step
            if total is UNKNOWN and (keep is UNKNOWN or keep is True or keep is False):
                return _UNKNOWN_ABS  # unknown at every step: an item's filter or value is, and stays so
            if keep is not True and keep is not False:
                raise _Unproven
            if not _number(total):
                raise _Unproven
            if e is None or e.way == _CONST:  # the figure's item not counted, or its value does not move
                return _Abs(_CONST, total)
            return _Abs(e.way)

        return over_figure


_Plan = Callable[[_Run, dict], _Abs]


def _with(sig: tuple, var: str, holds_figure: bool) -> tuple:
    """``sig`` with loop variable ``var`` set (where it was, or last), as ``{**env, var: …}`` sets it."""
    out = dict(sig)
    out[var] = holds_figure
    return tuple(out.items())


def _unproven(run: _Run, env: dict) -> Any:
    raise _Unproven


def _figure(run: _Run, env: dict) -> _Abs:
    return _FIGURE[run.x.way]


_UNSET: Any = object()
_UNKNOWN_ABS = _Abs(_CONST, UNKNOWN)
_FIGURE = {_UP: _Abs(_UP, is_x=True), _DOWN: _Abs(_DOWN, is_x=True)}
