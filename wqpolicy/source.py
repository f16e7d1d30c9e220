"""Source positions: where a piece of policy text came from, 1-based, for error messages."""
from __future__ import annotations

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
        """The file position of character ``offset`` of the scalar's value."""
        if value is None or self.style is None and "\n" not in self.text[self.start:self.end]:
            if self.style in ('"', "'"):
                offset += 1
            return Span(self.file, self.line + 1, self.col + 1 + offset, length)
        index = _align(value, self.text, self._content_start(), self.end, offset)
        line = self.text.count("\n", 0, index)
        col = index - (self.text.rfind("\n", 0, index) + 1)
        return Span(self.file, line + 1, col + 1, length)

    def _content_start(self) -> int:
        if self.style in ('"', "'"):
            return self.start + 1
        if self.style in ("|", ">"):
            newline = self.text.find("\n", self.start)
            return self.end if newline < 0 else newline + 1
        return self.start


def _align(value: str, text: str, start: int, end: int, offset: int) -> int:
    """Index in ``text`` of character ``offset`` of ``value``, which YAML folded from text[start:end].

    Non-space characters are matched in order; whitespace in the value matches any run of
    whitespace (indentation, line breaks) in the raw text.
    """
    p = start
    for i, ch in enumerate(value):
        while p < end and ch.isspace() is False and text[p] != ch:
            p += 1
        if i == offset:
            return min(p, max(end - 1, start))
        if ch.isspace():
            while p < end and text[p].isspace():
                p += 1
        else:
            p += 1
    return min(p, max(end - 1, start))


def line_of(text: str, line: int) -> str:
    """The 1-based ``line`` of ``text``, without its line break ('' past the end)."""
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""
