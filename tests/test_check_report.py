"""``check_paths`` and its CheckReport (wqpolicy/check_report.py): what `wqpolicy check` finds, counted, with its
exit code, rendered as text and JSON by the report itself; the command only prints it."""

from __future__ import annotations

import json

from conftest import ROOT, run
from wqpolicy.check_report import CheckReport, check_paths
from wqpolicy.errors import legend

INVALID = ROOT / "tests" / "fixtures" / "invalid"


def test_the_bundled_policies_give_a_clean_report_with_exit_0():
    report = check_paths()
    assert (report.errors, report.warnings, report.versions, report.return_code) == ((), (), 1, 0)
    assert report.render_text() == (
        "政策文件 Policy files: policies/wuqing-five-platforms/2021-trial.yaml\n"  # the files it read, first
        "0 个错误，0 个警告，检查了 1 个政策版本 · 0 errors, 0 warnings (1 policy version checked)\n"
    )
    assert report.to_json() == {
        "files": ["policies/wuqing-five-platforms/2021-trial.yaml"],
        "errors": [],
        "warnings": [],
    }


def test_a_broken_policy_gives_its_errors_counted_and_exit_1():
    report = check_paths([INVALID / "several-type-errors"])
    assert (len(report.errors), report.versions, report.return_code) == (3, 1, 1)
    assert [d.code for d in report.errors] == ["WQ-NAME", "WQ-NAME", "WQ-TYPE"]
    text = report.render_text()
    assert text.endswith(
        "\n代码说明 What the codes mean:\n" + "\n".join(legend(report.errors)) + "\n"
        "3 个错误，0 个警告，检查了 1 个政策版本 · 3 errors, 0 warnings (1 policy version checked)\n"
    )
    assert len(legend(report.errors)) == 2
    assert json.loads(report.render_json()) == report.to_json()
    assert [e["code"] for e in report.to_json()["errors"]] == ["WQ-NAME", "WQ-NAME", "WQ-TYPE"]


def test_a_path_with_no_policy_file_is_an_error_at_that_path():
    report = check_paths([ROOT / "examples"])
    [d] = report.errors
    assert (d.code, d.span.file, report.versions, report.return_code) == ("WQ-FILE", str(ROOT / "examples"), 0, 1)
    assert d.zh and d.hint_zh


def test_the_check_command_prints_the_report_and_exits_with_its_code():
    path = INVALID / "name-did-you-mean"
    report = check_paths([path])
    r = run("check", path)
    assert (r.exit_code, r.stdout, r.stderr) == (report.return_code, report.render_text("en"), "")
    r = run("check", "--format", "json", path)
    assert (r.exit_code, r.stdout) == (1, report.render_json())


def test_a_report_is_plain_data():
    report = CheckReport((), (), 0)
    assert (report.return_code, report.render_text().endswith("(0 policy versions checked)\n")) == (0, True)
