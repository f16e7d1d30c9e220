"""A structural revision written in one file (tests/fixtures/revision/structural/2024-structural.yaml, hypothetical,
not bureau policy): new input fields, clauses added and removed, transitions and `unknown` — it checks clean, its
hand-checked cases hold under both versions, and its effect on every application can be read: the diff over cases
and over real applications that carry the new fields counts them in the totals (each side evaluated against its
own input schema, what only the other side knows set aside and listed), and each change that moves an application
is named. One test per item of the issue's "Why" (issue 19) shows that item fixed."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import BUNDLED_REF, ROOT, run
from wqpolicy.library import Library

STRUCTURAL = ROOT / "tests" / "fixtures" / "revision" / "structural" / "2024-structural.yaml"
CASES = STRUCTURAL.parent / "cases"
SCHEMAS = ROOT / "schemas"


def schema_errors(name: str, data: dict) -> list:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return list(Draft202012Validator(schema).iter_errors(data))


@pytest.fixture(scope="module")
def applications(tmp_path_factory) -> Path:
    """The cases' documents as a folder of plain applications, each named by its case."""
    folder = tmp_path_factory.mktemp("applications")
    for case in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(case.read_text(encoding="utf-8"))["input"]
        (folder / case.name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return folder


def test_the_structural_revision_checks_clean_without_a_copy_of_any_input_schema_or_guideline_text():
    result = run("check", STRUCTURAL.parent)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings (1 policy version checked)" in result.stdout
    assert [p.name for p in STRUCTURAL.parent.iterdir() if p.is_file()] == [STRUCTURAL.name]  # one file


@pytest.mark.parametrize("version", [None, BUNDLED_REF])
def test_its_cases_hold_under_the_revision_and_under_the_base(version):
    args = ["--policy", version] if version else ["--policies", STRUCTURAL.parent]
    result = run("test", CASES, *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(f"{len(list(CASES.glob('*.yaml')))} passed, 0 failed")


def test_the_case_diff_counts_the_cases_that_carry_new_fields_in_its_totals():
    result = run("diff", BUNDLED_REF, STRUCTURAL, "--cases", CASES, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert schema_errors("diff.schema.json", data) == []
    impact = data["impact"]
    assert impact["cases"] == len(list(CASES.glob("*.yaml")))  # every case, none dropped
    by_decision = {c["decision"]: c for c in impact["by_decision"]}
    # recognition: eligible-2024 (-330,000 / +330,000), patents-missing (-1,650,000 each), park-700m2
    # (+1,320,000 / +1,980,000), ratio-of-sums (-1,650,000 each): the fields set aside under 2021-trial
    assert by_decision["recognition"]["money"] == {
        "tranche_after_first_assessment": "-2640000.00",
        "tranche_on_recognition": "-3960000.00",
    }
    aside = {(a["case"].rsplit("/", 1)[-1], a["side"]): sorted(a["fields"]) for a in impact["set_aside"]}
    assert aside[("recognition-eligible-2024.yaml", "before")] == ["invention_patents", "platform.park"]
    assert ("recognition-eligible-2024.yaml", "after") not in aside
    # a case one side cannot decide is counted and listed apart, outside the money
    assert [Path(c).name for c in impact["apart"]] == ["annual-recognised-2019.yaml"]
    assert by_decision["annual_assessment"]["apart"] == 1
    assert by_decision["annual_assessment"]["money"] == {
        "follow_on_subsidy": "-300000.00",  # recognised in 2024, two years used: no third
        "second_tranche": "300000.00",  # recognised in 2024: 60 %; the 2022 platform keeps 50 %
    }


def test_the_text_diff_says_which_fields_it_set_aside_and_which_case_it_kept_apart():
    text = run("diff", BUNDLED_REF, STRUCTURAL, "--cases", CASES).stdout
    assert "    set aside under 2021-trial: platform.park, invention_patents\n" in text
    assert (
        "  1 cases could not be decided under one of the versions; listed apart, outside the money totals: "
        "tests/fixtures/revision/structural/cases/annual-recognised-2019.yaml\n"
    ) in text


def test_the_impact_on_applications_with_new_fields_totals_them_and_names_each_change_that_moves_one(applications):
    result = run("diff", BUNDLED_REF, STRUCTURAL, "--applications", applications, "--format", "json", "--jobs", 1)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert schema_errors("impact.schema.json", data) == []
    apps = {a["id"]: a for a in data["applications"]}

    def moved_by(app: str) -> list[str]:
        return apps[app]["changed_by"]

    assert sorted(apps["recognition-eligible-2024"]["before"]["set_aside"]) == ["invention_patents", "platform.park"]
    assert moved_by("recognition-eligible-2024") == ["parameters.first_tranche_share"]
    assert moved_by("recognition-park-700m2") == ["decisions.recognition.rules.recognition.service_area"]
    assert moved_by("recognition-patents-missing") == ["decisions.recognition.rules.recognition.invention_patents"]
    assert moved_by("recognition-ratio-of-sums") == ["definitions.rd_intensity"]
    assert moved_by("annual-recognised-2024") == ["parameters.first_tranche_share"]
    assert moved_by("annual-follow-on-recognised-2024") == ["parameters.follow_on_max_years"]
    assert moved_by("filing-industry-other") == ["parameters.industries"]  # its label changed with the item
    assert moved_by("demand-settled-after-6-months") == ["parameters.settlement_window"]
    assert not apps["annual-recognised-2022"]["changed"]  # recognised in 2022: 50 % as before
    totals = {(t["decision"], t["payout"]): t for t in data["totals"]}
    on_recognition = totals[("recognition", "tranche_on_recognition")]
    assert (Decimal(on_recognition["before"]), Decimal(on_recognition["after"])) == (
        Decimal("6600000.00"),  # four applications eligible under 2021-trial, 1,650,000 each
        Decimal("2640000.00"),  # two eligible under 2024-structural, 1,320,000 each
    )


# -- each item of the "Why", fixed --------------------------------------------------------------------------
def test_why_a_new_input_field_no_longer_forks_the_input_schema_nor_drops_cases_from_the_totals():
    text = STRUCTURAL.read_text(encoding="utf-8")
    assert "input:" not in text and "input_fields:" in text  # no copy of the schema: the fields are stated
    impact = json.loads(run("diff", BUNDLED_REF, STRUCTURAL, "--cases", CASES, "--format", "json").stdout)["impact"]
    refused = [c for c in impact["cases_changed"] if c["before"].startswith("error WQ-INPUT")]
    assert refused == []  # before: every case with a new field was `error WQ-INPUT` and out of the totals


def test_why_clauses_are_in_the_yaml_a_new_one_checks_and_a_removed_one_leaves_the_map():
    errors, warnings = Library.over_bundled([STRUCTURAL]).check([STRUCTURAL])
    assert errors == warnings == []  # 3.2.11 is a clause (no "did you mean `3.2.1`?"), 2.2.6 is not
    model = Library.over_bundled([STRUCTURAL]).build("wuqing-five-platforms", "2024-structural")
    assert "3.2.11" in model.clauses and "2.2.6" not in model.clauses and "2.2.6" not in model.clause_map


def test_why_a_platform_recognised_in_2022_is_paid_the_remaining_50_percent_and_check_warns_without_at(tmp_path):
    case = yaml.safe_load((CASES / "annual-recognised-2022.yaml").read_text(encoding="utf-8"))
    doc = tmp_path / "annual.yaml"
    doc.write_text(yaml.safe_dump(case["input"], allow_unicode=True), encoding="utf-8")
    record = json.loads(run("eval", doc, "--policy", STRUCTURAL, "--format", "json", "--no-explain").stdout)
    assert record["outputs"]["second_tranche"] == "1500000.00"  # 50 %, not 60 % of 3,000,000
    naive = tmp_path / "2024-naive.yaml"
    naive.write_text(
        "id: wuqing-five-platforms\nversion: 2024-naive\nextends: 2021-trial\neffective_from: 2024-01-01\n"
        "parameters:\n  first_tranche_share: {value: 40%}\n",
        encoding="utf-8",
    )
    result = run("check", naive)
    assert result.exit_code == 0 and "warning[WQ-TRANSITION]" in result.stdout  # no longer silent


def test_why_no_finance_years_is_needs_review_not_ineligible_with_a_ratio_of_sums(tmp_path):
    result = run("test", CASES / "recognition-no-finances.yaml", "--policies", STRUCTURAL.parent, "-v")
    assert result.exit_code == 0 and "[wuqing-five-platforms@2024-structural]" in result.stdout
    case = yaml.safe_load((CASES / "recognition-no-finances.yaml").read_text(encoding="utf-8"))
    doc = tmp_path / "no-finances.yaml"
    doc.write_text(yaml.safe_dump(case["input"], allow_unicode=True), encoding="utf-8")
    record = json.loads(run("eval", doc, "--policy", STRUCTURAL, "--format", "json", "--no-explain").stdout)
    assert record["missing"] == ["finances"]  # the finance years are asked for: undecided, not a dead end


def test_why_month_arithmetic_clamps_to_the_end_of_the_month_as_the_readme_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "08-31 + 6 months" in readme
    result = run("test", CASES / "demand-settled-within-6-months.yaml", "--policies", STRUCTURAL.parent)
    assert result.exit_code == 0


def test_why_the_fixture_stays_beside_the_project_policies_without_changing_their_tests(tmp_path):
    # a structural revision lives in its own folder; the project's policies/ folder is untouched
    assert not (ROOT / "policies" / "wuqing-five-platforms" / STRUCTURAL.name).exists()
    copy = tmp_path / "structural"
    shutil.copytree(STRUCTURAL.parent, copy)
    assert run("check", copy).exit_code == 0


def test_the_readmes_transition_example_is_what_check_prints(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    at = readme.index("#### 新旧衔接（Transitions")
    blocks = readme[at:].split("```")
    revision, printed = blocks[1].removeprefix("yaml\n"), blocks[3].strip("\n").splitlines()
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    (tmp_path / "policies" / "wuqing-five-platforms" / "2024-revision.yaml").write_text(revision, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    output = run("check", env={"WQPOLICY_LANG": "both"}).stdout.splitlines()
    at_line = 0
    for want in printed:
        if want.strip() == "…":
            continue
        assert want in output[at_line:], want
        at_line = output.index(want, at_line) + 1
