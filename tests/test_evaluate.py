"""The evaluator on a small policy of its own: faults, unknowns, advisories, messages, per-item definitions."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from conftest import run
from wqpolicy import load_policy

GUIDE = "# Demo\n\n- **[1]** Ratio must be at least the minimum.\n- **[2]** Grants are capped each year.\n"
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "decision": {"enum": ["demo"]},
        "a": {"type": "number"},
        "b": {"type": "number"},
        "flag": {"type": "boolean"},
        "prior": {"type": "number", "minimum": 0},
        "claims": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"on": {"type": "string", "format": "date"}, "fee": {"type": "number", "minimum": 0}},
            },
        },
    },
}
POLICY = """
id: demo
version: v1
effective_from: 2021-01-01
source: {document: guide.md}
parameters:
  min_ratio: {value: 50%, type: ratio, clause: "1"}
  cap: {value: 100, type: money, clause: "2"}
definitions:
  ratio: {expr: a / b, type: ratio}
  grants:
    each: claims
    as: c
    order_by: c.on
    carry: {used: {start: prior, next: used + amount}}
    fields:
      on: c.on
      amount: max(0, min(c.fee, cap - used))
decisions:
  demo:
    input: input.json
    rules:
      demo.ratio:
        clause: "1"
        label: {zh: 比例达标, en: Ratio met}
        condition: ratio >= min_ratio
        message: {zh: "比例 {ratio} 低于 {min_ratio}", en: "ratio {ratio} is below {min_ratio}"}
      demo.flag:
        clause: "1"
        label: {zh: 标志, en: Flag}
        condition: flag
        message: {zh: 未设标志, en: flag not set}
      demo.hint:
        clause: "1"
        severity: advise
        label: {zh: 提示, en: Hint}
        condition: a > 1000
        message: {zh: a 较小, en: a is small}
    outcome:
      - {when: rules.failed > 0, then: refused}
      - {when: rules.unknown + rules.error > 0, then: held}
      - {otherwise: granted}
    outputs:
      grants: {expr: grants, type: list, fields: {on: date, amount: money}}
      granted: {expr: "sum(g.amount for g in grants)", type: money}
clause_map:
  "1": [demo.ratio, min_ratio]
  "2": [cap, grants]
