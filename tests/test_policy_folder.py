"""The officer's folder is the policy (issue 14, item 1): a command given no policy path reads the `policies/` folder
found from the current folder upward (or the folders a `wqpolicy.toml` names), the installed copy only outside any
such folder, and every command names the files it read in its first line and in its JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, run_process
from conftest import run as cli_run
from wqpolicy.errors import WQError
from wqpolicy.schemas import data_dir
from wqpolicy.workspace import files_line, find_workspace, read_config, shown_file

TRIAL = Path("policies/wuqing-five-platforms/2021-trial.yaml")
FILES = f"政策文件 Policy files: {TRIAL}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(a copy of the repository, the package installed from it — not editable — in a folder of its own)."""
    base = tmp_path_factory.mktemp("installed")
    repository, target = base / "repository", base / "site"
    shutil.copytree(
        ROOT, repository, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build")
    )
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(repository)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:  # no build backend to be had here: lay the package out as its wheel does
        package = target / "wqpolicy"
        shutil.copytree(repository / "wqpolicy", package)
        shutil.copytree(repository / "policies", package / "_data" / "policies")
        shutil.copytree(repository / "schemas", package / "_data" / "schemas")
    assert (target / "wqpolicy" / "_data" / "policies" / "wuqing-five-platforms" / "2021-trial.yaml").is_file()
    return repository, target


def installed_run(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(target), "WQPOLICY_LANG": "both"}
    return run_process(*args, cwd=cwd, env=env)


def run(*args: object) -> object:
    """``conftest.run`` in the officer's default language: Chinese, English beside it (the files line is said so)."""
    return cli_run(*args, env={"WQPOLICY_LANG": "both"})


def test_an_edit_of_the_repositorys_policy_file_is_what_check_reads_with_a_non_editable_install(installed):
    """Before: `wqpolicy check` with no path read the copy in site-packages, so an officer who broke the file in
    the repository (`value: １０００万元`) got `0 个错误`."""
    repository, target = installed
    trial = repository / TRIAL
    text = trial.read_text(encoding="utf-8")
    try:
        trial.write_text(text.replace("value: 1000万元", "value: １０００万元", 1), encoding="utf-8")
        r = installed_run(target, repository, "check")
        assert r.returncode == 1, r.stdout + r.stderr
        assert r.stdout.splitlines()[0] == FILES
        assert f"{TRIAL}:" in r.stdout and "１０００万元" in r.stdout
        deeper = installed_run(target, repository / "examples", "check")  # from a folder below: the same
        assert deeper.returncode == 1 and deeper.stdout.splitlines()[0] == f"政策文件 Policy files: ../{TRIAL}"
        for args in (("eval", "examples/filing.yaml"), ("test", "tests/cases/filing")):  # eval and test too
            r = installed_run(target, repository, *args)
            assert r.returncode == 1 and f"{TRIAL}:" in r.stdout + r.stderr, args
    finally:
        trial.write_text(text, encoding="utf-8")


def test_outside_any_policy_folder_the_installed_copy_is_used_and_said_to_be(installed, tmp_path):
    repository, target = installed
    trial = repository / TRIAL
    text = trial.read_text(encoding="utf-8")
    try:
        trial.write_text(text.replace("value: 1000万元", "value: １０００万元", 1), encoding="utf-8")
        r = installed_run(target, tmp_path, "check")
        assert r.returncode == 0, r.stdout + r.stderr
        first = r.stdout.splitlines()[0]
        bundled = target / "wqpolicy" / "_data" / "policies" / "wuqing-five-platforms" / "2021-trial.yaml"
        assert first == f"政策文件 Policy files（内置副本 bundled copy）: {bundled.resolve()}"
        evaluated = installed_run(target, tmp_path, "eval", "--format", "json", str(EXAMPLES / "filing.yaml"))
        assert json.loads(evaluated.stdout)["policy"]["files"] == [str(bundled.resolve())]
    finally:
        trial.write_text(text, encoding="utf-8")


# -- finding the folder ---------------------------------------------------------------------------------------
def policy_folder(root: Path) -> Path:
    shutil.copytree(ROOT / "policies", root / "policies")
    return root


def test_the_nearest_folder_with_policies_is_found_from_below_and_shown_relative(tmp_path, monkeypatch):
    policy_folder(tmp_path)
    below = tmp_path / "work" / "drafts"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)
    found = find_workspace()
    assert (found.folders, found.config, found.bundled) == ((Path("../../policies"),), None, False)
    r = run("check")
    assert r.stdout.splitlines()[0] == f"政策文件 Policy files: ../../{TRIAL}"


