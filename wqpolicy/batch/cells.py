"""One cell of a sheet read as the value its column takes: what Excel gives (numbers, dates, truths, text) or what a
CSV file holds (text), turned into the value an input document holds — exact numbers, dates as `YYYY-MM-DD`, codes
from their labels (生物医药 → biomedicine), 是/否 as truths. A cell that cannot be read raises CellError, which says
why in Chinese and English; a blank cell is BLANK (the field is left out: missing, so unknown)."""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from ..display import excerpt
from ..yamlload import decimal_number, whole_number
from .layout import BOOL, CODE, CODES, DATE, ID, INTEGER, JSON, MONEY, NUMBER, Column

BLANK = object()

_TRUE = frozenset({"是", "true", "yes", "y", "1", "√", "✓", "对"})
_FALSE = frozenset({"否", "false", "no", "n", "0", "×", "✗", "不是"})
# How the items of a list of codes are parted in one cell.
_PARTS = re.compile(r"[、,，;；\n]+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
# Excel's formula errors, which a cell with a formula that failed holds.
_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})
# Excel's day 0 (its serial numbers count days from it, in the 1900 date system).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_LAST = 2958465  # 9999-12-31


class CellError(Exception):
    """A cell that cannot be read as its column's value: ``zh`` and ``en`` say why."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_cell(column: Column, value: Any) -> Any:
    """``value`` (a cell's, as openpyxl or the csv module gives it) as ``column`` takes it; BLANK when blank."""
    if is_blank(value):
        return BLANK
    if isinstance(value, str):
        value = value.strip()
        if value in _EXCEL_ERRORS:
            raise CellError(f"单元格是公式错误 {value}", f"the cell holds the formula error {value}")
    kind = column.kind
    if kind == ID:
        return _text(value)
    if kind == BOOL:
        return _truth(value)
    if kind == DATE:
        return _date(value)
    if kind == INTEGER:
        return _integer(value)
    if kind in (MONEY, NUMBER):
        return _number(value, kind == MONEY)
    if kind == CODE:
        return _code(column, _text(value))
    if kind == CODES:
        return [_code(column, part) for part in _PARTS.split(_text(value)) if part.strip()]
    if kind == JSON:
        return _json(value)
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return _day(value).isoformat()
    return str(value).strip()


def _truth(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    shown = excerpt(str(value))
    raise CellError(f"“{shown}”不是“是”或“否”", f"{shown!r} is not yes (是) or no (否)")


def _day(value: datetime.date) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _date(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0):
            shown = value.isoformat(sep=" ")
            raise CellError(f"“{shown}”带有时刻；请只填日期", f"{shown} has a time of day; give the date only")
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())  # a workbook's number
    if whole and not isinstance(value, bool):
        serial = int(value)  # a date Excel shows as a number: the cell is not formatted as a date
        if 1 <= serial <= _EXCEL_LAST:
            return (_EXCEL_EPOCH + datetime.timedelta(days=serial)).isoformat()
    text = unicodedata.normalize("NFKC", str(value)).strip()
    m = _DATE.fullmatch(text)
    if m:
        try:
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            raise CellError(f"“{text}”不是有效日期", f"{text!r} is not a valid date") from None
    shown = excerpt(str(value))
    raise CellError(
        f"“{shown}”不是日期；请写成 2021-06-01", f"{shown!r} is not a date; write it as 2021-06-01 (YYYY-MM-DD)"
    )


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("应为整数，而不是“是/否”", "a whole number is wanted, not yes or no")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _plain_number(value)
    try:
        return whole_number(text) if re.fullmatch(r"[-+]?\d+", text) else _whole(Decimal(text), value)
    except (ValueError, InvalidOperation):
        shown = excerpt(str(value))
        raise CellError(f"“{shown}”不是整数", f"{shown!r} is not a whole number") from None


def _whole(number: Decimal, value: Any) -> int:
    if number == number.to_integral_value():
        return int(number)
    raise ValueError(value)


def _number(value: Any, money: bool) -> int | Decimal:
    if isinstance(value, bool):
        raise CellError("应为数字，而不是“是/否”", "a number is wanted, not yes or no")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # the shortest decimal that gives the float back: what was typed (0.1 is 0.1)
        return decimal_number(repr(value))
    text = _plain_number(value)
    if money:
        text = text.removesuffix("元").strip()
    try:
        return whole_number(text) if re.fullmatch(r"[-+]?\d+", text) else decimal_number(text)
    except ValueError:
        shown = excerpt(str(value))
        unit = "金额（元）" if money else "数字"
        raise CellError(
            f"“{shown}”不是{unit}", f"{shown!r} is not {'an amount in yuan' if money else 'a number'}"
        ) from None


def _plain_number(value: Any) -> str:
    """A number written as text: full-width digits made plain, thousands separators and spaces taken out."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?(元)?", text):
        text = text.replace(",", "")
    return text.replace(" ", "")


def _code(column: Column, text: str) -> str:
    word = _plain(text)
    for code, label in column.codes:
        if word in (code, _plain(label.zh)) or word.lower() == label.en.lower():
            return code
    if column.open_codes or not column.codes:
        return text
    allowed = "、".join(label.zh for _, label in column.codes)
    allowed_en = ", ".join(f"{code} ({label.zh})" for code, label in column.codes)
    shown = excerpt(text)
    raise CellError(f"“{shown}”不是可选的值；应为：{allowed}", f"{shown!r} is not allowed; one of: {allowed_en}")


def _plain(text: str) -> str:
    """Text compared as people mean it: full-width letters, digits and brackets as their plain forms."""
    return unicodedata.normalize("NFKC", text).strip()


def _json(value: Any) -> Any:
    try:
        return json.loads(str(value), parse_float=decimal_number, parse_int=whole_number)
    except (ValueError, RecursionError):
        shown = excerpt(str(value))
        raise CellError(
            f'“{shown}”不是 JSON 列表，例如 [{{"category": "design", "amount": 1000}}]',
            f'{shown!r} is not a JSON list, e.g. [{{"category": "design", "amount": 1000}}]',
        ) from None
