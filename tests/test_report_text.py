"""A decision record as text (wqpolicy/report.py): each output labelled, a decision without rules said so."""

from __future__ import annotations

from conftest import EXAMPLES
from wqpolicy.inputs import load_input
from wqpolicy.report import text_report


def test_the_text_report_labels_each_output_and_says_when_a_decision_has_no_rules(bundled_policy):
    policy = bundled_policy
    text = text_report(policy.evaluate(None, load_input(EXAMPLES / "recognition.yaml")[0]))
    assert "  supply_subsidy_total            3,682,950.00 元        供给侧补贴总额 / Supply-side subsidy\n" in text
    # a long value does not push the labels of the others to the right; Chinese counts two columns
    assert "  official_name                   武清区生物医药产业五大创新功能平台  统一命名 / Official name\n" in text
    demand = text_report(policy.evaluate(None, load_input(EXAMPLES / "demand_subsidy.yaml")[0]))
    assert "规则 Rules: 无 none (the outputs decide)\n\n输出 Outputs\n  purchases:  逐笔结果 / Per purchase\n" in demand
    assert (
        policy.evaluate(None, load_input(EXAMPLES / "recognition.yaml")[0]).to_json()["outputs"]["supply_subsidy_total"]
        == "3682950.00"
    )  # labels are for people: the JSON form is unchanged
