"""Applications from a decision log (the SQLite file `wqpolicy serve` keeps): each stored input, in the log's order,
its receipt as its id and its decision as stored; read page by page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..decisionlog import DecisionLog, LogError
from ..yamlload import decimal_number
from .items import Item, Problem

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_log(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def read_log(path: Path, start: int) -> Iterator[Item]:
    source = str(path)
    try:
        log = DecisionLog(path, create=False)
    except LogError as e:
        yield Item(start, None, source, problems=(Problem(source, e.zh, e.en, "WQ-FILE"),))
        return
    with log:
        for index, entry in enumerate(log.entries(), start=start):
            try:
                document = json.loads(entry.input, parse_float=decimal_number)  # amounts exact, not floats
            except ValueError as e:
                yield Item(
                    index,
                    entry.receipt,
                    source,
                    problems=(
                        Problem(
                            f"{source}#{entry.seq}", f"记录的输入无法读取：{e}", f"the stored input cannot be read: {e}"
                        ),
                    ),
                )
                continue
            yield Item(index, entry.receipt, source, document=document, decision=entry.decision)
