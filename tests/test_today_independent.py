"""The project's own tests do not depend on today, nor on which versions are in force after it: "today" is fixed for
the tool (conftest: SOURCE_DATE_EPOCH, 2024-06-03), every case names the date or version whose expectations it
states, and the examples' notices are pinned under the version they were written for (tests/golden/examples). A
copy of policies/ with a revision in force from the day after the fixed today — as an officer adds one following
README — still checks, passes every case and gives the same notices."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED_REF, EXAMPLES, ROOT, golden, run
from wqpolicy.clock import today
from wqpolicy.yamlload import load_yaml

BOTH = {"WQPOLICY_LANG": "both"}
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
# A revision that moves nearly every figure an example or a case states: a test that leans on the version in force
# on a date after the fixed today, instead of naming its own, fails with it in place.
TOMORROW = """\
id: wuqing-five-platforms
version: 2024-tomorrow
extends: 2021-trial
title: {{zh: 假设的修订（测试用）, en: hypothetical revision (a test)}}
effective_from: {start}
parameters:
  min_rd_intensity: {{value: 4%}}
  min_investment: {{value: 1500万元}}
  supply_subsidy_ratio: {{value: 35%}}
  first_tranche_share: {{value: 40%}}
  follow_on_ratio: {{value: 20%}}
  demand_subsidy_ratio: {{value: 70%}}
  settlement_window: {{value: 6 months}}
"""


def repository_with_a_revision_from_tomorrow(tmp_path: Path) -> Path:
    """policies/ (unpublished: without its lock file), examples/ and tests/cases copied, and a revision in force
    from the day after the fixed today beside 2021-trial."""
    shutil.copytree(ROOT / "policies", tmp_path / "policies", ignore=shutil.ignore_patterns("wqpolicy.lock.json"))
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    shutil.copytree(ROOT / "tests" / "cases", tmp_path / "tests" / "cases")
    start = today() + datetime.timedelta(days=1)
    folder = tmp_path / "policies" / "wuqing-five-platforms"
    (folder / "2024-tomorrow.yaml").write_text(TOMORROW.format(start=start.isoformat()), encoding="utf-8")
    return tmp_path


def test_today_is_fixed_for_the_tests():
    assert today() == datetime.date(2024, 6, 3)


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_each_examples_notice_is_pinned_under_the_version_it_was_written_for(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("eval", f"examples/{name}", "--policy", BUNDLED_REF, env=BOTH)
    golden(f"examples/{Path(name).stem}.txt", result.stdout)


def test_with_a_revision_in_force_from_tomorrow_check_cases_and_the_examples_notices_still_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(repository_with_a_revision_from_tomorrow(tmp_path))
    checked = run("check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert "2 policy versions checked" in checked.stdout
    tested = run("test", "tests/cases")
    cases = len(list((ROOT / "tests" / "cases").rglob("*.yaml")))
    assert tested.exit_code == 0, tested.stdout
    assert tested.stdout.endswith(f"{cases} passed, 0 failed\n")
    for name in EXAMPLE_FILES:
        result = run("eval", f"examples/{name}", "--policy", BUNDLED_REF, env=BOTH)
        assert result.stdout == (ROOT / "tests" / "golden" / "examples" / f"{Path(name).stem}.txt").read_text(
            encoding="utf-8"
        ), name
    # and the revision is really there: a case run on its date is decided under it
    later = run("test", "tests/cases/recognition/baseline_fully_eligible.yaml", "--on", "2024-06-04", "-v")
    assert "[wuqing-five-platforms@2024-tomorrow]" in later.stdout


def test_every_case_names_the_date_or_version_whose_expectations_it_states():
    for path in sorted((ROOT / "tests" / "cases").rglob("*.yaml")):
        case = load_yaml(path.read_text(encoding="utf-8"), str(path))[0]
        doc = case.get("input") or load_yaml((path.parent / case.get("input_file", "")).read_text("utf-8"), "")[0]
        dated = doc.get("submitted_on") or doc.get("year")
        own = str(dated) <= today().isoformat() if doc.get("submitted_on") else isinstance(dated, int) and dated <= 2024
        assert case.get("version") or case.get("on") or own, path
