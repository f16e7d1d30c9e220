"""Rows of sheets made into input documents: which column holds which field (read from the header: the row of
field paths the template writes under its Chinese titles, or the titles alone), and an application's main row and
its rows on the list sheets put together into one document, each value's cell remembered to place an error there."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import did_you_mean
from .cells import BLANK, CellError, is_blank, read_cell
from .items import Problem
from .layout import ID, JSON, Column, Layout, Sheet

_PATH_LIKE = re.compile(r"[A-Za-z_][\w.]*(\[\][\w.]*)*")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def cell_ref(sheet: str, row: int, col: int) -> str:
    """``认定申请!F7`` (``row`` 1-based, ``col`` 0-based)."""
    return f"{sheet}!{column_letter(col)}{row}"


@dataclass
class Header:
    """Where a sheet's columns are: ``columns`` per position (None: a column of the sheet's own, not read), the
    row the data starts on (1-based), and what is wrong with the header."""

    columns: list[Column | None]
    data_from: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def id_at(self) -> int | None:
        return next((i for i, c in enumerate(self.columns) if c is not None and c.path == ID), None)


def read_header(sheet: Sheet, rows: Sequence[Sequence[Any]], name: str, layout: Layout | None = None) -> Header:
    """The header of a sheet named ``name`` laid out as ``sheet``, from its first rows: a row of field paths (the
    template's second row; data below it), else a row of the columns' Chinese titles (data below it). On the main
    sheet, a column named by a list's path (``investment``) takes that list as JSON."""
    known = {c.path: c for c in sheet.columns}
    if layout is not None and sheet.group is None:
        known.update({g.group: Column(g.group, g.title, JSON) for g in layout.groups if g.group})
    for r, row in enumerate(rows[:2]):
        cells = [str(v).strip() if not is_blank(v) else "" for v in row]
        filled = [c for c in cells if c]
        if filled and all(_PATH_LIKE.fullmatch(c) for c in filled) and any(c in known for c in filled):
            header = Header([known.get(c) if c else None for c in cells], r + 2)
            for i, c in enumerate(cells):
                if c and c not in known:
                    hint = did_you_mean(c, known)
                    header.problems.append(
                        Problem(
                            cell_ref(name, r + 1, i),
                            f"列“{c}”不是 {sheet.title.zh} 的字段" + (f"（{hint}）" if hint else ""),
                            f"column {c!r} is not a field of {sheet.title.en}" + (f" ({hint})" if hint else ""),
                        )
                    )
            return _checked(header, sheet, name)
    titles = {c.title.zh: c for c in sheet.columns}
    titles.update({c.title.en: c for c in sheet.columns})
    first = [str(v).strip() if not is_blank(v) else "" for v in (rows[0] if rows else ())]
    if any(c in titles for c in first):
        header = Header([titles.get(c) if c else None for c in first], 2)
        for i, c in enumerate(first):
            if c and c not in titles:
                header.problems.append(
                    Problem(
                        cell_ref(name, 1, i),
                        f"列标题“{c}”不是 {sheet.title.zh} 的字段",
                        f"the column title {c!r} is not a field of {sheet.title.en}",
                    )
                )
        return _checked(header, sheet, name)
    return Header(
        [],
        1,
        [
            Problem(
                f"{name}!A1",
                f"找不到列标题：第1行应为中文列名、第2行为字段代码（用 wqpolicy template {sheet.title.zh} 生成模板）",
                "no column headers found: row 1 holds the Chinese titles and row 2 the field paths "
                "(make a template with `wqpolicy template`)",
            )
        ],
    )


def _checked(header: Header, sheet: Sheet, name: str) -> Header:
    seen: dict[str, int] = {}
    for i, c in enumerate(header.columns):
        if c is None:
            continue
        if c.path in seen:
            header.problems.append(
                Problem(
                    cell_ref(name, max(1, header.data_from - 1), i),
                    f"字段 {c.path} 有两列（{column_letter(seen[c.path])} 列和 {column_letter(i)} 列）",
                    f"the field {c.path} has two columns ({column_letter(seen[c.path])} and {column_letter(i)})",
                )
            )
        seen[c.path] = i
    if sheet.group is not None and ID not in seen:
        header.problems.append(
            Problem(
                f"{name}!A1",
                f"{sheet.title.zh} 没有“申请编号（id）”列，无法与申请对应",
                f"{sheet.title.en} has no application id column (id): its rows cannot be matched to applications",
            )
        )
    return header


class Assembly:
    """One application's document, built from its cells: ``document``, ``problems`` (cells that cannot be read)
    and ``cells`` (field path → the cell it came from)."""

    def __init__(self) -> None:
        self.document: dict = {}
        self.problems: list[Problem] = []
        self.cells: dict[str, str] = {}

    def row(self, header: Header, values: Sequence[Any], where: str, row: int, into: dict | None = None) -> None:
        """The cells of one row put into ``into`` (default: the document), each under its column's field."""
        target = self.document if into is None else into
        prefix = self._prefix(into)
        for i, column in enumerate(header.columns):
            if column is None or column.path == ID or i >= len(values):
                continue
            ref = cell_ref(where, row, i)
            try:
                value = read_cell(column, values[i])
            except CellError as e:
                self.problems.append(Problem(ref, f"{column.title.zh}：{e.zh}", f"{column.title.en}: {e.en}"))
                continue
            if value is BLANK:
                continue
            _put(target, column.field.split("."), value)
            self.cells[prefix + column.field] = ref

    def item(self, group: str, header: Header, values: Sequence[Any], where: str, row: int) -> None:
        """One row of a list's sheet: a new item of the list ``group``."""
        items = self.document.setdefault(group, [])
        if not isinstance(items, list):  # given as JSON on the main sheet too: the sheet's rows cannot join it
            self.problems.append(
                Problem(
                    cell_ref(where, row, 0),
                    f"{group} 已在主表中以 JSON 给出，不能再在本表中列出",
                    f"{group} is given as JSON on the main sheet; it cannot also be listed here",
                )
            )
            return
        item: dict = {}
        self._group, self._index = group, len(items)
        self.row(header, values, where, row, item)
        self._group = None
        items.append(item)
        self.cells[f"{group}[{len(items) - 1}]"] = f"{where}!{row}:{row}"

    _group: str | None = None
    _index = 0

    def _prefix(self, into: dict | None) -> str:
        return f"{self._group}[{self._index}]." if into is not None and self._group else ""


def _put(doc: dict, steps: list[str], value: Any) -> None:
    for step in steps[:-1]:
        doc = doc.setdefault(step, {})
    doc[steps[-1]] = value


def blank_row(values: Sequence[Any]) -> bool:
    return all(is_blank(v) for v in values)
