"""Applications from an Excel workbook (.xlsx): the template's hidden sheet (``_wqpolicy``) says which decision and
which sheet holds what; a workbook made by hand names its decision with ``--decision`` and its sheets by their titles
(the first sheet is the main one). Read with python-calamine where it is installed (the ``sheets`` extra brings it:
eight times quicker, one sheet's values held at a time), else in openpyxl's read-only mode (row by row)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import WQError
from .extra import openpyxl
from .items import Item, Problem
from .layout import Layout
from .sheets import SheetRows, items_of

META = "_wqpolicy"
INSTRUCTIONS = "填写说明"


def read_xlsx(path: Path, layouts: Callable[[str], Layout], decision: str | None, start: int) -> Iterator[Item]:
    """An Item per application of the workbook at ``path`` (numbered from ``start``); ``layouts`` gives the
    layout of a decision, ``decision`` (from ``--decision``) wins over the workbook's own."""
    source = str(path)
    try:
        book = open_book(path)
    except WQError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        yield Item(start, None, source, problems=(_file_problem(source, e),))
        return
    except Exception as e:  # noqa: BLE001 - openpyxl's own errors (InvalidFileException) are reported, not raised
        yield Item(start, None, source, problems=(_file_problem(source, e),))
        return
    try:
        meta = _meta(book)
        chosen = decision or meta.get("decision")
        if not chosen:
            yield Item(
                start,
                None,
                source,
                problems=(
                    Problem(
                        source,
                        "工作簿未写明申请的决定类型：请加 --decision（如 --decision recognition），"
                        "或用 wqpolicy template 生成的模板",
                        "the workbook does not say which decision its applications are for: give --decision "
                        "(e.g. --decision recognition), or use a template made by `wqpolicy template`",
                    ),
                ),
            )
            return
        try:
            layout = layouts(chosen)
        except WQError as e:
            yield Item(start, None, source, problems=tuple(Problem.of(d, source) for d in e.diagnostics))
            return
        names = [n for n in book.sheetnames if n not in (META, INSTRUCTIONS)]
        main = (
            meta.get("main") if meta.get("main") in names else layout.main.name if layout.main.name in names else None
        )
        main = main or (names[0] if names else None)
        if main is None:
            yield Item(
                start, None, source, problems=(Problem(source, "工作簿中没有工作表", "the workbook has no sheets"),)
            )
            return
        groups = []
        for g in layout.groups:
            name = meta.get(f"group:{g.group}") or g.name
            if name in names and name != main:
                groups.append(SheetRows(name, g, book.rows(name)))
        yield from items_of(layout, SheetRows(main, layout.main, book.rows(main)), groups, source, start)
    finally:
        book.close()


class _Openpyxl:
    """A workbook in openpyxl's read-only mode: each sheet's values row by row, from row 1."""

    def __init__(self, path: Path):
        self._book = openpyxl().load_workbook(path, read_only=True, data_only=True)
        self.sheetnames = list(self._book.sheetnames)

    def rows(self, name: str) -> Iterator[Sequence[Any]]:
        sheet = self._book[name]
        sheet.reset_dimensions()  # a workbook may state its size wrongly: read the rows it has
        return sheet.iter_rows(values_only=True)

    def close(self) -> None:
        self._book.close()


class _Calamine:
    """A workbook read by python-calamine: each sheet's values from A1 (an empty cell as None)."""

    def __init__(self, path: Path):
        from python_calamine import CalamineWorkbook

        self._book = CalamineWorkbook.from_path(str(path))
        self.sheetnames = list(self._book.sheet_names)

    def rows(self, name: str) -> Iterator[Sequence[Any]]:
        sheet = self._book.get_sheet_by_name(name)
        for row in sheet.to_python(skip_empty_area=False):
            yield [None if v == "" else v for v in row]

    def close(self) -> None:
        close = getattr(self._book, "close", None)
        if close is not None:
            close()


def open_book(path: Path) -> Any:
    """The workbook at ``path``, read by python-calamine when it is installed, else by openpyxl."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return _Openpyxl(path)
    openpyxl()  # the extra is needed either way: its error names it
    return _Calamine(path)


def _meta(book: Any) -> dict[str, str]:
    """The template's facts (decision, main sheet, list sheets), from its hidden sheet."""
    if META not in book.sheetnames:
        return {}
    out = {}
    for row in book.rows(META):
        if len(row) >= 2 and isinstance(row[0], str) and isinstance(row[1], str):
            out[row[0]] = row[1]
    return out


def _file_problem(source: str, e: BaseException) -> Problem:
    return Problem(
        source,
        f"无法读取 Excel 工作簿（.xlsx）：{e}；请用 Excel 另存为 .xlsx 格式",
        f"cannot read the Excel workbook (.xlsx): {e}; save it as .xlsx from Excel",
        "WQ-FILE",
    )
