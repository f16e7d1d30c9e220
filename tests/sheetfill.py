"""What the batch tests share: input documents laid into the sheets of a template as an officer fills them (是/否,
codes by their Chinese names, dates as dates, amounts as numbers), and result sheets read back by their field
paths. Imported by name from the tests (``from sheetfill import fill_workbook``)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from conftest import ROOT
from wqpolicy.batch.layout import BOOL, CODE, CODES, DATE, ID, Column, Layout, Sheet
from wqpolicy.inputs import load_input

APPLICATIONS = ROOT / "tests" / "fixtures" / "batch" / "applications"


def fixture_documents() -> dict[str, dict]:
    """The recognition applications of tests/fixtures/batch/applications, by id (the file's name)."""
    return {p.stem: load_input(p)[0] for p in sorted(APPLICATIONS.glob("*.yaml"))}


def get(document: dict, path: str) -> Any:
    value: Any = document
    for step in path.split("."):
        value = value.get(step) if isinstance(value, dict) else None
    return value


def cell(column: Column, value: Any) -> Any:
    """A document's value as an officer types it into ``column``'s cell."""
    if value is None:
        return None
    if column.kind == BOOL:
        return "是" if value else "否"
    labels = {code: label.zh for code, label in column.codes}
    if column.kind == CODE:
        return labels.get(value, value)
    if column.kind == CODES:
        return "、".join(labels.get(v, v) for v in value)
    if column.kind == DATE:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def rows(sheet: Sheet, key: str, document: dict) -> list[list[Any]]:
    """The rows ``document`` takes on ``sheet``: one on the main sheet, one per item on a list's sheet."""
    if sheet.group is None:
        return [[key if c.path == ID else cell(c, get(document, c.path)) for c in sheet.columns]]
    return [
        [key if c.path == ID else cell(c, get(item, c.field)) for c in sheet.columns]
        for item in document.get(sheet.group) or []
    ]


def fill_workbook(template: Path, layout: Layout, documents: dict[str, dict], target: Path) -> None:
    """The template filled with ``documents`` (id → document), saved as ``target``."""
    book = openpyxl.load_workbook(template)
    for sheet in layout.sheets:
        ws = book[sheet.name]
        for key, document in documents.items():
            for values in rows(sheet, key, document):
                ws.append(values)
    book.save(target)


def read_results(path: Path, sheet: str = "结果") -> dict[str, dict[str, Any]]:
    """A result workbook's sheet read back: each row by its application id, each cell by its column's code."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    codes = [c.value for c in ws[2]]
    out = {}
    for values in ws.iter_rows(min_row=3, values_only=True):
        row = dict(zip(codes, values))
        out[str(row["id"])] = row
    return out


def amount(value: Any) -> Decimal | None:
    """A cell's amount as an exact Decimal (a float from Excel as the shortest decimal that gives it back)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
