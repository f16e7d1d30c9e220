"""Source positions: where a piece of policy text came from, 1-based, for error messages."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A place in a file: 1-based line and column, and the length of the marked text."""

    file: str
    line: int
    col: int
    length: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class ScalarMark:
    """Where a YAML scalar sits in its file, enough to map an offset inside its value back to the file.

    ``start``/``end`` are character indexes into the file text; ``style`` is PyYAML's
    scalar style (None for plain, '"', "'", '|', '>').
    """

    file: str
    text: str
    start: int
    end: int
    style: str | None
    line: int  # 0-based, as PyYAML gives it
    col: int

    def span(self, offset: int = 0, length: int = 1, value: str | None = None) -> Span:
        """The file position of character ``offset`` of the scalar's value.

        With the ``value`` YAML produced, the offset is mapped through quotes, escapes, folded line breaks and
        block indentation; without it, it is counted from the first character after any quote.
        """
        start = self._content_start()
        if value is None:
            index = start + offset if self.style in ('"', "'") else self._after_properties() + offset
        else:
            index = _align(value, _units(self.text, start, self._content_end(), self.style), offset, start)
        line, col = line_col(self.text, index)
        return Span(self.file, line + 1, col + 1, length)

    def _after_properties(self) -> int:
        # A tag (`!!str`) or an anchor (`&a`) comes before the value and is part of the node's mark.
        p = self.start
        while p < self.end and self.text[p] in "!&":
            while p < self.end and not self.text[p].isspace():
                p += 1
            while p < self.end and self.text[p].isspace():
                p += 1
        return p

    def _content_start(self) -> int:
        p = self._after_properties()
        if self.style in ('"', "'"):
            return p + 1
        if self.style in ("|", ">"):
            newline = self.text.find("\n", p)
            return self.end if newline < 0 else newline + 1
        return p

    def _content_end(self) -> int:
        return self.end - 1 if self.style in ('"', "'") else self.end


# Double-quoted escapes (as PyYAML reads them): one character each, from a short or a hex escape.
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "\\": "\\",
    "/": "/",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _units(text: str, start: int, end: int, style: str | None) -> Iterator[tuple[int, str]]:
    """(index in ``text``, the character it stands for) for the raw scalar text[start:end], in order.

    Quoted scalars read escapes (``\\u0041`` is one `A`, ``''`` one quote); an escaped line break stands for
    nothing. Everything else stands for itself.
    """
    i = start
    while i < end:
        ch = text[i]
        if style == '"' and ch == "\\" and i + 1 < end:
            nxt = text[i + 1]
            if nxt in _HEX_ESCAPES:
                n = _HEX_ESCAPES[nxt]
                try:
                    yield i, chr(int(text[i + 2 : i + 2 + n], 16))
                except ValueError:
                    yield i, ch
                i += 2 + n
                continue
            yield i, "" if nxt in "\r\n" else _ESCAPES.get(nxt, nxt)
            i += 2
            continue
        if style == "'" and ch == "'" and text[i + 1 : i + 2] == "'":
            yield i, "'"
            i += 2
            continue
        yield i, ch
        i += 1


def _align(value: str, units: Iterable[tuple[int, str]], offset: int, fallback: int) -> int:
    """Index in the file of character ``offset`` of ``value``, which YAML produced from ``units``.

    Non-space characters are matched in order; whitespace in the value matches any run of whitespace
    (indentation, folded line breaks) in the raw text. Walks only as far as ``offset``.
    """
    units = iter(units)
    cur = next(units, None)
    last = fallback
    for i, ch in enumerate(value):
        if not ch.isspace():
            while cur is not None and cur[1] != ch:
                last, cur = cur[0], next(units, None)
        if i == offset:
            break
        if ch.isspace():
            while cur is not None and (cur[1].isspace() or cur[1] == ""):
                last, cur = cur[0], next(units, None)
        elif cur is not None:
            last, cur = cur[0], next(units, None)
    return cur[0] if cur is not None else last


def line_col(text: str, index: int) -> tuple[int, int]:
    """The 0-based line and column of character ``index`` of ``text``: a search in the line breaks found once per
    text, so that placing each of many values costs no walk along the text before it."""
    breaks = _breaks(text)
    line = bisect.bisect_left(breaks, index)
    return line, index - (breaks[line - 1] + 1 if line else 0)


@functools.lru_cache(maxsize=8)
def _breaks(text: str) -> list[int]:
    return [m.start() for m in re.finditer("\n", text)]


def line_of(text: str, line: int) -> str:
    """The 1-based ``line`` of ``text``, without its line break ('' past the end)."""
    lines = _lines(text)
    return lines[line - 1] if 0 < line <= len(lines) else ""


@functools.lru_cache(maxsize=4)
def _lines(text: str) -> list[str]:
    """The lines of a file's text, split once for all the errors shown from it (a str keeps its hash)."""
    return text.splitlines()
