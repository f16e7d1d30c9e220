"""``run_cases`` and its TestReport (wqpolicy/case_report.py): each case's result under the version it ran under,
passes and failures counted, the exit code, and the text ending in `N passed, N failed`; the command only prints
it."""

from __future__ import annotations

import doctest

from conftest import ROOT, run
from wqpolicy import case_report
from wqpolicy.case_report import TestReport, as_written, run_cases

CASES = ROOT / "tests" / "cases"
FILES = "政策文件 Policy files: policies/wuqing-five-platforms/2021-trial.yaml\n"  # the first line: the files read


def test_passing_cases_are_counted_and_exit_0():
    report = run_cases([CASES / "filing"])
    assert report.passed == len(list((CASES / "filing").glob("*.yaml"))) > 10
    assert (report.failed, report.return_code, report.problems, report.policy_errors) == (0, 0, [], [])
    assert report.render_text(lang="en") == f"Policy files: {FILES.split(': ', 1)[1]}{report.passed} passed, 0 failed\n"
    assert report.render_text() == f"{FILES}{report.passed} 个通过，0 个未通过 · {report.passed} passed, 0 failed\n"
    assert report.render_text(verbose=True).startswith(
        f"{FILES}ok   {report.runs[0].case.path} [wuqing-five-platforms@"
    )


def test_a_failing_case_names_each_difference_and_the_report_exits_1(tmp_path):
    case = CASES / "demand_subsidy" / "cap_crossed_mid_purchase.yaml"
    broken = tmp_path / "case.yaml"
    broken.write_text(
        case.read_text(encoding="utf-8").replace('cap_cut: "200000.00"', 'cap_cut: "200000.01"'), encoding="utf-8"
    )
    report = run_cases([broken], suggest=True)
    [one] = report.runs
    assert (one.passed, report.passed, report.failed, report.return_code) == (False, 0, 1, 1)
    text = report.render_text()
    assert text.startswith(f"{FILES}FAIL 未通过 {broken} [wuqing-five-platforms@2021-trial] — ")
    assert "       输出 output purchases[1].cap_cut: 应为 expected 200000.01, 实际 got 200000.00\n" in text
    assert "       建议 suggested (check it by hand before adding it to the case):\n" in text
    assert text.endswith("0 passed, 1 failed\n")


def test_an_unreadable_case_file_counts_as_one_failure_and_goes_to_standard_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("description: [unclosed\n", encoding="utf-8")
    report = run_cases([bad])
    assert (report.passed, report.failed, report.return_code) == (0, 1, 1)
    [(problems, to_stderr), (summary, on_stdout)] = [c for c in report.chunks(lang="en") if c[0]]  # no case ran:
    # no file read
    assert problems.startswith(f"{bad}:2:1: error[WQ-YAML]") and to_stderr
    assert (summary, on_stdout) == ("0 passed, 1 failed\n", False)


def test_a_version_asked_for_that_does_not_load_runs_nothing_and_prints_no_count():
    report = run_cases([CASES / "filing"], policy="wuqing-five-platforms@nosuch")
    assert (report.runs, report.return_code) == ([], 1)
    assert [d.code for d in report.policy_errors] == ["WQ-VERSION"]
    assert report.render_text() == ""


def test_the_test_command_prints_the_report_and_exits_with_its_code():
    report = run_cases([CASES / "filing"])
    r = run("test", "-v", CASES / "filing")
    assert (r.exit_code, r.stdout, r.stderr) == (report.return_code, report.render_text(True, "en"), "")


def test_values_are_shown_as_a_case_file_writes_them():
    assert [as_written(v) for v in (True, None, [1, "a"], {"a": 1}, "text", 5)] == [
        "true",
        "null",
        '[1, "a"]',
        '{"a": 1}',
        "text",
        "5",
    ]


def test_the_report_class_is_not_collected_as_a_test_and_its_example_runs(monkeypatch):
    assert TestReport.__test__ is False
    monkeypatch.chdir(ROOT)  # the example names tests/cases/filing
    assert doctest.testmod(case_report, raise_on_error=False).failed == 0
