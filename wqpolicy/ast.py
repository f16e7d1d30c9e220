"""The expression AST: frozen dataclasses, one per construct, each with its offset in the source text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Node:
    pos: int  # 0-based character offset in the expression text
    end: int


@dataclass(frozen=True)
class Literal(Node):
    value: Any
    kind: str  # number | string | bool | date | duration | unknown (the value values.UNKNOWN)


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Field(Node):
    subject: Node
    name: str


@dataclass(frozen=True)
class Index(Node):
    subject: Node
    key: Node


@dataclass(frozen=True)
class Unary(Node):
    op: str  # '-' | 'not'
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # + - * / == != < <= > >= and or in 'not in'
    left: Node
    right: Node


@dataclass(frozen=True)
class IsKnown(Node):
    """``subject is known`` (``known`` true) or ``subject is unknown``: true or false, never unknown."""

    subject: Node
    known: bool

    @property
    def op(self) -> str:
        return "is known" if self.known else "is unknown"


@dataclass(frozen=True)
class If(Node):
    cond: Node
    then: Node
    other: Node


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple


@dataclass(frozen=True)
class Aggregate(Node):
    """``func(element for var in source if cond)``; func None for a list comprehension ``[...]``."""

    func: str | None
    element: Node
    var: str
    source: Node
    cond: Node | None


@dataclass(frozen=True)
class ListExpr(Node):
    items: tuple


def children(n: Node) -> tuple:
    if isinstance(n, Field):
        return (n.subject,)
    if isinstance(n, Index):
        return (n.subject, n.key)
    if isinstance(n, Unary):
        return (n.operand,)
    if isinstance(n, IsKnown):
        return (n.subject,)
    if isinstance(n, Binary):
        return (n.left, n.right)
    if isinstance(n, If):
        return (n.cond, n.then, n.other)
    if isinstance(n, Call):
        return n.args
    if isinstance(n, Aggregate):
        return (n.element, n.source) + ((n.cond,) if n.cond is not None else ())
    if isinstance(n, ListExpr):
        return n.items
    return ()


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node under it (in no particular order)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(children(n))


def start(n: Node) -> int:
    """Offset of the first character of ``n``'s text (a binary node's own ``pos`` is its operator)."""
    while isinstance(n, Binary):
        n = n.left
    return n.pos
