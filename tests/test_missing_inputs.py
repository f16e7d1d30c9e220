"""What a record says is missing: the inputs to ask for, once for the outcome, each named with its place (a field
of a list item too); an advisory rule's missing input does not hold the outcome up."""

from __future__ import annotations

from conftest import EXAMPLES
from wqpolicy.inputs import load_input
from wqpolicy.report import text_report


def test_a_record_lists_what_is_missing_once_for_the_outcome(bundled_policy):
    policy = bundled_policy
    record = policy.evaluate(None, load_input(EXAMPLES / "recognition_missing_review.yaml")[0])
    want = ["expert_review.equipment_and_service", "expert_review.satisfaction", "expert_review.market_mechanism"]
    assert record.missing() == want and record.to_json()["missing"] == want
    assert "\n待补材料 Missing: " + ", ".join(want) + "\n" in text_report(record)
    # an advisory rule's missing input does not hold the outcome up, so it is not listed
    filing = policy.evaluate("filing", {"platform": {"industry": "biomedicine"}})
    assert filing.rule("filing.subsector").missing == ["platform.subsector"]
    assert "platform.subsector" not in filing.missing() and filing.missing()[0] == "applicant.registered_in_wuqing"
    complete = policy.evaluate(None, load_input(EXAMPLES / "recognition.yaml")[0])
    assert complete.missing() == [] and "missing" not in complete.to_json()
    assert "待补材料" not in text_report(complete)


def test_a_field_missing_inside_a_list_item_is_named_with_its_place(bundled_policy):
    # Before: the rule said "missing: —" and the record listed nothing, though a field of an item was missing.
    policy = bundled_policy
    doc, _ = load_input(EXAMPLES / "recognition.yaml")
    del doc["finances"][0]["rd_expense"]
    del doc["investment"][2]["amount"]
    record = policy.evaluate(None, doc)
    assert record.rule("recognition.rd_intensity").missing == ["finances[0].rd_expense"]
    assert record.rule("recognition.investment").missing == ["investment[2].amount"]
    assert record.missing() == ["finances[0].rd_expense", "investment[2].amount"]
