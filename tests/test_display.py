"""How values look to people and in JSON: no negative zero, years not grouped, money to the fen, long decimals cut
toward zero (never rounded up), a value of an unexpected kind shown as it is."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from conftest import EXAMPLES, run
from wqpolicy.display import decimal_text, display, exact_money_text, fill, money_text
from wqpolicy.expression import evaluate_expression
from wqpolicy.model import Text
from wqpolicy.record import RuleInfo, render_value
from wqpolicy.words import Severity


# -- negative zero -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal(0) * -1, "0"),
        (Decimal("-0.00"), "0"),
        (Decimal("-0.001"), "-0.001"),  # not zero: keeps its sign
        (Decimal("-1") / Decimal("3000000000000"), "0.00000000…"),  # cut at eight places, to zero
        (Decimal(-1) / 3, "-0.33333333…"),
    ],
)
def test_negative_zero_is_shown_as_zero(value, text):
    assert display(value) == text


def test_negative_zero_is_zero_in_json_text_and_in_percentages():
    assert decimal_text(Decimal("-0")) == "0"
    assert render_value(Decimal(0) * -1, "number") == "0"
    assert render_value(Decimal("-0.0"), "ratio") == "0"
    assert display(Decimal("-0"), "ratio") == "0%"
    assert display(Decimal("-1e-9"), "ratio") == "0.0000…%"
    assert fill("{x} 元", {"x": Decimal(0) * -1}, {}) == "0 元"


def test_money_text_rounds_to_the_fen_and_never_gives_minus_zero():
    assert money_text(Decimal("-0.001")) == "0.00"
    assert money_text(Decimal(0) * -1) == "0.00"
    assert money_text(Decimal("-0.005")) == "-0.01"  # half-up, away from zero: a real amount keeps its sign
    assert money_text(Decimal("3682950")) == "3682950.00"
    assert render_value(Decimal("-0.004"), "money") == "0.00"  # an output of kind money uses it


def test_the_text_report_shows_a_tiny_negative_ratio_as_zero_percent():
    from wqpolicy.report import _human  # the text report's own form of a value

    assert _human("-0.00001", "ratio").startswith("0.00%")


def test_an_expression_that_gives_minus_zero_displays_zero():
    value = evaluate_expression("round(0 - a, 2)", {"a": Decimal("0.001")})
    assert value.is_zero() and display(value) == "0"


# -- years ---------------------------------------------------------------------------------------------------------
def test_a_year_is_not_grouped_but_an_amount_is():
    y = evaluate_expression("year(d)", {"d": datetime.date(2024, 5, 1)})
    assert y == 2024 and display(y) == "2024"
    assert display(Decimal(2024)) == "2,024"
    assert display(evaluate_expression("[year(d), 12345]", {"d": datetime.date(2024, 5, 1)})) == "[2024, 12,345]"
    assert render_value(y, "integer") == 2024 and decimal_text(y) == "2024"


def test_a_year_is_still_a_number_that_compares_and_computes():
    facts = {"d": datetime.date(2024, 5, 1), "y": Decimal(2024)}
    assert evaluate_expression("year(d) == y", facts) is True
    assert evaluate_expression("year(d) - 2000", facts) == 24


def test_expr_prints_a_year_without_a_separator():
    r = run("expr", "--on", "2024-03-01", "year(2024-05-01)")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1] == "2024    (number)"  # after the line naming the policy files


# -- money, long decimals, other kinds -----------------------------------------------------------------------------
def test_money_a_rule_read_has_two_decimals_but_keeps_an_exact_fraction_of_a_fen():
    assert [exact_money_text(Decimal(v)) for v in ("12276500", "2350.5", "9999999.995", "-0.00", "7.10")] == [
        "12276500.00",
        "2350.50",
        "9999999.995",
        "0.00",
        "7.10",
    ]


def test_rule_values_show_declared_money_with_two_decimals():
    r = run("eval", "--format", "json", EXAMPLES / "recognition.yaml")
    [investment] = [rule for rule in json.loads(r.stdout)["rules"] if rule["id"] == "recognition.investment"]
    assert investment["values"] == {"eligible_investment": "12276500.00", "min_investment": "10000000.00"}


def test_an_output_of_a_numeric_kind_holding_something_else_is_shown_as_it_is_not_a_crash():
    # only Policy.evaluate(..., validate=False) on a document that fails its schema can give this
    assert render_value("abc", "money") == "abc"
    assert render_value(datetime.date(2024, 1, 2), "number") == "2024-01-02"
    assert render_value([Decimal("1.5")], "integer") == ["1.5"]
    assert render_value(Decimal("NaN"), "ratio") == "NaN"


@pytest.mark.parametrize(
    "value, kind, text",
    [
        (Decimal("5999999.99") / Decimal("10000000"), "ratio", "59.9999…%"),  # not "60.…%": it fails a 60% test
        (Decimal(2) / 3, "ratio", "66.6666…%"),
        (Decimal("0.6") + Decimal("1e-12"), "ratio", "60.0000…%"),  # just over: the zeros stay, then the ellipsis
        (Decimal(2) / 3, None, "0.66666666…"),
        (Decimal(-2) / 3, None, "-0.66666666…"),
    ],
)
def test_long_decimals_are_cut_toward_zero_never_rounded_up(value, kind, text):
    assert display(value, kind) == text


@pytest.mark.parametrize(
    "value, shown",
    [
        (Decimal(7) / 2, "3.5"),
        (Decimal(5) / 2, "2.5"),
        (Decimal("1.00"), 1),
        (Decimal(1) / 3, "0.3333333333333333333333333333"),
    ],
)
def test_an_integer_output_holding_a_fraction_is_shown_as_it_is_not_rounded_unseen(value, shown):
    """Before: 7/2 became 3 and 5/2 became 2 under `type: integer`, with nothing to say so."""
    assert render_value(value, "integer") == shown


def test_a_long_quotient_is_grouped_like_any_amount():
    """Before: 1,234,567.5 was grouped but 10000000/3 showed as 3333333.33333333…"""
    assert display(Decimal(10_000_000) / 3) == "3,333,333.33333333…"
    assert display(Decimal(-10_000_000) / 3) == "-3,333,333.33333333…"
    assert display(Decimal(1) / 3) == "0.33333333…"


@pytest.mark.parametrize(
    "zh, en",
    [
        ("已有 {a} 项（须不少于 {n}）", "{a} of at least {n}"),
        ("{a} 与 {a}", "{a} and {a} again"),
        ("值为 {b}", "{b} brings a placeholder"),  # b's text is `{n}`: fill fills that too
        ("{{a}} 与 {x}", "a literal {brace} and {a}"),  # braces of the template's own
        ("无占位", "nothing to fill"),
    ],
)
def test_a_rules_message_fills_its_placeholders_as_fill_does(zh, en):
    kinds = {"a": None, "b": None, "n": "integer"}
    info = RuleInfo("r", "1", Severity.REQUIRE, Text("规则", "rule"), Text(zh, en), ("a", "b", "n"), kinds, {"n": "5"})
    for values in ({"a": 8, "b": "{n}", "n": 5}, {"a": Decimal("12345.678"), "b": "x", "n": 5}, {"a": 7, "n": 5}):
        for _ in range(2):  # the second time with the parameters' texts kept
            shown: dict = {}
            assert info.fail_message(values) == Text(fill(zh, values, kinds, shown), fill(en, values, kinds, shown))


@pytest.mark.parametrize("value", [0, 7, -999, 999, 1000, -1000, 123456, True, Decimal("5")])
@pytest.mark.parametrize("kind", [None, "integer", "money", "ratio"])
def test_a_small_whole_number_displays_as_the_general_rule_shows_it(value, kind):
    expected = {(0, "ratio"): "0%", (7, "ratio"): "700%", (-999, "ratio"): "-99900%", (999, "ratio"): "99900%"}
    shown = display(value, kind)
    assert shown == expected.get((value, kind), shown)
    if type(value) is int and kind != "ratio":
        assert shown == (f"{value:,}" if abs(value) >= 1000 else str(value))


def test_a_value_that_reads_as_a_placeholder_is_shown_as_it_is_not_filled_in_turn(bundled_policy):
    assert fill("{a} and {b}", {"a": "{b}", "b": 1}, {}) == "{b} and 1"
    assert fill("{b} and {a}", {"a": "{b}", "b": 1}, {}) == "1 and {b}"
    # a rule's message, filled by the record's quicker path (RuleInfo.fail_message) in the same one pass
    (info,) = [r for r in bundled_policy.decisions["recognition"].info.rules if "platform.functions" in r.paths]
    assert "{min_functions}" in info.template.zh and "{platform.functions}" in info.template.zh
    swapped = {"min_functions": "{platform.functions}", "platform.functions": "{min_functions}"}
    message = info.fail_message(swapped)
    assert message.zh == info.template.zh.replace("{min_functions}", "@").replace(
        "{platform.functions}", "{min_functions}"
    ).replace("@", "{platform.functions}")
    assert message.en == fill(info.template.en, swapped, info.kinds)
