"""A decision record is plain data of its own: it keeps copies of what each rule read, never a reference to the
caller's document, the evaluation's cache or compiled code; it is frozen, pickles and compares by value, so it can
cross a thread or a process boundary and come back the same."""

from __future__ import annotations

import concurrent.futures
import copy
import dataclasses
import gc
import json
import multiprocessing
import pickle
import sys
import types
from pathlib import Path

import pytest

from wqpolicy import UNKNOWN, load_policy
from wqpolicy.inputs import load_input

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
REF = "wuqing-five-platforms@2021-trial"


@pytest.fixture(scope="module")
def policy():
    return load_policy(REF)


def documents() -> list[dict]:
    """Every example, and variants of them: fields left out (unknowns, missing inputs) and a date past the
    calendar (faults: the outcome `error`)."""
    docs = [load_input(p)[0] for p in EXAMPLES]
    partial = copy.deepcopy(load_input(ROOT / "examples" / "recognition.yaml")[0])
    del partial["expert_review"]["satisfaction"], partial["finances"][0]["rd_expense"]
    far = copy.deepcopy(load_input(ROOT / "examples" / "demand_subsidy.yaml")[0])
    far["year"], far["purchaser"]["settled_on"] = 9999, "9999-12-30"
    far["purchases"][0]["used_on"] = "9999-12-31"  # its settlement window would end past 9999-12-31
    return docs + [partial, far]


def _json(record) -> str:
    return json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True)


def test_changing_the_document_after_evaluation_changes_nothing_in_the_record(policy):
    doc = load_input(ROOT / "examples" / "recognition.yaml")[0]
    record = policy.evaluate(None, doc)
    before = _json(record)
    doc["platform"]["industry"] = "other_industry"
    doc["platform"]["functions"].append("marketing")
    doc["platform"]["functions"].clear()
    doc["investment"][0]["amount"] = 1
    doc["finances"].append({"year": 2024, "revenue": 1, "rd_expense": 0})
    doc["expert_review"].clear()
    assert record.rule("filing.industry").values["platform.industry"] == "biomedicine"
    assert record.rule("filing.services").values["platform.functions"] == [
        "rd_design",
        "pilot_testing",
        "general_manufacturing",
        "marketing",
    ]
    assert record.rule("filing.industry").outcome == "pass" and record.outcome == "eligible"
    assert _json(record) == before


def test_an_output_that_is_an_input_list_is_the_records_own_copy():
    policy = load_policy(str(ROOT / "tests" / "fixtures" / "faults" / "policy.yaml"))
    doc = {"decision": "grant", "costs": 100, "staff": 2, "lines": [{"amount": 60, "note": "rent"}]}
    record = policy.evaluate(None, doc)
    before = _json(record)
    doc["lines"][0]["amount"] = 5
    doc["lines"].append({"amount": 1})
    assert record.outputs["lines"] == [{"amount": 60, "note": "rent"}]
    assert _json(record) == before


def _reachable(root) -> list:
    """Every object reachable from ``root`` through containers and instances, classes and modules left out."""
    seen, out, stack = set(), [], [root]
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, (type, types.ModuleType)):
            continue
        seen.add(id(o))
        out.append(o)
        stack.extend(gc.get_referents(o))
    return out


def test_a_record_refers_to_no_part_of_the_document_no_cache_and_no_code(policy):
    doc = load_input(ROOT / "examples" / "recognition.yaml")[0]
    doc["platform"]["functions"] = list(doc["platform"]["functions"])
    containers = {id(x) for x in _reachable(doc) if isinstance(x, (dict, list))}
    record = policy.evaluate(None, doc)
    record.rules, record.to_json()  # built on demand: those count too
    found = _reachable(record)
    assert not [x for x in found if id(x) in containers]
    assert not [x for x in found if isinstance(x, (types.FunctionType, types.CodeType, types.MethodType))]


def test_a_record_is_frozen(policy):
    record = policy.evaluate("filing", {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.outcome = "eligible"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.rules[0].outcome = "pass"  # type: ignore[misc]


def test_every_record_pickles_and_reads_back_equal(policy):
    records = [policy.evaluate(None, doc, input_name="x.yaml") for doc in documents()]
    assert {"eligible", "needs_review", "error"} <= {r.outcome for r in records}
    for record in records:
        again = pickle.loads(pickle.dumps(record))
        assert again == record
        assert _json(again) == _json(record)
        assert [r.values for r in again.rules] == [r.values for r in record.rules]
        assert again.missing() == record.missing() and again.faults == record.faults
    unknown = pickle.loads(pickle.dumps(policy.evaluate("filing", {})))
    assert unknown.rule("filing.entity").values["applicant.registered_in_wuqing"] is UNKNOWN


def test_a_faulted_record_pickles_with_its_structured_faults(policy):
    doc = load_input(ROOT / "examples" / "recognition.yaml")[0]
    doc = policy.inputs["recognition"].prepare(doc)
    doc["finances"][0]["revenue"] = []  # not 0, so the guard lets it through: the division faults
    record = policy.decisions["recognition"].run(doc)
    assert record.outcome == "error" and record.faults
    again = pickle.loads(pickle.dumps(record))
    assert again == record
    assert [(d.code, d.subject, d.span) for d in again.faults] == [(d.code, d.subject, d.span) for d in record.faults]


def test_records_made_in_two_threads_are_those_made_in_one(policy):
    docs = documents() * 20
    alone = [_json(policy.evaluate(None, d)) for d in docs]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(lambda d: _json(policy.evaluate(None, d)), docs))
    assert together == alone


_WORKER_POLICY = None


def _evaluate_in_worker(doc: dict):
    """In a worker process: the record of ``doc`` under the policy loaded there (once)."""
    global _WORKER_POLICY
    if _WORKER_POLICY is None:
        _WORKER_POLICY = load_policy(REF)
    return _WORKER_POLICY.evaluate(None, doc, input_name="doc.yaml")


def test_records_made_in_two_processes_cross_back_equal(policy):
    docs = documents()
    here = [policy.evaluate(None, d, input_name="doc.yaml") for d in docs]
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context(method)) as pool:
        there = list(pool.map(_evaluate_in_worker, docs))
    assert there == here
    assert [_json(r) for r in there] == [_json(r) for r in here]
