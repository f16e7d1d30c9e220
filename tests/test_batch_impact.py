"""`wqpolicy diff OLD NEW --applications`: what a revision does to real applications — outcome and every payout
before and after, totals of payouts only, which change of the revision moves each application (or that only the
changes together do), and applications that cannot be decided under both versions counted and listed apart."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import openpyxl
import pytest
from jsonschema import Draft202012Validator

from conftest import BUNDLED_REF, REVISION, ROOT, run
from sheetfill import APPLICATIONS, fill_workbook
from wqpolicy.batch.layout import layout_for

SCHEMA = json.loads((ROOT / "schemas" / "impact.schema.json").read_text(encoding="utf-8"))
CASES = ROOT / "tests" / "cases" / "recognition"

# A revision written for these tests: three edits, each moving applications of its own.
RELAXED = """\
id: wuqing-five-platforms
version: 2022-relaxed
extends: 2021-trial
effective_from: 2022-01-01
parameters:
  min_rd_intensity: {value: 2.5%}
  min_investment: {value: 900万元}
  supply_subsidy_cap: {value: 600万元}
"""


def case_input(name: str) -> dict:
    import yaml

    return yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))["input"]


@pytest.fixture
def relaxed(tmp_path):
    path = tmp_path / "2022-relaxed.yaml"
    path.write_text(RELAXED, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path):
    """Plain applications: one per edit of RELAXED, one that only the edits together move, one unchanged."""
    import yaml

    both = case_input("rd_intensity_just_below_3pct")
    both["investment"] = case_input("investment_one_fen_below_10m")["investment"]
    apps = {
        "rd_short": case_input("rd_intensity_just_below_3pct"),
        "investment_short": case_input("investment_one_fen_below_10m"),
        "above_cap": case_input("subsidy_far_above_cap"),
        "both_short": both,
        "no_leader": case_input("staff_no_tech_leader_fails"),
    }
    path = tmp_path / "apps"
    path.mkdir()
    for name, doc in apps.items():
        (path / f"{name}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def impact(*args) -> dict:
    r = run("diff", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert list(Draft202012Validator(SCHEMA).iter_errors(data)) == []
    return data


def test_each_application_is_attributed_to_the_change_that_moves_it(relaxed, folder):
    data = impact(BUNDLED_REF, relaxed, "--applications", folder)
    apps = {a["id"]: a for a in data["applications"]}
    assert list(apps) == ["above_cap", "both_short", "investment_short", "no_leader", "rd_short"]
    assert apps["rd_short"]["changed_by"] == ["parameters.min_rd_intensity"]
    assert (apps["rd_short"]["before"]["outcome"], apps["rd_short"]["after"]["outcome"]) == ("ineligible", "eligible")
    assert apps["investment_short"]["changed_by"] == ["parameters.min_investment"]
    assert apps["above_cap"]["changed_by"] == ["parameters.supply_subsidy_cap"]
    assert not apps["above_cap"]["outcome_changed"]
    before, after = apps["above_cap"]["before"]["outputs"], apps["above_cap"]["after"]["outputs"]
    assert (before["tranche_on_recognition"], after["tranche_on_recognition"]) == ("2500000.00", "3000000.00")
    assert apps["both_short"]["changed"] and apps["both_short"]["changed_by"] == []
    assert apps["both_short"]["only_in_combination"]
    assert not apps["no_leader"]["changed"]
    assert data["counts"] == {
        "applications": 5,
        "changed": 4,
        "outcome_changed": 3,
        "only_in_combination": 1,
        "not_decided_under_both": 0,
    }
    rows = {c["key"]: c for c in data["changes"]}
    assert rows["parameters.min_rd_intensity"]["applications"] == 1
    assert rows["parameters.supply_subsidy_cap"]["payout_differences"] == {
        "recognition.tranche_after_first_assessment": "500000.00",
        "recognition.tranche_on_recognition": "500000.00",
    }


def test_totals_sum_payouts_only(relaxed, folder, bundled_policy):
    data = impact(BUNDLED_REF, relaxed, "--applications", folder)
    totals = {t["payout"]: t for t in data["totals"]}
    assert set(totals) == {"tranche_on_recognition", "tranche_after_first_assessment"}  # no total, no investment
    before = sum(
        Decimal(bundled_policy.evaluate(None, a).output("tranche_on_recognition"))
        for a in (case_input(n) for n in ("rd_intensity_just_below_3pct", "subsidy_far_above_cap"))
    )
    assert Decimal(totals["tranche_on_recognition"]["before"]) == before
    after = Decimal(totals["tranche_on_recognition"]["after"])
    changed = [a for a in data["applications"] if a["changed"]]
    assert after - before == sum(
        Decimal(a["after"]["outputs"]["tranche_on_recognition"])
        - Decimal(a["before"]["outputs"]["tranche_on_recognition"])
        for a in changed
    )


def test_the_hypothetical_revision_names_the_moved_category_and_the_threshold():
    data = impact(BUNDLED_REF, REVISION, "--applications", APPLICATIONS)
    apps = {a["id"]: a for a in data["applications"]}
    assert apps["investment_exactly_10m"]["changed_by"] == [
        "parameters.excluded_categories[decoration]",
        "parameters.min_rd_intensity",
    ]
    rows = {c["key"]: c for c in data["changes"]}
    assert rows["parameters.excluded_categories[decoration]"]["decides"]  # the move is one change, not two
    assert not rows["clause_map.3.2.6"]["decides"]
    assert "parameters.eligible_categories[decoration]" not in rows


def test_an_application_that_cannot_be_decided_under_one_version_is_counted_apart(tmp_path, folder):
    # the revision accepts a new cost category (its own copy of the input schema): the old version refuses it
    policy = tmp_path / "policy"
    shutil.copytree(ROOT / "policies" / "wuqing-five-platforms", policy)
    schema_path = policy / "inputs" / "application.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["$defs"]["cost_category"]["enum"].append("testing_fees")
    (policy / "inputs" / "application-2022.schema.json").write_text(json.dumps(schema, ensure_ascii=False), "utf-8")
    (policy / "2022-fees.yaml").write_text(
        "id: wuqing-five-platforms\nversion: 2022-fees\nextends: 2021-trial\neffective_from: 2022-01-01\n"
        "parameters:\n  eligible_categories: {add: [testing_fees]}\n"
        "decisions:\n  recognition: {input: inputs/application-2022.schema.json}\n",
        encoding="utf-8",
    )
    document = case_input("investment_one_fen_below_10m")
    document["investment"].append({"category": "testing_fees", "amount": 100})
    (folder / "fees.json").write_text(json.dumps(document, ensure_ascii=False, default=str), encoding="utf-8")
    data = impact(str(policy / "2021-trial.yaml"), str(policy / "2022-fees.yaml"), "--applications", folder)
    fees = next(a for a in data["applications"] if a["id"] == "fees")
    assert fees["before"]["outcome"] is None and fees["after"]["outcome"] == "eligible"
    assert "testing_fees" in fees["before"]["problems"][0]["message"]
    assert not fees["decided_under_both"] and not fees["changed"]
    assert data["counts"]["not_decided_under_both"] == 1 and data["counts"]["applications"] == 6
    text = run("diff", str(policy / "2021-trial.yaml"), str(policy / "2022-fees.yaml"), "--applications", folder)
    assert "1 份未能在两个版本下都评估，另列" in text.stdout and "  fees [recognition]" in text.stdout


def test_the_impact_memo_from_a_workbook(relaxed, folder, tmp_path, bundled_policy):
    template, filled, memo = tmp_path / "t.xlsx", tmp_path / "apps.xlsx", tmp_path / "修订影响说明.xlsx"
    assert run("template", "recognition", "--policy", BUNDLED_REF, "--out", template).exit_code == 0
    from wqpolicy.inputs import load_input

    documents = {p.stem: load_input(p)[0] for p in sorted(folder.glob("*.yaml"))}
    fill_workbook(template, layout_for(bundled_policy, "recognition"), documents, filled)
    r = run("diff", BUNDLED_REF, relaxed, "--applications", filled, "--format", "xlsx", "--out", memo)
    assert r.exit_code == 0, r.output
    book = openpyxl.load_workbook(memo)
    assert book.sheetnames == ["修订影响说明", "逐份申请"]
    sheet = list(book["修订影响说明"].iter_rows(values_only=True))
    head = next(i for i, row in enumerate(sheet) if row[0] == "序号")
    assert sheet[head][:6] == ("序号", "条款", "原规定", "新规定", "受影响申请数", "补贴变化合计（元）")
    rows = {row[1]: row for row in sheet[head + 1 :] if isinstance(row[0], int)}
    cap = next(row for row in rows.values() if "6,000,000.00" in str(row[3]))
    assert cap[1] == "6.1.1" and "5,000,000.00" in cap[2] and cap[4] == 1 and Decimal(str(cap[5])) == 1_000_000
    apps = {row[0]: row for row in book["逐份申请"].iter_rows(min_row=2, values_only=True)}
    assert set(apps) == set(documents)
    assert apps["rd_short"][3:6] == ("不符合认定条件", "符合认定条件", "是")
    assert "近三年平均研发投入强度下限" in apps["rd_short"][-2]
    assert "共同作用" in apps["both_short"][-2]


def test_markdown_lists_the_changes_and_the_applications(relaxed, folder):
    r = run("diff", BUNDLED_REF, relaxed, "--applications", folder, "--format", "markdown")
    assert r.exit_code == 0
    assert "| 序号 No. | 条款 Clause | 原规定 Before | 新规定 After |" in r.stdout
    assert "`rd_short`" in r.stdout and "仅在各项修订共同作用下变化" in r.stdout


def test_cases_and_applications_are_not_given_together(relaxed, folder):
    r = run("diff", BUNDLED_REF, relaxed, "--applications", folder, "--cases", "tests/cases")
    assert r.exit_code == 2
