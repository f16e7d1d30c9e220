"""Where a batch comes from, by what each path is: a folder of documents, a workbook, a CSV file, JSON lines, a
decision log, or one input document; the applications of all of them numbered in one sequence."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..errors import WQError
from .items import Item, Problem
from .layout import Layout
from .read_csv import is_companion, read_csv
from .read_folder import read_folder
from .read_jsonl import Block, read_blocks, read_jsonl
from .read_log import is_log, read_log
from .read_xlsx import read_xlsx

SHEET_SUFFIXES = (".xlsx", ".xlsm")
LINE_SUFFIXES = (".jsonl", ".ndjson")
LOG_SUFFIXES = (".sqlite", ".sqlite3", ".db")
BATCH_SUFFIXES = (*SHEET_SUFFIXES, ".csv", *LINE_SUFFIXES, *LOG_SUFFIXES)


def is_batch(name: str) -> bool:
    """Whether ``name`` holds a batch of applications (rather than one document)."""
    path = Path(name)
    return name != "-" and (path.is_dir() or path.suffix.lower() in BATCH_SUFFIXES)


class Sources:
    """The applications under ``paths``. ``layouts`` gives a decision's sheet layout; ``decision`` is the
    `--decision` given, if any. ``warnings`` collects what was read with a remark (a CSV file in GB18030)."""

    def __init__(self, paths: Sequence[str], layouts: Callable[[str], Layout], decision: str | None):
        self.paths = list(paths)
        self.layouts = layouts
        self.decision = decision
        self.warnings: list[Problem] = []

    def items(self) -> Iterator[Item]:
        """Every application, numbered from 0 in the order of the paths and of each file."""
        index = 0
        groups = self._groups()
        for name in self.paths:
            path = Path(name)
            if path.suffix.lower() == ".csv" and is_companion(path, groups):
                continue  # a list's rows, read with its main file
            for item in self._one(path, index):
                yield item
                index = item.index + 1

    def blocks(self, size: int) -> Iterator[Block] | None:
        """Every line in blocks of ``size`` when every path is a file of JSON lines, else None."""
        paths = [Path(name) for name in self.paths]
        if not paths or not all(p.suffix.lower() in LINE_SUFFIXES and p.is_file() for p in paths):
            return None
        return self._blocks(paths, size)

    def _blocks(self, paths: list[Path], size: int) -> Iterator[Block]:
        index = 0
        for path in paths:
            for block in read_blocks(path, index, size):
                yield block
                index = block.index + max(len(block.lines), len(block.items))

    def _groups(self) -> list[str]:
        if self.decision is None:
            return []
        try:
            return [g.group for g in self.layouts(self.decision).groups if g.group]
        except WQError:
            return []

    def _one(self, path: Path, start: int) -> Iterator[Item]:
        suffix = path.suffix.lower()
        if path.is_dir():
            return read_folder(path, start)
        if not path.exists():
            return iter([Item(start, None, str(path), problems=(_missing(path),))])
        if suffix in SHEET_SUFFIXES:
            return read_xlsx(path, self.layouts, self.decision, start)
        if suffix == ".csv":
            return read_csv(path, self.layouts, self.decision, start, self.warnings)
        if suffix in LINE_SUFFIXES:
            return read_jsonl(path, start)
        if suffix in LOG_SUFFIXES or is_log(path):
            return read_log(path, start)
        return iter([Item(start, path.stem, str(path), path=str(path))])


def _missing(path: Path) -> Problem:
    return Problem(str(path), "找不到该文件或文件夹", "no such file or folder", "WQ-FILE")
