"""`wqpolicy test` and `wqpolicy check` in the formats CI systems read: JUnit XML (read back with junitparser),
GitHub workflow commands and TAP 13 (checked line by line), JSON (against schemas/test.schema.json); text stays the
default and ends with `N passed, N failed`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from junitparser import Error, Failure, JUnitXml

from conftest import ROOT, run
from wqpolicy.ci.formats import github_command
from wqpolicy.source import Span

FIXTURE = ROOT / "tests" / "fixtures" / "ci"
POLICY = FIXTURE / "policy"


def schema(name: str) -> jsonschema.Draft202012Validator:
    data = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return jsonschema.Draft202012Validator(data)


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    """The demo corpus with one case made to fail (its grant expected 100,000.01: line 16, col 21, the first
    character inside the quotes), one whose version does not exist, and one file that is not YAML; run from
    tmp_path, so paths are relative."""
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE / "cases", cases)
    at = cases / "at_the_thresholds.yaml"
    at.write_text(at.read_text(encoding="utf-8").replace('grant: "100000.00"', 'grant: "100000.01"'), "utf-8")
    lost = cases / "zz_no_such_version.yaml"
    lost.write_text(
        (cases / "nothing_declared.yaml")
        .read_text(encoding="utf-8")
        .replace("policy: ci-demo\n", "policy: ci-demo\nversion: v9\n"),
        "utf-8",
    )
    (cases / "zz_broken.yaml").write_text("description: [unclosed\n", "utf-8")
    shutil.copytree(POLICY, tmp_path / "policy")
    monkeypatch.chdir(tmp_path)
    return cases


def run_test(*args: object):
    return run("test", "cases", "--policies", "policy", *args)


def test_text_stays_the_default_and_ends_with_the_count(corpus):
    r = run_test()
    assert r.exit_code == 1
    assert r.stdout.splitlines()[-1] == "4 passed, 3 failed"
    assert run_test("--format", "text").stdout == r.stdout


def test_junit_has_a_testcase_per_case_file_and_failures_carry_expected_and_actual(corpus):
    r = run_test("--format", "junit")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-1] == "4 passed, 3 failed"
    xml = JUnitXml.fromstring(r.stdout.encode("utf-8"))
    cases = {case.name: case for suite in xml for case in suite}
    assert sorted(cases) == sorted(f"cases/{p.name}" for p in corpus.glob("*.yaml"))
    assert (xml.tests, xml.failures, xml.errors) == (7, 1, 2)
    failed = cases["cases/at_the_thresholds.yaml"]
    (result,) = failed.result
    assert isinstance(result, Failure)
    assert "应为 expected 100000.01, 实际 got 100000.00" in result.text
    assert "output grant" in result.text and "(cases/at_the_thresholds.yaml:16)" in result.text
    assert failed.classname == "wqpolicy.grant"
    assert all(isinstance(r, Error) for r in cases["cases/zz_broken.yaml"].result)
    assert isinstance(cases["cases/zz_no_such_version.yaml"].result[0], Error)
    assert cases["cases/capped_with_land.yaml"].is_passed


def test_github_annotations_put_each_miss_on_the_line_of_its_expectation(corpus):
    r = run_test("--format", "github")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert lines[0] == (
        "::error file=cases/at_the_thresholds.yaml,line=16,col=21,title=wqpolicy test%3A 用例未通过 case failed::"
        "output grant: 应为 expected 100000.01, 实际 got 100000.00 — [ci-demo@v1] Staff and eligible investment "
        "exactly at their thresholds: eligible, 20%25 grant below the cap."  # % escaped as a workflow command wants
    )
    assert lines[1].startswith("::error file=cases/zz_no_such_version.yaml,line=5,col=10,title=wqpolicy test%3A")
    assert "has no version `v9`" in lines[1]
    assert lines[2].startswith("::error file=cases/zz_broken.yaml,line=2,col=1,title=wqpolicy test%3A")
    assert lines[3:] == ["4 passed, 3 failed"]


def test_github_commands_escape_what_would_end_them():
    span = Span("a:b,c.yaml", 3, 4)
    assert github_command("error", "50% done\nnext", span, "t: x, y") == (
        "::error file=a%3Ab%2Cc.yaml,line=3,col=4,title=t%3A x%2C y::50%25 done%0Anext"
    )
    assert github_command("warning", "no place") == "::warning::no place"


def test_tap_is_version_13_with_a_yaml_block_for_each_failure(corpus):
    r = run_test("--format", "tap")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert lines[:2] == ["TAP version 13", "1..7"]
    assert lines[2] == (
        "not ok 1 - cases/at_the_thresholds.yaml [ci-demo@v1] — Staff and eligible investment exactly at their "
        "thresholds: eligible, 20% grant below the cap."
    )
    end = lines.index("  ...")
    assert lines[3] == "  ---"
    block = yaml.safe_load("\n".join(line[2:] for line in lines[4:end]))
    assert block["severity"] == "fail" and block["at"] == {"file": "cases/at_the_thresholds.yaml", "line": 16}
    assert block["mismatches"] == [{"what": "output grant", "expected": "100000.01", "got": "100000.00", "line": 16}]
    points = [line for line in lines if line.startswith(("ok ", "not ok "))]
    assert [p.split(" - ")[0] for p in points] == [
        "not ok 1",
        "ok 2",
        "ok 3",
        "ok 4",
        "ok 5",
        "not ok 6",
        "not ok 7",
    ]
    assert lines[-1] == "# 4 passed, 3 failed"


def test_tap_escapes_a_hash_in_a_description(tmp_path, monkeypatch):
    shutil.copytree(POLICY, tmp_path / "policy")
    case = tmp_path / "case.yaml"
    text = (FIXTURE / "cases" / "capped_with_land.yaml").read_text(encoding="utf-8")
    case.write_text(text.replace("A large investment", "Case #2: a large investment"), "utf-8")
    monkeypatch.chdir(tmp_path)
    r = run("test", "case.yaml", "--policies", "policy", "--format", "tap")
    assert r.stdout.splitlines()[2].startswith("ok 1 - case.yaml [ci-demo@v1] — Case \\#2: a large investment")


def test_json_follows_its_schema_and_places_each_miss(corpus):
    r = run_test("--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert list(schema("test.schema.json").iter_errors(data)) == []
    assert (data["passed"], data["failed"]) == (4, 3)
    first = data["cases"][0]
    assert (first["file"], first["status"], first["policy"]) == ("cases/at_the_thresholds.yaml", "failed", "ci-demo@v1")
    assert first["mismatches"] == [
        {
            "what": "output grant",
            "expectation": ["outputs", "grant"],
            "expected": "100000.01",
            "actual": "100000.00",
            "line": 16,
            "col": 21,
        }
    ]
    assert [c["status"] for c in data["cases"]][-2:] == ["error", "error"]
    assert data["problems"][0]["code"] == "WQ-YAML" and data["problems"][0]["file"] == "cases/zz_broken.yaml"


def test_the_test_schema_is_not_a_formality():
    v = schema("test.schema.json")
    good = {"passed": 1, "failed": 0, "cases": [], "problems": [], "policy_errors": []}
    assert list(v.iter_errors(good)) == []
    case = {"file": "a.yaml", "description": "", "decision": "d", "policy": "p@1", "status": "passed", "mismatches": []}
    assert list(v.iter_errors({**good, "cases": [case]})) == []
    for broken in ({**good, "extra": 1}, {**good, "cases": [{**case, "status": "ok"}]}, {**good, "passed": -1}):
        assert list(v.iter_errors(broken)), broken


def test_a_miss_under_a_version_entry_is_placed_there(tmp_path, monkeypatch):
    shutil.copytree(POLICY, tmp_path / "policy")
    text = (FIXTURE / "cases" / "capped_with_land.yaml").read_text(encoding="utf-8")
    text += 'expect_by_version:\n  v1:\n    outputs: {grant: "1.00"}\n'
    (tmp_path / "case.yaml").write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    data = json.loads(run("test", "case.yaml", "--policies", "policy", "--format", "json").stdout)
    (miss,) = data["cases"][0]["mismatches"]
    lines = text.splitlines()
    assert lines[miss["line"] - 1].strip() == 'outputs: {grant: "1.00"}'


def test_the_policy_that_does_not_load_is_one_error_in_each_format(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = ("test", "tests/fixtures/ci/cases", "--policy", "tests/fixtures/invalid/name-did-you-mean/policy.yaml")
    xml = JUnitXml.fromstring(run(*args, "--format", "junit").stdout.encode("utf-8"))
    assert (xml.tests, xml.errors) == (1, 1)
    lines = run(*args, "--format", "github").stdout.splitlines()
    assert lines[0].startswith(
        "::error file=tests/fixtures/invalid/name-did-you-mean/policy.yaml,line=22,col=20,title=wqpolicy WQ-NAME::"
    )
    tap = run(*args, "--format", "tap").stdout.splitlines()
    assert tap[:3] == ["TAP version 13", "1..1", "not ok 1 - policy"]
    data = json.loads(run(*args, "--format", "json").stdout)
    assert data["cases"] == [] and data["policy_errors"][0]["code"] == "WQ-NAME"


def test_check_github_puts_each_finding_on_its_line():
    r = run("check", str(ROOT / "tests/fixtures/invalid/several-load-errors"), "--format", "github")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    expected = [(14, 14, "WQ-CLAUSE"), (24, 36, "WQ-SYNTAX"), (31, 26, "WQ-NAME")]
    assert len(lines) == 4
    for line, (row, col, code) in zip(lines, expected):
        assert line.startswith(
            f"::error file=tests/fixtures/invalid/several-load-errors/policy.yaml,line={row},col={col},"
            f"title=wqpolicy {code}::"
        )
    assert lines[3] == "3 个错误，0 个警告，检查了 1 个政策版本 · 3 errors, 0 warnings (1 policy version checked)"


def test_check_junit_has_a_testcase_per_policy_file(monkeypatch):
    monkeypatch.chdir(ROOT)
    clean = JUnitXml.fromstring(run("check", "policies", "--format", "junit").stdout.encode("utf-8"))
    assert [case.name for suite in clean for case in suite] == ["policies/wuqing-five-platforms/2021-trial.yaml"]
    assert clean.failures == 0
    r = run("check", "tests/fixtures/invalid/several-load-errors", "--format", "junit")
    assert r.exit_code == 1
    xml = JUnitXml.fromstring(r.stdout.encode("utf-8"))
    (case,) = [case for suite in xml for case in suite]
    (failure,) = case.result
    assert failure.type == "WQ-CLAUSE"
    assert [line.split(": ")[1] for line in failure.text.splitlines()] == [
        "error[WQ-CLAUSE]",
        "error[WQ-SYNTAX]",
        "error[WQ-NAME]",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "html"],
        ["--format", "junit", "--coverage"],
        ["--coverage", "--mutate"],
        ["--fail-under", "90"],
        ["--jobs", "2"],
        ["--coverage", "--fail-under", "101"],
    ],
)
def test_options_that_do_not_go_together_are_usage_errors(args):
    r = run("test", str(FIXTURE / "cases"), "--policies", str(POLICY), *args)
    assert r.exit_code == 2, r.output
