"""`wqpolicy diff`: the structured policy changes between two versions, their impact over cases, the three
output formats and the exit codes.

The Markdown output is compared with tests/golden/diff.md. After an intended change of the format, regenerate it:

    WQPOLICY_UPDATE_GOLDEN=1 python -m pytest tests/test_diff.py -k golden

and review the golden file's diff before committing it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, golden, run
from wqpolicy.cases import load_cases
from wqpolicy.diff import Diff, policy_changes
from wqpolicy.diff_report import render_json, render_markdown, render_text
from wqpolicy.errors import Diagnostic, WQError
from wqpolicy.impact import case_impact
from wqpolicy.loader import load_policy

REVISION = "tests/fixtures/revision/2022-hypothetical.yaml"
OWN_CASES = "tests/fixtures/revision/cases"
BASE_REF = "wuqing-five-platforms@2021-trial"
GOLDEN = ROOT / "tests" / "golden" / "diff.md"
REAL_CASES = [
    "tests/cases/recognition/baseline_fully_eligible.yaml",
    "tests/cases/recognition/input_error_unknown_field.yaml",
    "tests/cases/filing/all_filing_rules_pass.yaml",
    "tests/cases/annual_assessment/follow_on_excluded_and_other_above_3pct.yaml",
]


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # case names are shown relative to the working folder


@pytest.fixture(scope="module")
def base(bundled_policy):
    return bundled_policy


@pytest.fixture(scope="module")
def revision():
    return load_policy(str(ROOT / REVISION))


@pytest.fixture(scope="module")
def changes(base, revision):
    return policy_changes(base.model, revision.model)


def impact_of(base, revision, *paths):
    cases, problems = load_cases([ROOT / p for p in paths])
    assert problems == []
    return case_impact(base, revision, cases, base=ROOT)


# -- the policy diff ------------------------------------------------------------------------------------
def test_each_kind_of_change_is_listed_once_and_nothing_else(changes):
    assert [(c.kind, c.path, c.clause, c.before, c.after) for c in changes] == [
        (
            "policy.changed",
            "title",
            None,
            {
                "zh": "武清区“五大创新平台”认定管理指南（试行）",
                "en": 'Wuqing District "Five Innovation Platforms" recognition guideline (trial)',
            },
            {"zh": "假设的修订（非武清区政策）", "en": "hypothetical revision — not bureau policy"},
        ),
        (
            "item.moved",
            "parameters.excluded_categories[decoration]",
            "6.3.1",
            "eligible_categories",
            "excluded_categories",
        ),
        (
            "item.added",
            "parameters.industries.low_altitude",
            "2.2",
            None,
            {"zh": "低空经济", "en": "Low-altitude economy", "clause": "2.2", "subsectors": ["无人机"]},
        ),
        ("parameter.changed", "parameters.min_rd_intensity", "3.2.3", "0.03", "0.04"),
        ("parameter.changed", "parameters.supply_subsidy_cap", "6.1.1", "5000000", "6000000"),
        ("parameter.changed", "parameters.supply_subsidy_ratio", "6.1.1", "0.3", "0.35"),
        ("rule.added", "decisions.recognition.rules.recognition.partners_strong", "3.2.8", None, "partner_cases >= 3"),
        (
            "rule.removed",
            "decisions.recognition.rules.recognition.satisfaction",
            "3.2.6",
            "expert_review.satisfaction",
            None,
        ),
        (
            "clause_map.changed",
            "clause_map.3.2.6",
            "3.2.6",
            ["recognition.track_record", "recognition.satisfaction", "min_services_provided"],
            ["recognition.track_record", "min_services_provided"],
        ),
    ]


def test_change_messages_are_plain_words(changes):
    assert [c.message for c in changes] == [
        'title changed: 武清区“五大创新平台”认定管理指南（试行） / Wuqing District "Five Innovation Platforms" '
        "recognition guideline (trial) → 假设的修订（非武清区政策） / hypothetical revision — not bureau policy",
        "item decoration (场地装修费) moved from eligible_categories to excluded_categories",
        "parameter industries (2.2): added low_altitude (低空经济)",
        "parameter min_rd_intensity (3.2.3): 3% → 4%",
        "parameter supply_subsidy_cap (6.1.1): 5,000,000 → 6,000,000",
        "parameter supply_subsidy_ratio (6.1.1): 30% → 35%",
        "rule recognition.partners_strong added (clause 3.2.8, advise): partner_cases >= 3",
        "rule recognition.satisfaction removed (clause 3.2.6)",
        "clause 3.2.6 now maps to recognition.track_record, min_services_provided "
        "(was recognition.track_record, recognition.satisfaction, min_services_provided)",
    ]


def test_reverse_diff_mirrors_the_changes(base, revision):
    back = policy_changes(revision.model, base.model)
    kinds = {c.path: c.kind for c in back}
    assert kinds["parameters.eligible_categories[decoration]"] == "item.moved"
    assert kinds["parameters.industries.low_altitude"] == "item.removed"
    assert kinds["decisions.recognition.rules.recognition.partners_strong"] == "rule.removed"
    assert kinds["decisions.recognition.rules.recognition.satisfaction"] == "rule.added"
    cap = next(c for c in back if c.path == "parameters.supply_subsidy_cap")
    assert cap.message == "parameter supply_subsidy_cap (6.1.1): 6,000,000 → 5,000,000"


def test_a_version_against_itself_has_no_changes(base):
    assert policy_changes(base.model, base.model) == []


def test_condition_output_and_definition_changes(tmp_path):
    # a revision beside a copy of the timeline fixture that edits a condition, adds an output and a definition
    src = ROOT / "tests" / "fixtures" / "timeline"
    for name in ("v1.yaml", "guideline.md", "input.schema.json"):
        (tmp_path / name).write_text((src / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(
        "id: timeline-demo\nversion: v2\nextends: v1\neffective_from: 2022-01-01\n"
        'definitions:\n  margin: {expr: revenue - min_revenue, type: money, clause: "1"}\n'
        "decisions:\n  support:\n    rules:\n      support.revenue: {condition: revenue > min_revenue}\n"
        '    outputs:\n      margin: {expr: margin, type: money, clause: "1"}\n',
        encoding="utf-8",
    )
    old, new = load_policy(str(tmp_path / "v1.yaml")), load_policy(str(tmp_path / "v2.yaml"))
    got = [(c.kind, c.path, c.message) for c in policy_changes(old.model, new.model)]
    assert got == [
        ("definition.added", "definitions.margin", "definition margin (1) added: revenue - min_revenue"),
        (
            "rule.changed",
            "decisions.support.rules.support.revenue.condition",
            "rule support.revenue condition changed: revenue >= min_revenue → revenue > min_revenue",
        ),
        ("output.added", "decisions.support.outputs.margin", "output support.margin (1) added: margin"),
    ]


# -- the impact over cases ------------------------------------------------------------------------------
def test_impact_on_own_cases_money_and_counts(base, revision):
    impact = impact_of(base, revision, OWN_CASES)
    assert impact.cases == 5
    assert [(c.decision, c.cases, c.changed, c.outcome_changed, c.outputs_changed) for c in impact.counts] == [
        ("filing", 2, 1, 1, 0),
        ("recognition", 3, 3, 1, 3),
    ]
    by_case = {c.case: c for c in impact.changed}
    assert set(by_case) == {
        f"{OWN_CASES}/{n}.yaml"
        for n in ("filing-low-altitude", "recognition-20m", "recognition-decoration", "recognition-rd-intensity")
    }
    big = by_case[f"{OWN_CASES}/recognition-20m.yaml"]
    assert (big.before, big.after) == ("eligible", "eligible")
    total = next(o for o in big.outputs if o.name == "supply_subsidy_total")
    assert (total.before, total.after, total.difference) == ("5000000.00", "6000000.00", Decimal("1000000.00"))
    assert total.text() == "supply_subsidy_total: 5,000,000.00 → 6,000,000.00 (+1,000,000.00)"
    assert big.rules == [("recognition.partners_strong", None, "pass"), ("recognition.satisfaction", "pass", None)]
    deco = by_case[f"{OWN_CASES}/recognition-decoration.yaml"]
    assert {o.name: (o.before, o.after) for o in deco.outputs}["eligible_investment"] == ("13000000.00", "12000000.00")
    assert {o.name: o.difference for o in deco.outputs}["supply_subsidy_total"] == Decimal("300000.00")
    rd = by_case[f"{OWN_CASES}/recognition-rd-intensity.yaml"]
    assert (rd.before, rd.after) == ("eligible", "ineligible")
    assert ("recognition.rd_intensity", "pass", "fail") in rd.rules
    low = by_case[f"{OWN_CASES}/filing-low-altitude.yaml"]
    assert (low.before, low.after, low.outputs) == ("ineligible", "eligible", [])
    assert ("filing.industry", "fail", "pass") in low.rules


@pytest.mark.skipif(not all((ROOT / p).is_file() for p in REAL_CASES), reason="tests/cases not present")
def test_impact_on_real_case_files(base, revision):
    impact = impact_of(base, revision, *REAL_CASES)
    assert impact.cases == 4
    assert [(c.decision, c.cases, c.changed) for c in impact.counts] == [
        ("annual_assessment", 1, 1),
        ("filing", 1, 0),
        ("recognition", 2, 1),
    ]
    by_case = {c.case: c for c in impact.changed}
    baseline = by_case[REAL_CASES[0]]  # mean R&D intensity 3.83%: passes 3%, fails 4%; decoration drops out
    assert (baseline.before, baseline.after) == ("eligible", "ineligible")
    outputs = {o.name: (o.before, o.after, o.difference) for o in baseline.outputs}
    assert outputs["supply_subsidy_total"] == ("3619800.00", "0.00", Decimal("-3619800.00"))
    assert outputs["eligible_investment"] == ("12066000.00", "10830000.00", Decimal("-1236000.00"))
    follow = by_case[REAL_CASES[3]]
    assert (follow.before, follow.after) == ("continue_support", "continue_support")
    assert {o.name: o.difference for o in follow.outputs}["follow_on_subsidy"] == Decimal("-140595.00")
    # rejected under both versions (same WQ-INPUT): not a change
    assert REAL_CASES[1] not in by_case


class _Rejecting:
    """A policy stand-in that rejects every input."""

    id, version = "wuqing-five-platforms", "strict"

    def evaluate(self, decision, document, **_):
        raise WQError([Diagnostic("WQ-INPUT", "rejected")])


def test_rejected_under_one_version_only_is_a_change(base):
    cases, _ = load_cases([ROOT / OWN_CASES / "filing-unchanged.yaml"])
    impact = case_impact(_Rejecting(), base, cases, base=ROOT)
    [change] = impact.changed
    assert (change.decision, change.before, change.after) == ("filing", "error WQ-INPUT", "eligible")
    assert change.rules[0] == ("filing.entity", None, "pass")
    assert [(c.decision, c.changed, c.outcome_changed) for c in impact.counts] == [("filing", 1, 1)]


def test_cases_of_other_policies_are_skipped(base, revision):
    impact = impact_of(base, revision, "tests/fixtures/revision/cases/filing-unchanged.yaml")
    assert impact.skipped == []
    cases, _ = load_cases([ROOT / OWN_CASES / "filing-unchanged.yaml"])
    cases[0].policy = "timeline-demo"
    impact = case_impact(base, revision, cases, base=ROOT)
    assert (impact.cases, impact.skipped) == (0, [f"{OWN_CASES}/filing-unchanged.yaml"])


# -- formats --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def full_diff(base, revision, changes):
    cases, _ = load_cases([ROOT / OWN_CASES])
    return Diff(base.model, revision.model, changes, case_impact(base, revision, cases, base=ROOT))


def test_text_format(full_diff):
    text = render_text(full_diff)
    assert text.startswith(
        "政策对比 Policy diff: wuqing-five-platforms@2021-trial → wuqing-five-platforms@2022-hypothetical\n"
    )
    assert "  - 修改参数 parameter min_rd_intensity (3.2.3): 3% → 4%  · 近三年平均研发投入强度下限\n" in text
    assert (
        "  - 删除规则 rule recognition.satisfaction removed (clause 3.2.6)  · 平台使用方满意度高（专家评审）\n" in text
    )
    assert "\n  - 修改条款映射 clause 3.2.6 now maps to" in text  # no label: the clause map is not an item with one
    assert "案例影响 Case impact: 5 个案例中 4 个有变化 · 4 of 5 cases change\n" in text
    assert "  recognition 认定: 3 cases, 3 changed (outcome 1, outputs 3)\n" in text
    assert (
        "  tests/fixtures/revision/cases/recognition-20m.yaml [recognition]\n"
        "    结论 outcome: eligible（符合认定条件）, unchanged\n"
    ) in text
    assert "    结论 outcome: eligible → ineligible（符合认定条件 → 不符合认定条件）\n" in text
    assert "    输出 output supply_subsidy_total: 5,000,000.00 → 6,000,000.00 (+1,000,000.00)\n" in text
    assert "    输出 output supply_subsidy_total: 3,600,000.00 → 0.00 (-3,600,000.00)\n" in text


def test_json_format(full_diff):
    data = json.loads(render_json(full_diff))
    assert data["old"]["version"] == "2021-trial" and data["new"]["effective_from"] == "2022-01-01"
    assert len(data["changes"]) == 9
    assert set(data["changes"][0]) == {"kind", "path", "clause", "before", "after", "message", "label"}
    threshold = next(c for c in data["changes"] if c["path"] == "parameters.min_rd_intensity")
    assert threshold["label"] == {
        "zh": "近三年平均研发投入强度下限",
        "en": "Minimum mean R&D intensity over recent years",
    }
    assert data["changes"][-1]["label"] is None  # the clause map entry
    impact = data["impact"]
    assert (impact["cases"], impact["changed"]) == (5, 4)
    case = next(c for c in impact["cases_changed"] if c["case"].endswith("recognition-20m.yaml"))
    total = next(o for o in case["outputs"] if o["name"] == "supply_subsidy_total")
    assert total == {
        "name": "supply_subsidy_total",
        "kind": "money",
        "before": "5000000.00",
        "after": "6000000.00",
        "difference": "1000000.00",
    }
    assert {"id": "recognition.satisfaction", "before": "pass", "after": None} in case["rules"]


def test_markdown_matches_golden(full_diff):
    golden("diff.md", render_markdown(full_diff))


def test_markdown_shape(full_diff):
    text = render_markdown(full_diff)
    assert text.startswith(
        "## 政策对比 Policy diff: `wuqing-five-platforms@2021-trial` → `wuqing-five-platforms@2022-hypothetical`\n"
    )
    assert "| 变更 Change | 项目 Item | 条款 Clause | 说明 Description |" in text
    assert (
        "| 修改参数 parameter changed | `parameters.min_rd_intensity`<br>近三年平均研发投入强度下限 | 3.2.3 |" in text
    )
    assert "| recognition 认定 | 3 | 3 | 1 | 3 |" in text
    assert text.count("<details>") == text.count("</details>") == 2
    assert render_markdown(full_diff) == text  # deterministic


def test_without_cases_the_impact_is_absent(base, revision, changes):
    plain = Diff(base.model, revision.model, changes)
    assert json.loads(render_json(plain))["impact"] is None
    assert "no cases given" in render_text(plain)
    assert "<details>" not in render_markdown(plain)


# -- the command -----------------------------------------------------------------------------------------
def test_cli_markdown_is_the_golden_file():
    result = run("diff", BASE_REF, REVISION, "--cases", OWN_CASES, "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.output == GOLDEN.read_text(encoding="utf-8")


def test_cli_fail_on_change_exits_1_when_a_case_changes():
    result = run("diff", BASE_REF, REVISION, "--cases", OWN_CASES, "--fail-on-change", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["impact"]["changed"] == 4


def test_cli_fail_on_change_exits_0_for_a_version_against_itself():
    result = run("diff", BASE_REF, BASE_REF, "--cases", OWN_CASES, "--fail-on-change", env={"WQPOLICY_LANG": "both"})
    assert result.exit_code == 0, result.output
    assert "政策变更 Policy changes (0):\n  （无 none）\n" in result.output
    assert "0 of 5 cases change" in result.output


def test_cli_without_fail_on_change_exits_0_even_with_changes():
    assert run("diff", BASE_REF, REVISION, "--cases", OWN_CASES).exit_code == 0


def test_cli_diff_of_two_fixture_files():
    result = run("diff", "tests/fixtures/timeline/v1.yaml", "tests/fixtures/timeline/v2.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    title, change = json.loads(result.output)["changes"]
    assert title["message"] == "title changed: 时间线示例 v1 / Timeline demo v1 → 时间线示例 v2 / Timeline demo v2"
    assert change["message"] == "parameter min_revenue (2): 1,000,000 → 2,000,000"


def test_cli_unknown_version_is_an_error():
    result = run("diff", BASE_REF, "wuqing-five-platforms@1999")
    assert result.exit_code == 1
    assert "WQ-VERSION" in result.output


def test_cli_fail_on_change_without_cases_is_a_usage_error():
    """Without cases nothing can change: it used to exit 0 and guard nothing."""
    result = run("diff", BASE_REF, REVISION, "--fail-on-change")
    assert result.exit_code == 2
    assert "--fail-on-change needs --cases" in result.output


def test_cli_versions_of_two_policies_are_not_compared():
    result = run("diff", BASE_REF, "tests/fixtures/timeline/v1.yaml")
    assert result.exit_code == 1
    assert (
        "error[WQ-VERSION]: OLD is a version of `wuqing-five-platforms` and NEW of `timeline-demo`: diff "
        "compares two versions of one policy"
    ) in result.output


def test_a_copy_of_a_version_elsewhere_is_no_change_but_an_edited_input_schema_is(tmp_path):
    """Input schemas are compared by what they say: a copy of the policy in another folder (its schemas by
    other paths) used to show every decision's input schema as changed."""
    import shutil

    def copy(name: str, edit=None) -> Path:
        folder = tmp_path / name / "policy"
        shutil.copytree(ROOT / "policies" / "wuqing-five-platforms", folder)
        if edit:
            schema = folder / "inputs" / "demand_subsidy.schema.json"
            schema.write_text(edit(schema.read_text(encoding="utf-8")), encoding="utf-8")
        return folder / "2021-trial.yaml"

    result = run("diff", BASE_REF, copy("same"), env={"WQPOLICY_LANG": "both"})
    assert "政策变更 Policy changes (0):" in result.output, result.output
    result = run("diff", BASE_REF, copy("edited", lambda t: t.replace('"minimum": 0', '"minimum": 1', 1)))
    assert "decision demand_subsidy input schema changed: demand_subsidy.schema.json edited" in result.output


