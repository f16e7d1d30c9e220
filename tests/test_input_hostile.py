"""Hostile or broken input documents never produce a traceback: `wqpolicy eval` reports each on standard error at
its file:line:col with exit 1 (2 for click's own usage errors), prints no record for it, finishes quickly, and
stops listing errors after the first fifty.

The time bound is only a guard against hangs; real timings are far below it.
"""

from __future__ import annotations

import json
import time

import pytest

from conftest import run as run_cli
from hostile import BOMB, HANG_GUARD, INPUT_TEXTS, POLICY, POLICY_REF, policy_folder, run, subprocess_run
from wqpolicy.inputs import MAX_INPUT_ERRORS


@pytest.mark.parametrize("case", INPUT_TEXTS)
def test_eval_reports_a_hostile_input_document_by_name(tmp_path, case):
    policy = policy_folder(tmp_path, POLICY)
    path = tmp_path / "input.yaml"
    path.write_text(INPUT_TEXTS[case], encoding="utf-8")
    result = run("eval", "--policy", str(policy), str(path))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"{path}:")
    assert " error[WQ-" in result.stderr
    assert result.stdout == ""


def test_eval_reports_a_non_utf8_input(tmp_path):
    path = tmp_path / "input.yaml"
    path.write_bytes(b"decision: filing\napplicant: {name: caf\xe9}\n")
    result = run("eval", "--policy", POLICY_REF, str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:2:") and "error[WQ-FILE]" in result.stderr


def test_eval_reports_a_directory_given_as_the_input(tmp_path):
    result = run("eval", "--policy", POLICY_REF, str(tmp_path))  # a folder is a batch: this one holds none
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path}:") and "error[WQ-FILE]" in result.stderr


def test_eval_reports_a_missing_input_file_as_a_finding(tmp_path):
    # not a usage error: with several inputs, the others are still evaluated
    missing = tmp_path / "missing.yaml"
    result = run("eval", "--policy", POLICY_REF, str(missing))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{missing}:") and "error[WQ-FILE]" in result.stderr


def test_eval_without_an_input_argument_is_a_usage_error():
    result = run("eval", "--policy", POLICY_REF)
    assert result.exit_code == 2
    assert "INPUTS" in result.stderr


def test_eval_of_a_hostile_standard_input_names_stdin():
    start = time.perf_counter()
    result = run_cli("eval", "--policy", POLICY_REF, "-", input=BOMB + "decision: filing\n")
    assert time.perf_counter() - start < HANG_GUARD
    assert result.exit_code == 1
    assert result.stderr.startswith("<stdin>:") and "Traceback" not in result.output


def test_an_alias_bomb_input_fails_fast_in_a_real_process(tmp_path):
    path = tmp_path / "input.yaml"
    path.write_text(BOMB + "decision: recognition\n", encoding="utf-8")
    result = subprocess_run("eval", "--policy", POLICY_REF, str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{path}:") and "error[WQ-YAML]" in result.stderr


def test_eval_reports_non_utf8_standard_input():
    result = run_cli("eval", "--policy", POLICY_REF, "-", input=b"decision: filing\napplicant: {name: caf\xe9}\n")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    assert result.stderr.startswith("<stdin>:2:") and "error[WQ-FILE]" in result.stderr


def test_a_document_wrong_throughout_gets_the_first_fifty_errors_and_a_line_saying_more(tmp_path):
    # `purchases[…]` sorts after "more errors…": the line saying so must still come last
    doc = {"decision": "demand_subsidy", "purchases": [{"service_fee": -1}] * (MAX_INPUT_ERRORS + 10)}
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    r = run_cli("eval", path)
    errors = [line for line in r.output.splitlines() if "error[WQ-INPUT]" in line]
    assert r.exit_code == 1 and len(errors) == MAX_INPUT_ERRORS + 1
    assert errors[0].endswith("purchases[0].service_fee: -1 is less than the minimum of 0")
    assert errors[-1].endswith(
        f"error[WQ-INPUT]: more errors not shown: the first {MAX_INPUT_ERRORS} are above (correct them and run again)"
    )
    assert errors[-2].endswith(f"purchases[{MAX_INPUT_ERRORS - 1}].service_fee: -1 is less than the minimum of 0")
