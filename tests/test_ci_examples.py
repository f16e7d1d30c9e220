"""examples/ci: the GitHub Actions workflow, the GitLab CI job and the pre-commit configuration to copy. Each is
valid YAML, each `wqpolicy` command in them is one the command line accepts (options and values), and together
they run check, test with JUnit, coverage, the mutation score and the diff against the target branch."""

from __future__ import annotations

import re
import shlex

import click
import pytest
import yaml

from conftest import ROOT
from wqpolicy.cli import main

EXAMPLES = ROOT / "examples" / "ci"
# What the shell variables of the examples stand for, in this repository.
VARIABLES = {
    "$POLICIES": "policies/",
    "$CASES": "tests/cases",
    "origin/$BASE": "HEAD",
    "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "HEAD",
}


def scripts(data) -> list[str]:
    """Every shell script of a workflow or job: `run:` of a step, the lines of `script:`."""
    out: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "run" and isinstance(value, str):
                out.append(value)
            elif key in ("script", "before_script") and isinstance(value, list):
                out += [v for v in value if isinstance(v, str)]
            else:
                out += scripts(value)
    elif isinstance(data, list):
        for value in data:
            out += scripts(value)
    return out


def commands(name: str) -> list[list[str]]:
    """The `wqpolicy …` commands of an example, each as the words before any redirection, pipe or `||`."""
    found = []
    for script in scripts(yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))):
        for line in script.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            while "wqpolicy" in words:
                words = words[words.index("wqpolicy") :]
                end = next((i for i, w in enumerate(words) if w in (">", ">>", "|", "||", "&&", ";")), len(words))
                command = [VARIABLES.get(w, w) for w in words[1:end]]
                found.append([re.sub(r"^origin/\$\w+$", "HEAD", w) for w in command])
                words = words[end:]
    return found


def accepts(argv: list[str]) -> None:
    """Raise click's UsageError unless the command line parses (options, choices, paths that must exist)."""
    command = main.commands[argv[0]]
    with click.Context(main, info_name="wqpolicy") as parent:
        command.make_context(argv[0], list(argv[1:]), parent=parent)


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_every_wqpolicy_command_of_the_ci_examples_is_accepted(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    found = commands(name)
    for argv in found:
        try:
            accepts(argv)
        except click.UsageError as e:
            pytest.fail(f"{name}: wqpolicy {' '.join(argv)}: {e}")
    kinds = {
        "check": any(a[0] == "check" for a in found),
        "junit": any(a[0] == "test" and "junit" in a for a in found),
        "coverage": any("--coverage" in a for a in found),
        "mutate": any("--mutate" in a and "--fail-under" in a for a in found),
        "diff": any(a[0] == "diff" and "--against-ref" in a and "markdown" in a for a in found),
    }
    assert all(kinds.values()), kinds


def test_the_github_workflow_publishes_the_diff_to_the_job_summary():
    text = (EXAMPLES / "github-actions.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    steps = workflow["jobs"]["policy"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    diff = next(s for s in steps if "--against-ref" in s.get("run", ""))
    assert 'cat policy-diff.md >> "$GITHUB_STEP_SUMMARY"' in diff["run"]
    assert "${{" not in diff["run"]  # the branch name reaches the script through the environment only


def test_the_gitlab_job_reports_junit_and_coverage():
    job = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text(encoding="utf-8"))["policy"]
    assert job["artifacts"]["reports"]["junit"] == ["check-results.xml", "test-results.xml"]
    assert (
        re.search(job["coverage"].strip("/"), "覆盖率 coverage 94.5% (397/420) · 169 passed, 0 failed").group(1)
        == "94.5"
    )
    assert job["variables"]["GIT_DEPTH"] == "0"


def test_the_pre_commit_example_uses_the_hooks_this_repository_declares():
    config = yaml.safe_load((EXAMPLES / "pre-commit-config.yml").read_text(encoding="utf-8"))
    declared = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    used = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert used == declared == {"wqpolicy-check", "wqpolicy-test"}