def test_a_new_title_and_what_reports_call_an_outcome_are_changes(tmp_path):
    """Before: a revision that renamed an outcome (what every report shows) diffed as no change at all."""
    from wqpolicy import load_policy
    from wqpolicy.diff import policy_changes

    path = tmp_path / "rev.yaml"
    path.write_text(
        "id: wuqing-five-platforms\nversion: 2022-words\nextends: 2021-trial\n"
        "title: {zh: 新标题, en: New title}\neffective_from: 2022-01-01\n"
        "decisions:\n  recognition:\n    outcomes:\n      refer: {zh: 一事一议, en: Referred}\n",
        encoding="utf-8",
    )
    base = load_policy(BASE_REF).model
    changes = policy_changes(base, load_policy(str(path)).model)
    assert [(c.kind, c.path) for c in changes] == [
        ("policy.changed", "title"),
        ("outcome.changed", "decisions.recognition.outcomes.refer"),
    ]
    assert changes[1].message == (
        "decision recognition outcome refer label changed: 提请“一事一议” / Referred for "
        "case-by-case decision (3.2.10) → 一事一议 / Referred"
    )


def test_a_list_output_is_compared_item_by_item_and_money_is_summed_per_decision(tmp_path):
    """Before: a changed `purchases` list was shown as two whole JSON lists, and no total said what a revision
    costs or saves."""
    from wqpolicy import load_policy
    from wqpolicy.impact import case_impact

    path = tmp_path / "rev.yaml"
    path.write_text(
        "id: wuqing-five-platforms\nversion: 2022-ratio\nextends: 2021-trial\neffective_from: 2022-01-01\n"
        "parameters:\n  demand_subsidy_ratio: {value: 50%}\n",
        encoding="utf-8",
    )
    cases, _ = load_cases([ROOT / "tests/cases/demand_subsidy/cap_crossed_mid_purchase.yaml"])
    impact = case_impact(load_policy(BASE_REF), load_policy(str(path)), cases, base=ROOT)
    [change] = impact.changed
    assert [o.text() for o in change.outputs] == [
        "cap_remaining: 0.00 → 250,000.00 (+250,000.00)",
        "purchases[0].amount: 800,000.00 → 500,000.00 (-300,000.00)",
        "purchases[0].requested: 800,000.00 → 500,000.00 (-300,000.00)",
        "purchases[1].amount: 200,000.00 → 250,000.00 (+50,000.00)",
        "purchases[1].cap_cut: 200,000.00 → 0.00 (-200,000.00)",
        "purchases[1].requested: 400,000.00 → 250,000.00 (-150,000.00)",
        "total_eligible: 1,000,000.00 → 750,000.00 (-250,000.00)",
    ]
    [count] = impact.counts
    assert count.to_json()["money"] == {"total_eligible": "-250000.00"}  # payouts only: no remaining cap


def test_diff_exits_1_when_a_case_file_cannot_be_read_even_without_fail_on_change(tmp_path):
    # Before: the unreadable case was left out of "N of M cases change" and the exit was 0.
    bad = tmp_path / "case.yaml"
    bad.write_text("description: [unclosed\n", encoding="utf-8")
    r = run("diff", BASE_REF, BASE_REF, "--cases", bad)
    assert r.exit_code == 1
    assert f"{bad}:2:1: error[WQ-YAML]:" in r.output
    assert "0 of 0 cases change" in r.output
