"""Expression text -> AST, with one module-level LALR parser.

Design: Lark builds a parse tree (with positions); ``_Builder`` turns it into frozen AST nodes after
``parse()``, since a transformer inside Lark gets no positions. Size and depth are bounded before and after
parsing so that hostile input (a 1 MB expression, 10,000 nested brackets) fails fast with a message.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from . import ast
from .syntax_errors import ParseFailure, failure
from .values import UNKNOWN, Duration

# What to do about an expression past a limit, in English and Chinese.
_SPLIT = ("split it into named definitions", "把它拆成几个有名称的定义（definitions）")

MAX_CHARS = 10_000
MAX_DEPTH = 64
MAX_DIGITS = 40


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True, cache=_cache_file(grammar))


def _cache_file(grammar: str) -> str | bool:
    """Where to keep the built LALR tables, so a new process loads them in milliseconds instead of building
    them (~50 ms). A file of this user's own (not a shared temporary folder: Lark's cache is a pickle), keyed
    by the grammar and Lark's version; no cache when there is nowhere to write."""
    import hashlib
    import os

    import lark

    key = hashlib.sha256((grammar + lark.__version__).encode("utf-8")).hexdigest()[:16]
    folder = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "wqpolicy")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return False
    return os.path.join(folder, f"grammar-{key}.pickle") if os.access(folder, os.W_OK) else False


def parse(text: str) -> ast.Node:
    """Parse one expression. Raises ParseFailure with the offset of the problem.

    >>> parse("2000万 <= x").op
    '<='
    """
    if len(text) > MAX_CHARS:
        raise ParseFailure(
            f"expression is {len(text)} characters long; the limit is {MAX_CHARS}",
            0,
            hint=_SPLIT[0],
            zh=f"表达式有 {len(text)} 个字符，超过上限 {MAX_CHARS}",
            hint_zh=_SPLIT[1],
        )
    _check_bracket_depth(text)
    tree = _tree(text)
    try:
        node = _Builder(text).build(tree)
    except RecursionError:
        raise ParseFailure(
            "expression is nested too deeply", 0, hint=_SPLIT[0], zh="表达式嵌套过深", hint_zh=_SPLIT[1]
        ) from None
    depth = _depth(node)
    if depth > MAX_DEPTH:
        raise ParseFailure(
            f"expression is nested {depth} levels deep; the limit is {MAX_DEPTH}",
            0,
            hint=_SPLIT[0],
            zh=f"表达式嵌套了 {depth} 层，超过上限 {MAX_DEPTH} 层",
            hint_zh=_SPLIT[1],
        )
    return node


@lru_cache(maxsize=4096)
def _tree(text: str) -> Tree:
    """The parse tree of ``text``, kept for the same text (a revision repeats most of its base's expressions, and
    checking both parses them once); each parse still builds nodes of its own, as the checker keys types by node."""
    try:
        return _lark().parse(text)
    except UnexpectedInput as e:
        raise failure(e, text) from None


def _check_bracket_depth(text: str) -> None:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseFailure(
                    f"brackets nested more than {MAX_DEPTH} deep",
                    i,
                    hint=_SPLIT[0],
                    zh=f"括号嵌套超过 {MAX_DEPTH} 层",
                    hint_zh=_SPLIT[1],
                )
        elif ch in ")]":
            depth -= 1


