"""A batch's results as an Excel workbook, written in openpyxl's write-only mode (rows go to disk as they come):
汇总 (the summary: per outcome, per payout), 结果 (one row per application) and 逐条审核 (one column per rule), each
with the Chinese titles over the codes, amounts as numbers shown with two decimals, ratios as percentages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Diagnostic, WQError
from ..model import Text
from .extra import openpyxl
from .result import Result
from .summary import Summary
from .table import ResultTable
from .xlsxfile import save_workbook

# Excel's limit on the rows of a sheet (a format's rule, not policy).
MAX_ROWS = 1_048_576
MONEY_FORMAT = "#,##0.00"
RATIO_FORMAT = "0.00%"


class Styles:
    """The looks the result and template sheets share, made once per workbook."""

    def __init__(self) -> None:
        styles = openpyxl().styles
        self.title_font = styles.Font(bold=True)
        self.title_fill = styles.PatternFill("solid", fgColor="DDEBF7")
        self.code_font = styles.Font(color="808080", size=9)
        self.wrap = styles.Alignment(wrap_text=True, vertical="top")


def header_rows(sheet: Any, styles: Styles, titles: list[str], codes: list[str]) -> None:
    """The two header rows: Chinese titles (bold, shaded), the codes under them (small, grey)."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for t in titles:
        cell = WriteOnlyCell(sheet, value=t)
        cell.font, cell.fill = styles.title_font, styles.title_fill
        row.append(cell)
    sheet.append(row)
    row = []
    for c in codes:
        cell = WriteOnlyCell(sheet, value=c)
        cell.font = styles.code_font
        row.append(cell)
    sheet.append(row)


def widths(sheet: Any, titles: list[str], least: int = 10, most: int = 40) -> None:
    from openpyxl.utils import get_column_letter

    for i, t in enumerate(titles, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(least, min(most, 2 * len(t) + 4))


class XlsxWriter:
    def __init__(self, path: str | Path, table: ResultTable, labels: dict[str, Text]):
        from openpyxl.cell import WriteOnlyCell

        self._cell = WriteOnlyCell
        self.path, self.table, self.labels = Path(path), table, labels
        self.book = openpyxl().Workbook(write_only=True)
        self.styles = Styles()
        self.summary = self.book.create_sheet("汇总")
        self.results = self.book.create_sheet("结果")
        self.rules = self.book.create_sheet("逐条审核")
        titles, codes = table.headers()
        widths(self.results, titles)
        self.results.freeze_panes = "B3"
        header_rows(self.results, self.styles, titles, codes)
        rule_titles, rule_codes = table.rule_headers()
        widths(self.rules, rule_titles, 8, 24)
        self.rules.freeze_panes = "D3"
        header_rows(self.rules, self.styles, rule_titles, rule_codes)
        first = len(titles) - len(table.outputs) - 5  # the outputs' columns come after the fixed head
        self.formats = {
            first + i: MONEY_FORMAT if o.kind == "money" else RATIO_FORMAT if o.kind == "ratio" else None
            for i, o in enumerate(table.outputs)
        }
        self.rows = 2

    def add(self, r: Result) -> None:
        if not r.application:
            return
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise WQError(
                [
                    Diagnostic(
                        "WQ-FILE",
                        f"more than {MAX_ROWS - 2:,} applications: more than a sheet of Excel holds; "
                        "write .csv or .jsonl instead",
                        zh=f"申请超过 {MAX_ROWS - 2:,} 份，超出 Excel 一张工作表的行数：请改为输出 .csv 或 .jsonl",
                    )
                ]
            )
        row = self.table.cells(r)
        for i, fmt in self.formats.items():
            if fmt is not None and row[i] is not None and not isinstance(row[i], str):
                cell = self._cell(self.results, value=row[i])
                cell.number_format = fmt
                row[i] = cell
        self.results.append(row)
        self.rules.append(self.table.rule_cells(r))

    def finish(self, summary: Summary) -> None:
        rows = summary.rows(self.labels)
        widths(self.summary, ["项目 Item 12345678901234", "决定 Decision", "数量或金额", "代码"], 12, 48)
        header_rows(self.summary, self.styles, rows[0], ["item", "decision", "value", "code"])
        for values in rows[1:]:
            cells: list[Any] = list(values)
            if not isinstance(values[2], int):
                cell = self._cell(self.summary, value=values[2])
                cell.number_format = MONEY_FORMAT
                cells[2] = cell
            self.summary.append(cells)
        save_workbook(self.book, self.path)

    def discard(self) -> None:
        pass  # nothing is written until finish: the target is untouched
