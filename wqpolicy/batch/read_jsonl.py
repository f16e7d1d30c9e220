"""Applications from JSON lines (.jsonl): one input document per line, read line by line — memory stays flat however
long the file — and parsed where it is evaluated. A line's `id` (when its decision's input has no field of that
name) is the application's id, else its line number is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..yamlload import MAX_BYTES
from .items import Item, Problem


def read_jsonl(path: Path, start: int) -> Iterator[Item]:
    """An Item per non-blank line of ``path`` (numbered from ``start``), its text still to be parsed."""
    source = str(path)
    index = start
    try:
        f = path.open("rb")
    except OSError as e:
        yield Item(
            start, None, source, problems=(Problem(source, f"无法读取：{e.strerror}", f"cannot read: {e}", "WQ-FILE"),)
        )
        return
    with f:
        number = 0
        while True:
            raw = f.readline(MAX_BYTES + 1)
            if not raw:
                break
            number += 1
            if len(raw) > MAX_BYTES and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # the rest of the line, never held
                    raw = f.readline(MAX_BYTES + 1)
                yield _bad(
                    index,
                    source,
                    number,
                    f"这一行超过 {MAX_BYTES:,} 字节",
                    f"the line is longer than {MAX_BYTES:,} bytes",
                )
                index += 1
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as e:
                yield _bad(
                    index,
                    source,
                    number,
                    f"不是 UTF-8 文本（第 {e.start + 1} 字节）",
                    f"not UTF-8 text (byte {e.start + 1})",
                )
                index += 1
                continue
            if not text.strip():
                continue
            yield Item(index, None, source, text=text, line=number)
            index += 1


def _bad(index: int, source: str, line: int, zh: str, en: str) -> Item:
    return Item(index, f"第{line}行", source, line=line, problems=(Problem(f"{source}:{line}", zh, en),))
