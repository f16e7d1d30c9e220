"""The command line through click's runner (stdout and stderr apart), and one real run of the installed command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from conftest import EXAMPLES, ROOT, run
from wqpolicy import clock


def test_eval_prints_the_outcome_first_then_rules_with_clauses_then_outputs():
    r = run("eval", EXAMPLES / "recognition.yaml", env={"WQPOLICY_LANG": "both"})
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "政策文件 Policy files: policies/wuqing-five-platforms/2021-trial.yaml"  # the files read
    assert lines[1].startswith("wuqing-five-platforms@2021-trial · recognition")  # the notice's first line
    # the example gives no submitted_on: the day of the evaluation chose the version, and the notice says so
    assert "版本依据：2024-06-03（评估当日；申请材料未给出 submitted_on）" in lines
    outcome = next(line for line in lines if line.startswith("结论 Outcome:"))  # after the notice's header
    assert outcome.startswith("结论 Outcome: 符合认定条件 / Eligible for recognition")
    assert "[eligible]" in outcome
    assert "3.2.3  recognition.rd_intensity" in r.stdout
    assert "供给侧补贴总额            3,682,950.00 元   supply_subsidy_total" in r.stdout
    assert r.stdout.index("结论") < r.stdout.index("规则") < r.stdout.index("核定金额与输出 Amounts and outputs")


def test_eval_json_follows_the_decision_schema_and_the_contract():
    r = run("eval", "--format", "json", EXAMPLES / "recognition.yaml")
    assert r.exit_code == 0
    record = json.loads(r.stdout)
    schema = json.loads((ROOT / "schemas" / "decision.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(record)
    assert record["policy"] == {
        "id": "wuqing-five-platforms",
        "version": "2021-trial",
        "files": ["policies/wuqing-five-platforms/2021-trial.yaml"],
    }
    today = clock.today().isoformat()
    assert record["version_date"] == {"date": today, "source": "evaluation_date", "field": "submitted_on"}
    assert record["decision"] == "recognition"
    assert record["outcome"] == "eligible"
    outputs = record["outputs"]
    assert outputs["eligible_investment"] == "12276500.00"
    assert outputs["supply_subsidy_total"] == "3682950.00"
    assert Decimal(outputs["tranche_on_recognition"]) + Decimal(outputs["tranche_after_first_assessment"]) == Decimal(
        outputs["supply_subsidy_total"]
    )
    assert outputs["official_name"] == "武清区生物医药产业五大创新功能平台"
    rule = next(x for x in record["rules"] if x["id"] == "recognition.rd_intensity")
    assert rule["clause"] == "3.2.3" and rule["outcome"] == "pass"
    assert set(rule["values"]) == {"rd_intensity", "min_rd_intensity"}


def test_eval_json_gives_an_array_for_several_inputs_and_jsonl_one_line_each():
    files = [EXAMPLES / "filing.yaml", EXAMPLES / "demand_subsidy.yaml"]
    r = run("eval", "--format", "json", *files)
    data = json.loads(r.stdout)
    assert [d["decision"] for d in data] == ["filing", "demand_subsidy"]
    r = run("eval", "--format", "jsonl", *files)
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["outputs"]["total_eligible"] == "850000.00"


def test_eval_json_of_one_input_that_fails_prints_no_record_and_of_several_only_the_evaluated(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("decision: filing\nbogus: 1\n", encoding="utf-8")
    r = run("eval", "--format", "json", bad)
    assert (r.exit_code, r.stdout) == (1, "")  # not `[]`: there is no record to give
    assert f"{bad}:2:1: error[WQ-INPUT]" in r.stderr
    r = run("eval", "--format", "json", bad, EXAMPLES / "filing.yaml")
    assert r.exit_code == 1
    assert [d["input"] for d in json.loads(r.stdout)] == [str(EXAMPLES / "filing.yaml")]


def test_eval_reads_standard_input_and_takes_the_decision_from_the_option():
    text = (EXAMPLES / "filing.yaml").read_text(encoding="utf-8").replace("decision: filing\n", "")
    r = run("eval", "--decision", "filing", "--format", "json", "-", input=text)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["outcome"] == "eligible"


def test_eval_without_a_decision_is_an_input_error_with_exit_1():
    r = run("eval", "-", input="platform: {industry: biomedicine}\n")
    assert r.exit_code == 1
    assert "WQ-INPUT" in r.stderr and "decision" in r.stderr
    assert r.stdout == ""


def test_eval_reports_input_errors_with_path_and_line_and_still_evaluates_the_others(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("decision: filing\ninvestment:\n  - {category: rent, amount: -5}\n", encoding="utf-8")
    r = run("eval", "--format", "jsonl", bad, EXAMPLES / "filing.yaml")
    assert r.exit_code == 1
    assert f"{bad}:3:" in r.stderr
    assert "investment[0].amount: -5 is less than the minimum of 0" in r.stderr
    assert json.loads(r.stdout)["decision"] == "filing"


def test_eval_on_a_date_before_any_version_is_a_clear_error():
    r = run("eval", "--on", "2020-06-01", EXAMPLES / "filing.yaml")
    assert r.exit_code == 1
    assert "no version of `wuqing-five-platforms` is in force on 2020-06-01" in r.stderr


def test_usage_errors_exit_2():
    assert run("eval").exit_code == 2
    assert run("eval", "--format", "xml", EXAMPLES / "filing.yaml").exit_code == 2
    assert run("nosuchcommand").exit_code == 2


def test_the_installed_command_finds_its_policies_from_any_directory(tmp_path):
    beside = Path(sys.executable).parent / "wqpolicy"  # the venv's own script, even when its bin is not on PATH
    exe = str(beside) if beside.is_file() else shutil.which("wqpolicy")
    if exe is None or not Path(exe).resolve().is_relative_to(Path(sys.prefix).resolve()):
        pytest.skip("wqpolicy is not installed in this environment (CI installs it)")
    shutil.copy(EXAMPLES / "recognition.yaml", tmp_path / "app.yaml")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [exe, "eval", "--format", "json", "app.yaml"], cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outputs"]["supply_subsidy_total"] == "3682950.00"
