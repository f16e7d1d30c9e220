"""Hostile or broken policy files never produce a traceback: `wqpolicy check FILE` and `wqpolicy eval --policy FILE`
exit 1 with a diagnostic naming the file (2 for click's own usage errors), and finish quickly; limits of the engine
(definitions built on one another, Python's stack) are errors at the file.

The time bound is only a guard against hangs; real timings are far below it.
"""

from __future__ import annotations

import shutil

import pytest

from conftest import POLICY_FILE
from conftest import run as run_cli
from hostile import GUIDE, POLICY, POLICY_TEXTS, policy_folder, run, subprocess_run, with_condition
from wqpolicy.checker import MAX_CHAIN
from wqpolicy.loader import Library, load_policy


def test_the_base_policy_and_a_plain_input_are_valid(tmp_path):
    path = policy_folder(tmp_path, POLICY)
    assert run("check", str(path)).exit_code == 0
    doc = tmp_path / "input.yaml"
    doc.write_text("decision: grant\napplicant: {revenue: 100, rd_expense: 5}\n", encoding="utf-8")
    result = run("eval", "--policy", str(path), str(doc))
    assert result.exit_code == 0 and "eligible" in result.stdout


@pytest.mark.parametrize("case", POLICY_TEXTS)
def test_check_reports_a_hostile_policy_file_by_name(tmp_path, case):
    path = policy_folder(tmp_path, POLICY_TEXTS[case])
    result = run("check", str(path))
    assert result.exit_code == 1, result.output
    assert f"{path}:" in result.stdout
    assert " error[WQ-" in result.stdout


def test_check_reports_a_non_utf8_policy_file(tmp_path):
    path = policy_folder(tmp_path, POLICY.replace("研发强度", "R&D").encode("utf-8") + b"note: caf\xe9\n")
    result = run("check", str(path))
    assert result.exit_code == 1
    assert f"{path}:" in result.stdout and "error[WQ-FILE]" in result.stdout


def test_check_reports_a_non_utf8_source_document_at_the_policys_document_key(tmp_path):
    path = policy_folder(tmp_path, POLICY)
    (path.parent / "guide.md").write_bytes(GUIDE.encode("utf-8") + b"\n**[9]** caf\xe9\n")
    result = run("check", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "error[" in line]
    line, offset = GUIDE.count("\n") + 2, len(GUIDE.encode("utf-8")) + len("\n**[9]** caf")
    assert lines == [
        f"{path}:5:13: error[WQ-FILE]: source document `guide.md` ({line}:12): "
        f"not UTF-8 text (byte 0xe9 at offset {offset}) (save the file as UTF-8)"
    ], result.stdout
    assert run("eval", "--policy", str(path), "-").exit_code == 1


def test_check_reports_a_directory_where_a_policy_file_should_be(tmp_path):
    policy_folder(tmp_path, POLICY)
    (tmp_path / "policy" / "sub.yaml").mkdir()
    result = run("check", str(tmp_path / "policy"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'policy' / 'sub.yaml'}:" in result.stdout and "error[WQ-FILE]" in result.stdout


def test_check_of_a_missing_file_is_a_usage_error(tmp_path):
    missing = tmp_path / "missing.yaml"
    result = run("check", str(missing))
    assert result.exit_code == 2
    assert str(missing) in result.stderr


def test_eval_with_a_hostile_policy_file_reports_it(tmp_path):
    path = policy_folder(tmp_path, with_condition("not " * 2_400 + "true"))
    doc = tmp_path / "input.yaml"
    doc.write_text("decision: grant\n", encoding="utf-8")
    result = run("eval", "--policy", str(path), str(doc))
    assert result.exit_code == 1
    assert f"{path}:" in result.stderr and "error[WQ-SYNTAX]" in result.stderr


def test_a_python_tag_in_a_policy_runs_nothing_in_a_real_process(tmp_path):
    path = policy_folder(tmp_path, POLICY_TEXTS["python tag"])
    result = subprocess_run("check", str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{path}:" in result.stdout and "error[WQ-YAML]" in result.stdout
    assert "hi\n" not in result.stdout.splitlines(keepends=True)


def test_a_symbolic_link_loop_in_a_policy_folder_is_a_file_error_not_a_traceback(tmp_path):
    bundled = POLICY_FILE.parent
    for name in ("2021-trial.yaml", "guideline.zh.md"):
        shutil.copy(bundled / name, tmp_path / name)
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    r = run_cli("check", tmp_path)
    assert r.exit_code == 1
    assert (
        f"{tmp_path / 'a.yaml'}:1:1: error[WQ-FILE]: cannot read: a symbolic link that leads round in a loop "
        "(remove it, or point it at a file)" in r.output
    )
    assert "Traceback" not in r.output
    # the API takes one folder as a str, not as the characters of its name
    assert load_policy(paths=str(tmp_path)).version == "2021-trial"


def test_definitions_built_on_one_another_too_deeply_are_an_error_not_a_recursion_error(tmp_path):
    """Each step is followed on Python's stack: 170 steps ended in RecursionError; now an engine limit says so."""
    steps = "".join(f'  z{i}: {{expr: z{i - 1} + 1, clause: "3.2.8"}}\n' for i in range(1, 3 * MAX_CHAIN))
    path = tmp_path / "revision.yaml"
    path.write_text(
        "id: wuqing-five-platforms\nversion: 2022-deep\nextends: 2021-trial\neffective_from: 2022-01-01\n"
        f"definitions:\n  z0: {{expr: '1', clause: \"3.2.8\"}}\n{steps}decisions:\n  filing:\n    rules:\n"
        f'      filing.deep: {{clause: "3.2.8", label: {{zh: 深, en: deep}}, '
        f"condition: z{3 * MAX_CHAIN - 1} > 0, message: {{zh: 深, en: deep}}}}\n",
        encoding="utf-8",
    )
    errors, _ = Library.over_bundled([path]).check(only=[path])
    assert errors and {d.code for d in errors} == {"WQ-CYCLE"}
    assert errors[0].message.startswith(f"definitions are built on one another more than {MAX_CHAIN} deep: ")
    assert errors[0].span.file == str(path)


def test_running_out_of_stack_while_checking_is_one_error_at_the_file(monkeypatch):
    """The last resort behind the limits on expressions and definitions: whatever their worst together does."""
    from wqpolicy import library
    from wqpolicy.errors import WQError

    def too_deep(*args):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(library, "Policy", too_deep)
    with pytest.raises(WQError) as e:
        library.Library().load("wuqing-five-platforms", "2021-trial")
    (d,) = e.value.diagnostics
    assert (d.code, d.span.line, d.span.file.endswith("2021-trial.yaml")) == ("WQ-CYCLE", 1, True)
    assert d.message == "the definitions and expressions of this version nest too deeply to check (an engine limit)"
