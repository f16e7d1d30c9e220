"""Applications from JSON lines (.jsonl): one input document per line, read line by line — memory stays flat however
long the file — and parsed where it is evaluated. A line's `id` (when its decision's input has no field of that
name) is the application's id, else its line number is. Read as Items one by one (``read_jsonl``), or as blocks of
raw lines (``read_blocks``) that a worker process turns into Items (``Block.items``) by the same checks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..yamlload import MAX_BYTES
from .items import Item, Problem


@dataclass(frozen=True)
class Block:
    """Consecutive lines of ``source`` as read (bytes; None for a line too long to keep), the first of them line
    ``line``, numbered in the batch from ``index`` on; or ``items`` already made (the file could not be read)."""

    source: str
    line: int
    index: int
    lines: tuple[bytes | None, ...]
    items: tuple[Item, ...] = ()

    def decoded(self) -> Iterator[Item]:
        """The block's applications, as ``read_jsonl`` gives them (blank lines skipped; numbered by line)."""
        yield from self.items
        for n, raw in enumerate(self.lines):
            item = line_item(raw, self.line + n, self.index + n, self.source)
            if item is not None:
                yield item


def read_jsonl(path: Path, start: int) -> Iterator[Item]:
    """An Item per non-blank line of ``path`` (numbered from ``start``), its text still to be parsed."""
    source = str(path)
    index = start
    try:
        f = path.open("rb")
    except OSError as e:
        yield _unreadable(source, start, e)
        return
    with f:
        for number, raw in enumerate(_raw_lines(f), 1):
            item = line_item(raw, number, index, source)
            if item is not None:
                yield item
                index += 1


def read_blocks(path: Path, start: int, size: int) -> Iterator[Block]:
    """The lines of ``path`` in blocks of ``size``, numbered from ``start`` by line (a blank line takes a number:
    only their order is read from the numbers of a batch's results)."""
    source = str(path)
    try:
        f = path.open("rb")
    except OSError as e:
        yield Block(source, 1, start, (), (_unreadable(source, start, e),))
        return
    with f:
        lines: list[bytes | None] = []
        number = 1
        for raw in _raw_lines(f):
            lines.append(raw)
            if len(lines) == size:
                yield Block(source, number, start + number - 1, tuple(lines))
                number += size
                lines = []
        if lines:
            yield Block(source, number, start + number - 1, tuple(lines))


def line_item(raw: bytes | None, number: int, index: int, source: str) -> Item | None:
    """The application of line ``number`` as read (``raw`` None: longer than a file may be), or None for a blank
    line."""
    if raw is None:
        return _bad(
            index, source, number, f"这一行超过 {MAX_BYTES:,} 字节", f"the line is longer than {MAX_BYTES:,} bytes"
        )
    try:
        text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as e:
        return _bad(
            index, source, number, f"不是 UTF-8 文本（第 {e.start + 1} 字节）", f"not UTF-8 text (byte {e.start + 1})"
        )
    if not text.strip():
        return None
    return Item(index, None, source, text=text, line=number)


def _raw_lines(f: BinaryIO) -> Iterator[bytes | None]:
    """Each line of ``f`` as bytes, or None for one longer than MAX_BYTES (never held whole)."""
    while True:
        raw = f.readline(MAX_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # the rest of the line, never held
                raw = f.readline(MAX_BYTES + 1)
            yield None
            continue
        yield raw


def _unreadable(source: str, index: int, e: OSError) -> Item:
    return Item(
        index, None, source, problems=(Problem(source, f"无法读取：{e.strerror}", f"cannot read: {e}", "WQ-FILE"),)
    )


def _bad(index: int, source: str, line: int, zh: str, en: str) -> Item:
    return Item(index, f"第{line}行", source, line=line, problems=(Problem(f"{source}:{line}", zh, en),))
