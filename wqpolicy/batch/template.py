"""Empty sheets for a decision's applications, made from its input schema: an Excel workbook (an instruction sheet
in Chinese first, the main sheet, a sheet per list, each with the Chinese titles over the field paths, drop-downs
for codes and 是/否, number formats for amounts and dates, and a hidden sheet saying which decision it is for), or
the main sheet as CSV (with its lists' sheets beside it when written to a file)."""

from __future__ import annotations

import csv
import io
from typing import Any

from .extra import openpyxl
from .layout import BOOL, CODE, CODES, DATE, ID, INTEGER, JSON, MONEY, NUMBER, Column, Layout, Sheet
from .read_xlsx import INSTRUCTIONS, META
from .write_xlsx import MONEY_FORMAT, Styles
from .xlsxfile import workbook_bytes

FORMAT = "wqpolicy-template/1"
# The rows a drop-down or a check covers (Excel's whole sheet, below the two header rows).
_ROWS = "3:1048576"
# Excel takes a drop-down's list written in its formula up to this many characters (a format's rule).
_INLINE_LIST = 255

KIND_WORDS = {
    ID: ("每份申请一个编号，不可重复；明细表用它对应申请", "one per application, never repeated; list sheets name it"),
    BOOL: ("从下拉列表选择“是”或“否”", "choose 是 (yes) or 否 (no)"),
    DATE: ("日期，如 2021-06-01", "a date, e.g. 2021-06-01"),
    INTEGER: ("整数", "a whole number"),
    MONEY: ("金额，单位元，最多两位小数", "an amount in yuan, at most two decimals"),
    NUMBER: ("数字", "a number"),
    CODE: ("从下拉列表选择", "choose from the list"),
    CODES: ("可填多项，用顿号“、”分隔", "several allowed, parted by 、"),
    JSON: ("JSON 列表", "a JSON list"),
    "text": ("文字", "text"),
}


def template_xlsx(layout: Layout) -> bytes:
    """The workbook of ``layout`` as the bytes of an .xlsx file."""
    book = openpyxl().Workbook()
    styles = Styles()
    guide = book.active
    guide.title = INSTRUCTIONS
    hidden = book.create_sheet(META)
    _meta(hidden, layout)
    lists: dict[str, str] = {}
    for sheet in layout.sheets:
        _sheet(book.create_sheet(sheet.name), sheet, styles, hidden, lists)
    _instructions(guide, layout, styles)
    book.move_sheet(META, offset=len(book.sheetnames))
    hidden.sheet_state = "hidden"
    book.active = 1
    return workbook_bytes(book)


def template_csv(layout: Layout, sheet: Sheet | None = None) -> str:
    """A sheet of ``layout`` (the main one by default) as CSV: the titles over the field paths, with the
    byte-order mark Excel needs to show Chinese."""
    sheet = sheet or layout.main
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.title.zh for c in sheet.columns])
    writer.writerow([c.path for c in sheet.columns])
    return "\ufeff" + text.getvalue()


def _meta(sheet: Any, layout: Layout) -> None:
    sheet.append(["format", FORMAT])
    sheet.append(["decision", layout.decision])
    sheet.append(["policy", layout.policy_ref])
    sheet.append(["main", layout.main.name])
    for g in layout.groups:
        sheet.append([f"group:{g.group}", g.name])


def _sheet(ws: Any, sheet: Sheet, styles: Styles, hidden: Any, lists: dict[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    titles = [c.title.zh for c in sheet.columns]
    for i, title in enumerate(titles, start=1):
        ws.cell(row=1, column=i, value=title).font = styles.title_font
        ws.cell(row=1, column=i).fill = styles.title_fill
        ws.cell(row=1, column=i).alignment = styles.wrap
        ws.cell(row=2, column=i, value=sheet.columns[i - 1].path).font = styles.code_font
    ws.freeze_panes = "B3"
    ws.row_dimensions[1].height = 32
    for i, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(12, min(36, 2 * len(column.title.zh) + 4))
        fmt = _format(column)
        if fmt is not None:
            ws.column_dimensions[letter].number_format = fmt
        check = _validation(column, hidden, lists)
        if check is not None:
            check.add(f"{letter}{_ROWS.split(':')[0]}:{letter}{_ROWS.split(':')[1]}")
            ws.add_data_validation(check)


def _format(column: Column) -> str | None:
    if column.kind == MONEY:
        return MONEY_FORMAT
    if column.kind == DATE:
        return "yyyy-mm-dd"
    if column.kind in (ID, "text", CODES, JSON):
        return "@"  # text: Excel keeps 001 as 001
    return None


def _validation(column: Column, hidden: Any, lists: dict[str, str]) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    title = column.title.zh[:32]
    prompt = KIND_WORDS.get(column.kind, KIND_WORDS["text"])[0]
    if column.unit is not None and column.kind in (MONEY, NUMBER, INTEGER):
        prompt += f"（单位：{column.unit.zh}）"
    if column.kind == BOOL:
        check = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        check.error = "请选择“是”或“否”"
    elif column.kind == CODE and column.codes:
        labels = [label.zh for _, label in column.codes]
        check = DataValidation(type="list", formula1=_list(labels, hidden, lists), allow_blank=True)
        check.error = "请从下拉列表中选择" if not column.open_codes else ""
        check.showErrorMessage = not column.open_codes
        if column.open_codes:
            prompt += "；也可填写其他值"
        return _finish(check, title, prompt)
    elif column.kind == DATE:
        check = DataValidation(type="date", operator="greaterThan", formula1="DATE(1900,1,1)", allow_blank=True)
        check.error = "请填写日期，如 2021-06-01"
    elif column.kind == INTEGER:
        low = int(column.minimum) if column.minimum is not None else -(10**9)
        check = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(low), allow_blank=True)
        check.error = "请填写整数" + (f"（不小于 {low}）" if column.minimum is not None else "")
    elif column.kind in (MONEY, NUMBER) and column.minimum is not None:
        check = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1=str(column.minimum), allow_blank=True
        )
        check.error = f"请填写不小于 {column.minimum} 的数字"
    else:
        check = DataValidation(allow_blank=True)
    check.showErrorMessage = column.kind in (BOOL, DATE, INTEGER, MONEY, NUMBER)
    return _finish(check, title, prompt)


