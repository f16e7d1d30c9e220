"""`wqpolicy diff --against-ref REF`: the working tree's policy files against the same files at a git ref, read
with git. A throwaway repository (the demo policy committed, then a threshold edited in place) shows the change
and the cases it moves; outside a repository, for an unknown ref and without git, a clear error in Chinese and
English."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, run
from wqpolicy.schemas import data_dir, load_schema, validator

FIXTURE = ROOT / "tests" / "fixtures" / "ci"
FOLDER = "policies/ci 示例"  # a space and Chinese in the path: git quotes such names unless told not to


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository with the demo policy and its cases committed; the working folder is its root."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE / "policy", root / FOLDER)
    shutil.copytree(FIXTURE / "cases", root / "tests" / "cases")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "policy")
    monkeypatch.chdir(root)
    return root


def edit(repo: Path, old: str, new: str, name: str = "ci-demo.yaml") -> None:
    path = repo / FOLDER / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_in_place_shows_its_change_and_the_cases_it_moves(repo):
    edit(repo, "min_staff: {value: 10,", "min_staff: {value: 11,")
    r = run("diff", "--against-ref", "HEAD", "--cases", "tests/cases")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.startswith("与 git 引用 HEAD 对比 Compared with git ref HEAD (")
    assert "  - 修改参数 parameter min_staff (1): 10 → 11  · 职工人数下限" in out
    assert "案例影响 Case impact: 5 个案例中 1 个有变化 · 1 of 5 cases change" in out
    assert "  tests/cases/at_the_thresholds.yaml [grant]" in out
    assert "    结论 outcome: eligible → ineligible（符合 → 不符合）" in out
    assert "    规则 rule grant.staff: pass → fail" in out


def test_nothing_changed_says_so(repo):
    r = run("diff", "--against-ref", "HEAD", "policies")
    assert r.exit_code == 0, r.output
    assert "  未改动 Unchanged: ci-demo@v1" in r.stdout
    assert "  无政策变更 No policy changes since HEAD." in r.stdout


def test_markdown_is_ready_for_a_pull_request_comment(repo):
    edit(repo, "min_cost: {value: 50万元,", "min_cost: {value: 60万元,")
    r = run("diff", "--against-ref", "HEAD", FOLDER, "--cases", "tests/cases", "--format", "markdown")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith("# 与 `HEAD` 对比 Compared with `HEAD` (")
    assert "## 政策对比 Policy diff: `ci-demo@v1` → `ci-demo@v1`" in lines
    assert any(line.startswith("| 修改参数 parameter changed | `parameters.min_cost`") for line in lines)


def test_json_follows_its_schema_and_fail_on_change_fails(repo):
    edit(repo, "min_staff: {value: 10,", "min_staff: {value: 11,")
    r = run("diff", "--against-ref", "HEAD", "--cases", "tests/cases", "--format", "json", "--fail-on-change")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    folder = str(data_dir("schemas"))
    v = validator(load_schema(str(Path(folder) / "refdiff.schema.json")), folder)
    assert list(v.iter_errors(data)) == []
    assert (data["ref"], len(data["commit"]), data["added"], data["removed"]) == ("HEAD", 40, [], [])
    (diff,) = data["diffs"]
    assert diff["changes"][0]["path"] == "parameters.min_staff" and diff["impact"]["changed"] == 1
    jsonschema.Draft202012Validator.check_schema(json.loads((Path(folder) / "refdiff.schema.json").read_text()))


def test_a_version_added_is_diffed_against_its_base_as_it_was(repo):
    (repo / FOLDER / "v2.yaml").write_text(
        "id: ci-demo\nversion: v2\nextends: v1\neffective_from: 2025-01-01\n"
        "parameters:\n  grant_cap: {value: 30万元}\n",
        encoding="utf-8",
    )
    edit(repo, "effective_from: 2024-01-01\n", "effective_from: 2024-01-01\neffective_until: 2024-12-31\n")
    r = run("diff", "--against-ref", "HEAD", "--cases", "tests/cases")
    assert r.exit_code == 0, r.output
    assert "  新增版本 Versions added: ci-demo@v2" in r.stdout
    assert "政策对比 Policy diff: ci-demo@v1 → ci-demo@v2" in r.stdout
    assert "修改参数 parameter grant_cap (3): 200,000 → 300,000" in r.stdout


def test_a_version_removed_is_named(repo):
    git(repo, "rm", "-q", f"{FOLDER}/ci-demo.yaml")
    (repo / FOLDER / "other.yaml").write_text(
        (FIXTURE / "policy" / "ci-demo.yaml").read_text(encoding="utf-8").replace("id: ci-demo", "id: ci-other"),
        encoding="utf-8",
    )
    r = run("diff", "--against-ref", "HEAD", FOLDER)
    assert r.exit_code == 0, r.output
    assert "  新增版本 Versions added: ci-other@v1" in r.stdout
    assert "  删除版本 Versions removed: ci-demo@v1" in r.stdout


def test_a_ref_that_does_not_load_is_placed_at_ref_and_path(repo):
    edit(repo, "condition: staff >= min_staff", "condition: staff >= min_stafff")
    git(repo, "commit", "-qam", "broken")
    edit(repo, "condition: staff >= min_stafff", "condition: staff >= min_staff")
    r = run("diff", "--against-ref", "HEAD", "--cases", "tests/cases")
    assert r.exit_code == 1
    assert f"HEAD:{FOLDER}/ci-demo.yaml:41:" in r.stderr and "error[WQ-NAME]" in r.stderr


def test_outside_a_repository_the_error_says_so_in_both_languages(tmp_path, monkeypatch):
    shutil.copytree(FIXTURE / "policy", tmp_path / "policies" / "demo")
    monkeypatch.chdir(tmp_path)
    r = run("--lang", "both", "diff", "--against-ref", "HEAD")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "error[WQ-GIT]:" in r.stderr
    assert "不在 git 仓库中" in r.stderr and "is not inside a git repository" in r.stderr
    assert "Traceback" not in r.output


def test_an_unknown_ref_is_a_clear_error(repo):
    for ref in ("no-such-branch", "--output=/tmp/x", "HEAD~5"):
        r = run("--lang", "both", "diff", "--against-ref", ref)
        assert r.exit_code == 1, ref
        assert "error[WQ-GIT]" in r.stderr and "不是本仓库的 git 引用" in r.stderr and "is not a git ref" in r.stderr


def test_without_git_the_error_says_what_to_install(repo):
    r = run("--lang", "both", "diff", "--against-ref", "HEAD", env={"PATH": str(repo / "nowhere")})
    assert r.exit_code == 1
    assert "找不到 git 命令" in r.stderr and "git is not installed, or not on PATH" in r.stderr


def test_against_ref_takes_paths_and_diff_still_takes_two_versions(repo):
    assert run("diff", "--against-ref", "HEAD", "no/such/folder").exit_code == 2
    assert run("diff", "only-one").exit_code == 2
    r = run("diff", f"{FOLDER}/ci-demo.yaml", f"{FOLDER}/ci-demo.yaml")
    assert r.exit_code == 0 and "Policy changes (0):" in r.stdout


def test_paths_that_hold_no_policy_file_and_an_unreadable_file_are_errors(repo):
    r = run("diff", "--against-ref", "HEAD", "tests/cases")
    assert r.exit_code == 1 and "error[WQ-FILE]" in r.stderr and "no policy files under tests/cases" in r.stderr
    (repo / FOLDER / "broken.yaml").write_text("id: ci-demo\nversion: [v3\n", encoding="utf-8")
    r = run("diff", "--against-ref", "HEAD")
    assert r.exit_code == 1
    assert f"{FOLDER}/broken.yaml:3:1: error[WQ-YAML]" in r.stderr


def test_a_large_file_beside_the_policy_is_left_out_and_a_large_policy_file_refused(repo):
    (repo / FOLDER / "scan.pdf").write_bytes(b"%PDF" + b"\0" * 6_000_000)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "the scanned guideline")
    assert run("diff", "--against-ref", "HEAD").exit_code == 0
    (repo / FOLDER / "huge.yaml").write_text("# " + "x" * 6_000_000 + "\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a huge file")
    r = run("--lang", "both", "diff", "--against-ref", "HEAD")
    assert r.exit_code == 1
    assert f"HEAD:{FOLDER}/huge.yaml" in r.stderr and "error[WQ-GIT]" in r.stderr and "超过政策文件的上限" in r.stderr