def test_a_policies_folder_without_policy_files_is_not_taken(tmp_path, monkeypatch):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = find_workspace()
    assert found.bundled and found.folders == (data_dir("policies"),)


def test_wqpolicy_toml_names_the_folders_relative_to_itself(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    policy_folder(shared)
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "wqpolicy.toml").write_text(
        '# the bureau\'s policies\npolicies = [\n  "../shared/policies",  # shared\n]\n', encoding="utf-8"
    )
    monkeypatch.chdir(project / "sub")
    found = find_workspace()
    assert found.folders == (Path("../../shared/policies"),) and found.config == Path("../wqpolicy.toml")
    r = run("list")
    assert r.exit_code == 0 and r.stdout.splitlines()[0] == f"政策文件 Policy files: ../../shared/{TRIAL}"


@pytest.mark.parametrize(
    "text, line",
    [
        ("folders = ['policies']\n", 1),
        ('policies = "nowhere"\n', 1),
        ("# c\npolicies = [policies]\n", 2),
    ],
)
def test_a_wqpolicy_toml_that_cannot_be_used_is_an_error_at_its_line(tmp_path, monkeypatch, text, line):
    (tmp_path / "wqpolicy.toml").write_text(text, encoding="utf-8")
    with pytest.raises(WQError) as e:
        read_config(tmp_path / "wqpolicy.toml")
    [d] = e.value.diagnostics
    assert (d.code, d.span.line) == ("WQ-FILE", line) and d.zh and d.hint_zh
    monkeypatch.chdir(tmp_path)
    r = run("check")
    assert r.exit_code == 1 and "wqpolicy.toml" in r.stderr and "Traceback" not in r.stderr


def test_the_toml_reader_agrees_with_tomllib_on_the_documented_forms(tmp_path):
    tomllib = pytest.importorskip("tomllib")
    (tmp_path / "a").mkdir()
    (tmp_path / "b c").mkdir()
    for text in ('policies = ["a"]\n', "policies = ['a', \"b c\"]  # two\n", 'policies = [\n "a",\n "b c",\n]\n'):
        (tmp_path / "wqpolicy.toml").write_text(text, encoding="utf-8")
        expected = [tmp_path / p for p in tomllib.loads(text)["policies"]]
        assert read_config(tmp_path / "wqpolicy.toml") == expected


# -- every command names the files it read --------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("check",),
        ("eval", "examples/filing.yaml"),
        ("test", "tests/cases/filing"),
        ("list",),
        ("show", "wuqing-five-platforms@2021-trial"),
        ("diff", "wuqing-five-platforms@2021-trial", "wuqing-five-platforms@2021-trial"),
        ("expr", "min_investment"),
        ("revise", "wuqing-five-platforms", "--on", "2027-01-01", "--out", "-"),
    ],
    ids=lambda a: a[0],
)
def test_every_command_names_the_policy_files_it_read_on_its_first_line(args, monkeypatch):
    monkeypatch.chdir(ROOT)
    r = run(*args)
    assert r.exit_code == 0, r.output
    first = r.stdout.splitlines()[0]
    if args[0] == "revise":  # its output is the file: the line is a YAML comment there, the files are named above
        assert first.startswith("# yaml-language-server:")
    else:
        assert first == FILES


def test_the_json_of_check_eval_and_diff_names_the_files(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert json.loads(run("check", "--format", "json").stdout)["files"] == [str(TRIAL)]
    record = json.loads(run("eval", "--format", "json", "examples/filing.yaml").stdout)
    assert record["policy"]["files"] == [str(TRIAL)]
    diff = json.loads(run("diff", "--format", "json", "wuqing-five-platforms@2021-trial", str(TRIAL)).stdout)
    assert diff["files"] == [str(TRIAL)]
    shown = json.loads(run("show", "--format", "json", "wuqing-five-platforms@2021-trial").stdout)
    assert shown["policy"]["files"] == [str(TRIAL)]


def test_paths_are_shown_relative_to_here_or_absolute_when_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yaml").touch()
    assert shown_file(tmp_path / "p.yaml") == "p.yaml"
    assert shown_file("../x/p.yaml") == "../x/p.yaml"
    assert shown_file(ROOT / TRIAL) == str(ROOT / TRIAL)
    assert files_line(["a.yaml", "a.yaml", "b.yaml"], bundled=True) == (
        "政策文件 Policy files（内置副本 bundled copy）: a.yaml b.yaml\n"
    )
