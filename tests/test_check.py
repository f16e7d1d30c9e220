"""`wqpolicy check` on one broken policy per failure mode (tests/fixtures/invalid/), and on the bundled policies.

Each fixture folder holds a policy.yaml whose header says what it must report: one `# expect: WQ-CODE line:col`
line per diagnostic, in sorted order. The tests assert codes and positions, never wording.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run
from wqpolicy.loader import Library

INVALID = ROOT / "tests" / "fixtures" / "invalid"
FIXTURES = sorted(p.name for p in INVALID.iterdir() if (p / "policy.yaml").is_file())
EXPECT = re.compile(r"^# expect: (WQ-[A-Z]+) (\d+):(\d+)(?: (\S+))?$", re.M)  # the file, when not policy.yaml
REPORTED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>WQ-[A-Z]+)\]", re.M)


def expected(name: str) -> list[tuple[str, int, int]]:
    text = (INVALID / name / "policy.yaml").read_text(encoding="utf-8")
    found = [(code, int(line), int(col)) for code, line, col, _ in EXPECT.findall(text)]
    assert found, f"{name}/policy.yaml has no `# expect:` header"
    return found


def expected_files(name: str) -> set[Path]:
    text = (INVALID / name / "policy.yaml").read_text(encoding="utf-8")
    return {(INVALID / name / (file or "policy.yaml")).resolve() for *_, file in EXPECT.findall(text)}


def check_cli(*paths: str):
    return run("check", *paths)


def test_every_failure_mode_has_a_fixture():
    assert len(FIXTURES) >= 24
    for name in FIXTURES:
        assert {p.name for p in (INVALID / name).iterdir()} == {"policy.yaml", "guide.md", "input.schema.json"}


@pytest.mark.parametrize("name", FIXTURES)
def test_library_check_reports_the_expected_code_at_the_expected_place(name):
    errors, _ = Library([INVALID / name]).check()
    assert [(d.code, d.span.line, d.span.col) for d in errors] == expected(name)
    assert {Path(d.span.file).resolve() for d in errors} == expected_files(name)


@pytest.mark.parametrize("name", FIXTURES)
def test_check_command_reports_the_expected_code_at_the_expected_place_and_exits_1(name):
    result = check_cli(str(INVALID / name))
    assert result.exit_code == 1, result.output
    reported = [(m["code"], int(m["line"]), int(m["col"])) for m in REPORTED.finditer(result.stdout)]
    assert reported == expected(name)
    files = {Path(m["file"]).resolve() for m in REPORTED.finditer(result.stdout)}
    assert files == expected_files(name)
    assert "Traceback" not in result.output


def test_check_command_given_the_file_itself_reports_the_same():
    result = check_cli(str(INVALID / "name-did-you-mean" / "policy.yaml"))
    assert result.exit_code == 1
    assert [(m["code"], int(m["line"]), int(m["col"])) for m in REPORTED.finditer(result.stdout)] == expected(
        "name-did-you-mean"
    )


def test_check_collects_several_independent_errors_sorted_by_position():
    for name in ("several-type-errors", "several-load-errors"):
        errors, _ = Library([INVALID / name]).check()
        assert len(errors) == 3
        assert [(d.span.line, d.span.col) for d in errors] == sorted((d.span.line, d.span.col) for d in errors)


def test_check_of_the_whole_invalid_folder_reports_every_fixture():
    result = check_cli(str(INVALID))
    assert result.exit_code == 1
    reported = {
        (Path(m["file"]).parent.name, m["code"], int(m["line"]), int(m["col"]))
        for m in REPORTED.finditer(result.stdout)
    }
    want = {(name, *e) for name in FIXTURES for e in expected(name)}
    assert reported == want


def test_check_json_format_gives_code_file_line_and_col():
    import json

    result = check_cli("--format", "json", str(INVALID / "name-unknown-field"))
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["code"], e["line"], e["col"]) for e in errors] == expected("name-unknown-field")
    assert errors[0]["file"].endswith("policy.yaml")


def test_unknown_name_suggests_the_closest_one():
    errors, _ = Library([INVALID / "name-did-you-mean"]).check()
    assert "rd_intensity" in (errors[0].hint or "")
    errors, _ = Library([INVALID / "name-unknown-field"]).check()
    assert "registered" in (errors[0].hint or "")


def test_the_bundled_policies_check_clean():
    result = check_cli()
    assert result.exit_code == 0, result.output
    assert " error[" not in result.stdout
    errors, _ = Library().check()
    assert errors == []


def test_a_copy_of_the_bundled_policy_edited_elsewhere_still_finds_the_bundled_input_schemas(tmp_path):
    shutil.copytree(ROOT / "policies" / "wuqing-five-platforms", tmp_path / "draft")
    result = check_cli(str(tmp_path / "draft"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("0 errors, 0 warnings (1 policy version checked)")


def test_if_branch_type_error_points_at_the_start_of_a_binary_else_branch(tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(INVALID / "type-if-branches", folder)
    policy = folder / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    text = text.replace("else applicant.rd_expense\n", "else applicant.rd_expense / applicant.revenue\n")
    policy.write_text(text, encoding="utf-8")
    errors, _ = Library([folder]).check()
    assert [(d.code, d.span.line, d.span.col) for d in errors] == expected("type-if-branches")


def test_every_diagnostic_code_has_a_chinese_explanation_saying_what_to_do():
    from wqpolicy.errors import CODES, CODES_ZH, legend

    assert set(CODES_ZH) == set(CODES)
    assert all("：" in text for text in CODES_ZH.values())  # what it is：what to do
    assert legend([]) == []


def test_check_passes_on_the_bundled_policies():
    r = run("check")
    assert r.exit_code == 0
    assert r.stdout.strip().endswith("checked)")
    files = "policies/wuqing-five-platforms/2021-trial.yaml"
    assert r.stdout == f"Policy files: {files}\n0 errors, 0 warnings (1 policy version checked)\n"  # files first
    r = run("check", env={"WQPOLICY_LANG": "both"})
    assert r.stdout == (
        f"政策文件 Policy files: {files}\n"
        "0 个错误，0 个警告，检查了 1 个政策版本 · 0 errors, 0 warnings (1 policy version checked)\n"
    )
