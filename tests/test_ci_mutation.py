"""`wqpolicy test --mutate`: small changes to the policy that the cases should notice. On the demo policy
(tests/fixtures/ci) the 17 mutants are listed by hand and the five demo cases kill them all; a corpus that misses
one boundary lets exactly the mutant at that boundary survive. The bundled corpus scores what the README says."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, run
from wqpolicy.ci import mutation
from wqpolicy.ci.mutants import apply, mutants
from wqpolicy.ci.mutation import MutantResult, run_mutation, to_json
from wqpolicy.ci.sites import policy_map
from wqpolicy.library import Library
from wqpolicy.policy import Policy

FIXTURE = ROOT / "tests" / "fixtures" / "ci"
POLICY = FIXTURE / "policy"

DEMO_MUTANTS = [  # worked out by hand from tests/fixtures/ci/policy/ci-demo.yaml
    ("parameter min_staff -1", "threshold"),
    ("parameter min_staff +1", "threshold"),
    ("parameter min_cost -1", "threshold"),
    ("parameter min_cost +1", "threshold"),
    ("parameter grant_ratio -1", "ratio"),
    ("parameter grant_ratio +1", "ratio"),
    ("parameter grant_cap -1", "cap"),
    ("parameter grant_cap +1", "cap"),
    ("operator rule grant.staff 41:20 >=→>", "operator"),
    ("operator rule grant.cost 46:20 >=→>", "operator"),
    ("operator outcome grant 49:16 >→>=", "operator"),
    ("operator outcome grant 50:16 >→>=", "operator"),
    ("rule grant.staff removed", "rule"),
    ("rule grant.cost removed", "rule"),
    ("code equipment moved eligible_categories→excluded_categories", "category"),
    ("code software moved eligible_categories→excluded_categories", "category"),
    ("code land moved excluded_categories→eligible_categories", "category"),
]


def demo_cases(tmp_path: Path, gap: bool = False) -> Path:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE / "cases", cases)
    if gap:  # the case one fen below the investment threshold moved far below it
        below = cases / "cost_one_fen_below.yaml"
        below.write_text(below.read_text(encoding="utf-8").replace("amount: 499999.99", "amount: 300000"), "utf-8")
    return cases


@pytest.fixture(scope="module")
def demo_version():
    return Library([POLICY]).build("ci-demo", "v1")


def test_the_mutants_of_the_demo_policy_are_found_not_listed(demo_version):
    found = mutants(policy_map(demo_version))
    assert [(m.id, m.kind) for m in found] == DEMO_MUTANTS
    by_id = {m.id: m for m in found}
    assert by_id["parameter min_cost -1"].words.en == (
        "parameter min_cost: 500,000 → 499,999.99 (one unit down, 0.01 yuan (one fen))"
    )
    assert by_id["parameter grant_ratio +1"].words.en.startswith("parameter grant_ratio: 20% → 20.01%")
    assert by_id["parameter min_cost -1"].clause == "2"
    assert by_id["rule grant.cost removed"].decisions == frozenset({"grant"})


def test_a_mutant_changes_only_what_it_says(demo_version):
    (flip,) = [m for m in mutants(policy_map(demo_version)) if m.id.startswith("operator rule grant.staff")]
    mutated = Policy(apply(demo_version, flip.change), [])
    original = Policy(demo_version, [])
    at, above = {"staff": 10, "items": []}, {"staff": 11, "items": []}
    assert original.evaluate("grant", at).rule("grant.staff").outcome == "pass"
    assert mutated.evaluate("grant", at).rule("grant.staff").outcome == "fail"  # 10 > 10 is false
    assert mutated.evaluate("grant", above).rule("grant.staff").outcome == "pass"
    assert demo_version.decisions["grant"].rules[0].condition.node.op == ">="  # the original is untouched
    moved = next(m for m in mutants(policy_map(demo_version)) if m.id.startswith("code land"))
    params = apply(demo_version, moved.change).parameters
    assert params["eligible_categories"].value == ["equipment", "software", "land"]
    assert params["excluded_categories"].value == []


def test_a_corpus_that_notices_every_mutant_scores_100(tmp_path):
    tests, report = run_mutation([demo_cases(tmp_path)], policy_dirs=[POLICY], jobs=1)
    assert tests.failed == 0
    assert [(m.id, r.status) for _, m, r in report.mutants] == [(i, "killed") for i, _ in DEMO_MUTANTS]
    assert report.score == Decimal("100.0") and report.survivors == []
    killers = {m.id: r.case for _, m, r in report.mutants}
    assert Path(killers["parameter min_cost -1"]).name == "cost_one_fen_below.yaml"  # the one case at that boundary


def test_a_corpus_that_misses_one_boundary_lets_exactly_that_mutant_survive(tmp_path):
    _, report = run_mutation([demo_cases(tmp_path, gap=True)], policy_dirs=[POLICY], jobs=1)
    assert [m.id for _, m, _ in report.survivors] == ["parameter min_cost -1"]
    assert report.score == Decimal("94.1")  # 16 of 17, cut to one decimal
    (_, survivor, _), *_ = report.survivors
    assert survivor.suggestion.en == "add a case where `eligible_cost` = 499,999.99 (rule grant.cost ci-demo.yaml:46)"
    assert survivor.clause == "2"


def test_workers_in_processes_give_what_one_process_gives(tmp_path):
    cases = demo_cases(tmp_path, gap=True)
    _, one = run_mutation([cases], policy_dirs=[POLICY], jobs=1)
    _, two = run_mutation([cases], policy_dirs=[POLICY], jobs=2)
    assert [(m.id, r) for _, m, r in two.mutants] == [(m.id, r) for _, m, r in one.mutants]


_PARENT = os.getpid()
_REAL_TRY = mutation._try


def dying_try(ref, mutant):
    """A worker that dies at its first mutant (killed, out of memory); in the parent, the real thing."""
    if os.getpid() != _PARENT:
        os._exit(1)
    return _REAL_TRY(ref, mutant)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the workers are forked with the patch only here")
def test_a_worker_that_dies_leaves_the_run_to_this_process(tmp_path, monkeypatch):
    cases = demo_cases(tmp_path, gap=True)
    monkeypatch.setattr(mutation, "_try", dying_try)
    _, report = run_mutation([cases], policy_dirs=[POLICY], jobs=2)
    assert [m.id for _, m, _ in report.survivors] == ["parameter min_cost -1"]
    assert report.count("killed") == 16


def test_mutants_and_their_results_are_plain_picklable_data(demo_version):
    for m in mutants(policy_map(demo_version)):
        assert pickle.loads(pickle.dumps(m)) == m
    result = MutantResult("x", "killed", "a.yaml", "outcome: eligible → ineligible")
    assert pickle.loads(pickle.dumps(result)) == result


def test_the_mutation_json_follows_its_schema(tmp_path):
    _, report = run_mutation([demo_cases(tmp_path, gap=True)], policy_dirs=[POLICY], jobs=1)
    data = json.loads(json.dumps(to_json(report)))
    schema = json.loads((ROOT / "schemas" / "mutation.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    assert list(v.iter_errors(data)) == []
    assert (data["score"], data["killed"], data["survived"]) == (94.1, 16, 1)
    assert list(v.iter_errors({**data, "score": 101}))


def test_fail_under_and_the_markdown_summary(tmp_path, monkeypatch):
    demo_cases(tmp_path, gap=True)
    shutil.copytree(POLICY, tmp_path / "policy")
    monkeypatch.chdir(tmp_path)
    args = ("test", "cases", "--policies", "policy", "--mutate", "--jobs", "1")
    ok = run(*args, "--fail-under", "94")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.splitlines()[0] == "变异得分 Mutation score: 94.1%（16 个被发现 killed，1 个未被发现 survived）"
    low = run(*args, "--fail-under", "100", "--format", "md")
    assert low.exit_code == 1
    assert low.stdout.startswith("## 变异得分 Mutation score: 94.1%")
    assert "| 2 | 参数 min_cost：500,000 → 499,999.99" in low.stdout
    assert low.stderr.splitlines()[-1] == "变异得分 mutation score 94.1% 低于 is below --fail-under 100%"


def test_the_bundled_corpus_kills_every_mutant_as_the_readme_says():
    tests, report = run_mutation([ROOT / "tests" / "cases"], jobs=2)
    assert tests.failed == 0
    assert report.count("invalid") == 0
    assert [m.id for _, m, _ in report.survivors] == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"mutation score of ([0-9.]+)% \((\d+) of (\d+) mutants killed\)", readme)
    assert stated is not None
    assert (Decimal(stated.group(1)), int(stated.group(2)), int(stated.group(3))) == (
        report.score,
        report.count("killed"),
        len(report.mutants),
    )
