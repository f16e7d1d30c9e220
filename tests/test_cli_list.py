"""`wqpolicy list`: the timeline and decisions of each policy; a version that does not load is listed as such, with
its errors, and exit 1."""

from __future__ import annotations

from conftest import REVISION, policy_copy, run


def test_list_shows_the_timeline_and_decisions():
    r = run("list")
    assert r.exit_code == 0
    assert "2021-trial" in r.stdout and "2021-01-01 → …" in r.stdout
    for decision in ("filing", "recognition", "annual_assessment", "demand_subsidy"):
        assert f"- {decision}" in r.stdout


def test_list_shows_a_version_that_does_not_load_and_exits_1(tmp_path):
    # Before: the broken version was missing from the listing, without a word, and the exit was 0.
    folder = policy_copy(tmp_path)
    revision = folder / REVISION.name
    revision.write_text(
        revision.read_text(encoding="utf-8").replace("severity: advise", "severity: sometimes"), encoding="utf-8"
    )
    r = run("list", "--policies", folder)
    assert r.exit_code == 1
    assert f"  2022-hypothetical    does not load: 1 error (see `wqpolicy check {revision}`)" in r.output
    assert f"{revision}:24:19: error[WQ-SCHEMA]:" in r.output
    assert "  2021-trial           2021-01-01 → 2021-12-31" in r.output
