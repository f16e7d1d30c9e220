"""`wqpolicy test`: a case's `input_file` and version checked where the case writes them, a folder without cases
failing rather than passing vacuously, and each difference shown as a case file writes it. Every bad input gets a
diagnostic at file:line:col and exit 1 (2 for usage), never a traceback or a hang."""

from __future__ import annotations

from pathlib import Path

from conftest import BUNDLED_REF, EXAMPLES, ROOT, run

FILING = """\
description: a filing with only the applicant
expect: {outcome: needs_review}
"""
INPUT = """\
decision: filing
applicant: {name: x, registered_in_wuqing: true, operating_in_wuqing: true, independent_legal_person: true}
"""
FILES = "Policy files: policies/wuqing-five-platforms/2021-trial.yaml\n"  # the first line: the policy files read


def case_with(tmp_path, body: str, name="case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


# -- input_file ----------------------------------------------------------------------------------------------------
def test_input_file_too_long_for_the_system_is_reported_not_a_traceback(tmp_path):
    # Before: the diagnostic was made, then printing it called Path.is_file() on the 5,000-character name,
    # which raised OSError (File name too long) out of the CLI.
    case = case_with(tmp_path, FILING + "input_file: " + "a" * 5000 + "\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert f"{case}:3:13: error[WQ-FILE]: input_file `{'a' * 60}…`: cannot read: File name too long" in r.output
    assert "Traceback" not in r.output


def test_input_file_with_a_nul_character_is_a_case_error_at_its_value(tmp_path):
    # Before: ValueError: embedded null byte, from open(), as a traceback (also under `wqpolicy diff --cases`).
    case = case_with(tmp_path, FILING + 'input_file: "in\\0put.yaml"\n')
    for args in (["test", case], ["diff", BUNDLED_REF, BUNDLED_REF, "--cases", case]):
        r = run(*args)
        assert r.exit_code == 1, r.output
        assert (
            f"{case}:3:14: error[WQ-CASE]: input_file `in\\0put.yaml`: a file name cannot hold the NUL character"
        ) in r.output


def test_a_missing_input_file_is_placed_at_the_cases_input_file_value(tmp_path):
    # Before: `<folder>/nope.yaml:1:1: error[WQ-FILE]: cannot read: No such file or directory` — a place in a file
    # that does not exist, and no word of which case names it.
    case = case_with(tmp_path, FILING + "input_file: nope.yaml\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert (
        f"{case}:3:13: error[WQ-FILE]: input_file `nope.yaml`: no such file (the path is relative to the case "
        f"file's folder: {tmp_path / 'nope.yaml'})"
    ) in r.output
    assert "0 passed, 1 failed" in r.output


def test_an_input_file_that_is_a_folder_is_placed_at_the_cases_input_file_value(tmp_path):
    case = case_with(tmp_path, FILING + "input_file: .\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert (
        f"{case}:3:13: error[WQ-FILE]: input_file `.`: is a directory, not a file (give the input document's "
        ".yaml or .json file)"
    ) in r.output


def test_an_input_file_naming_the_case_itself_is_a_case_error(tmp_path):
    # Before: the case file was read as its own input, and failed later with an unrelated WQ-INPUT message.
    case = case_with(tmp_path, FILING + "input_file: case.yaml\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert (
        f"{case}:3:13: error[WQ-CASE]: input_file `case.yaml`: names this case file itself (give the input "
        "document's own file, or write it inline under `input:`)"
    ) in r.output


def test_an_input_file_that_is_a_device_is_refused_before_reading(tmp_path):
    case = case_with(tmp_path, FILING + "input_file: /dev/zero\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert (
        f"{case}:3:13: error[WQ-FILE]: input_file `/dev/zero`: not a regular file (a pipe, socket or device)"
        in r.output
    )


def test_an_input_file_that_is_not_utf8_keeps_its_own_place(tmp_path):
    (tmp_path / "in.yaml").write_bytes(b"decision: filing\nx: \xff\n")
    case = case_with(tmp_path, FILING + "input_file: in.yaml\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert f"{tmp_path / 'in.yaml'}:2:4: error[WQ-FILE]: not UTF-8 text (byte 0xff at offset 20)" in r.output


def test_a_good_input_file_still_runs(tmp_path):
    (tmp_path / "in.yaml").write_text(INPUT, encoding="utf-8")
    r = run("test", case_with(tmp_path, FILING + "input_file: in.yaml\n"))
    assert r.exit_code == 0, r.output
    assert r.output.endswith("1 passed, 0 failed\n")


# -- folders without cases -----------------------------------------------------------------------------------------
def test_a_case_folder_without_cases_fails_instead_of_passing_vacuously(tmp_path):
    # Before: `wqpolicy test EMPTY_DIR` printed `0 passed, 0 failed` and exited 0.
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "sub.yaml").mkdir()  # a folder with a case-like name is not a case file either
    r = run("test", empty)
    assert r.exit_code == 1
    assert (
        f"{empty}:1:1: error[WQ-FILE]: no case files (*.yaml, *.yml) in this folder (give the folder of the case "
        "files, or the files themselves)"
    ) in r.output
    assert r.output.endswith("0 passed, 1 failed\n")


# -- where a case's version cannot be had --------------------------------------------------------------------------
def test_an_unknown_case_version_is_placed_at_the_cases_version_key(tmp_path):
    # Before: `FAIL case.yaml: policy … has no version `nope`` — no line, and the hint was dropped.
    case = case_with(tmp_path, FILING + "version: nope\ninput: {decision: filing}\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert f"FAIL {case}:3:10: policy `wuqing-five-platforms` has no version `nope` (versions: 2021-trial)" in r.output


def test_a_case_date_with_no_version_in_force_is_placed_at_the_cases_on_key(tmp_path):
    case = case_with(tmp_path, FILING + '"on": 1900-01-01\ninput: {decision: filing}\n')
    r = run("test", case)
    assert r.exit_code == 1
    assert (
        f"FAIL {case}:3:7: no version of `wuqing-five-platforms` is in force on 1900-01-01 "
        "(see `wqpolicy list` for the timeline, or give --policy ID@VERSION)"
    ) in r.output


def test_a_misspelt_expect_by_version_key_is_a_warning_and_a_version_not_loaded_is_not(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(
        f"description: typo\ninput_file: {EXAMPLES / 'filing.yaml'}\nexpect: {{outcome: eligible}}\n"
        "expect_by_version:\n  2021-trail: {outcome: ineligible}\n"
        "  2022-hypothetical: {outcome: ineligible}\n",
        encoding="utf-8",
    )
    r = run("test", path)
    assert r.exit_code == 0 and r.stdout == f"{FILES}1 passed, 0 failed\n"
    assert r.stderr.splitlines()[0] == (
        f"{path}:5:3: warning[WQ-CASE]: expect_by_version: `2021-trail` is not a version of this policy, so its "
        "expectations are never compared (did you mean `2021-trial`?)"
    )
    assert "2022-hypothetical" not in r.stderr


# -- differences, as a case file writes them -----------------------------------------------------------------------
def test_expected_values_are_shown_as_a_case_file_writes_them(tmp_path):
    # Before: `expected True`, `expected None`, `expected {'a': 1}` (Python's spelling, not YAML's).
    case = case_with(
        tmp_path,
        "description: x\ninput: {decision: filing}\n"
        "expect: {outcome: needs_review, outputs: {a: true, b: null, c: {d: 1}}}\n",
    )
    r = run("test", case)
    assert r.exit_code == 1
    assert "output a: expected true, got (无此输出 no such output)" in r.output
    assert "output b: expected null, got (无此输出 no such output)" in r.output
    assert 'output c: expected {"d": 1}, got (无此输出 no such output)' in r.output


def test_wqpolicy_test_prints_the_path_of_a_differing_item(tmp_path):
    case = ROOT / "tests" / "cases" / "demand_subsidy" / "cap_crossed_mid_purchase.yaml"
    broken = tmp_path / "case.yaml"
    broken.write_text(
        case.read_text(encoding="utf-8").replace('cap_cut: "200000.00"', 'cap_cut: "200000.01"'), encoding="utf-8"
    )
    r = run("test", broken)
    assert r.exit_code == 1
    assert "       output purchases[1].cap_cut: expected 200000.01, got 200000.00\n" in r.output


def test_a_case_expecting_null_fails_when_the_output_could_not_be_computed(tmp_path):
    """null is "unknown"; an output that faulted also shows null in JSON, and used to pass such a case."""
    case = tmp_path / "case.yaml"
    case.write_text(
        "description: the window runs past the calendar\ninput:\n  decision: demand_subsidy\n"
        "  purchaser: {name: 甲, in_wuqing: false}\n  year: 9999\n  as_of: 9999-12-31\n"
        "  prior_subsidy_this_year: 0\n  purchases:\n"
        "    - {platform: 乙, platform_recognized: true, used_on: 9999-01-10, service_fee: 1000}\n"
        "expect: {outputs: {total_eligible: null}}\n",
        encoding="utf-8",
    )
    r = run("test", case)
    assert r.exit_code == 1
    assert (
        "       output total_eligible: expected null, got (计算出错 error: 9999-01-10 + 1 year is "
        "outside the calendar (0001-01-01 to 9999-12-31) at "
    ) in r.output
