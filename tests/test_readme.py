"""README's walk-through shows what the tool prints: each sample block is checked against a real run, line by line
in order ("…" stands for lines left out), so that a policy officer following it sees what it says."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run

BOTH = {"WQPOLICY_LANG": "both"}  # the default an officer meets: Chinese, English beside it

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
    sample = block_after("### 2. 评估一份申请（Deciding an application）", 2)
    shown_in_order(sample, run("eval", "examples/recognition_missing_review.yaml", env=BOTH).output)


def officers_repository(tmp_path: Path) -> Path:
    """What an officer has after a fresh clone: the policies (the published version locked), the schemas, the
    case files; the commands run from there, as README says."""
    for rel in ("policies", "schemas", "tests/cases"):
        shutil.copytree(ROOT / rel, tmp_path / rel)
    return tmp_path


def test_the_revision_walk_through_prints_what_readme_says(tmp_path, monkeypatch):
    """Step 3 as an officer does it: `wqpolicy revise`, the one line README shows uncommented and edited in the
    file it wrote, then check, diff and test as README runs them — and the published file never touched."""
    monkeypatch.chdir(officers_repository(tmp_path))
    published = Path("policies/wuqing-five-platforms/2021-trial.yaml").read_bytes()
    revise = re.search(r"```sh\n(wqpolicy revise [^\n]*)\n```", README).group(1)
    done = run(*revise.split()[1:], env=BOTH)
    assert done.exit_code == 0, done.output
    shown_in_order(block_after(revise), done.output)
    edited = block_after("find the\nparameter to change")
    line = edited[-1]  # `  min_rd_intensity: {value: 4%}`, as the file lists it commented out
    assert line.startswith("  min_rd_intensity:")
    path = Path("policies/wuqing-five-platforms/2027-revision.yaml")
    text = path.read_text(encoding="utf-8")
    commented = "  # " + line.strip().replace("4%", "3%")
    assert text.count(commented + "\n") == 1, commented
    for shown in edited[:-1]:  # the comment lines README shows above it are the file's own
        assert shown in text.splitlines(), shown
    path.write_text(text.replace(commented + "\n", line + "\n"), encoding="utf-8")
    commands = [c.split("#")[0].split() for c in block_after("Then check, compare and test")]
    check, diff, test = ([word for word in c if word != "wqpolicy"] for c in commands)
    assert run(*check).exit_code == 0
    shown_in_order(block_after("What the `wqpolicy diff` above prints"), run(*diff, env=BOTH).output)
    tested = run(*test, env=BOTH).output.splitlines()[-1]
    assert f"`{tested}`" in README
    assert Path("policies/wuqing-five-platforms/2021-trial.yaml").read_bytes() == published
    listed = run("list", env=BOTH).output
    assert "  2021-trial           2021-01-01 → 2026-12-31" in listed and "`2021-01-01 → 2026-12-31`" in README


def test_editing_the_published_version_is_refused_as_readme_says(tmp_path, monkeypatch):
    monkeypatch.chdir(officers_repository(tmp_path))
    trial = Path("policies/wuqing-five-platforms/2021-trial.yaml")
    trial.write_text(trial.read_text(encoding="utf-8").replace("value: 3%", "value: 4%", 1), encoding="utf-8")
    r = run("check", "--format", "json")
    assert r.exit_code == 1
    [locked] = json.loads(r.stdout)["errors"]
    assert locked["code"] == "WQ-LOCKED" and locked["message_zh"].startswith("已发布版本不可修改，请新建修订版本")
    assert (
        "已发布版本不可修改，请新建修订版本" in README
        and "wqpolicy revise wuqing-five-platforms --on" in locked["hint"]
    )


def test_the_sample_check_error_is_what_check_prints(tmp_path, monkeypatch):
    """README's example of an error: `rd_intensity` misspelt in a rule restated in the walk-through's revision."""
    monkeypatch.chdir(officers_repository(tmp_path))
    assert run("revise", "wuqing-five-platforms", "--on", "2027-01-01").exit_code == 0
    path = Path("policies/wuqing-five-platforms/2027-revision.yaml")
    restated = re.search(r"\((`recognition\.rd_intensity: [^`]*`) under `decisions: recognition: rules:`\)", README)
    rule = restated.group(1).strip("`")
    path.write_text(
        path.read_text(encoding="utf-8") + f"decisions:\n  recognition:\n    rules:\n      {rule}\n", encoding="utf-8"
    )
    sample = block_after("misspelt in its condition")
    shown_in_order(sample, run("check", env=BOTH).output)  # the default


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
    printed = run("eval", "--format", "json", "examples/recognition.yaml").output
    assert printed == ns["json"].dumps(ns["data"], ensure_ascii=False, indent=2) + "\n"  # the version by its date