def _finish(check: Any, title: str, prompt: str) -> Any:
    check.errorTitle = title
    check.promptTitle = title
    check.prompt = prompt[:255]
    check.showInputMessage = True
    return check


def _list(labels: list[str], hidden: Any, lists: dict[str, str]) -> str:
    """A drop-down's list: in its formula when short enough, else on the hidden sheet (a range named there)."""
    inline = ",".join(labels)
    if len(inline) + 2 <= _INLINE_LIST and not any("," in x or '"' in x for x in labels):
        return f'"{inline}"'
    key = "\n".join(labels)
    if key not in lists:
        from openpyxl.utils import get_column_letter

        column = get_column_letter(3 + len(lists))
        for row, label in enumerate(labels, start=1):
            hidden[f"{column}{row}"] = label
        lists[key] = f"'{META}'!${column}$1:${column}${len(labels)}"
    return lists[key]


def _instructions(ws: Any, layout: Layout, styles: Styles) -> None:
    """The instruction sheet: how to fill the workbook, Chinese first, then every column."""
    label = layout.decision_label
    lines = [
        (f"{label.zh}申请汇总表 填写说明", True),
        (f"政策版本：{layout.policy_ref}　决定：{label.zh}（{layout.decision}）", False),
        (
            f"1. 在“{layout.main.name}”表中每行填写一份申请；第1行是中文列名，第2行是字段代码，"
            "请勿修改这两行，从第3行起填写。",
            False,
        ),
        ("2. “申请编号”每份申请一个，不可重复。", False),
    ]
    if layout.groups:
        names = "、".join(f"“{g.name}”" for g in layout.groups)
        lines.append((f"3. {names}表中每行填写一项明细，用“申请编号”与主表的申请对应；一份申请可有多行。", False))
    lines += [
        ("4. 是/否、可选值从下拉列表选择；日期写作 2021-06-01；金额以元为单位，最多两位小数。", False),
        ("5. 留空表示未提供：需要该项的条件为“待定”，结论为材料不全（待补材料会逐项列出）。", False),
        (
            "6. 填好后评估：wqpolicy eval 本文件.xlsx --out 结果.xlsx"
            "（结果表逐份列出结论、不符合的条件、待补材料和金额，另有逐条审核表和汇总表）。",
            False,
        ),
        ("", False),
        (f"Instructions — {label.en} applications under {layout.policy_ref}", True),
        (
            f"One application per row of the sheet {layout.main.name}, from row 3 (row 1: the Chinese titles, row 2: "
            "the field paths; keep both). The application ID is unique; each list sheet names it in every row. "
            "Choose yes/no (是/否) and codes from the drop-downs; dates as 2021-06-01; amounts in yuan. A blank "
            "cell is not given: the conditions that need it stay undecided. Then: wqpolicy eval FILE.xlsx --out "
            "results.xlsx",
            False,
        ),
        ("", False),
    ]
    for text, bold in lines:
        ws.append([text])
        if bold:
            ws.cell(row=ws.max_row, column=1).font = styles.title_font
    head = [
        "工作表 Sheet",
        "列名 Column",
        "字段代码 Field",
        "填写要求 How to fill",
        "可选值 Choices",
        "说明 Description",
    ]
    ws.append(head)
    for i in range(1, len(head) + 1):
        ws.cell(row=ws.max_row, column=i).font = styles.title_font
        ws.cell(row=ws.max_row, column=i).fill = styles.title_fill
    for sheet in layout.sheets:
        for c in sheet.columns:
            zh, en = KIND_WORDS.get(c.kind, KIND_WORDS["text"])
            choices = "、".join(f"{label.zh}（{code}）" for code, label in c.codes)
            unit = f"（单位：{c.unit.zh}）" if c.unit is not None else ""
            ws.append([sheet.name, f"{c.title.zh} {c.title.en}", c.path, f"{zh}{unit} / {en}", choices, c.description])
    for letter, width in zip("ABCDEF", (18, 36, 34, 40, 50, 80)):
        ws.column_dimensions[letter].width = width