"""


@pytest.fixture(scope="module")
def policy(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    (d / "guide.md").write_text(GUIDE, encoding="utf-8")
    (d / "input.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (d / "demo.yaml").write_text(POLICY, encoding="utf-8")
    return load_policy(str(d / "demo.yaml"))


def test_a_division_by_zero_makes_that_rule_error_and_the_others_still_evaluate(policy):
    r = policy.evaluate("demo", {"a": 1, "b": 0, "flag": True})
    assert r.rule("demo.ratio").outcome == "error"
    assert "division by zero" in r.rule("demo.ratio").message.en
    assert r.rule("demo.flag").outcome == "pass"
    assert r.outcome == "error"  # fails closed: a fault is never decided as `held`


def test_a_missing_input_makes_the_rule_unknown_and_lists_what_is_missing(policy):
    r = policy.evaluate("demo", {"a": 3, "flag": True})
    rule = r.rule("demo.ratio")
    assert rule.outcome == "unknown"
    assert rule.missing == ["b"]
    assert "b" in rule.message.zh and "missing: b" in rule.message.en
    assert r.outcome == "held"


def test_false_beats_unknown_in_the_outcome(policy):
    r = policy.evaluate("demo", {"a": 3, "flag": False})
    assert r.rule("demo.flag").outcome == "fail"
    assert r.outcome == "refused"


def test_a_failed_advisory_is_a_warning_that_never_changes_the_outcome(policy):
    r = policy.evaluate("demo", {"a": 3, "b": 4, "flag": True})
    assert r.rule("demo.hint").outcome == "fail"
    assert r.rule("demo.hint").severity == "advise"
    assert r.outcome == "granted"


def test_fail_messages_show_the_values_read_with_ratios_as_percentages(policy):
    r = policy.evaluate("demo", {"a": 1, "b": 4, "flag": True})
    assert r.rule("demo.ratio").message.en == "ratio 25% is below 50%"
    assert r.rule("demo.ratio").values == {"ratio": Decimal("0.25"), "min_ratio": Decimal("0.5")}


def test_per_item_definitions_run_in_order_with_a_carried_total_and_keep_input_order(policy):
    doc = {
        "a": 1,
        "b": 1,
        "flag": True,
        "prior": 30,
        "claims": [{"on": "2023-05-01", "fee": 50}, {"on": "2023-01-01", "fee": 60}, {"on": "2023-03-01", "fee": 5}],
    }
    r = policy.evaluate("demo", doc)
    # in date order: 60 (30+60=90), then 5 (95), then 50 cut to 5 (100)
    assert r.output("grants") == [
        {"on": "2023-05-01", "amount": "5.00"},
        {"on": "2023-01-01", "amount": "60.00"},
        {"on": "2023-03-01", "amount": "5.00"},
    ]
    assert r.output("granted") == "70.00"


def test_ties_in_the_order_keep_the_listed_order(policy):
    doc = {"prior": 0, "claims": [{"on": "2023-01-01", "fee": 80}, {"on": "2023-01-01", "fee": 80}]}
    r = policy.evaluate("demo", doc)
    assert [g["amount"] for g in r.output("grants")] == ["80.00", "20.00"]


def test_an_unknown_start_makes_every_amount_unknown(policy):
    r = policy.evaluate("demo", {"claims": [{"on": "2023-01-01", "fee": 80}]})
    assert r.output("grants") == [{"on": "2023-01-01", "amount": None}]
    assert r.output("granted") is None


def test_an_item_of_unknown_place_in_the_order_makes_what_is_carried_unknown(policy):
    """A claim without a date could come first: what the others have used of the cap is then unknown (it used to
    be put last, and the others' amounts stated as if it came after them)."""
    doc = {"prior": 0, "claims": [{"fee": 80}, {"on": "2023-01-01", "fee": 50}]}
    r = policy.evaluate("demo", doc)
    assert r.output("grants") == [{"on": None, "amount": None}, {"on": "2023-01-01", "amount": None}]
    dated = policy.evaluate(
        "demo", {"prior": 0, "claims": [{"on": "2023-02-01", "fee": 80}, {"on": "2023-01-01", "fee": 50}]}
    )
    assert [g["amount"] for g in dated.output("grants")] == ["50.00", "50.00"]


def test_an_unknown_output_names_the_inputs_it_asked_for_and_lacked_in_missing(policy):
    r = policy.evaluate("demo", {"a": 1, "b": 1, "flag": True, "claims": [{"on": "2023-01-01", "fee": 80}]})
    assert r.outcome == "granted" and r.output("granted") is None
    assert r.missing() == r.to_json()["missing"] == ["prior"]
    r = policy.evaluate(
        "demo",
        {"a": 1, "b": 1, "flag": True, "prior": 0, "claims": [{"on": "2023-01-01"}, {"on": "2023-02-01", "fee": 5}]},
    )
    assert r.missing() == ["claims[0].fee"]  # min(unknown fee, 100): the first grant, and the rest after it


def test_missing_names_only_fields_the_branches_taken_asked_for():
    """A purchaser in the district never needs `settled_on`: it is not asked for when a purchase's date is."""
    from wqpolicy import load_policy as bundled

    doc = {
        "purchaser": {"name": "甲", "in_wuqing": True},
        "year": 2023,
        "as_of": datetime.date(2024, 3, 1),
        "prior_subsidy_this_year": 0,
        "purchases": [{"platform": "乙", "platform_recognized": True, "service_fee": 1000}],
    }
    r = bundled().evaluate("demand_subsidy", doc)
    assert (r.outcome, r.missing()) == ("needs_review", ["purchases[0].used_on"])
    del doc["purchaser"]["in_wuqing"]
    doc["purchases"][0]["used_on"] = datetime.date(2023, 5, 1)
    r = bundled().evaluate("demand_subsidy", doc)
    # settled_on is only asked about (`known(…)`: left out, it means not settled), never needed
    assert (r.outcome, r.missing()) == ("needs_review", ["purchaser.in_wuqing"])
    doc["purchaser"]["settled_on"] = datetime.date(2023, 6, 1)  # settled within the window: in_wuqing not needed
    assert bundled().evaluate("demand_subsidy", doc).missing() == []


def test_the_record_is_plain_json(policy):
    r = policy.evaluate("demo", {"a": 1, "b": 3, "flag": True})
    text = json.dumps(r.to_json())
    assert '"outcome": "refused"' in text
    assert r.to_json()["rules"][0]["values"]["ratio"].startswith("0.333333")


REVISION = """
id: demo
version: v2
extends: v1
effective_from: 2022-01-01
parameters:
  cap: {value: 200}
"""


def test_a_base_edited_after_the_lock_is_reported_for_each_item_with_inherited_or_overridden(tmp_path):
    (tmp_path / "guide.md").write_text(GUIDE, encoding="utf-8")
    (tmp_path / "input.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (tmp_path / "v1.yaml").write_text(
        POLICY.replace("version: v1\n", "version: v1\neffective_until: 2021-12-31\n"), encoding="utf-8"
    )
    (tmp_path / "v2.yaml").write_text(REVISION, encoding="utf-8")
    assert run("lock", tmp_path).exit_code == 0
    assert run("check", tmp_path).exit_code == 0
    base = (tmp_path / "v1.yaml").read_text(encoding="utf-8")
    (tmp_path / "v1.yaml").write_text(
        base.replace("value: 50%", "value: 60%").replace("value: 100", "value: 150"), encoding="utf-8"
    )
    r = run("check", tmp_path)
    assert r.exit_code == 1
    assert "error[WQ-BASE]: `parameters.min_ratio` changed in base v1 since the lock (inherited" in r.stdout
    assert "error[WQ-BASE]: `parameters.cap` changed in base v1 since the lock (overridden" in r.stdout
    assert f"{tmp_path / 'v2.yaml'}:4:" in r.stdout
