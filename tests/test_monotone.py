"""A search for what it takes to pass that is given a proven answer (monotone.py) finds exactly what the search
point by point finds — the same change or the same reason there is none, and the same budget left — for every
lever of every rule that fails or is undecided, over the corpus and a few hundred varied applications; it asks the
evaluator a handful of times instead of dozens; and what is not proven (a figure divided by, a figure that reaches
a condition's edge, items moving both ways) is searched point by point as before."""

from __future__ import annotations

import copy
import random
from decimal import Decimal

import pytest

from corpus import input_documents
from wqpolicy import WQError
from wqpolicy.explain import _evaluator, _prover, _shape
from wqpolicy.levers import LeverFinder
from wqpolicy.phrasing import Phrasing
from wqpolicy.to_pass import Budget, search
from wqpolicy.vocabulary import vocabulary


def searches(policy, doc, budget_size=None):
    """(rule id, lever path, direction, the search's result with the proof, without it, budget left with and
    without, evaluations with and without) for each lever of each part that does not hold."""
    record = policy.evaluate(None, doc)
    name = record.decision
    prepared = policy.inputs[name].prepare(doc if "decision" in doc else {"decision": name, **doc})
    vocab = vocabulary(policy, name)
    finder = LeverFinder(vocab)
    rules = {r.id: r for r in policy.model.decisions[name].rules}
    out = []
    for result in record.rules:
        if str(result.outcome) not in ("fail", "unknown"):
            continue
        rule = rules[result.id]
        evaluate, prover = _evaluator(policy, name, rule), _prover(policy, name, rule)
        shape = _shape(policy, name, rule, Phrasing(vocab))
        for node in shape.nodes:
            levers = finder.levers(finder.reads(node), prepared)
            for lever in levers:
                for direction in (1,) if lever.kind == "new_item" else (1, -1):
                    counts = [0, 0]
                    budgets = [Budget(prepared), Budget(prepared)]
                    if budget_size is not None:
                        for b in budgets:
                            b._left = budget_size

                    def holds(d, which, node=node, evaluate=evaluate, counts=counts):
                        counts[which] += 1
                        return evaluate(node, d) is True

                    def prove(doc_at, figure_at, lever, direction, limit, node=node, prover=prover):
                        return prover.threshold(node, doc_at, figure_at, lever, direction, limit, lambda d: holds(d, 0))

                    proven = search(prepared, lever, direction, lambda d: holds(d, 0), budgets[0], prove)
                    plain = search(prepared, lever, direction, lambda d: holds(d, 1), budgets[1])
                    out.append(
                        (result.id, lever.path, direction, proven, plain, budgets[0].left, budgets[1].left, *counts)
                    )
    return out


def varied(n: int) -> list[dict]:
    """Recognition applications made from the corpus's: figures scaled up and down, to zero, lines added."""
    r = random.Random(7)
    bases = [d for d in input_documents() if d.get("decision") == "recognition"]
    out = []
    while len(out) < n:
        doc = copy.deepcopy(r.choice(bases))
        for item in doc.get("finances") or []:
            for key in ("revenue", "rd_expense"):
                if isinstance(item.get(key), (int, Decimal)) and r.random() < 0.5:
                    item[key] = (Decimal(item[key]) * Decimal(r.choice([0, 50, 90, 99, 101, 150])) / 100).quantize(
                        Decimal("0.01")
                    )
        for item in doc.get("investment") or []:
            if isinstance(item.get("amount"), (int, Decimal)) and r.random() < 0.5:
                item["amount"] = (Decimal(item["amount"]) * Decimal(r.choice([0, 60, 95, 120])) / 100).quantize(
                    Decimal("0.01")
                )
        staff = doc.get("staff")
        if isinstance(staff, dict) and r.random() < 0.5:
            staff["total"] = r.choice([0, 1, 5, 50, 100])
            staff["rd_technical"] = r.randrange(0, 30)
        out.append(doc)
    return out


@pytest.fixture(scope="module")
def all_searches(bundled_policy):
    found = []
    for doc in input_documents() + varied(150):
        try:
            found += searches(bundled_policy, doc)
        except WQError:
            continue  # an input error case: no record
    return found


def test_a_proven_search_finds_what_the_search_point_by_point_finds(all_searches):
    assert len(all_searches) > 1000
    for rule, path, direction, proven, plain, left_proven, left_plain, _, _ in all_searches:
        assert proven == plain, (rule, path, direction)
        assert left_proven == left_plain, (rule, path, direction)


def test_most_searches_are_proven_and_ask_the_evaluator_a_handful_of_times(all_searches):
    proven = [s for s in all_searches if s[7] <= 12]
    assert len(proven) > 0.7 * len(all_searches)
    assert sum(s[7] for s in all_searches) < 0.4 * sum(s[8] for s in all_searches)
    results = {type(s[3]).__name__ + ":" + getattr(s[3], "reason", "found") for s in proven}
    assert {"Found:found", "NotFound:never"} <= results


def test_a_search_that_runs_out_of_budget_runs_out_where_it_would(bundled_policy):
    doc = next(d for d in input_documents() if d.get("decision") == "recognition" and d.get("finances"))
    doc = copy.deepcopy(doc)
    doc["finances"][0]["rd_expense"] = 1
    for size in (0, 1, 5, 30, 45, 70):
        for rule, path, direction, proven, plain, left_proven, left_plain, _, _ in searches(bundled_policy, doc, size):
            assert proven == plain and left_proven == left_plain, (size, rule, path, direction)


def test_a_figure_that_reaches_zero_at_the_end_of_its_range_is_proven_with_that_end_evaluated(bundled_policy):
    # fewer staff: the share divides by the figure, which reaches zero at the last step only
    doc = {"decision": "recognition", "staff": {"total": 100, "rd_technical": 19, "tech_leader": True}}
    found = {(s[1], s[2]): s for s in searches(bundled_policy, doc)}
    fewer = found[("staff.total", -1)]
    assert fewer[3] == fewer[4] and fewer[7] < fewer[8]
    more = found[("staff.rd_technical", 1)]
    assert more[3] == more[4] and more[7] < more[8]


def test_what_is_not_proven_is_searched_point_by_point(bundled_policy):
    # a line of the `other` category counts in the eligible total and in the capped `other` part: both move
    doc = {
        "decision": "recognition",
        "investment": [
            {"category": "equipment_hardware", "amount": 9000000},
            {"category": "other", "amount": 100000},
        ],
    }
    found = {(s[1], s[2]): s for s in searches(bundled_policy, doc)}
    other = found[("investment[1].amount", 1)]
    assert other[3] == other[4] and other[7] == other[8] > 12  # searched: as many evaluations either way
