"""Hostile or broken files for the hostile-file tests: a small policy of its own (decision `grant`), policy texts
and input documents that once hung, crashed or ran code, and a runner that fails on a hang or a traceback."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from click.testing import Result

from conftest import ROOT, run_process
from conftest import run as run_cli

HANG_GUARD = 5.0  # seconds; only a guard against hangs: real timings are far below it
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
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "decision": {"const": "grant"},
        "applicant": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"revenue": {"type": "number"}, "rd_expense": {"type": "number"}},
        },
    },
}


CONDITION = "        condition: rd_intensity >= min_intensity\n"


BOMB = "".join(
    f"{n}: &{n} [{', '.join([prev] * 9)}]\n"
    for n, prev in [("a", '"lol"'), ("b", "*a"), ("c", "*b"), ("d", "*c"), ("e", "*d"), ("f", "*e"), ("g", "*f")]
)


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


def run(*args: object) -> Result:
    """The command, which must finish within HANG_GUARD and print no traceback."""
    start = time.perf_counter()
    result = run_cli(*args)
    elapsed = time.perf_counter() - start
    assert elapsed < HANG_GUARD, f"{args[0]} took {elapsed:.1f}s"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    return result


def subprocess_run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command in a real process with a bare environment, which must finish in time and print no traceback."""
    start = time.perf_counter()
    result = run_process(*args, cwd=cwd, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=30)
    assert time.perf_counter() - start < HANG_GUARD + 2  # the interpreter's start-up on top
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    return result
