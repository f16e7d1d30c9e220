"""Hostile or broken files never produce a traceback: `wqpolicy check FILE` and `wqpolicy eval FILE` exit 1
with a diagnostic naming the file (2 for click's own usage errors), and finish quickly.

The time bound is only a guard against hangs; real timings are far below it.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from wqpolicy.cli import main

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD = 5.0  # seconds
POLICY_REF = "wuqing-five-platforms@2021-trial"

POLICY = """\
id: hostile
version: "1"
effective_from: "2021-01-01"
source:
  document: guide.md
parameters:
  min_intensity:
    value: 3%
    type: ratio
    clause: "1"
definitions:
  rd_intensity: if applicant.revenue == 0 then 0 else applicant.rd_expense / applicant.revenue
decisions:
  grant:
    input: input.schema.json
    rules:
      grant.intensity:
        clause: "2"
        label: {zh: 研发强度, en: R&D intensity}
        condition: rd_intensity >= min_intensity
        message: {zh: 研发强度不足, en: R&D intensity too low}
    outcome:
      - {when: rules.failed > 0, then: ineligible}
      - {otherwise: eligible}
clause_map:
  "1": [min_intensity]
  "2": [grant.intensity, rd_intensity]
"""
GUIDE = "# Guide\n\n- **[1]** The minimum R&D intensity is 3%.\n- **[2]** The applicant must reach it.\n"
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "additionalProperties": False,
    "properties": {"decision": {"const": "grant"},
                   "applicant": {"type": "object", "additionalProperties": False,
                                 "properties": {"revenue": {"type": "number"}, "rd_expense": {"type": "number"}}}},
}
CONDITION = "        condition: rd_intensity >= min_intensity\n"
BOMB = "".join(f"{n}: &{n} [{', '.join([prev] * 9)}]\n" for n, prev in
               [("a", '"lol"'), ("b", "*a"), ("c", "*b"), ("d", "*c"), ("e", "*d"), ("f", "*e"), ("g", "*f")])


def with_condition(expr: str) -> str:
    return POLICY.replace(CONDITION, f"        condition: {expr}\n")


POLICY_TEXTS = {
    "malformed YAML": POLICY.replace("    type: ratio\n", "    type: ratio value: 2\n"),
    "unclosed flow mapping": POLICY.replace("{zh: 研发强度, en: R&D intensity}", "{zh: 研发强度, en: R&D"),
    "duplicate keys": POLICY.replace("    type: ratio\n", "    type: ratio\n    type: money\n"),
    "python tag": POLICY.replace("    value: 3%\n", '    value: !!python/object/apply:os.system ["echo hi"]\n'),
    "billion laughs": BOMB + POLICY,
    "YAML nested 10,000 deep": POLICY.replace("    value: 3%\n", "    value: " + "[" * 10_000 + "]" * 10_000 + "\n"),
    "(((…))) 10,000 deep": with_condition("(" * 10_000 + "true" + ")" * 10_000),
    "(((…))) 4,000 deep, under the length limit": with_condition("(" * 4_000 + "true" + ")" * 4_000),
    "not not … 10,000 deep": with_condition("not " * 10_000 + "true"),
    "not not … 2,400 deep, under the length limit": with_condition("not " * 2_400 + "true"),
    "- - … 9,000 deep": with_condition('"' + "-" * 9_000 + '1 > 0"'),
    "1 MB expression": with_condition("rd_intensity + " * 70_000 + "1 > 0"),
    "10,000-digit number in YAML": POLICY.replace("    value: 3%\n", "    value: " + "9" * 10_000 + "\n"),
    "10,000-digit number in an expression": with_condition("rd_intensity >= " + "9" * 10_000),
    "5,000-digit number in an expression": with_condition("rd_intensity >= " + "9" * 5_000),
    # wording these two once scanned back from the error with an end-anchored regex: quadratic in the length
    "a 9,000-letter name before a stray bracket": with_condition("a" * 9_000 + " + )"),
    "a 9,000-digit number before a spaced unit": with_condition("rd_intensity >= " + "1" * 9_000 + " %"),
    "control character": POLICY.replace("    value: 3%\n", "    value: 3%\x00\n"),
    "empty file": "",
    "only a comment": "# nothing here\n",
    "a list, not a mapping": "- id: hostile\n",
    "number given as text": POLICY.replace("    value: 3%\n", "    value: three percent\n"),
}

# input documents for the decision `grant` of POLICY (small, so that each run stays cheap)
INPUT_TEXTS = {
    "malformed YAML": "decision: grant\napplicant: {revenue: 1\n",
    "duplicate keys": "decision: grant\napplicant: {revenue: 1}\napplicant: {revenue: 2}\n",
    "python tag": 'decision: grant\napplicant: !!python/object/apply:os.system ["echo hi"]\n',
    "billion laughs": BOMB + "decision: grant\n",
    "YAML nested 10,000 deep": "decision: grant\napplicant: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "10,000-digit number": "decision: grant\napplicant: {revenue: " + "9" * 10_000 + "}\n",
    "control character": "decision: grant\x07\n",
    "empty file": "",
    "only a comment": "# nothing here\n",
    "a list, not a mapping": "[decision, grant]\n",
    "JSON with NaN": '{"decision": "grant", "applicant": {"revenue": NaN}}',
    "JSON with Infinity": '{"decision": "grant", "applicant": {"rd_expense": -Infinity}}',
    "YAML .nan": "decision: grant\napplicant: {revenue: .nan}\n",
    "number given as text": '{"decision": "grant", "applicant": {"revenue": "100"}}',
    "decision that is a number": "decision: 5\n",
    "decision that is a list": "decision: [grant]\n",
    "unknown decision": "decision: grnat\n",
    "no decision": "applicant: {revenue: 100}\n",
}


def policy_folder(tmp_path: Path, text: str | bytes) -> Path:
    folder = tmp_path / "policy"
    folder.mkdir()
    (folder / "guide.md").write_text(GUIDE, encoding="utf-8")
    (folder / "input.schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    path = folder / "policy.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run(*args: str):
    start = time.perf_counter()
    result = CliRunner().invoke(main, list(args))
    elapsed = time.perf_counter() - start
    assert elapsed < HANG_GUARD, f"{args[0]} took {elapsed:.1f}s"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    return result


def test_the_base_policy_and_a_plain_input_are_valid(tmp_path):
    path = policy_folder(tmp_path, POLICY)
    assert run("check", str(path)).exit_code == 0
    doc = tmp_path / "input.yaml"
    doc.write_text("decision: grant\napplicant: {revenue: 100, rd_expense: 5}\n", encoding="utf-8")
    result = run("eval", "--policy", str(path), str(doc))
    assert result.exit_code == 0 and "eligible" in result.stdout


@pytest.mark.parametrize("case", POLICY_TEXTS)
def test_check_reports_a_hostile_policy_file_by_name(tmp_path, case):
    path = policy_folder(tmp_path, POLICY_TEXTS[case])
    result = run("check", str(path))
    assert result.exit_code == 1, result.output
    assert f"{path}:" in result.stdout
    assert " error[WQ-" in result.stdout


def test_check_reports_a_non_utf8_policy_file(tmp_path):
    path = policy_folder(tmp_path, POLICY.replace("研发强度", "R&D").encode("utf-8") + b"note: caf\xe9\n")
    result = run("check", str(path))
    assert result.exit_code == 1
    assert f"{path}:" in result.stdout and "error[WQ-FILE]" in result.stdout


def test_check_reports_a_non_utf8_source_document_at_the_policys_document_key(tmp_path):
    path = policy_folder(tmp_path, POLICY)
    (path.parent / "guide.md").write_bytes(GUIDE.encode("utf-8") + b"\n**[9]** caf\xe9\n")
    result = run("check", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "error[" in line]
    line, offset = GUIDE.count("\n") + 2, len(GUIDE.encode("utf-8")) + len("\n**[9]** caf")
    assert lines == [f"{path}:5:13: error[WQ-FILE]: source document `guide.md` ({line}:12): "
                     f"not UTF-8 text (byte 0xe9 at offset {offset}) (save the file as UTF-8)"], result.stdout
    assert run("eval", "--policy", str(path), "-").exit_code == 1


def test_check_reports_a_directory_where_a_policy_file_should_be(tmp_path):
    policy_folder(tmp_path, POLICY)
    (tmp_path / "policy" / "sub.yaml").mkdir()
    result = run("check", str(tmp_path / "policy"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'policy' / 'sub.yaml'}:" in result.stdout and "error[WQ-FILE]" in result.stdout


def test_check_of_a_missing_file_is_a_usage_error(tmp_path):
    missing = tmp_path / "missing.yaml"
    result = run("check", str(missing))
    assert result.exit_code == 2
    assert str(missing) in result.stderr


def test_eval_with_a_hostile_policy_file_reports_it(tmp_path):
    path = policy_folder(tmp_path, with_condition("not " * 2_400 + "true"))
    doc = tmp_path / "input.yaml"
    doc.write_text("decision: grant\n", encoding="utf-8")
    result = run("eval", "--policy", str(path), str(doc))
    assert result.exit_code == 1
    assert f"{path}:" in result.stderr and "error[WQ-SYNTAX]" in result.stderr


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
    result = run("eval", "--policy", POLICY_REF, str(tmp_path))
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
    result = CliRunner().invoke(main, ["eval", "--policy", POLICY_REF, "-"], input=BOMB + "decision: filing\n")
    assert time.perf_counter() - start < HANG_GUARD
    assert result.exit_code == 1
    assert result.stderr.startswith("<stdin>:") and "Traceback" not in result.output


def subprocess_run(*args: str, cwd: Path):
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "wqpolicy", *args], capture_output=True, text=True, cwd=cwd,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=30)
    assert time.perf_counter() - start < HANG_GUARD + 2  # the interpreter's start-up on top
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    return result


def test_a_python_tag_in_a_policy_runs_nothing_in_a_real_process(tmp_path):
    path = policy_folder(tmp_path, POLICY_TEXTS["python tag"])
    result = subprocess_run("check", str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{path}:" in result.stdout and "error[WQ-YAML]" in result.stdout
    assert "hi\n" not in result.stdout.splitlines(keepends=True)


def test_an_alias_bomb_input_fails_fast_in_a_real_process(tmp_path):
    path = tmp_path / "input.yaml"
    path.write_text(BOMB + "decision: recognition\n", encoding="utf-8")
    result = subprocess_run("eval", "--policy", POLICY_REF, str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{path}:") and "error[WQ-YAML]" in result.stderr


def test_eval_reports_non_utf8_standard_input():
    result = CliRunner().invoke(main, ["eval", "--policy", POLICY_REF, "-"],
                                input=b"decision: filing\napplicant: {name: caf\xe9}\n")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    assert result.stderr.startswith("<stdin>:2:") and "error[WQ-FILE]" in result.stderr


def test_a_symbolic_link_loop_in_a_policy_folder_is_a_file_error_not_a_traceback(tmp_path):
    import shutil

    from wqpolicy.loader import load_policy
    bundled = Path(__file__).resolve().parent.parent / "policies" / "wuqing-five-platforms"
    for name in ("2021-trial.yaml", "guideline.zh.md"):
        shutil.copy(bundled / name, tmp_path / name)
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    r = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert r.exit_code == 1
    assert f"{tmp_path / 'a.yaml'}:1:1: error[WQ-FILE]: cannot read: a symbolic link that leads round in a loop " \
           "(remove it, or point it at a file)" in r.output
    assert "Traceback" not in r.output
    # the API takes one folder as a str, not as the characters of its name
    assert load_policy(paths=str(tmp_path)).version == "2021-trial"


def test_definitions_built_on_one_another_too_deeply_are_an_error_not_a_recursion_error(tmp_path):
    """Each step is followed on Python's stack: 170 steps ended in RecursionError; now an engine limit says so."""
    from wqpolicy.checker import MAX_CHAIN
    from wqpolicy.loader import Library
    steps = "".join(f"  z{i}: {{expr: z{i - 1} + 1, clause: \"3.2.8\"}}\n" for i in range(1, 3 * MAX_CHAIN))
    path = tmp_path / "revision.yaml"
    path.write_text("id: wuqing-five-platforms\nversion: 2022-deep\nextends: 2021-trial\neffective_from: 2022-01-01\n"
                    f"definitions:\n  z0: {{expr: '1', clause: \"3.2.8\"}}\n{steps}decisions:\n  filing:\n    rules:\n"
                    f"      filing.deep: {{clause: \"3.2.8\", label: {{zh: 深, en: deep}}, condition: z{3 * MAX_CHAIN - 1} > 0, "
                    "message: {zh: 深, en: deep}}\n", encoding="utf-8")
    errors, _ = Library.over_bundled([path]).check(only=[path])
    assert errors and {d.code for d in errors} == {"WQ-CYCLE"}
    assert errors[0].message.startswith(f"definitions are built on one another more than {MAX_CHAIN} deep: ")
    assert errors[0].span.file == str(path)


