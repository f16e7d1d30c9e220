"""`wqpolicy test --coverage`: coverage in the policy's terms, derived from the compiled expressions. On the small
demo policy (tests/fixtures/ci) the report is known by hand: 43 goals, every one met by the five demo cases; a
corpus that misses one boundary shows exactly that gap. On the bundled policy: every clause the cases should reach
is reached, every threshold comparison is found, and the JSON follows schemas/coverage.schema.json."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, run
from wqpolicy.ci.coverage import run_coverage
from wqpolicy.ci.coverage_report import render_html, render_markdown, render_text, to_json

FIXTURE = ROOT / "tests" / "fixtures" / "ci"
POLICY = FIXTURE / "policy"


def demo(tmp_path: Path, *, gap: bool = False, only: tuple[str, ...] = ()) -> Path:
    """The demo corpus in tmp_path; ``gap``: the case one fen below the investment threshold moved far below it
    (300,000: still failing grant.cost, no longer at its boundary); ``only``: just these case files."""
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE / "cases", cases)
    if gap:
        below = cases / "cost_one_fen_below.yaml"
        below.write_text(below.read_text(encoding="utf-8").replace("amount: 499999.99", "amount: 300000"), "utf-8")
    if only:
        for p in cases.glob("*.yaml"):
            if p.name not in only:
                p.unlink()
    return cases


def missing(report) -> list[tuple[str, str, str]]:
    """(item, site text or "", goal) for each goal not met."""
    out = []
    for v in report.versions:
        for item in v.items:
            out += [(item.key, "", g.name) for g in item.goals if g.applicable and not g.met]
            for s in item.sites:
                out += [(item.key, s.info.site.text, g.name) for g in s.goals if g.applicable and not g.met]
    return out


def test_the_demo_corpus_meets_every_goal_worked_out_by_hand(tmp_path):
    tests, report = run_coverage([demo(tmp_path)], policy_dirs=[POLICY])
    assert (tests.passed, tests.failed) == (5, 0)
    (v,) = report.versions
    # rules 2 x (pass, fail, unknown); outcomes eligible, ineligible, needs_review; outputs grant and excluded,
    # each known and above zero; branches: 8 sites x 2; boundaries: staff and investment, each at, below, above;
    # the definitions eligible_cost and excluded_cost; six parameters read
    assert v.totals() == {
        "rule": (6, 6),
        "outcome": (3, 3),
        "output": (4, 4),
        "branch": (16, 16),
        "boundary": (6, 6),
        "definition": (2, 2),
        "parameter": (6, 6),
    }
    assert (report.met, report.total, str(report.percent)) == (43, 43, "100.0")
    assert [(c.clause, c.status) for c in v.clauses] == [
        ("1", "reached"),
        ("2", "reached"),
        ("3", "reached"),
        ("4", "not_computable"),
    ]
    assert missing(report) == []


def test_a_corpus_that_misses_one_boundary_shows_exactly_that_gap(tmp_path):
    _, report = run_coverage([demo(tmp_path, gap=True)], policy_dirs=[POLICY])
    assert missing(report) == [("rule grant.cost", "eligible_cost >= min_cost", "below")]
    (v,) = report.versions
    site = next(s for item in v.items for s in item.sites if s.info.site.text == "eligible_cost >= min_cost")
    (goal,) = [g for g in site.goals if not g.met]
    assert goal.suggestion is not None and goal.suggestion.en == "add a case where `eligible_cost` = 499,999.99"
    assert site.info.threshold.unit.en == "0.01 yuan (one fen)"
    assert "add a case where `eligible_cost` = 499,999.99" in render_text(report)
    assert (report.met, report.total) == (42, 43)


def test_a_parameter_is_read_only_where_evaluation_reaches_it(tmp_path):
    """One case that declares nothing: no case is eligible, so the grant's ratio and cap (in the `then` arm) are
    never read; no investment line, so neither list of categories is; no staff or amount, so neither threshold
    is (the right side of `x >= t` waits for a known x). A clause whose rule is never decided and whose parameter
    is never read (1) is named; 2 is reached (its definitions are evaluated, though to unknown)."""
    cases = demo(tmp_path, only=("nothing_declared.yaml",))
    _, report = run_coverage([cases], policy_dirs=[POLICY])
    (v,) = report.versions
    unread = sorted(item.name for item in v.items if item.kind == "parameter" and not item.reached)
    assert unread == ["eligible_categories", "excluded_categories", "grant_cap", "grant_ratio", "min_cost", "min_staff"]
    assert [c.clause for c in v.unreached] == ["1"]
    assert "无案例触及的条款 Clauses no case reaches: 1" in render_text(report)


def test_the_json_follows_its_schema(tmp_path):
    data = json.loads(json.dumps(to_json(run_coverage([demo(tmp_path, gap=True)], policy_dirs=[POLICY])[1])))
    v = jsonschema.Draft202012Validator(json.loads((ROOT / "schemas" / "coverage.schema.json").read_text("utf-8")))
    assert list(v.iter_errors(data)) == []
    (version,) = data["versions"]
    assert (data["percent"], version["met"], version["goals"]) == (97.6, 42, 43)
    rule = next(i for i in version["items"] if i["key"] == "rule grant.cost")
    (site,) = rule["sites"]
    assert site["threshold"] == {
        "parameter": "min_cost",
        "value": "500,000",
        "unit": {"step": "0.01", "kind": "money", "zh": "0.01 元（1 分）", "en": "0.01 yuan (one fen)"},
        "measured": "eligible_cost",
    }
    assert [(g["goal"], g["met"]) for g in site["goals"]] == [
        ("true", True),
        ("false", True),
        ("at", True),
        ("below", False),
        ("above", True),
    ]
    broken = {**data, "versions": [{**version, "dimensions": {"lines": {"met": 1, "goals": 1}}}]}
    assert list(v.iter_errors(broken))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        if tag not in ("meta", "br"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open.pop() == tag

    def handle_data(self, data):
        self.text += data


def test_markdown_and_html_show_the_gap(tmp_path):
    _, report = run_coverage([demo(tmp_path, gap=True)], policy_dirs=[POLICY])
    md = render_markdown(report)
    assert md.startswith("## 覆盖率 Coverage: 97.6% (42/43)")
    assert "| 阈值边界 threshold boundaries | 5/6 | 83.3% |" in md
    assert "`eligible_cost >= min_cost`" in md
    page = render_html(report)
    parser = _Tags()
    parser.feed(page)
    assert parser.open == []  # every tag closed
    assert "eligible_cost &gt;= min_cost" in page and "eligible_cost >= min_cost" in parser.text


def test_fail_under_fails_the_run_below_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    demo(tmp_path, gap=True)
    shutil.copytree(POLICY, tmp_path / "policy")
    ok = run("test", "cases", "--policies", "policy", "--coverage", "--fail-under", "97.5")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.splitlines()[-1] == "覆盖率 coverage 97.6% (42/43) · 5 passed, 0 failed"
    assert ok.stderr.splitlines()[-1] == "5 passed, 0 failed"
    low = run("test", "cases", "--policies", "policy", "--coverage", "--fail-under", "100", "--format", "json")
    assert low.exit_code == 1
    assert json.loads(low.stdout)["percent"] == 97.6
    assert low.stderr.splitlines()[-1] == "覆盖率 coverage 97.6% 低于 is below --fail-under 100%"
    exact = run("test", "cases", "--policies", "policy", "--coverage", "--fail-under", "97.6")
    assert exact.exit_code == 0, exact.output  # at the limit, read exactly: not below it
    above = run("test", "cases", "--policies", "policy", "--coverage", "--fail-under", "97.60000000001")
    assert above.exit_code == 1  # a hair above: a float would have read it as 97.6
    bad = run("test", "cases", "--policies", "policy", "--coverage", "--fail-under", "九十")
    assert bad.exit_code == 2 and "is not a percentage from 0 to 100" in bad.stderr and "Traceback" not in bad.output


@pytest.fixture(scope="module")
def bundled():
    return run_coverage([ROOT / "tests" / "cases"])


def test_the_bundled_corpus_reaches_every_clause_it_can(bundled):
    tests, report = bundled
    assert tests.failed == 0
    (v,) = report.versions
    assert v.ref == "wuqing-five-platforms@2021-trial"
    assert v.unreached == []
    statuses = {c.clause: c.status for c in v.clauses}
    assert statuses["3.2.3"] == statuses["6.2.2"] == "reached"
    assert statuses["3.2.9"] == "not_computable" and statuses["4.1"] == "unevaluated"
    policy = tests.runs[0].result.record.info  # any record: the rule ids come from the policy, not from a list
    assert policy is not None
    rules = {item.name for item in v.items if item.kind == "rule"}
    assert {"filing.industry", "recognition.staff", "assessment.quarterly_reports"} <= rules and len(rules) == 22


def test_every_threshold_comparison_of_the_bundled_policy_is_found(bundled):
    _, report = bundled
    (v,) = report.versions
    thresholds = sorted(
        (s.info.threshold.parameter, s.info.site.op) for item in v.items for s in item.sites if s.info.threshold
    )
    assert thresholds == [
        ("demand_subsidy_cap_per_year", ">="),
        ("follow_on_max_years", "<"),
        ("min_equipment_share", ">="),
        ("min_functions", ">="),
        ("min_investment", ">="),
        ("min_partner_cases", ">="),
        ("min_rd_intensity", ">="),
        ("min_rd_staff_share", ">="),
        ("min_service_area_m2", ">="),
        ("min_services_provided", ">="),
        ("required_quarterly_reports", ">="),
        ("settlement_window", "<="),
        ("settlement_window", "<="),
    ]
    units = {
        s.info.threshold.parameter: s.info.threshold.unit.en for item in v.items for s in item.sites if s.info.threshold
    }
    assert units["min_investment"] == "0.01 yuan (one fen)" and units["min_service_area_m2"] == "1 m²"
    assert units["min_rd_staff_share"] == "0.01 percentage point" and units["settlement_window"] == "one day"
    staff = next(s for item in v.items for s in item.sites if s.info.site.text.startswith("staff.rd_technical /"))
    below = next(g for g in staff.goals if g.name == "below")
    assert below.met_by == "tests/cases/recognition/staff_share_one_person_below_20pct.yaml"


def test_the_bundled_coverage_is_what_the_readme_states(bundled):
    _, report = bundled
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"coverage {report.percent}% ({report.met}/{report.total})" in readme
