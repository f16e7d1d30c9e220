"""A cell read as its column takes it: what Excel gives and what people type — 是/否, dates written every usual
way, amounts exact, codes by their Chinese names — and a clear reason, in Chinese and English, for what cannot be."""

from __future__ import annotations

import datetime
import doctest
from decimal import Decimal

import pytest

import wqpolicy
from wqpolicy.batch import cells, layout, runner, template
from wqpolicy.batch.cells import BLANK, CellError, read_cell
from wqpolicy.batch.layout import BOOL, CODE, CODES, DATE, INTEGER, MONEY, Column
from wqpolicy.model import Text

YES_NO = Column("x", Text("是否", "Yes or no"), BOOL)
DAY = Column("d", Text("日期", "Date"), DATE)
COUNT = Column("n", Text("人数", "Count"), INTEGER)
AMOUNT = Column("m", Text("金额", "Amount"), MONEY)
CATEGORY = Column("c", Text("费用类别", "Category"), CODE, (("design", Text("设计费", "Design")),))
FUNCTIONS = Column(
    "f",
    Text("功能", "Functions"),
    CODES,
    (("rd_design", Text("研发设计", "R&D and design")), ("marketing", Text("市场营销服务", "Marketing services"))),
)


@pytest.mark.parametrize(
    "column, value, expected",
    [
        (YES_NO, "是", True),
        (YES_NO, " 否 ", False),
        (YES_NO, True, True),
        (YES_NO, "TRUE", True),
        (YES_NO, 0, False),
        (DAY, datetime.datetime(2021, 6, 1), "2021-06-01"),
        (DAY, "2021/6/1", "2021-06-01"),
        (DAY, "2021年6月1日", "2021-06-01"),
        (DAY, 44348, "2021-06-01"),  # Excel's serial number of the day, in a cell not formatted as a date
        (COUNT, 5.0, 5),
        (COUNT, "１２", 12),
        (AMOUNT, 0.1, Decimal("0.1")),
        (AMOUNT, "1,500,000.50", Decimal("1500000.50")),
        (AMOUNT, "1500000元", 1500000),
        (AMOUNT, 8000000, 8000000),
        (CATEGORY, "设计费", "design"),
        (CATEGORY, "design", "design"),
        (FUNCTIONS, "研发设计、市场营销服务", ["rd_design", "marketing"]),
        (FUNCTIONS, "rd_design, Marketing services", ["rd_design", "marketing"]),
    ],
)
def test_a_cell_reads_as_its_column_takes_it(column, value, expected):
    got = read_cell(column, value)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "column, value, zh",
    [
        (YES_NO, "是的吧", "“是的吧”不是“是”或“否”"),
        (DAY, "2021-02-30", "“2021-02-30”不是有效日期"),
        (DAY, "next week", "“next week”不是日期；请写成 2021-06-01"),
        (DAY, datetime.datetime(2021, 6, 1, 9, 30), "“2021-06-01 09:30:00”带有时刻；请只填日期"),
        (COUNT, "五十", "“五十”不是整数"),
        (COUNT, 2.5, "“2.5”不是整数"),
        (AMOUNT, "about 100", "“about 100”不是金额（元）"),
        (CATEGORY, "咨询费", "“咨询费”不是可选的值；应为：设计费"),
        (AMOUNT, "#DIV/0!", "单元格是公式错误 #DIV/0!"),
    ],
)
def test_a_cell_that_cannot_be_read_says_why(column, value, zh):
    with pytest.raises(CellError) as e:
        read_cell(column, value)
    assert e.value.zh == zh and e.value.en


def test_a_blank_cell_is_not_given():
    assert read_cell(AMOUNT, None) is BLANK and read_cell(YES_NO, "  ") is BLANK


@pytest.mark.parametrize("module", [cells, layout, runner, template], ids=lambda m: m.__name__)
def test_the_docstring_examples_of_the_batch_modules_run(module):
    found = doctest.testmod(module, extraglobs={"load_policy": wqpolicy.load_policy}, report=True)
    assert found.failed == 0
