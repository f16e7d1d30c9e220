"""A runtime fault fails closed: a division by zero in an amount, or a payout that comes out negative, makes the
outcome `error` (not the decision's own word), leaves every amount out (null in JSON, "not computed" in the
report), carries the fault as a WQ-EVAL Diagnostic placed in the policy, and makes `wqpolicy eval` exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from wqpolicy import load_policy
from wqpolicy.cli import main
from wqpolicy.report import text_report

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "faults"
POLICY = FIXTURE / "policy.yaml"
LINES = [{"amount": 600, "note": "equipment"}, {"amount": 400, "note": "rent"}]
VALID = {"decision": "grant", "costs": 1000, "staff": 4, "already_granted": 100, "lines": LINES}
BY_ZERO = {**VALID, "staff": 0}  # per_head divides by the staff
NEGATIVE = {**VALID, "already_granted": 900}  # net_grant = 500 - 900
MONEY = ("grant", "per_head", "net_grant")


@pytest.fixture(scope="module")
def policy():
    return load_policy(str(POLICY))


def place_of(text: str) -> tuple[int, int]:
    """Line and column (1-based) of ``text`` in the fixture policy."""
    for n, line in enumerate(POLICY.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return n, line.index(text) + 1
    raise AssertionError(text)


def validate(out: dict) -> None:
    schema = json.loads((ROOT / "schemas" / "decision.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(out)


def eval_cli(tmp_path, doc: dict, *options):
    path = tmp_path / "app.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return CliRunner().invoke(main, ["eval", "--policy", str(POLICY), *options, str(path)])


def test_a_valid_document_is_decided_and_its_amounts_given(policy, tmp_path):
    record = policy.evaluate(None, VALID)
    assert record.outcome == "eligible" and record.faults == ()
    assert [record.output(m) for m in MONEY] == ["500.00", "125.00", "400.00"]
    r = eval_cli(tmp_path, VALID)
    assert r.exit_code == 0 and r.stderr == ""


def test_a_division_by_zero_in_an_amount_makes_the_outcome_error_with_no_amount(policy):
    record = policy.evaluate(None, BY_ZERO)
    assert record.outcome == "error"  # not `eligible`, as the rule alone would say
    assert record.outcome_label.zh == "计算出错" and record.outcome_label.en == "Evaluation error"
    (fault,) = record.faults
    line, col = place_of("/ staff")
    assert (fault.code, fault.severity, fault.subject, fault.decision) == ("WQ-EVAL", "error", "per_head", "grant")
    assert (fault.span.file, fault.span.line, fault.span.col) == (str(POLICY), line, col)
    assert (fault.message, fault.zh) == ("division by zero", "除数为零")
    assert fault.hint and fault.hint_zh
    out = record.to_json()
    assert [out["outputs"][m] for m in MONEY] == [None, None, None]  # none shown as if valid, not even `grant`
    assert out["outputs"]["lines"] == [{"amount": None, "note": "equipment"}, {"amount": None, "note": "rent"}]
    assert out["outputs"]["staff_counted"] == 0  # what is not money stays
    assert out["output_errors"] == {"per_head": f"division by zero at {POLICY}:{line}:{col}"}
    assert out["faults"] == [fault.to_json()]
    assert out["faults"][0]["message_zh"] == "除数为零" and out["faults"][0]["subject"] == "per_head"
    validate(out)


def test_a_negative_payout_is_a_fault_at_the_outputs_expression(policy):
    record = policy.evaluate(None, NEGATIVE)
    assert record.outcome == "error"
    (fault,) = record.faults
    line, col = place_of("round(costs * grant_share - already_granted")
    assert (fault.code, fault.subject, fault.span.line, fault.span.col) == ("WQ-EVAL", "net_grant", line, col)
    assert fault.message == "negative payout: net_grant = -400" and fault.zh == "金额为负数：net_grant = -400"
    assert all(record.output(m) is None for m in MONEY)
    validate(record.to_json())


def test_a_fault_in_a_rule_makes_the_outcome_error_and_the_rule_carries_it(tmp_path):
    for name in ("guide.md", "input.schema.json"):
        (tmp_path / name).write_text((FIXTURE / name).read_text(encoding="utf-8"), encoding="utf-8")
    text = POLICY.read_text(encoding="utf-8").replace("condition: costs > 0", "condition: costs / staff > 0")
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8")
    record = load_policy(str(tmp_path / "policy.yaml")).evaluate(None, BY_ZERO)
    assert record.outcome == "error"  # the outcome logic would have said needs_review
    rule = record.rule("grant.costs")
    assert rule.outcome == "error" and rule.fault.subject == "grant.costs" and rule.fault.zh == "除数为零"
    assert [d.subject for d in record.faults] == ["grant.costs", "per_head"]
    out = record.to_json()
    assert out["rules"][0]["fault"]["code"] == "WQ-EVAL"
    assert out["rules"][0]["message"]["zh"].startswith("计算出错：除数为零")
    validate(out)


def test_eval_exits_1_prints_no_amount_and_says_why(tmp_path):
    for doc, subject in ((BY_ZERO, "per_head"), (NEGATIVE, "net_grant")):
        r = eval_cli(tmp_path, doc)
        assert r.exit_code == 1, r.output
        assert "结论 Outcome: 计算出错 / Evaluation error  [error]" in r.stdout
        assert "计算出错，不给出任何金额 The evaluation faulted: no amount is given" in r.stdout
        assert "500.00" not in r.stdout and "125.00" not in r.stdout and "400.00" not in r.stdout
        assert f"出错 fault · {subject}: " in r.stdout
        assert "error[WQ-EVAL]: " in r.stderr and "Traceback" not in r.output
        j = eval_cli(tmp_path, doc, "--format", "json")
        assert j.exit_code == 1
        out = json.loads(j.stdout)
        assert out["outcome"] == "error" and out["outputs"]["grant"] is None


def test_the_report_of_a_faulted_list_output_shows_no_amount(policy):
    text = text_report(policy.evaluate(None, BY_ZERO))
    assert "1. amount=未计算 not computed, note=equipment" in text
