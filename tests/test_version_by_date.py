"""The application's own date picks the version (issue 14, item 6): each decision declares which date of its input
selects the version in force (`version_date`); `eval` and `test` decide each document under the version in force on
it, the evaluation date standing in (and said to) when the document has none; `--on` and a named version override;
the record states the date and where it came from."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest

from conftest import DATED_REVISION, ROOT, dated_claim, run
from wqpolicy import clock
from wqpolicy.errors import WQError
from wqpolicy.library import Library
from wqpolicy.version_choice import VersionChooser

BUNDLED = ROOT / "policies" / "wuqing-five-platforms"
TODAY = clock.today()


def records(*args: str) -> list[dict]:
    r = run("eval", "--format", "jsonl", *args)
    assert r.exit_code == 0, r.output
    return [json.loads(line) for line in r.stdout.splitlines()]


def test_a_2022_claim_evaluated_after_a_2023_revision_is_paid_at_the_2022_rate(bureau):
    """Before: the version in force on the day the command ran decided it, so the 2022 claim was paid at 50 %."""
    old, new = records("claim-2022.yaml", "claim-2023.yaml")
    assert (old["policy"]["version"], old["outputs"]["total_eligible"]) == ("2021-trial", "80000.00")
    assert old["version_date"] == {"date": "2022-01-01", "source": "input", "field": "date(year, 1, 1)"}
    assert (new["policy"]["version"], new["outputs"]["total_eligible"]) == ("2023-revision", "50000.00")
    schema = json.loads((ROOT / "schemas" / "decision.schema.json").read_text(encoding="utf-8"))
    for record in (old, new):
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(record)


def test_on_overrides_the_applications_date_and_a_named_version_is_used_as_it_is(bureau):
    [on] = records("--on", "2022-06-01", "claim-2023.yaml")
    assert on["policy"]["version"] == "2021-trial"
    assert on["version_date"] == {"date": "2022-06-01", "source": "on", "field": None}
    [named] = records("--policy", "wuqing-five-platforms@2023-revision", "claim-2022.yaml")
    assert named["policy"]["version"] == "2023-revision"
    assert named["version_date"] == {"date": None, "source": "policy", "field": None}


def test_without_its_date_an_application_is_decided_on_the_evaluation_date_and_the_record_says_so(bureau):
    Path("no-date.yaml").write_text("decision: filing\nplatform: {industry: biomedicine}\n", encoding="utf-8")
    Path("dated.yaml").write_text(
        "decision: filing\nsubmitted_on: 2022-05-01\nplatform: {industry: biomedicine}\n", encoding="utf-8"
    )
    undated, dated = records("no-date.yaml", "dated.yaml")
    assert undated["version_date"] == {"date": TODAY.isoformat(), "source": "evaluation_date", "field": "submitted_on"}
    assert undated["policy"]["version"] == ("2023-revision" if TODAY.year >= 2023 else "2021-trial")
    assert (dated["policy"]["version"], dated["version_date"]["source"]) == ("2021-trial", "input")
    text = run("eval", "no-date.yaml", "dated.yaml", env={"WQPOLICY_LANG": "both"}).stdout  # the notices say so
    assert f"版本依据：{TODAY}（评估当日；申请材料未给出 submitted_on）" in text
    assert "版本依据：2022-05-01（申请材料的日期 submitted_on）" in text
    assert text.splitlines()[0] == (  # both versions were used: both files read
        "政策文件 Policy files: policies/wuqing-five-platforms/2023-revision.yaml "
        "policies/wuqing-five-platforms/2021-trial.yaml"
    )


def test_each_version_is_loaded_once_however_many_documents_use_it(bureau):
    library = Library([bureau / "policies"])
    loads = []
    real = library.load
    library.load = lambda *a: loads.append(a) or real(*a)  # type: ignore[method-assign]
    chooser = VersionChooser(library, today=datetime.date(2024, 3, 1))
    claims = [json.loads(json.dumps({"decision": "demand_subsidy", "year": year})) for year in (2022, 2023) * 5]
    versions = [chooser.evaluate(None, claim).version for claim in claims]
    assert versions == ["2021-trial", "2023-revision"] * 5
    assert sorted(set(loads)) == sorted(library._loaded) and len(library._loaded) == 2
    assert list(chooser.used) == ["wuqing-five-platforms@2021-trial", "wuqing-five-platforms@2023-revision"]


def test_a_date_no_version_is_in_force_on_is_an_error_that_names_it_and_the_others_are_still_decided(bureau):
    Path("claim-2019.yaml").write_text(dated_claim(2019), encoding="utf-8")
    r = run("eval", "--format", "jsonl", "claim-2019.yaml", "claim-2022.yaml")
    assert r.exit_code == 1
    assert "no version of `wuqing-five-platforms` is in force on 2019-01-01" in r.stderr
    assert "`date(year, 1, 1)` = 2019-01-01" in r.stderr
    assert [json.loads(line)["input"] for line in r.stdout.splitlines()] == ["claim-2022.yaml"]


def test_wqpolicy_test_follows_the_cases_own_date_and_an_explicit_version_or_on_still_wins(bureau):
    Path("cases").mkdir()
    claim = "input_file: ../claim-2022.yaml\n"
    Path("cases/by-date.yaml").write_text(
        f"description: the 2022 rate\n{claim}expect: {{outputs: {{total_eligible: '80000.00'}}}}\n", encoding="utf-8"
    )
    Path("cases/named.yaml").write_text(
        f"description: named\nversion: 2023-revision\n{claim}expect: {{outputs: {{total_eligible: '50000.00'}}}}\n",
        encoding="utf-8",
    )
    Path("cases/on.yaml").write_text(
        f"description: its own date\non: 2023-06-01\n{claim}expect: {{outputs: {{total_eligible: '50000.00'}}}}\n",
        encoding="utf-8",
    )
    r = run("test", "cases", "-v")
    assert r.exit_code == 0, r.output
    assert "ok   cases/by-date.yaml [wuqing-five-platforms@2021-trial]" in r.stdout


def test_a_revision_may_read_the_date_differently_and_its_own_reading_then_decides(bureau):
    revision = Path("policies/wuqing-five-platforms/2023-revision.yaml")
    revision.write_text(
        DATED_REVISION.read_text(encoding="utf-8") + "decisions:\n  demand_subsidy:\n    version_date: as_of\n",
        encoding="utf-8",
    )  # the revision reads a claim's date as its as_of
    library = Library([bureau / "policies"])
    chooser = VersionChooser(library, today=datetime.date(2024, 3, 1))
    late = {"decision": "demand_subsidy", "year": 2022, "as_of": "2023-02-01"}
    policy, dated = chooser.choose(None, late)
    assert (policy.version, dated.date, dated.field) == ("2023-revision", datetime.date(2023, 2, 1), "as_of")
    early = {"decision": "demand_subsidy", "year": 2022, "as_of": "2022-12-01"}
    policy, dated = chooser.choose(None, early)  # the revision's reading puts it before 2023: the trial reads it
    assert (policy.version, dated.field) == ("2021-trial", "date(year, 1, 1)")


def test_a_version_date_that_is_not_a_date_is_a_type_error_at_check(bureau):
    revision = Path("policies/wuqing-five-platforms/2023-revision.yaml")
    base = DATED_REVISION.read_text(encoding="utf-8")
    revision.write_text(base + "decisions:\n  demand_subsidy:\n    version_date: year\n", encoding="utf-8")
    [d] = [d for d in run_check_errors() if d["code"] == "WQ-TYPE"]
    assert (d["subject"], d["line"]) == ("version_date", len(base.splitlines()) + 3)  # the line of `version_date:`


def run_check_errors() -> list[dict]:
    r = run("check", "--format", "json")
    assert r.exit_code == 1
    return json.loads(r.stdout)["errors"]


def test_the_bundled_decisions_declare_their_dates_with_a_note():
    library = Library()
    policy = library.load("wuqing-five-platforms", "2021-trial")
    declared = {
        n: (d.decision.version_date.text, bool(d.decision.version_date_note)) for n, d in policy.decisions.items()
    }
    assert declared == {
        "filing": ("submitted_on", True),
        "recognition": ("submitted_on", True),
        "annual_assessment": ("date(year, 1, 1)", True),
        "demand_subsidy": ("date(year, 1, 1)", True),
    }
    with pytest.raises(WQError):
        VersionChooser(library, today=datetime.date(2020, 1, 1)).default()  # nothing in force in 2020
