"""`wqpolicy expr`: one expression in a decision's scope, with an input's fields if given; errors placed in the
expression (`<expr>:1:col`) or in the input."""

from __future__ import annotations

from conftest import EXAMPLES, run


def test_expr_evaluates_in_a_decisions_scope_with_an_input():
    r = run("expr", "eligible_investment - min_investment", EXAMPLES / "recognition.yaml")
    assert r.exit_code == 0
    assert r.stdout.startswith("2,276,500")


def test_expr_reports_an_unknown_name_with_a_suggestion():
    r = run("expr", "rd_intensty >= 3%")
    assert r.exit_code == 1
    assert "<expr>:1:1: error[WQ-NAME]: unknown name `rd_intensty` (did you mean `rd_intensity`?)" in r.stderr


def test_expr_checks_its_input_against_the_decisions_schema(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("decision: recognition\napplicant: 5\n", encoding="utf-8")
    r = run("expr", "eligible_investment", bad)
    assert r.exit_code == 1
    assert f"{bad}:2:12: error[WQ-INPUT]: applicant: 5 is not of type 'object'" in r.stderr


def test_expr_says_which_decision_can_evaluate_a_definition():
    r = run("expr", "--decision", "demand_subsidy", "supply_subsidy")
    assert r.exit_code == 1
    assert r.stderr.startswith(
        "<expr>:1:1: error[WQ-NAME]: this expression uses definitions that decision "
        "`demand_subsidy` cannot evaluate: unknown name `investment_items` at "
    )
    assert "try --decision filing or recognition or annual_assessment" in r.stderr
    ok = run("expr", "--decision", "recognition", "supply_subsidy")
    assert ok.exit_code == 0 and ok.stdout.startswith("unknown")
