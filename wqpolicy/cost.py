"""What an expression may cost to evaluate, estimated before any input is seen, as CEL's cost limits do: a step
per node, and a loop (`for … in`, `in` over a list, a function of a whole list) counted as many times as its list
may hold items — the input schema's `maxItems`, a parameter's length, or the default bound of input lists. Loops
inside loops multiply, so five nested loops over a list of 1,000 items estimate to 10^15 steps, which `check`
refuses; a definition is counted once where it is defined (its value is kept), never where it is read.
"""

from __future__ import annotations

import math

from . import ast
from . import types as T
from .functions import BUILTINS

# Steps an expression may take, at most, on the largest inputs its schema allows (an engine setting): some five
# seconds of evaluation at the worst (the generated code runs some ten million steps a second). A loop over
# 100,000 items (the default bound) with a few hundred steps inside fits: the bundled demand-side decision's
# per-purchase definition, the costliest of the bundled policy, estimates to 14 million.
MAX_COST = 50_000_000


def node_cost(n: ast.Node, types: dict) -> int:
    """The estimated steps of evaluating ``n`` once, with ``types`` (id(node) -> type, from the checker)."""
    return _Costs(types).of(n)


class _Costs:
    def __init__(self, types: dict) -> None:
        self.types = types
        self.memo: dict[int, int] = {}

    def most(self, n: ast.Node) -> int:
        t = self.types.get(id(n))
        return t.most if isinstance(t, T.ListOf) else 1

    def of(self, n: ast.Node) -> int:
        found = self.memo.get(id(n))
        if found is not None:
            return found
        if isinstance(n, ast.Aggregate):
            body = 1 + self.of(n.element) + (self.of(n.cond) if n.cond is not None else 0)
            cost = self.of(n.source) + self.most(n.source) * body
        else:
            cost = 1 + sum(self.of(c) for c in ast.children(n))
            if isinstance(n, ast.Binary) and n.op in ("in", "not in"):
                cost += self.most(n.right)
            elif isinstance(n, ast.Call) and len(n.args) == 1 and n.func in BUILTINS and BUILTINS[n.func].collection:
                cost += self.most(n.args[0])
        self.memo[id(n)] = cost
        return cost

    def worst(self, n: ast.Node) -> ast.Node:
        """The outermost loop of ``n`` that costs more than MAX_COST (``n`` itself when none does alone)."""
        stack = [n]
        while stack:
            m = stack.pop(0)
            if isinstance(m, ast.Aggregate) and self.of(m) > MAX_COST:
                return m
            stack += [c for c in ast.children(m) if self.of(c) > MAX_COST]
        return n

    def nesting(self, n: ast.Node) -> list[int]:
        """The bounds of the lists of the most deeply nested loops under ``n``, outermost first."""
        best: list[int] = []
        for c in ast.children(n):
            inner = self.nesting(c)
            if len(inner) > len(best):
                best = inner
        if isinstance(n, ast.Aggregate):
            inside = [self.nesting(c) for c in (n.element, n.cond) if c is not None]
            deepest = max(inside, key=len) if inside else []
            return [self.most(n.source)] + (deepest if len(deepest) >= len(best) else best)
        return best


def too_costly(n: ast.Node, types: dict) -> tuple[ast.Node, int, list[int]] | None:
    """(the loop to blame, the estimated steps, the bounds of its nested lists) when evaluating ``n`` may cost more
    than MAX_COST; None when it may not."""
    costs = _Costs(types)
    total = costs.of(n)
    if total <= MAX_COST:
        return None
    worst = costs.worst(n)
    return worst, total, costs.nesting(worst)


def each_cost(source_most: int, per_item: int, start: int) -> int:
    """The estimated steps of a per-item definition: its items sorted, then each computed once."""
    return start + source_most * per_item + int(source_most * math.log2(max(source_most, 2)))


def words(total: int, bounds: list[int]) -> tuple[str, str, str, str]:
    """(message, zh, hint, hint_zh) for an expression estimated at ``total`` steps, its loops over ``bounds``."""
    power = f"10^{int(math.log10(total))}" if total >= 10**9 else f"{total:,}"
    nested = " × ".join(f"{b:,}" for b in bounds)
    over = f": loops nested {len(bounds)} deep over lists of up to {nested} items" if bounds else ""
    over_zh = f"：{len(bounds)} 层嵌套循环，列表最多分别为 {nested} 项" if bounds else ""
    return (
        f"this may take some {power} steps to evaluate on the largest inputs allowed, more than the "
        f"{MAX_COST:,} an expression may take{over}",
        f"在允许的最大输入上，该表达式约需 {power} 步计算，超过单个表达式的上限 {MAX_COST:,} 步{over_zh}",
        "compute an inner loop once, as a definition of its own, or declare a smaller `maxItems` for the list "
        "in the input schema",
        "把内层循环单独写成一个定义（只计算一次），或在输入格式中为该列表声明较小的 maxItems",
    )
