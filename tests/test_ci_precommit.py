"""The pre-commit hooks of .pre-commit-hooks.yaml, as a policy repository uses them: `pre-commit try-repo` on a
throwaway repository installs wqpolicy from this one (with pip, in an environment of its own: 6 to 13 seconds on
the 2-core machine, so it runs once) and runs both hooks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, run

FIXTURE = ROOT / "tests" / "fixtures" / "ci"


def hooks() -> dict[str, dict]:
    return {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}


def test_the_hooks_are_declared_for_a_policy_repository():
    found = hooks()
    assert sorted(found) == ["wqpolicy-check", "wqpolicy-test"]
    for hook in found.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert hook["entry"].split()[0] == "wqpolicy"
    check, test = (re.compile(found[h]["files"]) for h in ("wqpolicy-check", "wqpolicy-test"))
    assert check.search("policies/wuqing-five-platforms/2021-trial.yaml")
    assert check.search("policies/wuqing-five-platforms/inputs/application.schema.json")
    assert check.search("policies/wuqing-five-platforms/guideline.zh.md")
    assert not check.search("tests/cases/filing/plan_no_goals.yaml") and not check.search("README.md")
    assert test.search("tests/cases/filing/plan_no_goals.yaml") and test.search("policies/x/v1.yaml")


def test_the_hooks_run_here_as_written(monkeypatch):
    """Each hook's entry and args, run from this repository's root (its layout is the one they assume)."""
    monkeypatch.chdir(ROOT)
    for hook in hooks().values():
        r = run(*hook["entry"].split()[1:], *hook["args"])
        assert r.exit_code == 0, (hook["id"], r.output)


def git(repo, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_pre_commit_try_repo_runs_both_hooks_on_a_policy_repository(tmp_path):
    """One run (each run of try-repo on a tree with uncommitted changes installs afresh): the policy checks, and
    one case, whose expected grant is wrong, fails the test hook with the difference under it."""
    pytest.importorskip("pre_commit")
    if not (ROOT / ".git").exists():
        pytest.skip("try-repo needs this repository as a git repository")
    repo = tmp_path / "policy-repo"
    shutil.copytree(FIXTURE / "policy", repo / "policies" / "ci-demo")
    shutil.copytree(FIXTURE / "cases", repo / "tests" / "cases")
    wrong = repo / "tests" / "cases" / "capped_with_land.yaml"
    wrong.write_text(wrong.read_text(encoding="utf-8").replace('grant: "200000.00"', 'grant: "300000.00"'), "utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "policy")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)  # the hooks run the wqpolicy pre-commit installs, not this tree's
    r = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert re.search(r"^wqpolicy check\.+Passed$", r.stdout, re.M), r.stdout
    assert re.search(r"^wqpolicy test\.+Failed$", r.stdout, re.M), r.stdout
    assert "FAIL 未通过 tests/cases/capped_with_land.yaml [ci-demo@v1]" in r.stdout
    assert "output grant: 应为 expected 300000.00, 实际 got 200000.00" in r.stdout
    assert "4 passed, 1 failed" in r.stdout
