"""Published versions are protected; revisions are guided (issue 14, item 7): the released version is locked, so
an edit of its file fails `check` with the command that makes a revision instead; `wqpolicy revise` writes a
revision with every parameter ready to uncomment, and ends the base's period without editing it."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run
from wqpolicy import clock
from wqpolicy.library import Library
from wqpolicy.versions import timeline_problems

BUNDLED = ROOT / "policies" / "wuqing-five-platforms"
TRIAL = Path("policies/wuqing-five-platforms/2021-trial.yaml")
REVISION = Path("policies/wuqing-five-platforms/2027-revision.yaml")


@pytest.fixture
def repository(tmp_path, monkeypatch) -> Path:
    """An officer's clone: the policies (as shipped, with the lock) and the case files; commands run there."""
    for rel in ("policies", "schemas", "tests/cases"):
        shutil.copytree(ROOT / rel, tmp_path / rel)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_released_version_is_locked_as_shipped():
    lock = json.loads((BUNDLED / "wqpolicy.lock.json").read_text(encoding="utf-8"))
    assert list(lock) == ["wuqing-five-platforms@2021-trial"]
    assert "header.effective_from" in lock["wuqing-five-platforms@2021-trial"]
    assert run("check", "--format", "json", BUNDLED).exit_code == 0  # the file is as it was published


def test_an_edit_of_the_published_version_fails_check_with_the_command_to_make_a_revision(repository):
    """Before: nothing stopped an officer from editing a published version in place."""
    text = TRIAL.read_text(encoding="utf-8")
    TRIAL.write_text(text.replace("    value: 1000万元\n", "    value: 800万元\n", 1), encoding="utf-8")
    r = run("check")
    assert r.exit_code == 1
    [d] = json.loads(run("check", "--format", "json").stdout)["errors"]
    assert (d["code"], d["subject"], d["file"]) == ("WQ-LOCKED", "parameters.min_investment", str(TRIAL))
    assert d["message_zh"].startswith("已发布版本不可修改，请新建修订版本")
    tomorrow = clock.today() + datetime.timedelta(days=1)
    assert f"`wqpolicy revise wuqing-five-platforms --on {tomorrow}`" in d["hint_zh"]
    assert d["line"] == text.splitlines().index("  min_investment:") + 1


def test_moving_the_published_versions_dates_is_an_edit_too(repository):
    text = TRIAL.read_text(encoding="utf-8")
    TRIAL.write_text(
        text.replace("effective_from: 2021-01-01\n", "effective_from: 2021-01-01\neffective_until: 2026-12-31\n"),
        encoding="utf-8",
    )
    [d] = json.loads(run("check", "--format", "json").stdout)["errors"]
    assert (d["code"], d["subject"]) == ("WQ-LOCKED", "header.effective_until")


def test_revise_writes_a_revision_with_every_parameter_ready_to_uncomment(repository):
    published = TRIAL.read_bytes()
    r = run("revise", "wuqing-five-platforms", "--on", "2027-01-01", env={"WQPOLICY_LANG": "both"})
    assert r.exit_code == 0, r.output
    assert f"已写入 wrote {REVISION}" in r.stdout and "2021-trial 有效至 2026-12-31" in r.stdout
    text = REVISION.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/policy.schema.json\n")
    doc = yaml.safe_load(text)
    assert doc == {
        "id": "wuqing-five-platforms",
        "version": "2027-revision",
        "extends": "2021-trial",
        "effective_from": datetime.date(2027, 1, 1),
        "parameters": None,  # every parameter is a comment until the officer uncomments one
    }
    policy = Library([Path("policies")]).load("wuqing-five-platforms", "2021-trial")
    for name, p in policy.model.parameters.items():
        assert f"  # {name}: {{" in text, name
        assert f"  # {p.label.zh} {p.label.en}（{p.clause}）" in text, name
    assert (
        "  #   现值 now: 1000万元 · 类型 kind: 金额 money（元；可写 1000万元） · 范围 bounds: 不小于 0 / at least 0"
        in text
    )
    assert "  # min_investment: {value: 1000万元}" in text
    assert run("check").exit_code == 0  # as written, the revision changes nothing and checks clean
    assert TRIAL.read_bytes() == published


def test_each_parameter_line_uncommented_as_written_checks_clean(repository):
    assert run("revise", "wuqing-five-platforms", "--on", "2027-01-01").exit_code == 0
    text = REVISION.read_text(encoding="utf-8")
    uncommented = "\n".join(
        line.replace("  # ", "  ", 1) if re.match(r"  # \w+: \{", line) else line for line in text.splitlines()
    )
    REVISION.write_text(uncommented + "\n", encoding="utf-8")
    r = run("check")
    assert r.exit_code == 0, r.output
    diff = json.loads(run("diff", "--format", "json", "wuqing-five-platforms@2021-trial", str(REVISION)).stdout)
    assert diff["changes"] == []  # each restated as it is: nothing changes