def _depth(node: ast.Node) -> int:
    best, stack = 0, [(node, 1)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        stack.extend((c, d + 1) for c in ast.children(n))
    return best


_UNIT = {"%": Decimal("0.01"), "万": Decimal(10_000), "亿": Decimal(100_000_000)}
_NUM = re.compile(r"^([\d_]+(?:\.[\d_]+)?)(%|万|亿)?元?$")


def number_value(raw: str) -> Decimal:
    """`4.5%` -> 0.045, `2400万元` -> 24000000, `12_345` -> 12345 (exact)."""
    m = _NUM.match(raw)
    if m is None:  # the grammar's NUMBER always matches; anything else is a caller's mistake
        raise ValueError(f"not a number: {raw!r}")
    digits, unit = m.group(1).replace("_", ""), m.group(2)
    value = Decimal(digits)
    return value * _UNIT[unit] if unit else value


def duration_value(raw: str) -> Duration:
    m = re.match(r"(\d+)\s*(year|month|day)", raw)
    if m is None:  # the grammar's DURATION always matches
        raise ValueError(f"not a duration: {raw!r}")
    n, unit = int(m.group(1)), m.group(2)
    return Duration(**{unit + "s": n})


# The escapes text in an expression may hold: \\ \" \' \n \t, and \uXXXX.
_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t"}


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text

    def build(self, t: Tree | Token) -> ast.Node:
        if isinstance(t, Token):  # a bare NAME etc. cannot reach here; the grammar wraps atoms
            raise ParseFailure(f"unexpected `{t}`", t.start_pos or 0, zh=f"此处不应出现 `{t}`")
        method = getattr(self, "_" + t.data)
        return method(t, t.meta.start_pos, t.meta.end_pos)

    def _number(self, t: Tree, a: int, b: int) -> ast.Literal:
        raw = str(t.children[0])
        if len(raw.replace("_", "")) > MAX_DIGITS:
            raise ParseFailure(f"number has more than {MAX_DIGITS} digits", a, b - a, zh=f"数字超过 {MAX_DIGITS} 位")
        return ast.Literal(a, b, number_value(raw), "number")

    def _date(self, t: Tree, a: int, b: int) -> ast.Literal:
        try:
            return ast.Literal(a, b, datetime.date.fromisoformat(str(t.children[0])), "date")
        except ValueError:
            raise ParseFailure(
                f"`{t.children[0]}` is not a valid date", a, b - a, zh=f"`{t.children[0]}` 不是存在的日期"
            ) from None

    def _duration(self, t: Tree, a: int, b: int) -> ast.Literal:
        return ast.Literal(a, b, duration_value(str(t.children[0])), "duration")

    def _string(self, t: Tree, a: int, b: int) -> ast.Literal:
        raw = str(t.children[0])[1:-1]

        def escape(m: re.Match[str]) -> str:
            if m.group(1) is not None:  # \u4e2d: the character of that code; half a UTF-16 pair is none
                code = int(m.group(1), 16)
                if 0xD800 <= code <= 0xDFFF:
                    raise ParseFailure(
                        f"`\\u{m.group(1)}` is half of a UTF-16 pair, not a character",
                        a + 1 + m.start(),
                        6,
                        hint="write the character itself",
                        zh=f"`\\u{m.group(1)}` 只是 UTF-16 编码对的一半，不是一个字符",
                        hint_zh="直接写出这个字符",
                    )
                return chr(code)
            said = _ESCAPES.get(m.group(2))
            if said is None:  # never dropped silently: `"a\qb"` is a mistake, not `aqb`
                raise ParseFailure(
                    f"`\\{m.group(2)}` is not an escape in text",
                    a + 1 + m.start(),
                    2,
                    hint="write `\\\\` for a backslash; the escapes are \\\\ \\\" \\' \\n \\t \\uXXXX",
                    zh=f"`\\{m.group(2)}` 不是文字中可用的转义",
                    hint_zh="反斜杠请写 `\\\\`；可用的转义有 \\\\ \\\" \\' \\n \\t \\uXXXX",
                )
            return said

        return ast.Literal(a, b, re.sub(r"\\(?:u([0-9a-fA-F]{4})|(.))", escape, raw), "string")

    def _true(self, t: Tree, a: int, b: int) -> ast.Literal:
        return ast.Literal(a, b, True, "bool")

    def _false(self, t: Tree, a: int, b: int) -> ast.Literal:
        return ast.Literal(a, b, False, "bool")

    def _unknown(self, t: Tree, a: int, b: int) -> ast.Literal:
        return ast.Literal(a, b, UNKNOWN, "unknown")

    def _is_unknown(self, t: Tree, a: int, b: int) -> ast.IsKnown:
        return ast.IsKnown(a, b, self.build(t.children[0]), False)

    def _is_known(self, t: Tree, a: int, b: int) -> ast.IsKnown:
        return ast.IsKnown(a, b, self.build(t.children[0]), True)

    def _name(self, t: Tree, a: int, b: int) -> ast.Name:
        return ast.Name(a, b, str(t.children[0]))

    def _field(self, t: Tree, a: int, b: int) -> ast.Field:
        return ast.Field(a, b, self.build(t.children[0]), str(t.children[1]))

    def _index(self, t: Tree, a: int, b: int) -> ast.Index:
        return ast.Index(a, b, self.build(t.children[0]), self.build(t.children[1]))

    def _neg(self, t: Tree, a: int, b: int) -> ast.Unary:
        return ast.Unary(a, b, "-", self.build(t.children[0]))

    def _not_op(self, t: Tree, a: int, b: int) -> ast.Unary:
        return ast.Unary(a, b, "not", self.build(t.children[0]))

    def _binary(self, t: Tree, a: int, b: int) -> ast.Binary:
        left, op, right = t.children
        assert isinstance(op, Token)  # the grammar's operator terminal
        return ast.Binary(op.start_pos or 0, b, str(op), self.build(left), self.build(right))

    _compare = _binary

    def _op(self, t: Tree, a: int, b: int, op: str) -> ast.Binary:
        left, right = t.children
        left_node = self.build(left)
        at = self.text.find(op.split()[0], left_node.end)
        return ast.Binary(at, b, op, left_node, self.build(right))

    def _and_op(self, t: Tree, a: int, b: int) -> ast.Binary:
        return self._op(t, a, b, "and")

    def _or_op(self, t: Tree, a: int, b: int) -> ast.Binary:
        return self._op(t, a, b, "or")

    def _in_op(self, t: Tree, a: int, b: int) -> ast.Binary:
        return self._op(t, a, b, "in")

    def _not_in_op(self, t: Tree, a: int, b: int) -> ast.Binary:
        return self._op(t, a, b, "not in")

    def _if_expr(self, t: Tree, a: int, b: int) -> ast.If:
        return ast.If(a, b, *(self.build(c) for c in t.children))

    def _call(self, t: Tree, a: int, b: int) -> ast.Call:
        name, *rest = t.children
        args = tuple(self.build(x) for x in rest if x is not None)
        return ast.Call(a, b, str(name), args)

    def _aggregate(self, t: Tree, a: int, b: int) -> ast.Aggregate:
        name, element, var, source, cond = t.children
        return ast.Aggregate(
            a,
            b,
            str(name),
            self.build(element),
            str(var),
            self.build(source),
            self.build(cond) if cond is not None else None,
        )

    def _list(self, t: Tree, a: int, b: int) -> ast.ListExpr:
        return ast.ListExpr(a, b, tuple(self.build(x) for x in t.children if x is not None))

    def _list_comp(self, t: Tree, a: int, b: int) -> ast.Aggregate:
        element, var, source, cond = t.children
        return ast.Aggregate(
            a,
            b,
            None,
            self.build(element),
            str(var),
            self.build(source),
            self.build(cond) if cond is not None else None,
        )
