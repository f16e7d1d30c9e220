"""README's walk-through shows what the tool prints: each sample block is checked against a real run, line by line
in order ("…" stands for lines left out), so that a policy officer following it sees what it says."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT, run

README = (ROOT / "README.md").read_text(encoding="utf-8")


def block_after(marker: str, n: int = 1) -> list[str]:
    """The lines of the ``n``-th fenced block after ``marker`` in README."""
    at = README.index(marker)
    for _ in range(n):
        start = README.index("\n```", at) + 1
        start = README.index("\n", start) + 1  # past the fence and its language
        at = README.index("\n```", start) + 4
    return README[start : at - 4].splitlines()


def shown_in_order(sample: list[str], output: str) -> None:
    """Every line of ``sample`` is a line of ``output``, in the same order; `…` lines stand for any lines."""
    lines = output.splitlines()
    at = 0
    for n, want in enumerate(sample):
        if want.strip() == "…":
            continue
        found = next((i for i in range(at, len(lines)) if lines[i] == want), None)
        assert found is not None, f"README shows a line the tool does not print (in order):\n{want}"
        if n and found != at and sample[n - 1].strip() != "…":
            pytest.fail(f"README leaves out lines before this one without a `…`:\n{want}")
        at = found + 1


def test_the_sample_report_is_what_eval_prints(monkeypatch):
    monkeypatch.chdir(ROOT)
    sample = block_after("### 2. Deciding an application", 2)
    shown_in_order(
        sample, run("eval", "examples/recognition_missing_review.yaml", env={"WQPOLICY_LANG": "both"}).output
    )


def test_the_revision_walk_through_prints_what_readme_says(tmp_path, monkeypatch):
    """Step 3 as an officer does it: the revision file README gives, beside a copy of the trial version with
    `effective_until` added; then the diff and the test run it shows."""
    folder = tmp_path / "policies" / "wuqing-five-platforms"
    shutil.copytree(ROOT / "policies" / "wuqing-five-platforms", folder)
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(ROOT / "tests" / "cases", tmp_path / "tests" / "cases")
    revision = re.search(r"```yaml\n(# policies/wuqing-five-platforms/2022-revision.yaml\n.*?)```", README, re.S)
    (folder / "2022-revision.yaml").write_text(revision.group(1), encoding="utf-8")
    trial = folder / "2021-trial.yaml"
    text = trial.read_text(encoding="utf-8")
    trial.write_text(
        re.sub(
            r"^effective_from: (.*)$", r"effective_from: \1\neffective_until: 2021-12-31", text, count=1, flags=re.M
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert run("check", "policies/").exit_code == 0
    diff = run(
        "diff",
        "wuqing-five-platforms@2021-trial",
        "policies/wuqing-five-platforms/2022-revision.yaml",
        "--cases",
        "tests/cases",
        env={"WQPOLICY_LANG": "both"},
    ).output
    shown_in_order(block_after("What the `wqpolicy diff` above prints"), diff)
    tested = run("test", "tests/cases", "--policies", "policies").output.splitlines()[-1]
    assert f"(`{tested}` here)" in README


def test_the_sample_check_error_is_what_check_prints(tmp_path, monkeypatch):
    """README's example of an error: `rd_intensity` misspelt in a rule's condition, at its line and column."""
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    trial = tmp_path / "policies" / "wuqing-five-platforms" / "2021-trial.yaml"
    text = trial.read_text(encoding="utf-8")
    trial.write_text(
        text.replace("condition: rd_intensity >= min_rd_intensity", "condition: rd_intensty >= min_rd_intensity", 1),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    sample = block_after("with `rd_intensity` misspelt in a rule's condition")
    shown_in_order(sample, run("check", "policies/", env={"WQPOLICY_LANG": "both"}).output)  # the default


def test_the_python_example_runs_and_gives_what_its_comments_say(monkeypatch):
    monkeypatch.chdir(ROOT)
    code = README[README.index("```python\n") + len("```python\n") :]
    code = code[: code.index("```")]
    ns: dict = {}
    exec(compile(code, "README.md", "exec"), ns)  # noqa: S102 - README's own example
    record = ns["record"]
    assert record.outcome == "eligible"
    assert (record.rule("recognition.rd_intensity").outcome, record.output("supply_subsidy_total")) == (
        "pass",
        "3682950.00",
    )
    assert record.missing() == []
    again = ns["policy"].evaluate("recognition", ns["document"], input_name="examples/recognition.yaml")
    printed = run("eval", "--format", "json", "examples/recognition.yaml").output
    explained = ns["explained_json"](again, ns["explain"](ns["policy"], again, ns["document"]))
    assert printed == ns["json"].dumps(explained, ensure_ascii=False, indent=2) + "\n"
