"""What it would take to pass (to_pass.py, explain.py): the change found is exact — the rule passes with it and
fails with one unit less, and a brute-force walk over the units finds the same smallest change — for a ratio of
sums (R&D intensity), a filtered sum (investment), an area, a staff share, counts and an equipment share; a
condition that no figure decides names its evidence; plain evaluation never searches."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

import wqpolicy
from wqpolicy import explain as explain_module
from wqpolicy import to_pass
from wqpolicy.explain import WHY_JUDGED, WHY_UNKNOWN, explain, explained_json
from wqpolicy.levers import Lever
from wqpolicy.to_pass import Budget, Found, NotFound, search, with_value
from wqpolicy.units import NumberField

FEN = Decimal("0.01")
BASE = {
    "applicant": {"name": "测试公司"},
    "platform": {"industry": "new_materials", "subsector": "石墨烯"},
    "finances": [
        {"year": 2021, "revenue": 1000000, "rd_expense": 30000},
        {"year": 2022, "revenue": 1000000, "rd_expense": 30000},
        {"year": 2023, "revenue": 1000000, "rd_expense": 30000},
    ],
    "investment": [{"category": "equipment_hardware", "amount": 10000000}],
    "service_area_m2": 1500,
    "staff": {"total": 100, "rd_technical": 30, "tech_leader": True},
    "track_record": {"services_provided": 8, "convertible_results": True},
    "partner_cases": 3,
}


def doc_with(**changes) -> dict:
    import copy

    doc = copy.deepcopy(BASE)
    for path, value in changes.items():
        node = doc
        steps = path.split("__")
        for s in steps[:-1]:
            node = node[int(s)] if s.isdigit() else node[s]
        last = steps[-1]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value
    return doc


def rule_passes(policy, doc, rule_id) -> bool:
    return str(policy.evaluate("recognition", doc).rule(rule_id).outcome) == "pass"


def change_for(policy, doc, rule_id, field, direction="increase"):
    record = policy.evaluate("recognition", doc)
    data = explained_json(record, explain(policy, record, doc))
    rule = next(r for r in data["rules"] if r["id"] == rule_id)
    assert rule["outcome"] == "fail"
    changes = [c for a in rule["to_pass"] for c in a.get("changes", [])]
    return next(c for c in changes if c["field"] == field and c["direction"] == direction), rule


def brute_force(policy, doc, rule_id, field, step, limit, direction=1, new_item=None):
    """The smallest number of steps (1..limit) after which the rule passes, found by trying each in turn."""
    from wqpolicy.levers import value_at

    for k in range(1, limit + 1):
        if new_item is not None:
            trial = {**doc, field: [*doc[field], {**new_item, "amount": step * k}]}
        else:
            before = value_at(doc, field)
            trial = with_value(
                doc, Lever("field", field, NumberField(False, step, None, None, None)), before + direction * step * k
            )
        if rule_passes(policy, trial, rule_id):
            return k
    return None


def assert_exact(policy, doc, rule_id, change, step, direction=1):
    """The change passes the rule and one step less does not."""
    from wqpolicy.levers import value_at

    field = change["field"]
    to = Decimal(change["to"])
    at = with_value(doc, Lever("field", field, NumberField(False, step, None, None, None)), to)
    less = with_value(doc, Lever("field", field, NumberField(False, step, None, None, None)), to - direction * step)
    assert rule_passes(policy, at, rule_id)
    assert not rule_passes(policy, less, rule_id)
    assert Decimal(change["by"]) == abs(to - Decimal(value_at(doc, field)))


def test_rd_intensity_needs_exactly_the_fen_that_lifts_the_mean_to_the_threshold(bundled_policy):
    doc = doc_with(finances__0__rd_expense=29999, finances__1__rd_expense=Decimal("29999.50"))  # 1.5 yuan short
    change, rule = change_for(bundled_policy, doc, "recognition.rd_intensity", "finances[0].rd_expense")
    assert change["by"] == "1.50" and change["unit"]["zh"] == "元" and change["rule_passes"] is True
    assert (
        "近三年平均研发投入强度" in rule["to_pass"][0]["comparison"]["zh"]
        and " < 3%" in rule["to_pass"][0]["comparison"]["zh"]
    )
    assert_exact(bundled_policy, doc, "recognition.rd_intensity", change, FEN)
    assert brute_force(bundled_policy, doc, "recognition.rd_intensity", "finances[0].rd_expense", FEN, 300) == 150


def test_investment_short_by_fifty_fen_needs_fifty_fen_more_and_rent_never_counts(bundled_policy):
    doc = doc_with(
        investment=[
            {"category": "equipment_hardware", "amount": Decimal("9999999.50")},
            {"category": "rent", "amount": 800000},
        ]
    )
    change, rule = change_for(bundled_policy, doc, "recognition.investment", "investment[0].amount")
    assert change["by"] == "0.50"
    assert_exact(bundled_policy, doc, "recognition.investment", change, FEN)
    assert brute_force(bundled_policy, doc, "recognition.investment", "investment[0].amount", FEN, 100) == 50
    new = next(c for a in rule["to_pass"] for c in a["changes"] if c["lever"] == "new_item")
    assert new["by"] == "0.50" and "equipment_hardware" in new["item"]["category"]
    assert "（场地租赁费用不计入）" in new["text"]["zh"]
    assert (
        brute_force(
            bundled_policy, doc, "recognition.investment", "investment", FEN, 100, new_item={"category": "design"}
        )
        == 50
    )
    # the rent line cannot help: no change of it is offered
    assert not any(c["field"] == "investment[1].amount" for a in rule["to_pass"] for c in a["changes"])


def test_investment_short_by_800_000_yuan_as_the_issue_words_it(bundled_policy):
    doc = doc_with(
        investment=[{"category": "equipment_hardware", "amount": 9200000}, {"category": "rent", "amount": 800000}]
    )
    record = bundled_policy.evaluate("recognition", doc)
    advice = explain(bundled_policy, record, doc).rules["recognition.investment"].to_pass[0]
    assert advice.comparison.zh == "平台建设投资额（可计入） 9,200,000.00 元 < 10,000,000.00 元"
    new = next(c for c in advice.changes if c.found.lever.kind == "new_item")
    assert new.found.by == 800000 and "other" not in new.codes  # `other` counts only up to 3% of the total
    assert new.text.zh.endswith("金额 800,000.00 元（场地租赁费用不计入）")


def test_service_area_short_by_half_a_square_metre(bundled_policy):
    doc = doc_with(service_area_m2=Decimal("999.5"))
    change, _ = change_for(bundled_policy, doc, "recognition.service_area", "service_area_m2")
    assert (change["by"], change["unit"]["zh"]) == ("0.5", "平方米")
    assert_exact(bundled_policy, doc, "recognition.service_area", change, FEN)
    assert brute_force(bundled_policy, doc, "recognition.service_area", "service_area_m2", FEN, 100) == 50


def test_staff_share_needs_one_more_researcher_or_five_fewer_staff(bundled_policy):
    doc = doc_with(staff={"total": 100, "rd_technical": 19, "tech_leader": True})
    more, rule = change_for(bundled_policy, doc, "recognition.staff", "staff.rd_technical")
    fewer, _ = change_for(bundled_policy, doc, "recognition.staff", "staff.total", "decrease")
    assert (more["by"], more["to"], more["unit"]["zh"]) == ("1", "20", "人")
    assert (fewer["by"], fewer["to"]) == ("5", "95")
    assert brute_force(bundled_policy, doc, "recognition.staff", "staff.rd_technical", 1, 10) == 1
    assert brute_force(bundled_policy, doc, "recognition.staff", "staff.total", 1, 10, direction=-1) == 5
    # the compound rule names the part that failed
    parts = rule["conditions"]["parts"]
    assert [p["outcome"] for p in parts] == ["pass", "pass", "fail"]
    assert parts[2]["zh"] == "科研技术人员数 ÷ 人员总数 ≥ 20%"


@pytest.mark.parametrize(
    ("field", "value", "rule_id", "steps"),
    [
        ("track_record.services_provided", 3, "recognition.track_record", 2),
        ("partner_cases", 0, "recognition.partners", 2),
    ],
)
def test_counts_need_whole_units(bundled_policy, field, value, rule_id, steps):
    doc = doc_with(**{field.replace(".", "__"): value})
    change, _ = change_for(bundled_policy, doc, rule_id, field)
    assert change["by"] == str(steps) and change["rule_passes"] is True
    assert brute_force(bundled_policy, doc, rule_id, field, 1, 10) == steps


def test_equipment_share_of_an_equipment_intensive_platform_needs_three_fen_of_equipment(bundled_policy):
    # equipment 599,999.99 of 1,000,000.00: 60% needs equipment >= 1.5 x decoration = 600,000.015
    doc = doc_with(
        platform={"industry": "biomedicine", "subsector": "生物药"},
        investment=[
            {"category": "equipment_hardware", "amount": Decimal("5999999.99")},
            {"category": "decoration", "amount": Decimal("4000000.01")},
        ],
    )
    change, rule = change_for(bundled_policy, doc, "recognition.equipment_share", "investment[0].amount")
    assert rule["conditions"]["join"] == "or"
    assert change["by"] == "0.03"
    assert_exact(bundled_policy, doc, "recognition.equipment_share", change, FEN)
    assert brute_force(bundled_policy, doc, "recognition.equipment_share", "investment[0].amount", FEN, 10) == 3
    less, _ = change_for(bundled_policy, doc, "recognition.equipment_share", "investment[1].amount", "decrease")
    assert brute_force(
        bundled_policy, doc, "recognition.equipment_share", "investment[1].amount", FEN, 10, direction=-1
    ) == int(Decimal(less["by"]) / FEN)


def test_an_expert_judgement_has_no_exact_answer_and_names_its_material(bundled_policy):
    doc = doc_with(expert_review={"satisfaction": False})
    record = bundled_policy.evaluate("recognition", doc)
    advice = explain(bundled_policy, record, doc).rules["recognition.satisfaction"].to_pass[0]
    assert not advice.exact and advice.reason is WHY_JUDGED and advice.evidence == ["expert_review.satisfaction"]


def test_an_unknown_part_asks_for_its_evidence_and_a_failed_part_beside_it_still_gets_its_change(bundled_policy):
    doc = doc_with(track_record={"services_provided": 3})  # convertible_results missing
    record = bundled_policy.evaluate("recognition", doc)
    e = explain(bundled_policy, record, doc).rules["recognition.track_record"]
    count, convertible = e.to_pass
    assert count.changes[0].found.by == 2 and count.changes[0].rule_passes is False  # the other part is undecided
    assert convertible.reason is WHY_UNKNOWN and convertible.evidence == ["track_record.convertible_results"]


def test_a_condition_that_changes_its_mind_has_no_exact_answer():
    lever = Lever("field", "x", NumberField(True, Decimal(1), Decimal(0), Decimal(100), None))
    window = search({"x": 0}, lever, 1, lambda d: 5 <= d["x"] <= 10, Budget({}))  # holds only in a window
    assert isinstance(window, NotFound) and window.reason == "not_monotone"
    found = search({"x": 0}, lever, 1, lambda d: d["x"] >= 37, Budget({}))
    assert isinstance(found, Found) and found.by == 37
    never = search({"x": 0}, lever, 1, lambda d: d["x"] > 100, Budget({}))
    assert isinstance(never, NotFound) and never.reason == "never"


def test_a_spent_budget_says_the_lever_was_not_searched(monkeypatch):
    monkeypatch.setattr(to_pass, "BUDGET", 3)
    lever = Lever("field", "x", NumberField(True, Decimal(1), Decimal(0), None, None))
    result = search({"x": 0}, lever, 1, lambda d: d["x"] >= 10**6, Budget({}))
    assert isinstance(result, NotFound) and result.reason == "not_searched"


def test_plain_evaluation_never_searches(bundled_policy, monkeypatch):
    def no_search(*args, **kwargs):
        raise AssertionError("searched")

    monkeypatch.setattr(explain_module, "search", no_search)
    doc = doc_with(service_area_m2=10)
    record = bundled_policy.evaluate("recognition", doc)
    assert record.rule("recognition.service_area").outcome == "fail"
    assert "to_pass" not in str(record.to_json())
    with pytest.raises(AssertionError, match="searched"):
        explain(bundled_policy, record, doc)
    assert explain(bundled_policy, record, doc, to_pass=False).rules["recognition.service_area"].to_pass == []


def test_the_docstring_examples_run():
    for module in (explain_module, wqpolicy.content_hash, wqpolicy.expression):
        found = doctest.testmod(module, extraglobs={"load_policy": wqpolicy.load_policy})
        assert found.attempted > 0 and found.failed == 0, module.__name__


def test_a_search_replayed_against_a_model_asks_what_asking_the_model_step_by_step_does():
    import random

    from wqpolicy.monotone import Model

    rng = random.Random(7)
    for _ in range(3000):
        limit = rng.choice([1, 2, 3, 5, 17, 1000, rng.randrange(1, 10**12)])
        at = rng.choice([1, 2, limit, limit + 1, rng.randrange(1, limit + 2)])
        ends = {k: rng.choice([True, False, None]) for k in {1, limit} if rng.random() < 0.3}
        model = Model(rng.random() < 0.7, at, ends)
        asked = 0

        def one_by_one(k, fault=False, model=model):
            nonlocal asked
            asked += 1
            held = model(k)
            return fault if held is None else held

        outcome, k, counted = to_pass._replay(model, limit)
        assert (outcome, k) == to_pass._steps(one_by_one, limit)[:2]
        assert counted == asked
