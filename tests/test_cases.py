"""Case files as data (wqpolicy/cases.py): a malformed case gets a plain message at its place, and a failing case
names the field that differs, not the whole list."""

from __future__ import annotations

from decimal import Decimal

from conftest import EXAMPLES
from wqpolicy.cases import differences, load_cases

EXAMPLE = EXAMPLES / "filing.yaml"


def case_problems(tmp_path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    cases, problems = load_cases([path])
    assert cases == []
    return [(f"{d.span.line}:{d.span.col}", f"{d.code} {d.message}") for d in problems]


# -- malformed case files ------------------------------------------------------------------------------------------
def test_a_case_with_both_input_and_input_file_says_give_exactly_one(tmp_path):
    text = (
        f"# a case\ndescription: both\ninput_file: {EXAMPLE}\ninput: {{decision: filing}}\n"
        "expect: {outcome: eligible}\n"
    )
    assert case_problems(tmp_path, text) == [("2:1", "WQ-CASE give exactly one of `input` / `input_file`")]


def test_a_case_with_neither_input_nor_input_file_says_give_exactly_one(tmp_path):
    text = "description: neither\nexpect: {outcome: eligible}\n"
    assert case_problems(tmp_path, text) == [("1:1", "WQ-CASE give exactly one of `input` / `input_file`")]


def test_an_expected_error_beside_an_outcome_says_error_stands_alone(tmp_path):
    text = (
        f"description: error and outcome\ninput_file: {EXAMPLE}\nexpect: {{outcome: eligible, error: WQ-INPUT}}\n"
        'expect_by_version:\n  "2021-trial": {error: WQ-INPUT, rules: {}}\n'
    )
    assert case_problems(tmp_path, text) == [
        ("3:9", "WQ-CASE expect: `error` stands alone, without outcome, rules or outputs"),
        ("5:17", "WQ-CASE expect_by_version.2021-trial: `error` stands alone, without outcome, rules or outputs"),
    ]


def test_other_case_errors_keep_their_own_messages(tmp_path):
    text = f"description: typo\ninput_file: {EXAMPLE}\nexpect: {{outcome: eligible, rules: {{filing.plan: passed}}}}\n"
    [(where, message)] = case_problems(tmp_path, text)
    assert where == "3:50"  # at the value
    assert message.startswith("WQ-CASE expect.rules.filing.plan: 'passed' is not one of ")


def test_a_case_policy_with_a_version_in_it_says_where_the_version_goes(tmp_path):
    text = (
        f"description: at\npolicy: wuqing-five-platforms@2021-trial\ninput_file: {EXAMPLE}\n"
        "expect: {outcome: eligible}\n"
    )
    assert case_problems(tmp_path, text) == [
        (
            "2:9",
            "WQ-CASE policy: a policy id, without @VERSION: give the version under `version` (default: the "
            "bundled policy, wuqing-five-platforms)",
        )
    ]


# -- comparing with what a case expects ----------------------------------------------------------------------------
def test_a_failing_case_names_the_field_that_differs_not_the_whole_list():
    got = [
        {"status": "eligible", "amount": "800000.00", "cap_cut": "0.00"},
        {"status": "eligible", "amount": "200000.00", "cap_cut": "200000.00"},
    ]
    assert differences([{"amount": 800000}, {"amount": "200000", "cap_cut": "200000.01"}], got) == [
        ("[1].cap_cut", "200000.01", "200000.00")
    ]
    assert differences([{"amount": 800000}, {"status": "pending", "reason": "x"}], got) == [
        ("[1].status", "pending", "eligible"),
        ("[1].reason", "x", "(无此字段 no such field)"),
    ]
    assert differences([{"amount": 800000}], got) == [("", [{"amount": 800000}], got)]  # a count apart: whole
    assert differences({"a": {"b": 1}}, {"a": {"b": Decimal("1.00")}}) == []
