"""List positions (`xs[i]`) must be whole numbers: an error at check time when the position is written or known
from a parameter, an evaluation fault when it is computed; never a silent truncation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import run
from wqpolicy.errors import WQError
from wqpolicy.expression import evaluate_expression


@pytest.mark.parametrize(
    "text, message",
    [
        ("xs[0.5]", "a list position must be a whole number, not 0.5"),
        ("xs[-0.5]", "a list position must be a whole number, not -0.5"),
    ],
)
def test_a_written_non_whole_list_position_is_a_type_error(text, message):
    with pytest.raises(WQError) as e:
        evaluate_expression(text, {"xs": ["a", "b"]})
    [d] = e.value.diagnostics
    assert (d.code, d.message, d.span.col) == ("WQ-TYPE", message, 4)


def test_a_whole_list_position_may_be_written_with_decimals():
    assert evaluate_expression("xs[1.0]", {"xs": ["a", "b"]}) == "b"


def test_a_computed_non_whole_list_position_is_an_evaluation_fault_not_a_truncation():
    with pytest.raises(WQError) as e:
        evaluate_expression("xs[i / 2]", {"xs": ["a", "b"], "i": Decimal(1)})
    [d] = e.value.diagnostics
    assert (d.code, d.message, d.span.col) == ("WQ-EVAL", "a list position must be a whole number, not 0.5", 4)
    assert evaluate_expression("xs[i / 2]", {"xs": ["a", "b"], "i": Decimal(2)}) == "b"


def test_expr_rejects_a_non_whole_position_in_a_parameter_list():
    r = run("expr", "--on", "2024-03-01", "eligible_categories[0.5]")
    assert r.exit_code == 1
    assert r.stderr.startswith("<expr>:1:21: error[WQ-TYPE]: a list position must be a whole number, not 0.5")
    r = run("expr", "--on", "2024-03-01", "eligible_categories[supply_subsidy_ratio]")  # a parameter: known too
    assert r.exit_code == 1
    assert r.stderr.startswith("<expr>:1:21: error[WQ-TYPE]: a list position must be a whole number, not ")
