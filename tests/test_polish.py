"""Fuzz findings, fixed: plain messages for malformed case files, no negative zero and no grouped years on
display, and list positions that must be whole numbers (at check time when known, else at run time)."""
from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from wqpolicy.cases import load_cases
from wqpolicy.cli import main
from wqpolicy.display import decimal_text, display, fill, money_text
from wqpolicy.errors import WQError
from wqpolicy.expression import evaluate_expression
from wqpolicy.record import render_value

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "filing.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def case_problems(tmp_path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    cases, problems = load_cases([path])
    assert cases == []
    return [(f"{d.span.line}:{d.span.col}", f"{d.code} {d.message}") for d in problems]


# ------------------------------------------------------------------------------------ 1. case files

def test_a_case_with_both_input_and_input_file_says_give_exactly_one(tmp_path):
    text = (f"# a case\ndescription: both\ninput_file: {EXAMPLE}\ninput: {{decision: filing}}\n"
            "expect: {outcome: eligible}\n")
    assert case_problems(tmp_path, text) == [("2:1", "WQ-CASE give exactly one of `input` / `input_file`")]


def test_a_case_with_neither_input_nor_input_file_says_give_exactly_one(tmp_path):
    text = "description: neither\nexpect: {outcome: eligible}\n"
    assert case_problems(tmp_path, text) == [("1:1", "WQ-CASE give exactly one of `input` / `input_file`")]


def test_an_expected_error_beside_an_outcome_says_error_stands_alone(tmp_path):
    text = (f"description: error and outcome\ninput_file: {EXAMPLE}\nexpect: {{outcome: eligible, error: WQ-INPUT}}\n"
            "expect_by_version:\n  \"2021-trial\": {error: WQ-INPUT, rules: {}}\n")
    assert case_problems(tmp_path, text) == [
        ("3:9", "WQ-CASE expect: `error` stands alone, without outcome, rules or outputs"),
        ("5:17", "WQ-CASE expect_by_version.2021-trial: `error` stands alone, without outcome, rules or outputs"),
    ]


def test_other_case_errors_keep_their_own_messages(tmp_path):
    text = f"description: typo\ninput_file: {EXAMPLE}\nexpect: {{outcome: eligible, rules: {{filing.plan: passed}}}}\n"
    [(where, message)] = case_problems(tmp_path, text)
    assert where == "3:50"  # at the value
    assert message.startswith("WQ-CASE expect.rules.filing.plan: 'passed' is not one of ")


# ------------------------------------------------------------------------------------ 2. negative zero

@pytest.mark.parametrize("value, text", [
    (Decimal(0) * -1, "0"),
    (Decimal("-0.00"), "0"),
    (Decimal("-0.001"), "-0.001"),  # not zero: keeps its sign
    (Decimal("-1") / Decimal("3000000000000"), "0.00000000…"),  # cut at eight places, to zero
    (Decimal(-1) / 3, "-0.33333333…"),
])
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
    from wqpolicy.report import _human
    assert _human("-0.00001", "ratio").startswith("0.00%")


def test_an_expression_that_gives_minus_zero_displays_zero():
    value = evaluate_expression("round(0 - a, 2)", {"a": Decimal("0.001")})
    assert value.is_zero() and display(value) == "0"


# ------------------------------------------------------------------------------------ 3. years

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
    assert r.stdout == "2024    (number)\n"


# ------------------------------------------------------------------------------------ 4. list positions

@pytest.mark.parametrize("text, message", [
    ("xs[0.5]", "a list position must be a whole number, not 0.5"),
    ("xs[-0.5]", "a list position must be a whole number, not -0.5"),
])
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


def test_money_a_rule_read_has_two_decimals_but_keeps_an_exact_fraction_of_a_fen():
    from wqpolicy.display import exact_money_text
    assert [exact_money_text(Decimal(v)) for v in ("12276500", "2350.5", "9999999.995", "-0.00", "7.10")] == [
        "12276500.00", "2350.50", "9999999.995", "0.00", "7.10"]


def test_rule_values_show_declared_money_with_two_decimals():
    import json
    r = run("eval", "--format", "json", ROOT / "examples" / "recognition.yaml")
    [investment] = [rule for rule in json.loads(r.stdout)["rules"] if rule["id"] == "recognition.investment"]
    assert investment["values"] == {"eligible_investment": "12276500.00", "min_investment": "10000000.00"}


# ------------------------------------------------------------------------------------ case policy references