def test_running_out_of_stack_while_checking_is_one_error_at_the_file(monkeypatch):
    """The last resort behind the limits on expressions and definitions: whatever their worst together does."""
    from wqpolicy import library
    from wqpolicy.errors import WQError

    def too_deep(*args):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setattr(library, "Policy", too_deep)
    with pytest.raises(WQError) as e:
        library.Library().load("wuqing-five-platforms", "2021-trial")
    (d,) = e.value.diagnostics
    assert (d.code, d.span.line, d.span.file.endswith("2021-trial.yaml")) == ("WQ-CYCLE", 1, True)
    assert d.message == "the definitions and expressions of this version nest too deeply to check (an engine limit)"


def test_a_document_wrong_throughout_gets_the_first_fifty_errors_and_a_line_saying_more(tmp_path):
    from wqpolicy.inputs import MAX_INPUT_ERRORS
    # `purchases[…]` sorts after "more errors…": the line saying so must still come last
    doc = {"decision": "demand_subsidy", "purchases": [{"service_fee": -1}] * (MAX_INPUT_ERRORS + 10)}
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    r = CliRunner().invoke(main, ["eval", str(path)])
    errors = [line for line in r.output.splitlines() if "error[WQ-INPUT]" in line]
    assert r.exit_code == 1 and len(errors) == MAX_INPUT_ERRORS + 1
    assert errors[0].endswith("purchases[0].service_fee: -1 is less than the minimum of 0")
    assert errors[-1].endswith(f"error[WQ-INPUT]: more errors not shown: the first {MAX_INPUT_ERRORS} are above "
                               "(correct them and run again)")
    assert errors[-2].endswith(f"purchases[{MAX_INPUT_ERRORS - 1}].service_fee: -1 is less than the minimum of 0")
