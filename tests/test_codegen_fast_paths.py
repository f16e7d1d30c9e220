"""The fast paths of the generated code: a decision's runner gives a record for documents with fields missing or
of another type; and the inlined forms (a set for a list of texts, a sum that notes unknowns as it goes, division,
round to known places) give what they stand for."""

from __future__ import annotations

import collections
import copy
import datetime
from decimal import Decimal

import pytest

from conftest import EXAMPLES
from wqpolicy.errors import WQError
from wqpolicy.expression import evaluate_expression
from wqpolicy.functions import round_step
from wqpolicy.inputs import load_input
from wqpolicy.values import UNKNOWN, quantize

ODD_VALUES = [
    "x",
    [],
    {},
    None,
    0,
    Decimal("-1"),
    Decimal("0.5"),
    True,
    False,
    10**30,
    ["a"],
    datetime.date(2024, 2, 29),
]


@pytest.fixture(scope="module")
def policy(bundled_policy):
    return bundled_policy


def _examples(policy):
    """(decision, prepared document) for every example, recognition's also as a filing."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        raw = load_input(path)[0]
        for decision in [raw["decision"]] + (["filing"] if raw["decision"] == "recognition" else []):
            yield decision, policy.inputs[decision].prepare(raw)


def _paths(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield path + (k,)
            yield from _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield path + (i,)
            yield from _paths(v, path + (i,))


def _mutated(doc):
    """``doc`` with each field, in turn, removed or replaced by a value of another type."""
    for path in _paths(doc):
        if path == ("decision",):
            continue
        for value in ["<removed>", *ODD_VALUES]:
            d = copy.deepcopy(doc)
            parent = d
            for k in path[:-1]:
                parent = parent[k]
            if value == "<removed>":
                del parent[path[-1]]
            else:
                parent[path[-1]] = copy.deepcopy(value)
            yield d


def _everything(record) -> tuple:
    """All a record says, raw values included (a JSON form alone would hide 0 against 0.00 or int against
    Decimal)."""
    rules = [(r.id, r.outcome, r.error, repr(r.values), r.missing, r.message) for r in record.rules]
    return (
        record.to_json(),
        repr(record.outputs),
        record.output_errors,
        record.outcome_error,
        rules,
        record.rule_outcomes(),
    )


def test_documents_with_fields_missing_or_of_another_type_give_records_not_exceptions(policy):
    checked = faults = unknowns = 0
    for decision, doc in _examples(policy):
        compiled = policy.decisions[decision]
        for mutated in _mutated(doc):
            fast = compiled.run(mutated)
            _everything(fast)
            assert (fast.outcome == "error") == bool(fast.faults)
            checked += 1
            faults += "error" in fast.rule_outcomes().values() or bool(fast.output_errors)
            unknowns += "unknown" in fast.rule_outcomes().values()
    assert checked > 3000 and faults > 100 and unknowns > 100  # the mutations reach faults and unknowns both


def test_a_fault_in_a_definition_is_placed_at_that_definition(policy):
    doc = policy.inputs["recognition"].prepare(load_input(EXAMPLES / "recognition.yaml")[0])
    doc["finances"][0]["revenue"] = []  # not 0, so the guard lets it through; empty, so the division faults
    compiled = policy.decisions["recognition"]
    fast = compiled.run(doc)
    assert fast.rule("recognition.rd_intensity").outcome == "error"
    assert fast.rule("recognition.rd_intensity").error.startswith("division by zero at ")
    source = (EXAMPLES.parent / "policies" / "wuqing-five-platforms" / "2021-trial.yaml").read_text(encoding="utf-8")
    line, text = next((n, t) for n, t in enumerate(source.splitlines(), 1) if "f.rd_expense / f.revenue" in t)
    assert fast.rule("recognition.rd_intensity").error.endswith(f"2021-trial.yaml:{line}:{text.index('/ f.') + 1}")
    assert fast.output_errors == {"rd_intensity": fast.rule("recognition.rd_intensity").error}
    assert fast.outcome == "error"  # fails closed


def test_a_document_that_is_not_a_plain_dict_gives_the_same_record(policy):
    doc = policy.inputs["recognition"].prepare(load_input(EXAMPLES / "recognition.yaml")[0])
    compiled = policy.decisions["recognition"]
    ordered = collections.OrderedDict(doc)
    assert _everything(compiled.run(ordered)) == _everything(compiled.run(doc))
    assert compiled.run(doc).outcome == "eligible"
    assert compiled.run(doc).outputs["supply_subsidy_total"] == Decimal("3682950.00")


def test_the_runner_leaves_every_value_it_computed_for_the_rule_values_read_later(policy):
    doc = policy.inputs["recognition"].prepare(load_input(EXAMPLES / "recognition.yaml")[0])
    record = policy.decisions["recognition"].run(doc)
    assert record.rule("recognition.investment").values == {
        "eligible_investment": Decimal("12276500.0000"),
        "min_investment": Decimal("10000000"),
    }
    assert record.rule("recognition.equipment_share").values["equipment_intensive"] is True


def test_the_generated_source_is_there_to_read(policy):
    source = "\n".join(policy.decisions["recognition"].source)
    assert "def run" in source and "cache.setdefault(" in source


def test_membership_in_a_list_of_texts_is_exact_for_values_that_are_not_text():
    texts = {"xs": ["a", "b"]}
    assert evaluate_expression('"a" in ["a", "b"]') is True
    assert evaluate_expression("y in xs", {**texts, "y": "b"}) is True
    assert evaluate_expression("y in xs", {**texts, "y": "c"}) is False
    assert evaluate_expression("y not in xs", {**texts, "y": "c"}) is True
    assert evaluate_expression("y in xs", {**texts}, missing=["y"]) is UNKNOWN


def test_membership_of_a_list_in_a_parameter_list_of_texts_is_false_not_a_fault(policy):
    doc = policy.inputs["recognition"].prepare(load_input(EXAMPLES / "recognition.yaml")[0])
    doc["investment"][0]["category"] = ["equipment_hardware"]  # unhashable: a set would raise, the list says no
    record = policy.decisions["recognition"].run(doc)
    assert record.rule("recognition.investment").values["eligible_investment"] == Decimal("3830500.0000")
    assert record.rule("recognition.investment").outcome == "fail"


def test_a_sum_over_an_item_that_is_not_a_number_faults_as_the_plain_loop_does_unless_another_is_unknown(policy):
    doc = policy.inputs["recognition"].prepare(load_input(EXAMPLES / "recognition.yaml")[0])
    doc["investment"][1]["amount"] = "x"
    compiled = policy.decisions["recognition"]
    rule = compiled.run(doc).rule("recognition.investment")
    assert rule.outcome == "error"
    assert rule.error.startswith("TypeError: unsupported operand type(s) for +=: 'decimal.Decimal' and 'str' at ")
    del doc["investment"][2]["amount"]  # an unknown item makes the sum unknown before any adding
    assert compiled.run(doc).rule("recognition.investment").outcome == "unknown"
    assert compiled.run(doc).rule("recognition.investment").error is None


def test_the_aggregates_that_note_unknowns_as_they_go_give_what_the_builtins_give():
    assert evaluate_expression("sum(i.a for i in xs)", {"xs": [{"a": 1}, {"a": Decimal("2.5")}]}) == Decimal("3.5")
    assert evaluate_expression("sum(i.a for i in xs)", {"xs": [{"a": 1}, {"b": 2}]}) is UNKNOWN
    assert evaluate_expression("sum(i.a for i in xs if i.b)", {"xs": [{"a": 1, "b": True}, {"a": 2}]}) is UNKNOWN
    assert evaluate_expression("sum(i.a for i in xs if i.b)", {"xs": [{"a": 1, "b": True}, {"a": 2, "b": False}]}) == 1
    assert evaluate_expression("mean(i.a for i in xs)", {"xs": [{"a": 1}, {"a": 2}]}) == Decimal("1.5")
    assert evaluate_expression("mean(i.a for i in xs)", {"xs": []}) is UNKNOWN
    assert evaluate_expression("count(i.a for i in xs if i.a > 1)", {"xs": [{"a": 1}, {"a": 2}, {"a": 3}]}) == 2
    assert evaluate_expression("max(i.a for i in xs)", {"xs": [{"a": 1}, {"b": 2}]}) is UNKNOWN
    assert evaluate_expression("any(i.a > 1 for i in xs)", {"xs": [{"a": 2}, {"b": 2}]}) is True


@pytest.mark.parametrize("func", ["sum", "mean"])
def test_a_sum_or_mean_over_a_text_faults_with_the_builtins_own_message(func):
    """The generated loop sums in C; a text among the items goes to the builtin, which faults with `+=`."""
    with pytest.raises(WQError, match=r"unsupported operand type\(s\) for \+=: 'decimal.Decimal' and 'str'"):
        evaluate_expression(f"{func}(i.a for i in xs)", {"xs": [{"a": 1}, {"a": "x"}]})
    assert evaluate_expression(f"{func}(i.a for i in xs)", {"xs": [{"a": "x"}, {"b": 1}]}) is UNKNOWN
    assert evaluate_expression(f"{func}(i.a for i in xs)", {"xs": [{"a": 2}, {"a": Decimal("0.5")}]}) == (
        Decimal("2.5") if func == "sum" else Decimal("1.25")
    )


def test_division_and_rounding_stay_exact_decimal_and_a_zero_divisor_faults():
    assert evaluate_expression("a / b", {"a": 1, "b": 3}) == Decimal(1) / Decimal(3)
    assert type(evaluate_expression("a / 4", {"a": 1})) is Decimal
    assert evaluate_expression("a / 4", {"a": 1}) == Decimal("0.25")
    assert evaluate_expression("round(a, 2)", {"a": Decimal("2.675")}) == Decimal("2.68")
    assert evaluate_expression("round(a, 0)", {"a": Decimal("-2.5")}) == Decimal("-3")
    # the step rounded to keeps its own exponent, even beside an equal constant written with another
    assert str(evaluate_expression("0.010 + round(a, 2)", {"a": Decimal("1.2345")})) == "1.240"
    assert evaluate_expression("min(a, b)", {"a": 2, "b": Decimal("1.5")}) == Decimal("1.5")
    with pytest.raises(WQError) as e:
        evaluate_expression("a / b", {"a": 1, "b": 0})
    assert (e.value.diagnostics[0].code, e.value.diagnostics[0].span.col) == ("WQ-EVAL", 3)
    with pytest.raises(WQError) as e:
        evaluate_expression("round(a, 13)", {"a": 1})
    assert e.value.diagnostics[0].code == "WQ-EVAL"


@pytest.mark.parametrize("places", [0, 2, 5, 12])
def test_round_in_place_gives_what_quantize_gives_at_every_size(places):
    """round(x, places) rounds a Decimal in place when its digits fit the context; at and past that bound (and for
    an int) values.quantize does it, in a context wide enough: the same figure either way."""
    step = round_step(places)
    for exponent in range(20, 40):
        for x in (Decimal(10) ** exponent - Decimal("0.005"), Decimal("9.995") * Decimal(10) ** exponent, 10**exponent):
            for value in (x, -x):
                got = evaluate_expression(f"round(x, {places})", {"x": value})
                assert got == quantize(value, step, "ROUND_HALF_UP") and str(got) == str(
                    quantize(value, step, "ROUND_HALF_UP")
                ), (places, value)