def test_a_case_policy_with_a_version_in_it_says_where_the_version_goes(tmp_path):
    text = f"description: at\npolicy: wuqing-five-platforms@2021-trial\ninput_file: {EXAMPLE}\nexpect: {{outcome: eligible}}\n"
    assert case_problems(tmp_path, text) == [
        ("2:9", "WQ-CASE policy: a policy id, without @VERSION: give the version under `version` (default: the "
                "bundled policy, wuqing-five-platforms)")]


def test_a_misspelt_expect_by_version_key_is_a_warning_and_a_version_not_loaded_is_not(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(f"description: typo\ninput_file: {EXAMPLE}\nexpect: {{outcome: eligible}}\nexpect_by_version:\n"
                    "  2021-trail: {outcome: ineligible}\n  2022-hypothetical: {outcome: ineligible}\n",
                    encoding="utf-8")
    r = CliRunner().invoke(main, ["test", str(path)])
    assert r.exit_code == 0 and r.stdout == "1 passed, 0 failed\n"
    assert r.stderr.splitlines()[0] == (
        f"{path}:5:3: warning[WQ-CASE]: expect_by_version: `2021-trail` is not a version of this policy, so its "
        "expectations are never compared (did you mean `2021-trial`?)")
    assert "2022-hypothetical" not in r.stderr


def test_an_output_of_a_numeric_kind_holding_something_else_is_shown_as_it_is_not_a_crash():
    # only Policy.evaluate(..., validate=False) on a document that fails its schema can give this
    assert render_value("abc", "money") == "abc"
    assert render_value(datetime.date(2024, 1, 2), "number") == "2024-01-02"
    assert render_value([Decimal("1.5")], "integer") == ["1.5"]
    assert render_value(Decimal("NaN"), "ratio") == "NaN"


@pytest.mark.parametrize("value, kind, text", [
    (Decimal("5999999.99") / Decimal("10000000"), "ratio", "59.9999…%"),  # not "60.…%": it fails a 60% test
    (Decimal(2) / 3, "ratio", "66.6666…%"),
    (Decimal("0.6") + Decimal("1e-12"), "ratio", "60.0000…%"),  # just over: the zeros stay, then the ellipsis
    (Decimal(2) / 3, None, "0.66666666…"),
    (Decimal(-2) / 3, None, "-0.66666666…"),
])
def test_long_decimals_are_cut_toward_zero_never_rounded_up(value, kind, text):
    assert display(value, kind) == text


def test_every_bundled_yaml_file_names_its_schema_for_the_editor():
    """Editors with the YAML language server complete and check a file from its first-line modeline; the path
    it names must be the schema of that kind of file."""
    root = Path(__file__).resolve().parents[1]
    kinds = {"tests/cases": "case.schema.json", "tests/fixtures/revision/cases": "case.schema.json",
             "policies": "policy.schema.json", "examples": None}
    for folder, schema in kinds.items():
        files = sorted((root / folder).rglob("*.yaml"))
        assert files, folder
        for f in files:
            line = next(x for x in f.read_text(encoding="utf-8").splitlines() if "yaml-language-server" in x)
            target = (f.parent / line.split("$schema=", 1)[1].strip()).resolve()
            assert target.is_file(), (f, target)
            if schema:
                assert target.name == schema, f


def test_a_failing_case_names_the_field_that_differs_not_the_whole_list():
    from wqpolicy.cases import differences

    got = [{"status": "eligible", "amount": "800000.00", "cap_cut": "0.00"},
           {"status": "eligible", "amount": "200000.00", "cap_cut": "200000.00"}]
    assert differences([{"amount": 800000}, {"amount": "200000", "cap_cut": "200000.01"}], got) == [
        ("[1].cap_cut", "200000.01", "200000.00")]
    assert differences([{"amount": 800000}, {"status": "pending", "reason": "x"}], got) == [
        ("[1].status", "pending", "eligible"), ("[1].reason", "x", "(无此字段 no such field)")]
    assert differences([{"amount": 800000}], got) == [("", [{"amount": 800000}], got)]  # a count apart: whole
    assert differences({"a": {"b": 1}}, {"a": {"b": Decimal("1.00")}}) == []


def test_wqpolicy_test_prints_the_path_of_a_differing_item(tmp_path):
    from click.testing import CliRunner

    from wqpolicy.cli import main

    case = ROOT / "tests" / "cases" / "demand_subsidy" / "cap_crossed_mid_purchase.yaml"
    broken = tmp_path / "case.yaml"
    broken.write_text(case.read_text(encoding="utf-8").replace('cap_cut: "200000.00"', 'cap_cut: "200000.01"'),
                      encoding="utf-8")
    r = CliRunner().invoke(main, ["test", str(broken)])
    assert r.exit_code == 1
    assert "       output purchases[1].cap_cut: 应为 expected 200000.01, 实际 got 200000.00\n" in r.output


def test_the_text_report_labels_each_output_and_says_when_a_decision_has_no_rules():
    from wqpolicy import load_policy
    from wqpolicy.inputs import load_input
    from wqpolicy.report import text_report

    policy = load_policy("wuqing-five-platforms@2021-trial")
    text = text_report(policy.evaluate(None, load_input(ROOT / "examples" / "recognition.yaml")[0]))
    assert "  supply_subsidy_total            3,682,950.00 元        供给侧补贴总额 / Supply-side subsidy\n" in text
    # a long value does not push the labels of the others to the right; Chinese counts two columns
    assert "  official_name                   武清区生物医药产业五大创新功能平台  统一命名 / Official name\n" in text
    demand = text_report(policy.evaluate(None, load_input(ROOT / "examples" / "demand_subsidy.yaml")[0]))
    assert "规则 Rules: 无 none (the outputs decide)\n\n输出 Outputs\n  purchases:  逐笔结果 / Per purchase\n" in demand
    assert policy.evaluate(None, load_input(ROOT / "examples" / "recognition.yaml")[0]).to_json()["outputs"][
        "supply_subsidy_total"] == "3682950.00"  # labels are for people: the JSON form is unchanged


def test_a_record_lists_what_is_missing_once_for_the_outcome():
    from wqpolicy import load_policy
    from wqpolicy.inputs import load_input
    from wqpolicy.report import text_report

    policy = load_policy("wuqing-five-platforms@2021-trial")
    record = policy.evaluate(None, load_input(ROOT / "examples" / "recognition_missing_review.yaml")[0])
    want = ["expert_review.equipment_and_service", "expert_review.satisfaction", "expert_review.market_mechanism"]
    assert record.missing() == want and record.to_json()["missing"] == want
    assert "\n待补材料 Missing: " + ", ".join(want) + "\n" in text_report(record)
    # an advisory rule's missing input does not hold the outcome up, so it is not listed
    filing = policy.evaluate("filing", {"platform": {"industry": "biomedicine"}})
    assert filing.rule("filing.subsector").missing == ["platform.subsector"]
    assert "platform.subsector" not in filing.missing() and filing.missing()[0] == "applicant.registered_in_wuqing"
    complete = policy.evaluate(None, load_input(ROOT / "examples" / "recognition.yaml")[0])
    assert complete.missing() == [] and "missing" not in complete.to_json()
    assert "待补材料" not in text_report(complete)


def test_a_field_missing_inside_a_list_item_is_named_with_its_place():
    # Before: the rule said "missing: —" and the record listed nothing, though a field of an item was missing.
    from wqpolicy import load_policy
    from wqpolicy.inputs import load_input

    policy = load_policy("wuqing-five-platforms@2021-trial")
    doc, _ = load_input(ROOT / "examples" / "recognition.yaml")
    del doc["finances"][0]["rd_expense"]
    del doc["investment"][2]["amount"]
    record = policy.evaluate(None, doc)
    assert record.rule("recognition.rd_intensity").missing == ["finances[0].rd_expense"]
    assert record.rule("recognition.investment").missing == ["investment[2].amount"]
    assert record.missing() == ["finances[0].rd_expense", "investment[2].amount"]


@pytest.mark.parametrize("value, shown", [(Decimal(7) / 2, "3.5"), (Decimal(5) / 2, "2.5"), (Decimal("1.00"), 1),
                                          (Decimal(1) / 3, "0.3333333333333333333333333333")])
def test_an_integer_output_holding_a_fraction_is_shown_as_it_is_not_rounded_unseen(value, shown):
    """Before: 7/2 became 3 and 5/2 became 2 under `type: integer`, with nothing to say so."""
    assert render_value(value, "integer") == shown


def test_a_long_quotient_is_grouped_like_any_amount():
    """Before: 1,234,567.5 was grouped but 10000000/3 showed as 3333333.33333333…"""
    assert display(Decimal(10_000_000) / 3) == "3,333,333.33333333…"
    assert display(Decimal(-10_000_000) / 3) == "-3,333,333.33333333…"
    assert display(Decimal(1) / 3) == "0.33333333…"
