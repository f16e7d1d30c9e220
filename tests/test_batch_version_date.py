"""A batch decides each application under the version its own date puts in force, as `wqpolicy eval` decides one
document (issue 14 item 6 through issue 17's one seam, wqpolicy/batch/version_choice.py): a 2022 claim beside a 2023
one, after a 2023 revision, each at its year's rate; the result sheet's version and date columns say which date chose
it and where that date came from; --on and --policy override; two jobs give the same bytes as one; the summary's
first line names the policy files of the versions used."""

from __future__ import annotations

import csv
import datetime
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import DATED_REVISION, ROOT, dated_claim, run
from wqpolicy.batch.policies import PolicySet, PolicySpec
from wqpolicy.batch.version_choice import DateChoice, version_date
from wqpolicy.loader import load_policy

BUNDLED = ROOT / "policies" / "wuqing-five-platforms"
TODAY = datetime.date(2024, 6, 3)  # conftest's SOURCE_DATE_EPOCH


@pytest.fixture
def bureau(bureau: Path) -> Path:
    """conftest's project folder (the 2021 trial, the 2023 revision, claims for 2022 and 2023), its claims in a
    folder of claims, as a batch reads them."""
    claims = bureau / "claims"
    claims.mkdir()
    for year in (2022, 2023):
        (bureau / f"claim-{year}.yaml").rename(claims / f"claim-{year}.yaml")
    return bureau


def lines(*args: object) -> dict[str, dict]:
    r = run("eval", *args, "--format", "jsonl")
    assert r.exit_code == 0, r.output
    return {d["id"]: d for d in map(json.loads, r.stdout.splitlines())}


def test_each_claim_of_a_batch_is_decided_at_its_own_years_rate(bureau):
    found = lines("claims")
    old, new = found["claim-2022"], found["claim-2023"]
    assert (old["policy"], old["outputs"]["total_eligible"]) == ("wuqing-five-platforms@2021-trial", "80000.00")
    assert (new["policy"], new["outputs"]["total_eligible"]) == ("wuqing-five-platforms@2023-revision", "50000.00")
    assert (old["version_date"], old["version_date_source"], old["version_date_field"]) == (
        "2022-01-01",
        "input",
        "date(year, 1, 1)",
    )
    schema = json.loads((ROOT / "schemas" / "batch-result.schema.json").read_text(encoding="utf-8"))
    for record in (old, new):
        jsonschema.Draft202012Validator(schema).validate(record)


def test_on_and_a_named_version_override_the_applications_own_date(bureau):
    on = lines("claims", "--on", "2022-06-01")
    assert {d["policy"] for d in on.values()} == {"wuqing-five-platforms@2021-trial"}
    assert {(d["version_date"], d["version_date_source"]) for d in on.values()} == {("2022-06-01", "--on")}
    named = lines("claims", "--policy", "wuqing-five-platforms@2023-revision")
    assert {d["policy"] for d in named.values()} == {"wuqing-five-platforms@2023-revision"}
    assert {d["version_date_source"] for d in named.values()} == {"--policy"}


def test_the_result_sheet_says_the_version_and_the_date_that_chose_it_in_chinese(bureau):
    r = run("eval", "claims", "--out", "results.csv", env={"WQPOLICY_LANG": "both"})
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == (
        "政策文件 Policy files: policies/wuqing-five-platforms/2021-trial.yaml "
        "policies/wuqing-five-platforms/2023-revision.yaml"
    )
    with open("results.csv", encoding="utf-8-sig", newline="") as f:
        _titles, *rows = list(csv.DictReader(f))  # row 1: Chinese titles, row 2: the field paths
    by_id = {row["申请编号"]: row for row in rows}
    assert by_id["claim-2022"]["政策版本"] == "wuqing-five-platforms@2021-trial"
    assert by_id["claim-2022"]["选定版本的日期"] == "2022-01-01"
    assert by_id["claim-2022"]["日期来源"] == "申请材料的日期（date(year, 1, 1)）"


def test_two_jobs_give_the_same_bytes_as_one(bureau):
    one = run("eval", "claims", "--format", "jsonl", "--jobs", "1").stdout
    two = run("eval", "claims", "--format", "jsonl", "--jobs", "2").stdout
    assert one == two and "2023-revision" in one and "2021-trial" in one


def test_the_seam_reads_the_decisions_version_date_and_says_when_the_application_lacks_it(bureau):
    policy = load_policy(on=TODAY, paths=["policies"])
    claim = yaml.safe_load(dated_claim(2022))
    assert version_date(claim, "demand_subsidy", None, TODAY, policy) == DateChoice(
        datetime.date(2022, 1, 1), "input", "date(year, 1, 1)"
    )
    undated = {k: v for k, v in claim.items() if k != "year"}
    lacking = version_date(undated, "demand_subsidy", None, TODAY, policy)
    assert lacking == DateChoice(TODAY, "today", "date(year, 1, 1)")
    assert lacking.words.zh == "评估当日（申请材料未给出 date(year, 1, 1)）"
    on = datetime.date(2021, 6, 1)
    assert version_date(claim, "demand_subsidy", on, TODAY, policy) == DateChoice(on, "--on")
    versions = PolicySet(PolicySpec(None, ("policies",), None, ("policies",)))
    chosen, choice = versions.for_document(claim, "demand_subsidy")
    assert (chosen.version, choice.on) == ("2021-trial", datetime.date(2022, 1, 1))


def test_a_second_project_folder_in_the_same_process_is_read_afresh(tmp_path, monkeypatch):
    """Two batches in one process (a service, a test run), from two project folders whose policy folders have the
    same relative name: the second reads its own files, not the first one's versions. It used to be keyed by the
    relative name alone and decided the 2023 claim at the 2021 rate."""
    for name, revised in (("first", False), ("second", True)):
        folder = tmp_path / name / "policies" / "wuqing-five-platforms"
        shutil.copytree(BUNDLED, folder)
        if revised:
            (folder / "2023-revision.yaml").write_text(DATED_REVISION.read_text(encoding="utf-8"), encoding="utf-8")
        claims = tmp_path / name / "claims"
        claims.mkdir()
        (claims / "claim-2023.yaml").write_text(dated_claim(2023), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "first")
    assert lines("claims")["claim-2023"]["policy"] == "wuqing-five-platforms@2021-trial"
    monkeypatch.chdir(tmp_path / "second")
    assert lines("claims")["claim-2023"]["policy"] == "wuqing-five-platforms@2023-revision"