def test_after_an_edit_check_diff_and_test_show_the_effect_and_the_base_ends_where_the_revision_starts(repository):
    run("revise", "wuqing-five-platforms", "--on", "2027-01-01")
    text = REVISION.read_text(encoding="utf-8")
    REVISION.write_text(
        text.replace("  # min_investment: {value: 1000万元}", "  min_investment: {value: 800万元}"), encoding="utf-8"
    )
    assert run("check").exit_code == 0
    diff = run(
        "diff",
        "wuqing-five-platforms@2021-trial",
        str(REVISION),
        "--cases",
        "tests/cases",
        env={"WQPOLICY_LANG": "both"},
    ).stdout
    assert "修改参数 parameter min_investment (3.2.3): 10,000,000 → 8,000,000" in diff
    assert "2021-trial (2021-01-01 – 2026-12-31) → 2027-revision (2027-01-01 – …)" in diff
    tested = run("test", "--on", "2027-01-01")
    assert tested.exit_code == 1 and tested.stdout.splitlines()[-1] == "167 passed, 2 failed"
    listed = run("list", env={"WQPOLICY_LANG": "both"}).stdout
    ended = "（2027-revision 生效前一日 the day before 2027-revision starts）"
    assert f"  2021-trial           2021-01-01 → 2026-12-31  {ended}" in listed
    library = Library([Path("policies")])
    assert library.pick("wuqing-five-platforms", datetime.date(2026, 12, 31))[1] == "2021-trial"
    assert library.pick("wuqing-five-platforms", datetime.date(2027, 1, 1))[1] == "2027-revision"


def test_revise_to_standard_output_writes_no_file(repository):
    r = run("revise", "wuqing-five-platforms", "--on", "2027-01-01", "--out", "-")
    assert r.exit_code == 0 and r.stdout.startswith("# yaml-language-server:")
    assert not REVISION.exists()


@pytest.mark.parametrize(
    "args, code, words",
    [
        (("--on", "2021-01-01"), "WQ-VERSION", "must take effect after 2021-01-01"),
        (("--on", "2020-06-01"), "WQ-VERSION", "no version of `wuqing-five-platforms` is in force on 2020-06-01"),
        (
            ("--on", "2027-01-01", "--out", "policies/wuqing-five-platforms/2021-trial.yaml"),
            "WQ-FILE",
            "already exists",
        ),
    ],
)
def test_revise_refuses_what_would_not_work_and_writes_nothing(repository, args, code, words):
    before = sorted(Path("policies").rglob("*"))
    r = run("revise", "wuqing-five-platforms", *args)
    assert r.exit_code == 1 and f"[{code}]" in r.stderr and "Traceback" not in r.stderr
    assert words in r.stderr
    assert sorted(Path("policies").rglob("*")) == before


def test_revise_of_a_base_with_a_stated_end_says_when_a_revision_can_start_or_declares_the_gap(tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(BUNDLED, folder, ignore=shutil.ignore_patterns("wqpolicy.lock.json"))
    trial = folder / "2021-trial.yaml"
    trial.write_text(
        trial.read_text(encoding="utf-8").replace(
            "effective_from: 2021-01-01\n", "effective_from: 2021-01-01\neffective_until: 2025-12-31\n"
        ),
        encoding="utf-8",
    )
    r = run("revise", "wuqing-five-platforms", "--on", "2025-06-01", "--policies", folder)
    assert r.exit_code == 1 and "wqpolicy revise wuqing-five-platforms --on 2026-01-01" in r.stderr
    r = run("revise", "wuqing-five-platforms@2021-trial", "--on", "2027-01-01", "--policies", folder)
    assert r.exit_code == 0, r.output
    written = (folder / "2027-revision.yaml").read_text(encoding="utf-8")
    assert "\ngap_before: true\n" in written
    assert run("check", folder).exit_code == 0


def test_a_version_without_an_end_is_ended_by_the_next_one_and_same_starts_are_an_error():
    class V:
        def __init__(self, version, start, until=None):
            self.id, self.version, self.ref = "p", version, f"p@{version}"
            self.effective_from, self.effective_until, self.gap_before = start, until, False
            self.effective_span, self.file = None, "f.yaml"

    d = datetime.date
    assert timeline_problems([V("a", d(2021, 1, 1)), V("b", d(2022, 1, 1))]) == []
    [same] = timeline_problems([V("a", d(2021, 1, 1)), V("b", d(2021, 1, 1))])
    assert same.code == "WQ-VERSION" and same.zh and "both start" in same.message
    [overlap] = timeline_problems([V("a", d(2021, 1, 1), d(2022, 6, 30)), V("b", d(2022, 1, 1))])
    assert "still in force (until 2022-06-30)" in overlap.message


def test_a_lock_written_before_the_versions_own_fields_were_recorded_still_holds(repository):
    lock = Path("policies/wuqing-five-platforms/wqpolicy.lock.json")
    entries = json.loads(lock.read_text(encoding="utf-8"))
    for items in entries.values():
        for key in [k for k in items if k.startswith("header.")]:
            del items[key]
    lock.write_text(json.dumps(entries), encoding="utf-8")
    assert run("check").exit_code == 0
