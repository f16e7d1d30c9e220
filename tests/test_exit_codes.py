"""Exit codes as the bureau's systems and CI rely on them: 0 done, 1 an input or policy error (what the command
line names is missing or wrong), 2 a malformed command line (click's usage errors). Every flag of `eval` with a
bad value, and a good input beside a bad one."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run

FILING = str(ROOT / "examples" / "filing.yaml")


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--format", "xml", FILING], "'xml' is not one of 'text', 'json', 'jsonl'"),
        (["--on", "2021-02-30", FILING], "'2021-02-30' is not a date: day is out of range for month"),
        (["--on", "tomorrow", FILING], "'tomorrow' is not a date written YYYY-MM-DD"),
        (["--on", "2021-6-1", FILING], "'2021-6-1' is not a date written YYYY-MM-DD"),
        (["--policies", "nosuchdir", FILING], "'nosuchdir' does not exist"),
        (["--nosuch", FILING], "--nosuch"),
        ([], "Missing argument 'INPUTS...'"),
    ],
)
def test_a_malformed_eval_command_line_exits_2_with_a_usage_message(args, needle):
    r = run("eval", *args)
    assert r.exit_code == 2
    assert needle in r.stderr and r.stderr.startswith("Usage: wqpolicy eval")
    assert r.stdout == ""


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--policy", "nosuch"], "error[WQ-VERSION]: no policy `nosuch`"),
        (["--policy", "policies"], "`policies` is a folder: give a folder of policy files with --policies policies"),
        (["--policy", "wuqing-five-platforms@nosuch"], "policy `wuqing-five-platforms` has no version `nosuch`"),
        (["--policy", "wuqing-five-platforms@"], "`wuqing-five-platforms@` is not a policy reference"),
        (["--policy", "nosuch.yaml"], "nosuch.yaml:1:1: error[WQ-FILE]"),
        (["--policy", FILING], "not a policy file"),
        (["--on", "2020-06-01"], "no version of `wuqing-five-platforms` is in force on 2020-06-01"),
    ],
)
def test_a_policy_option_that_names_nothing_is_one_error_and_exit_1_before_any_input_is_read(args, needle):
    r = run("eval", *args, FILING, FILING)
    assert r.exit_code == 1
    assert needle in r.stderr
    assert r.stderr.count("error[") == 1  # said once, not once per input
    assert r.stdout == ""


@pytest.mark.parametrize(
    "decision, needle",
    [
        ("nosuch", "policy wuqing-five-platforms@2021-trial has no decision `nosuch`"),
        ("filng", "did you mean `filing`?"),
    ],
)
def test_a_decision_option_that_names_nothing_is_an_input_error_with_exit_1(decision, needle):
    r = run("eval", "--decision", decision, FILING)
    assert r.exit_code == 1
    assert "error[WQ-INPUT]" in r.stderr and needle in r.stderr
    assert r.stdout == ""


def test_a_directory_as_input_is_a_batch_of_its_documents(tmp_path):
    applications = tmp_path / "applications"  # the examples' applications (examples/ci/ holds CI files too)
    applications.mkdir()
    for example in (ROOT / "examples").glob("*.yaml"):
        (applications / example.name).write_bytes(example.read_bytes())
    r = run("eval", applications)  # a folder is a batch: each document in it decided (issue 17)
    assert r.exit_code == 0, r.stderr
    assert "Batch: 6 applications" in r.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("eval", empty)  # one that holds none is an error
    assert r.exit_code == 1 and "error[WQ-FILE]" in r.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl"])
@pytest.mark.parametrize("bad_first", [True, False])
def test_a_good_input_beside_a_bad_one_is_still_evaluated_and_printed_and_the_exit_is_1(fmt, bad_first, tmp_path):
    missing = tmp_path / "nosuch.yaml"
    inputs = [missing, FILING] if bad_first else [FILING, missing]
    r = run("eval", "--format", fmt, *inputs)
    assert r.exit_code == 1
    assert f"{missing}:1:1: error[WQ-FILE]: cannot read" in r.stderr
    if fmt == "json":
        assert [d["input"] for d in json.loads(r.stdout)] == [FILING]
    elif fmt == "jsonl":
        assert [json.loads(line)["input"] for line in r.stdout.splitlines()] == [FILING]
    else:
        assert r.stdout.splitlines()[1] == f"wuqing-five-platforms@2021-trial · filing · {FILING}"
        assert "[eligible]" in r.stdout


def test_every_input_failing_gives_an_empty_array_for_several_and_nothing_for_one(tmp_path):
    r = run("eval", "--format", "json", tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert (r.exit_code, json.loads(r.stdout)) == (1, [])
    assert r.stderr.count("error[WQ-FILE]") == 2
    r = run("eval", "--format", "json", tmp_path / "a.yaml")
    assert (r.exit_code, r.stdout) == (1, "")


def test_empty_standard_input_is_an_input_error():
    r = run("eval", "-", input="")
    assert r.exit_code == 1
    assert "<stdin>:1:1: error[WQ-YAML]: the file is empty" in r.stderr


@pytest.mark.parametrize("command", [["test"], ["expr", "1"]])
def test_on_is_checked_the_same_way_by_every_command_that_takes_it(command):
    r = run(*command, "--on", "2021-02-30")
    assert r.exit_code == 2
    assert "'2021-02-30' is not a date" in r.stderr


def test_the_on_option_shows_its_format_in_help():
    assert "--on YYYY-MM-DD" in run("eval", "--help").stdout


@pytest.mark.parametrize(
    "args, code",
    [
        (["check", "nosuch"], 2),
        (["check", "--format", "yaml"], 2),
        (["test", "nosuch"], 2),
        (["show", "nosuch"], 1),
        (["show", "wuqing-five-platforms@nosuch"], 1),
        (["diff", "nosuch", "wuqing-five-platforms@2021-trial"], 1),
        (["diff", "wuqing-five-platforms@2021-trial"], 2),
        (["lock", "nosuch"], 2),
        (["list", "--policies", "nosuch"], 2),
        (["expr"], 2),
        (["expr", "1 +"], 1),
        (["nosuchcommand"], 2),
    ],
)
def test_the_other_commands_keep_the_same_rule(args, code):
    assert run(*args).exit_code == code


def test_check_of_a_folder_with_no_policy_files_is_an_error_not_zero_versions_passed():
    r = run("check", ROOT / "examples")
    assert r.exit_code == 1
    assert (
        f"{ROOT / 'examples'}:1:1: error[WQ-FILE]: no policy files here (a policy file starts with `id:` and "
        "`version:`) (give the folder of the policy files, or a policy file)"
    ) in r.output


def test_test_with_no_paths_and_no_tests_cases_folder_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("test")
    assert r.exit_code == 2
    assert "no PATHS given and no tests/cases folder here" in r.output
