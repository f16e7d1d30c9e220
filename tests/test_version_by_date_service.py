"""The application's own date picks the version in the service and the decision log too: a 2022 claim sent to the
service after a 2023 revision is decided under the 2021 trial, the record says which date chose it; `on` and a named
version override; a receipt made so is verified again under the same date; `serve` without --policies serves the
officer's policy folder found from the current one."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, dated_claim, run
from wqpolicy.cli.serve import default_policy_dirs
from wqpolicy.record import FROM_EVALUATION_DATE, FROM_INPUT, FROM_ON, FROM_POLICY
from wqpolicy.service.deciding import decide
from wqpolicy.service.policyset import load_set
from wqpolicy.service.problems import Problem

BUNDLED = ROOT / "policies" / "wuqing-five-platforms"
TODAY = datetime.date(2024, 6, 3)  # conftest's SOURCE_DATE_EPOCH


def claim(year: int) -> dict:
    return yaml.safe_load(dated_claim(year))


def test_the_policy_set_picks_the_version_the_applications_own_date_puts_in_force(bureau):
    found = load_set([Path("policies")], 1)
    policy, dated = found.choose(None, None, "demand_subsidy", claim(2022), TODAY)
    assert (policy.version, dated.date, dated.source) == ("2021-trial", datetime.date(2022, 1, 1), FROM_INPUT)
    policy, dated = found.choose(None, None, "demand_subsidy", claim(2023), TODAY)
    assert (policy.version, dated.source) == ("2023-revision", FROM_INPUT)
    undated = {k: v for k, v in claim(2022).items() if k != "year"}
    policy, dated = found.choose(None, None, "demand_subsidy", undated, TODAY)
    assert (policy.version, dated.date, dated.source) == ("2023-revision", TODAY, FROM_EVALUATION_DATE)
    policy, dated = found.choose(None, datetime.date(2022, 6, 1), "demand_subsidy", claim(2023), TODAY)
    assert (policy.version, dated.source) == ("2021-trial", FROM_ON)
    policy, dated = found.choose("wuqing-five-platforms@2023-revision", None, "demand_subsidy", claim(2022), TODAY)
    assert (policy.version, dated.date, dated.source) == ("2023-revision", None, FROM_POLICY)
    with pytest.raises(Problem) as e:  # an application dated before any version: no version in force, said so
        found.choose(None, None, "demand_subsidy", claim(2019), TODAY)
    assert e.value.status == 404


def test_the_service_decides_a_2022_claim_at_the_2022_rate_and_says_which_date_chose_the_version(bureau):
    found = load_set([Path("policies")], 1)
    decided = decide(found, "demand_subsidy", claim(2022), None, None, None, "claim-2022.yaml")
    assert decided.policy.version == "2021-trial" and decided.answered["outputs"]["total_eligible"] == "80000.00"
    assert decided.answered["version_date"] == {"date": "2022-01-01", "source": "input", "field": "date(year, 1, 1)"}
    assert "files" not in decided.answered["policy"]  # the server's own paths are not answered
    printed = json.loads(run("eval", "--format", "json", "claim-2022.yaml").stdout)
    del printed["policy"]["files"]
    assert decided.answered == printed


def test_a_receipt_made_under_the_applications_date_verifies_again(bureau):
    r = run("eval", "claim-2022.yaml", "claim-2023.yaml", "--log", "log.sqlite")
    assert r.exit_code == 0, r.output
    verified = run("log", "verify", "log.sqlite")
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.endswith("2 entries, 2 evaluated again to the same record, 0 problem(s)\n")


def test_serve_without_policies_serves_the_officers_folder_found_from_here_upward(bureau, monkeypatch):
    assert default_policy_dirs() == ("policies",)
    (bureau / "elsewhere").mkdir()
    monkeypatch.chdir(bureau / "elsewhere")
    assert default_policy_dirs() == ("../policies",)  # found from below, shown relative
