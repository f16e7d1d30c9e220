"""The JSON of a record is written by code generated once per decision (record._JsonWriter): it gives what the
generic functions give, rule by rule and output by output, for every input of the corpus, and a record that
crosses a process boundary writes the same JSON as before."""

from __future__ import annotations

import pickle

import pytest

from corpus import input_documents
from wqpolicy import WQError
from wqpolicy.record import DecisionRecord, _rule_json, render_value


def records(policy) -> list[DecisionRecord]:
    out = []
    for doc in input_documents():
        try:
            out.append(policy.evaluate(None, doc))
        except WQError:
            continue  # an input error case: no record
    return out


@pytest.fixture(scope="module")
def corpus_records(bundled_policy):
    return records(bundled_policy)


def generic_json(record: DecisionRecord) -> tuple[list, dict]:
    """The rules and outputs of ``record`` as the generic functions write them, one call per rule and output."""
    rules = [r.to_json() for r in record.rules]
    kinds = record.info.output_kinds
    outputs = {name: render_value(value, *kinds[name]) for name, value in record.outputs.items()}
    return rules, outputs


def test_the_generated_writer_gives_what_the_generic_functions_give_for_every_record(corpus_records):
    assert len(corpus_records) > 140
    assert {r.outcome for r in corpus_records} >= {"eligible", "ineligible", "needs_review"}
    for record in corpus_records:
        out = record.to_json()
        rules, outputs = generic_json(record)
        assert out["rules"] == rules, record.input_name
        assert list(out["outputs"].items()) == list(outputs.items())


def test_a_passed_rule_is_written_as_the_generic_function_writes_it(corpus_records):
    passed = 0
    for record in corpus_records:
        per_rule = [record.values[start:stop] for start, stop in record.info.value_spans]
        for info, outcome, values, written in zip(
            record.info.rules, record.outcomes, per_rule, record.to_json()["rules"]
        ):
            if outcome == "pass":
                passed += 1
                assert written == _rule_json(info, outcome, values)
    assert passed > 1000


def test_no_part_of_one_records_json_is_part_of_anothers(corpus_records):
    first, second = corpus_records[0].to_json(), corpus_records[0].to_json()
    assert first == second
    first["rules"][0]["label"]["zh"] = "changed"
    first["rules"][1]["values"].clear()
    assert corpus_records[0].to_json() == second


def test_a_record_read_back_from_pickle_writes_the_same_json(corpus_records):
    for record in corpus_records[:20]:
        again = pickle.loads(pickle.dumps(record))
        assert again.to_json() == record.to_json()


def test_outputs_not_in_the_runners_order_are_written_by_the_generic_function(corpus_records):
    record = corpus_records[0]
    names = list(record.outputs)
    shuffled = {name: record.outputs[name] for name in reversed(names)}
    changed = DecisionRecord(record.info, record.outcome, None, record.outcomes, record.values, shuffled)
    assert list(changed.to_json()["outputs"]) == list(reversed(names))
    assert changed.to_json()["outputs"] == record.to_json()["outputs"]
