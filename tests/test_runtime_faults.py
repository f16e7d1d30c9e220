"""Runtime faults (a date past the calendar, division by zero) become findings placed in the policy file: an
`error` rule or output, the outcome `error`, or WQ-EVAL from `wqpolicy expr`; never a traceback and never a silent
fall-through to `otherwise`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from conftest import EXAMPLES, ROOT, run
from wqpolicy import load_policy

POLICY = ROOT / "policies" / "wuqing-five-platforms" / "2021-trial.yaml"
FIXTURE = ROOT / "tests" / "fixtures" / "invalid" / "cycle"


def demand_example() -> dict:
    doc = yaml.safe_load((EXAMPLES / "demand_subsidy.yaml").read_text(encoding="utf-8"))
    return json.loads(json.dumps(doc, default=str))  # dates as the JSON text a portal sends


def far_future_demand() -> dict:
    doc = demand_example()
    doc["year"] = 9999
    doc["purchaser"]["settled_on"] = "9999-12-30"
    doc["purchases"][0]["used_on"] = "9999-12-31"  # its settlement window would end past 9999-12-31
    return doc


def line_of(text: str, path: Path) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_a_fault_in_the_outcome_logic_gives_the_outcome_error_and_says_why(bundled_policy):
    record = bundled_policy.evaluate("demand_subsidy", far_future_demand())
    assert record.outcome == "error"  # not `ineligible` from falling through to `otherwise`
    assert record.outcome_error.startswith("9999-12-31 + 1 year is outside the calendar (0001-01-01 to 9999-12-31)")
    # placed at the per-item definition that computes the settlement window
    assert record.outcome_error.endswith(f"2021-trial.yaml:{line_of('purchase_results:', POLICY)}:7")
    assert set(record.output_errors) == {"purchases", "total_eligible", "total_pending", "cap_remaining"}


def test_the_outcome_error_is_in_the_json_and_the_text_report(tmp_path):
    doc = tmp_path / "far.json"
    doc.write_text(json.dumps(far_future_demand()), encoding="utf-8")
    r = run("eval", "--format", "json", doc)
    assert r.exit_code == 1, r.output
    out = json.loads(r.stdout)
    assert out["outcome"] == "error"
    assert "outside the calendar" in out["outcome_error"]
    schema = json.loads((ROOT / "schemas" / "decision.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(out)
    text = " ".join(run("eval", doc, env={"WQPOLICY_LANG": "both"}).stdout.split())  # the notice is wrapped
    assert "出错 fault · outcome: 9999-12-31 + 1 year 超出日历范围（0001-01-01 至 9999-12-31）" in text
    assert "9999-12-31 + 1 year is outside the calendar (0001-01-01 to 9999-12-31) at " in text


def test_no_outcome_error_when_the_outcome_logic_runs(bundled_policy):
    record = bundled_policy.evaluate(None, demand_example())
    assert record.outcome == "eligible" and record.outcome_error is None
    assert "outcome_error" not in record.to_json()


def test_a_fault_inside_a_definition_is_placed_in_the_definitions_text(tmp_path):
    for name in ("guide.md", "input.schema.json"):
        (tmp_path / name).write_text((FIXTURE / name).read_text(encoding="utf-8"), encoding="utf-8")
    policy = (FIXTURE / "policy.yaml").read_text(encoding="utf-8")
    policy = policy.replace(
        "  rd_intensity: rd_share * 100\n  rd_share: rd_intensity / 100\n",
        "  rd_intensity: applicant.rd_expense / applicant.revenue\n",
    )
    (tmp_path / "policy.yaml").write_text(policy, encoding="utf-8")
    record = load_policy(str(tmp_path / "policy.yaml")).evaluate(
        "grant", {"applicant": {"revenue": 0, "rd_expense": 5}}
    )
    rule = record.rule("grant.intensity")
    assert rule.outcome == "error"
    line = line_of("rd_intensity: applicant", tmp_path / "policy.yaml")
    col = policy.splitlines()[line - 1].index("/") + 1
    assert rule.error == f"division by zero at {tmp_path / 'policy.yaml'}:{line}:{col}"


def test_expr_reports_a_date_past_the_calendar_as_an_evaluation_error():
    for text, col in (("9999-12-31 + 1 year", 12), ("0001-01-01 - 1 day", 12), ("1 day + 9999-12-31", 7)):
        r = run("expr", text)
        assert r.exit_code == 1, r.output
        assert f"<expr>:1:{col}: error[WQ-EVAL]: " in r.stderr and "outside the calendar" in r.stderr
        assert "Traceback" not in r.output


def test_evaluation_runs_left_to_right_and_stops_once_the_result_is_settled():
    """As README says: an operand that cannot change a settled result is not evaluated, so its fault never
    happens; a fault met before the result is settled is an error."""
    import pytest

    from wqpolicy.errors import WQError
    from wqpolicy.expression import evaluate_expression
    from wqpolicy.values import UNKNOWN

    settled = {
        "false and 1/0 > 1": False,
        "true or 1/0 > 1": True,
        "x + 1/0": UNKNOWN,
        "x > 1/0": UNKNOWN,
        "min(x, 1/0)": UNKNOWN,
    }
    for text, value in settled.items():
        assert evaluate_expression(text, {}, missing=["x"]) is value, text
    for text in ("1/0 + x", "x and 1/0 > 1", "1/0 > 1 and false", "x or 1/0 > 1"):
        with pytest.raises(WQError, match="division by zero"):
            evaluate_expression(text, {}, missing=["x"])
