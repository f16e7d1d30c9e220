"""README's batch walk-through shows what the tool prints: the summary of a batch, and the start of the impact of
the hypothetical revision on the fixture's applications (checked line by line, in order)."""

from __future__ import annotations

import shutil

from test_readme import README, block_after, shown_in_order

from conftest import ROOT, run

BATCH = "### 6. 批量评估与修订影响"


def test_the_batch_summary_is_what_eval_prints(monkeypatch, tmp_path):
    shutil.copytree(ROOT / "policies", tmp_path / "policies")  # an officer's folder, as the repository's
    monkeypatch.chdir(tmp_path)
    fixture = ROOT / "tests" / "fixtures" / "batch" / "applications.jsonl"
    r = run(
        "eval",
        fixture,
        "--policy",
        "wuqing-five-platforms@2021-trial",
        "--out",
        "results.xlsx",
        env={"WQPOLICY_LANG": "both"},
    )
    assert r.exit_code == 0, r.output
    shown_in_order(block_after(BATCH, 2), r.stdout)


def test_the_impact_sample_is_what_diff_prints(monkeypatch):
    monkeypatch.chdir(ROOT)
    r = run(
        "diff",
        "wuqing-five-platforms@2021-trial",
        "tests/fixtures/revision/2022-hypothetical.yaml",
        "--applications",
        "tests/fixtures/batch/applications",
    )
    assert r.exit_code == 0, r.output
    shown_in_order(block_after(BATCH, 3), r.stdout)


def test_the_walk_through_names_the_extra_and_the_memo():
    section = README[README.index(BATCH) : README.index("## The policy language")]
    assert 'pip install "wqpolicy[sheets]"' in section
    assert "条款 / 原规定 / 新规定 / 受影响申请数 / 补贴变化合计" in section
