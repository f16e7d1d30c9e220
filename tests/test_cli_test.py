"""Findings of fuzzing the less-travelled commands (`test`, `diff`, `show`, `list`, `lock`): each bad input gets a
diagnostic at file:line:col and exit 1 (2 for usage), never a traceback or a hang.

Fixtures are written into tmp_path; a policy that must be edited is a copy of the bundled one.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from wqpolicy.cli import main

ROOT = Path(__file__).resolve().parents[1]
POLICY_DIR = ROOT / "policies" / "wuqing-five-platforms"
REVISION = ROOT / "tests" / "fixtures" / "revision" / "2022-hypothetical.yaml"
BASE_REF = "wuqing-five-platforms@2021-trial"
HANG_GUARD = 10.0  # seconds; only a guard against hangs

FILING = """\
description: a filing with only the applicant
expect: {outcome: needs_review}
"""
INPUT = """\
decision: filing
applicant: {name: x, registered_in_wuqing: true, operating_in_wuqing: true, independent_legal_person: true}
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def run_process(*args, timeout=HANG_GUARD):
    """A real process (a pipe blocks only there), with the time it took."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "wqpolicy", *map(str, args)], capture_output=True, text=True,
                            env=env, timeout=timeout, cwd=ROOT)
    return result, time.monotonic() - start


def case_with(tmp_path, body: str, name="case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def policy_copy(tmp_path, with_revision=True) -> Path:
    """The bundled policy (closed at 2021-12-31) and the hypothetical revision, in a folder of their own."""
    folder = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, folder)
    trial = folder / "2021-trial.yaml"
    trial.write_text(trial.read_text(encoding="utf-8").replace(
        "effective_from: 2021-01-01\n", "effective_from: 2021-01-01\neffective_until: 2021-12-31\n", 1),
        encoding="utf-8")
    if with_revision:
        shutil.copy(REVISION, folder / REVISION.name)
    return folder


# -- wqpolicy test: input_file -----------------------------------------------------------------------------
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
    for args in (["test", case], ["diff", BASE_REF, BASE_REF, "--cases", case]):
        r = run(*args)
        assert r.exit_code == 1, r.output
        assert (f"{case}:3:14: error[WQ-CASE]: input_file `in\\0put.yaml`: a file name cannot hold the NUL "
                "character") in r.output


def test_a_missing_input_file_is_placed_at_the_cases_input_file_value(tmp_path):
    # Before: `<folder>/nope.yaml:1:1: error[WQ-FILE]: cannot read: No such file or directory` — a place in a file
    # that does not exist, and no word of which case names it.
    case = case_with(tmp_path, FILING + "input_file: nope.yaml\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert (f"{case}:3:13: error[WQ-FILE]: input_file `nope.yaml`: no such file (the path is relative to the case "
            f"file's folder: {tmp_path / 'nope.yaml'})") in r.output
    assert "0 passed, 1 failed" in r.output


def test_an_input_file_that_is_a_folder_is_placed_at_the_cases_input_file_value(tmp_path):
    case = case_with(tmp_path, FILING + "input_file: .\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert (f"{case}:3:13: error[WQ-FILE]: input_file `.`: is a directory, not a file (give the input document's "
            ".yaml or .json file)") in r.output


def test_an_input_file_naming_the_case_itself_is_a_case_error(tmp_path):
    # Before: the case file was read as its own input, and failed later with an unrelated WQ-INPUT message.
    case = case_with(tmp_path, FILING + "input_file: case.yaml\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert (f"{case}:3:13: error[WQ-CASE]: input_file `case.yaml`: names this case file itself (give the input "
            "document's own file, or write it inline under `input:`)") in r.output


def test_an_input_file_that_is_a_device_is_refused_before_reading(tmp_path):
    case = case_with(tmp_path, FILING + "input_file: /dev/zero\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert f"{case}:3:13: error[WQ-FILE]: input_file `/dev/zero`: not a regular file (a pipe, socket or device)" \
        in r.output


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


# -- wqpolicy test / diff: case files that are pipes, or folders without cases ----------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_case_file_that_is_a_pipe_is_refused_not_waited_on(tmp_path):
    # Before: `wqpolicy test pipe.yaml` and `wqpolicy diff … --cases pipe.yaml` blocked forever in open().
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    for args in (["test", pipe], ["diff", BASE_REF, BASE_REF, "--cases", pipe]):
        result, took = run_process(*args)
        assert result.returncode == 1, result.stderr
        assert (f"{pipe}:1:1: error[WQ-FILE]: not a regular file (a pipe, socket or device) (give a .yaml case file "
                "or a folder of them)") in result.stderr
        assert "Traceback" not in result.stderr and took < HANG_GUARD


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_policy_file_that_is_a_pipe_is_refused_by_show_and_diff(tmp_path):
    # Before: `wqpolicy show pipe.yaml` and `wqpolicy diff REF pipe.yaml` blocked forever.
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    for args in (["show", pipe], ["diff", BASE_REF, pipe]):
        result, took = run_process(*args)
        assert result.returncode == 1, result.stderr
        assert (f"{pipe}:1:1: error[WQ-FILE]: not a regular file (a pipe, socket or device) (give a .yaml file)"
                in result.stderr)
        assert took < HANG_GUARD


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_an_input_document_that_is_a_pipe_is_refused_by_eval_and_expr(tmp_path):
    # Before: `wqpolicy eval pipe.yaml` and `wqpolicy expr "1 + 1" pipe.yaml` blocked forever in open().
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    for args in (["eval", pipe], ["expr", "1 + 1", pipe]):
        result, took = run_process(*args)
        assert result.returncode == 1, result.stderr
        assert f"{pipe}:1:1: error[WQ-FILE]: not a regular file (a pipe, socket or device)" in result.stderr
        assert took < HANG_GUARD


def test_an_input_file_name_with_a_nul_character_is_an_error_not_a_traceback():
    from wqpolicy.errors import WQError
    from wqpolicy.yamlload import read_text
    with pytest.raises(WQError) as e:
        read_text("a\0b.yaml")
    assert [d.message for d in e.value.diagnostics] == ["a file name cannot hold the NUL character"]


def test_a_case_folder_without_cases_fails_instead_of_passing_vacuously(tmp_path):
    # Before: `wqpolicy test EMPTY_DIR` printed `0 passed, 0 failed` and exited 0.
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "sub.yaml").mkdir()  # a folder with a case-like name is not a case file either
    r = run("test", empty)
    assert r.exit_code == 1
    assert (f"{empty}:1:1: error[WQ-FILE]: no case files (*.yaml, *.yml) in this folder (give the folder of the case "
            "files, or the files themselves)") in r.output
    assert r.output.endswith("0 passed, 1 failed\n")


def test_diff_exits_1_when_a_case_file_cannot_be_read_even_without_fail_on_change(tmp_path):
    # Before: the unreadable case was left out of "N of M cases change" and the exit was 0.
    bad = case_with(tmp_path, "description: [unclosed\n")
    r = run("diff", BASE_REF, BASE_REF, "--cases", bad)
    assert r.exit_code == 1
    assert f"{bad}:2:1: error[WQ-YAML]:" in r.output
    assert "0 of 0 cases change" in r.output


# -- wqpolicy test: where a case's version cannot be had ---------------------------------------------------------
def test_an_unknown_case_version_is_placed_at_the_cases_version_key(tmp_path):
    # Before: `FAIL case.yaml: policy … has no version `nope`` — no line, and the hint was dropped.
    case = case_with(tmp_path, FILING + "version: nope\ninput: {decision: filing}\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert (f"FAIL 未通过 {case}:3:10: policy `wuqing-five-platforms` has no version `nope` (versions: 2021-trial)"
            in r.output)


def test_a_case_date_with_no_version_in_force_is_placed_at_the_cases_on_key(tmp_path):
    case = case_with(tmp_path, FILING + '"on": 1900-01-01\ninput: {decision: filing}\n')
    r = run("test", case)
    assert r.exit_code == 1
    assert (f"FAIL 未通过 {case}:3:7: no version of `wuqing-five-platforms` is in force on 1900-01-01 (see `wqpolicy list` "
            "for the timeline, or give --policy ID@VERSION)") in r.output


def test_expected_values_are_shown_as_a_case_file_writes_them(tmp_path):
    # Before: `expected True`, `expected None`, `expected {'a': 1}` (Python's spelling, not YAML's).
    case = case_with(tmp_path, "description: x\ninput: {decision: filing}\n"
                               "expect: {outcome: needs_review, outputs: {a: true, b: null, c: {d: 1}}}\n")
    r = run("test", case)
    assert r.exit_code == 1
    assert "output a: 应为 expected true, 实际 got (无此输出 no such output)" in r.output
    assert "output b: 应为 expected null, 实际 got (无此输出 no such output)" in r.output
    assert 'output c: 应为 expected {"d": 1}, 实际 got (无此输出 no such output)' in r.output


# -- choosing the version in force ---------------------------------------------------------------------------------
def test_a_version_that_does_not_build_is_reported_not_passed_over(tmp_path):
    # Before: a revision with a schema error was left out of the timeline silently, so on a date in its range
    # `eval` said "no version … is in force" (or decided under an older version).
    folder = policy_copy(tmp_path)
    revision = folder / REVISION.name
    revision.write_text(revision.read_text(encoding="utf-8").replace("severity: advise", "severity: sometimes"),
                        encoding="utf-8")
    r = run("eval", "--policies", folder, "--on", "2022-06-01", ROOT / "examples" / "filing.yaml")
    assert r.exit_code == 1
    assert (f"{revision}:24:19: error[WQ-SCHEMA]: decisions.recognition.rules.recognition.partners_strong.severity: "
            "'sometimes' is not one of ['require', 'advise']") in r.output
    before = run("eval", "--policies", folder, "--on", "2021-06-01", ROOT / "examples" / "filing.yaml")
    assert before.exit_code == 0 and "wuqing-five-platforms@2021-trial · filing" in before.output


def test_list_shows_a_version_that_does_not_load_and_exits_1(tmp_path):
    # Before: the broken version was missing from the listing, without a word, and the exit was 0.
    folder = policy_copy(tmp_path)
    revision = folder / REVISION.name
    revision.write_text(revision.read_text(encoding="utf-8").replace("severity: advise", "severity: sometimes"),
                        encoding="utf-8")
    r = run("list", "--policies", folder)
    assert r.exit_code == 1
    assert f"  2022-hypothetical    does not load: 1 error (see `wqpolicy check {revision}`)" in r.output
    assert f"{revision}:24:19: error[WQ-SCHEMA]:" in r.output
    assert "  2021-trial           2021-01-01 → 2021-12-31" in r.output


def test_test_under_the_timeline_builds_each_version_once(tmp_path):
    # Before: each case rebuilt every version to find the one in force (~30 ms a case: 5 s for tests/cases).
    from wqpolicy.loader import Library
    library = Library.over_bundled([policy_copy(tmp_path)])
    calls = []
    build = library._build
    library._build = lambda *a: calls.append(a) or build(*a)
    for _ in range(5):
        library.pick("wuqing-five-platforms")
        library.versions("wuqing-five-platforms")
    assert sorted(calls) == [("wuqing-five-platforms", "2021-trial"), ("wuqing-five-platforms", "2022-hypothetical")]


# -- wqpolicy lock --------------------------------------------------------------------------------------------------
@pytest.fixture
def locked(tmp_path, locked_once):
    """A folder of its own holding the policy copy and its lock file (copied: locking takes a while)."""
    folder = tmp_path / "locked"
    shutil.copytree(locked_once, folder)
    return folder


@pytest.fixture(scope="module")
def locked_once(tmp_path_factory):
    folder = policy_copy(tmp_path_factory.mktemp("lock"))
    assert run("lock", folder).exit_code == 0
    assert run("check", folder).exit_code == 0
    return folder


HINT = "(write it again with `wqpolicy lock` once the revisions in this folder are reviewed)"


@pytest.mark.parametrize("text, where, message", [
    ("{not json", "1:2", "not valid JSON: Expecting property name enclosed in double quotes"),
    ("", "1:1", "not valid JSON: Expecting value"),
    ("[1, 2]", "1:1", "the lock file must be a JSON object of policy versions, not an array"),
    ("null", "1:1", "the lock file must be a JSON object of policy versions, not null"),
    ('{\n "wuqing-five-platforms@2021-trial": [1]\n}', "2:2",
     "`wuqing-five-platforms@2021-trial`: must be an object of item hashes, not an array"),
    ('{\n "wuqing-five-platforms@2021-trial": {\n  "parameters.a": "x",\n  "parameters.b": 5}}', "4:3",
     "`wuqing-five-platforms@2021-trial`: the hash of `parameters.b` must be text, not a number"),
    ("[" * 100_000, "1:1", "not valid JSON (nested too deep, or a number too long)"),
])
def test_a_corrupt_or_hand_edited_lock_file_is_an_error_of_check(locked, text, where, message):
    # Before: a list, a string or null raised AttributeError out of `wqpolicy check`; deep nesting RecursionError;
    # a file that was not JSON was taken as no lock at all, so the base-change guard was off without a word.
    lock = locked / "wqpolicy.lock.json"
    lock.write_text(text, encoding="utf-8")
    r = run("check", locked)
    assert r.exit_code == 1, r.output
    assert f"{lock}:{where}: error[WQ-FILE]: {message} {HINT}" in r.output
    assert r.output.endswith("1 error, 0 warnings (2 policy versions checked)\n")


def test_a_corrupt_lock_file_is_mended_by_writing_it_again(locked):
    (locked / "wqpolicy.lock.json").write_text("[1, 2]", encoding="utf-8")
    assert run("check", locked).exit_code == 1
    assert run("lock", locked).exit_code == 0
    assert run("check", locked).exit_code == 0


def test_a_non_utf8_lock_file_is_an_error_of_check(locked):
    lock = locked / "wqpolicy.lock.json"
    lock.write_bytes(b"\xff{}")
    r = run("check", locked)
    assert r.exit_code == 1
    assert f"{lock}:1:1: error[WQ-FILE]: not UTF-8 text (byte 0xff at offset 0) (save the file as UTF-8)" in r.output


def test_lock_reports_a_lock_path_it_cannot_write(locked):
    # Before: IsADirectoryError as a traceback (any OSError: a read-only folder, a full disk).
    lock = locked / "wqpolicy.lock.json"
    lock.unlink()
    lock.mkdir()
    r = run("lock", locked)
    assert r.exit_code == 1
    assert f"{lock}:1:1: error[WQ-FILE]: cannot write: Is a directory" in r.output
    r = run("check", locked)
    assert r.exit_code == 1
    assert f"{lock}:1:1: error[WQ-FILE]: is a directory, not a file {HINT}" in r.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_lock_refuses_a_lock_path_that_is_a_pipe(locked):
    # Before: writing the lock blocked forever on the pipe.
    lock = locked / "wqpolicy.lock.json"
    lock.unlink()
    os.mkfifo(lock)
    result, took = run_process("lock", locked)
    assert result.returncode == 1
    assert (f"{lock}:1:1: error[WQ-FILE]: not a regular file (a pipe, socket or device) (remove it; `wqpolicy lock` "
            "writes the lock file itself)") in result.stderr
    assert took < HANG_GUARD


def test_lock_of_a_version_that_does_not_build_reports_it(tmp_path):
    # Before: `parameters: 5` in a revision raised AttributeError out of `wqpolicy lock` (the lock hashed items of
    # a document no one had checked).
    folder = policy_copy(tmp_path, with_revision=False)
    revision = folder / "2022-x.yaml"
    revision.write_text("id: wuqing-five-platforms\nversion: 2022-x\nextends: 2021-trial\n"
                        "effective_from: 2022-01-01\nparameters: 5\n", encoding="utf-8")
    r = run("lock", folder)
    assert r.exit_code == 1
    assert f"{revision}:5:13: error[WQ-SCHEMA]: parameters: 5 is" in r.output
    assert not (folder / "wqpolicy.lock.json").exists()


def test_lock_of_a_folder_without_policies_writes_nothing(tmp_path):
    # Before: `wqpolicy lock EMPTY` wrote an empty lock `{}` and exited 0.
    r = run("lock", tmp_path)
    assert r.exit_code == 1
    assert (f"{tmp_path}:1:1: error[WQ-FILE]: no policy versions in this folder: nothing to lock (give the folder "
            "that holds the policy files)") in r.output
    assert not (tmp_path / "wqpolicy.lock.json").exists()


def test_lock_and_check_still_record_and_report_a_changed_base(locked):
    data = json.loads((locked / "wqpolicy.lock.json").read_text(encoding="utf-8"))
    assert sorted(data) == ["wuqing-five-platforms@2021-trial", "wuqing-five-platforms@2022-hypothetical"]
    trial = locked / "2021-trial.yaml"
    trial.write_text(trial.read_text(encoding="utf-8").replace("value: 30%", "value: 31%", 1), encoding="utf-8")
    r = run("check", locked)
    assert r.exit_code == 1 and "error[WQ-BASE]:" in r.output


def test_a_case_expecting_null_fails_when_the_output_could_not_be_computed(tmp_path):
    """null is "unknown"; an output that faulted also shows null in JSON, and used to pass such a case."""
    case = tmp_path / "case.yaml"
    case.write_text("description: the window runs past the calendar\ninput:\n  decision: demand_subsidy\n"
                    "  purchaser: {name: 甲, in_wuqing: false}\n  year: 9999\n  as_of: 9999-12-31\n"
                    "  prior_subsidy_this_year: 0\n  purchases:\n"
                    "    - {platform: 乙, platform_recognized: true, used_on: 9999-01-10, service_fee: 1000}\n"
                    "expect: {outputs: {total_eligible: null}}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["test", str(case)])
    assert r.exit_code == 1
    assert ("       output total_eligible: 应为 expected null, 实际 got (计算出错 error: 9999-01-10 + 1 year is "
            "outside the calendar (0001-01-01 to 9999-12-31) at ") in r.output
