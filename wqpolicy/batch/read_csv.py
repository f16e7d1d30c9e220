"""Applications from CSV: the main file (one row per application, the template's two header rows or titles alone)
read row by row, and a list's rows from a file beside it named after the list (``apps.investment.csv``: the same
header, an application id in each row). A list may instead be given as JSON in a column of the main file named by
the list (``investment``), which keeps memory flat however long the file. Files are UTF-8 (Excel's "CSV UTF-8");
one that is not is read as GB18030 (Excel's plain "CSV" on a Chinese system) when it decodes as such, with a
warning."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import WQError
from .items import Item, Problem
from .layout import Layout
from .sheets import SheetRows, items_of

# Bytes looked at to tell UTF-8 from GB18030 before reading (an engine setting).
_SNIFF = 1 << 20
# The longest field the csv module takes (its own default is 128 KB; a JSON list of items may be longer).
_FIELD_LIMIT = 5_000_000


def companion(path: Path, group: str) -> Path:
    """The file of a list's rows beside the main CSV: ``apps.csv`` → ``apps.investment.csv``."""
    return path.with_name(f"{path.stem}.{group}.csv")


def is_companion(path: Path, groups: list[str]) -> bool:
    """Whether ``path`` holds a list's rows of another CSV beside it (and is read with that one)."""
    stem, _, group = path.stem.rpartition(".")
    return bool(stem) and group in groups and path.with_name(f"{stem}.csv").is_file()


def read_csv(
    path: Path,
    layouts: Callable[[str], Layout],
    decision: str | None,
    start: int,
    warnings: list[Problem],
) -> Iterator[Item]:
    """An Item per application of the CSV file at ``path`` (numbered from ``start``); its decision is ``decision``
    (``--decision``), there being no place in a CSV file to say it."""
    source = str(path)
    if not decision:
        yield Item(
            start,
            None,
            source,
            problems=(
                Problem(
                    source,
                    "CSV 文件无法写明决定类型：请加 --decision（如 --decision recognition）",
                    "a CSV file cannot say which decision its applications are for: give --decision "
                    "(e.g. --decision recognition)",
                ),
            ),
        )
        return
    try:
        layout = layouts(decision)
    except WQError as e:
        yield Item(start, None, source, problems=tuple(Problem.of(d, source) for d in e.diagnostics))
        return
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    files = []
    try:
        main = _open(path, warnings)
        files.append(main)
        groups = []
        for g in layout.groups:
            other = companion(path, g.group or "")
            if other.is_file():
                f = _open(other, warnings)
                files.append(f)
                groups.append(SheetRows(other.name, g, csv.reader(f)))
        yield from items_of(layout, SheetRows(path.name, layout.main, csv.reader(main)), groups, source, start)
    except OSError as e:
        yield Item(start, None, source, problems=(_problem(source, f"无法读取：{e.strerror}", f"cannot read: {e}"),))
    except UnicodeDecodeError as e:
        yield Item(
            start,
            None,
            source,
            problems=(
                _problem(
                    source,
                    f"文件中有无法识别的字符（第 {e.start} 字节）：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                    f"the file holds bytes that are not text (at byte {e.start}): save it as CSV UTF-8 from Excel",
                ),
            ),
        )
    except csv.Error as e:
        yield Item(start, None, source, problems=(_problem(source, f"CSV 格式错误：{e}", f"not valid CSV: {e}"),))
    finally:
        for f in files:
            f.close()


def _open(path: Path, warnings: list[Problem]):
    """The file opened as text in the encoding it is in: UTF-8 (a byte-order mark allowed), else GB18030."""
    with path.open("rb") as f:
        head = f.read(_SNIFF)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=len(head) < _SNIFF)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        try:
            head.decode("gb18030")
        except UnicodeDecodeError:
            encoding = "utf-8-sig"  # neither: reading says where the first bad byte is
        else:
            encoding = "gb18030"
            warnings.append(
                Problem(
                    str(path),
                    "文件不是 UTF-8 编码，已按 GB18030（GBK）读取；建议在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                    "the file is not UTF-8; it was read as GB18030 (GBK); save it as CSV UTF-8 from Excel",
                    "WQ-FILE",
                )
            )
    return path.open(encoding=encoding, newline="")


def _problem(source: str, zh: str, en: str) -> Problem:
    return Problem(source, zh, en, "WQ-FILE")
