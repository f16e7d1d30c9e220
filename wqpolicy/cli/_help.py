"""Help text laid out by the columns a terminal gives each character: a Chinese character takes two, so click's
wrapping (which counts characters) would run Chinese lines to twice the width. Paragraphs and `\\b` blocks as
click has them."""

from __future__ import annotations

import re
from collections.abc import Iterable

import click

from ..display import columns

# A Chinese character (or full-width sign) is a word of its own for wrapping: a line may break before or after it.
_WIDE = "\u2e80-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKEN = re.compile(rf"[{_WIDE}]|[^\s{_WIDE}]+|\s+")
# Signs that never start a line: they stay with what they follow.
_NO_START = set("，。、；：？！）」』》〉】〕,.;:?!)]")


def wrap(text: str, width: int, indent: str = "", first: str | None = None) -> list[str]:
    """One paragraph wrapped to ``width`` columns, each line after the first starting with ``indent`` (the first
    with ``first``, or ``indent``).

    >>> wrap("检查政策文件 check the policy files", 14)
    ['检查政策文件', 'check the', 'policy files']
    """
    lines: list[str] = []
    line, space = first if first is not None else indent, False
    used = start = columns(line)
    for token in _TOKEN.findall(text):
        if token.isspace():
            space = used > start
            continue
        gap = " " if space else ""
        wide = columns(gap + token)
        if used + wide > width and used > start and token not in _NO_START:
            lines.append(line.rstrip())
            line, used, gap = indent, columns(indent), ""
            start = used
            wide = columns(token)
        line += gap + token
        used += wide
        space = False
    lines.append(line.rstrip())
    return lines


def paragraphs(text: str) -> Iterable[tuple[int, bool, str]]:
    """(indent, kept as written, text) for each paragraph of ``text``: lines joined (with no space between two
    Chinese characters), a block after a `\\b` line kept as it is, as click does."""
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if not block:
            continue
        if block[0].strip() == "\b":
            yield 0, True, "\n".join(block[1:])
        else:
            indent = len(block[0]) - len(block[0].lstrip())
            joined = block[0].strip()
            for more in block[1:]:
                more = more.strip()
                joined += ("" if _both_wide(joined, more) else " ") + more
            yield indent, False, joined
        block = []


def _both_wide(before: str, after: str) -> bool:
    return bool(re.fullmatch(rf"[{_WIDE}]", before[-1:])) and bool(re.fullmatch(rf"[{_WIDE}]", after[:1]))


class Formatter(click.HelpFormatter):
    """click's help formatter, wrapping by columns (``wrap``)."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        out = []
        for extra, kept, body in paragraphs(text):
            pad = indent + " " * extra
            if kept:
                out.append("\n".join(pad + line for line in body.splitlines()))
            else:
                out.append("\n".join(wrap(body, self.width, pad)))
        self.write("\n\n".join(out) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((columns(a) for a, _ in rows), default=0), col_max) + col_spacing
        for term, about in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not about:
                self.write("\n")
                continue
            if columns(term) <= first_col - col_spacing:
                self.write(" " * (first_col - columns(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            pad = " " * (first_col + self.current_indent)
            width = max(self.width, first_col + self.current_indent + 10)
            lines: list[str] = []
            for _, kept, body in paragraphs(about):
                if lines:
                    lines.append("")
                if kept:
                    lines += body.splitlines()
                else:
                    lines += [x[len(pad) :] for x in wrap(body, width, pad)]
            self.write(lines[0] + "\n" + "".join(f"{pad}{x}\n" if x else "\n" for x in lines[1:]))


class Context(click.Context):
    """A context whose help is laid out by ``Formatter``."""

    formatter_class = Formatter
