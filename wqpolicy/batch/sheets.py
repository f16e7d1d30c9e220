"""Applications from the sheets of one workbook or one set of CSV files, whichever format holds them: the main sheet
read row by row (each row one application), the rows of each list's sheet joined to their application by its id.
A list's sheet is read whole first (its rows are looked up by id); the main sheet is never held."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .assemble import Assembly, Header, blank_row, cell_ref, read_header
from .cells import BLANK, CellError, read_cell
from .items import Item, Problem
from .layout import ID, ID_TITLE, Column, Layout, Sheet

Rows = Iterable[Sequence[Any]]


@dataclass
class SheetRows:
    """One sheet's rows as read (``rows``: each a sequence of cell values, from row 1), under its ``name``."""

    name: str
    layout: Sheet
    rows: Rows


def items_of(layout: Layout, main: SheetRows, groups: list[SheetRows], source: str, start: int) -> Iterator[Item]:
    """An Item per application of the main sheet (numbered from ``start``), and an Item without an application
    (``id`` None, problems only) for what stands in no application: a header that cannot be read, rows of a list's
    sheet whose id the main sheet does not have."""
    problems: list[Problem] = []
    by_id: dict[tuple[str, str], list[tuple[int, Sequence[Any]]]] = {}
    headers: dict[str, Header] = {}
    for g in groups:
        header, rows = _split(g)
        problems += header.problems
        headers[g.name] = header
        if header.problems:
            continue
        id_at = header.id_at
        for number, values in rows:
            if blank_row(values):
                continue
            key = _id(values, id_at)
            if key is None:
                problems.append(
                    Problem(
                        cell_ref(g.name, number, id_at or 0),
                        "缺少申请编号：这一行不知属于哪份申请",
                        "no application id: this row cannot be matched to an application",
                    )
                )
                continue
            by_id.setdefault((g.name, key), []).append((number, values))
    header, rows = _split(main, layout)
    problems += header.problems
    if problems:
        yield Item(start, None, source, problems=tuple(problems))
        return
    id_at = header.id_at
    seen: set[str] = set()
    index = start
    for number, values in rows:
        if blank_row(values):
            continue
        assembly = Assembly()
        key = _id(values, id_at)
        if key is not None and groups:
            if key in seen:
                assembly.problems.append(
                    Problem(
                        cell_ref(main.name, number, id_at or 0),
                        f"申请编号 {key} 重复：明细表的行无法确定属于哪一份申请",
                        f"the application id {key} is used twice: list rows cannot be matched",
                    )
                )
            seen.add(key)
        assembly.row(header, values, main.name, number)
        for g in groups:
            if g.layout.group is None:
                continue
            for row_number, row in by_id.pop((g.name, key), []) if key is not None else []:
                assembly.item(g.layout.group, headers[g.name], row, g.name, row_number)
        assembly.cells[""] = f"{main.name}!{number}:{number}"
        yield Item(
            index,
            key if key is not None else f"第{number}行",
            source,
            document=assembly.document,
            decision=layout.decision,
            problems=tuple(assembly.problems),
            cells=assembly.cells,
        )
        index += 1
    left = [
        Problem(
            cell_ref(name, rows[0][0], headers[name].id_at or 0),
            f"申请编号 {key} 在 {main.name} 中没有：这 {len(rows)} 行未被使用",
            f"the application id {key} is not on {main.name}: its {len(rows)} row(s) were not used",
        )
        for (name, key), rows in by_id.items()
    ]
    if left:
        yield Item(index, None, source, problems=tuple(left))


def _split(sheet: SheetRows, layout: Layout | None = None) -> tuple[Header, Iterator[tuple[int, Sequence[Any]]]]:
    """The header of a sheet (from its first two rows) and its data rows, each with its row number."""
    numbered = enumerate(sheet.rows, start=1)
    first: list[tuple[int, Sequence[Any]]] = []
    for pair in numbered:
        first.append(pair)
        if len(first) == 2:
            break
    header = read_header(sheet.layout, [values for _, values in first], sheet.name, layout)

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        for number, values in first:
            if number >= header.data_from:
                yield number, values
        yield from numbered

    return header, rows()


def _id(values: Sequence[Any], at: int | None) -> str | None:
    if at is None or at >= len(values):
        return None
    try:
        key = read_cell(ID_COLUMN, values[at])
    except CellError:
        return None
    return None if key is BLANK else str(key)


ID_COLUMN = Column(ID, ID_TITLE, ID)
