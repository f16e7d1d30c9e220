"""What `--policy`, `diff` and `show` load for each kind of reference: a file is that file (its bases found beside it
or among the bundled policies, never in subfolders), ID@VERSION is looked up without the files named on the same
command line, and a malformed reference or a file that is not a policy says so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run
from wqpolicy import load_policy
from wqpolicy.errors import WQError
from wqpolicy.loader import Library

BUNDLED = ROOT / "policies" / "wuqing-five-platforms"
TIMELINE = ROOT / "tests" / "fixtures" / "timeline"
EXAMPLE = ROOT / "examples" / "recognition.yaml"


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the bundled policy folder with the supply-side ratio edited (same id and version)."""
    folder = tmp_path / "edited"
    shutil.copytree(BUNDLED, folder)
    path = folder / "2021-trial.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("value: 30%") == 2
    path.write_text(text.replace("value: 30%", "value: 35%", 1), encoding="utf-8")
    return path


def test_diff_of_a_version_against_an_edited_copy_of_it_shows_the_edit(copy):
    r = run("diff", "wuqing-five-platforms@2021-trial", copy)
    assert r.exit_code == 0, r.output
    assert "Policy changes (1):" in r.stdout
    assert "parameter supply_subsidy_ratio (6.1.1): 30% → 35%" in r.stdout


def test_a_policy_file_is_that_file_even_with_a_same_version_sibling(copy):
    sibling = copy.parent / "backup.yaml"
    sibling.write_text((BUNDLED / "2021-trial.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for name in (copy, sibling):
        policy = load_policy(str(name))
        ratio = policy.model.parameters["supply_subsidy_ratio"].value
        assert str(ratio) == ("0.35" if name == copy else "0.30")


def test_a_policy_file_does_not_read_its_folders_subfolders(copy):
    junk = copy.parent / "deep" / "er"
    junk.mkdir(parents=True)
    (junk / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (junk / "2021-trial.yaml").write_text("id: wuqing-five-platforms\nversion: 2021-trial\n", encoding="utf-8")
    library = Library.over_bundled([copy])
    assert not any("deep" in str(d.span.file) for d in library.problems if d.span)
    assert library.files["wuqing-five-platforms"]["2021-trial"].path == copy
    r = run("eval", "--policy", copy, EXAMPLE)
    assert r.exit_code == 0, r.output


def test_a_revision_file_finds_its_base_beside_it():
    policy = load_policy(str(TIMELINE / "v3.yaml"))
    assert (policy.id, policy.version) == ("timeline-demo", "v3")
    r = run("check", TIMELINE / "v3.yaml")
    assert r.exit_code == 0, r.output
    assert r.stdout.endswith("0 errors, 0 warnings (1 policy version checked)\n")


def test_a_revision_beside_an_edited_copy_extends_the_copy_and_finds_its_schemas(copy):
    revision = copy.parent / "2022-hypothetical.yaml"
    shutil.copy(ROOT / "tests" / "fixtures" / "revision" / "2022-hypothetical.yaml", revision)
    r = run("check", revision)
    assert r.exit_code == 0, r.output
    policy = load_policy(str(revision))
    parameters = policy.model.parameters
    assert str(parameters["min_rd_intensity"].value) == "0.04"  # the revision's own value
    recognition = policy.model.decisions["recognition"]
    assert Path(recognition.input_path) == (copy.parent / "inputs" / "application.schema.json").resolve()
    assert "applicant" in recognition.input_schema["properties"]


def test_check_of_one_file_does_not_report_a_broken_sibling(tmp_path):
    for name in ("v1.yaml", "guideline.md", "input.schema.json"):
        shutil.copy(TIMELINE / name, tmp_path / name)
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert run("check", tmp_path / "v1.yaml").exit_code == 0
    folder = run("check", tmp_path)
    assert folder.exit_code == 1 and "broken.yaml:2:1: error[WQ-YAML]" in folder.stdout


@pytest.mark.parametrize("command", ["eval", "expr"])
def test_an_input_document_given_as_the_policy_is_not_a_policy_file(command):
    args = [command, "--policy", EXAMPLE, "eligible_investment" if command == "expr" else EXAMPLE]
    r = run(*args)
    assert r.exit_code == 1
    assert r.stderr.startswith(f"{EXAMPLE}:1:1: error[WQ-FILE]: not a policy file: it has no `id:` and `version:`")
    assert "Traceback" not in r.output


@pytest.mark.parametrize("ref", ["", "@", "wuqing-five-platforms@", "@2021-trial", "wuqing-five-platforms@2021@trial"])
def test_a_malformed_reference_is_an_error_not_the_default_policy(ref):
    with pytest.raises(WQError) as e:
        load_policy(ref)
    assert e.value.diagnostics[0].message == f"`{ref}` is not a policy reference"
    r = run("eval", "--policy", ref, EXAMPLE)
    assert r.exit_code == 1 and "is not a policy reference" in r.stderr


def test_an_empty_decision_is_an_error_not_the_documents_own():
    r = run("eval", "--decision", "", EXAMPLE)
    assert r.exit_code == 1
    assert "has no decision ``" in r.stderr


def test_a_file_with_a_version_but_no_id_is_reported_not_listed(tmp_path):
    shutil.copy(TIMELINE / "v1.yaml", tmp_path / "v1.yaml")
    (tmp_path / "half.yaml").write_text("version: v9\n", encoding="utf-8")
    library = Library([tmp_path])
    assert list(library.files) == ["timeline-demo"]
    assert [d.message for d in library.problems] == ["not a policy file: it has no `id:`"]
    r = run("list", "--policies", tmp_path)
    assert "None" not in r.stdout and "timeline-demo" in r.stdout


def test_an_empty_or_non_text_extends_is_a_schema_error(tmp_path):
    for name in ("v1.yaml", "guideline.md", "input.schema.json"):
        shutil.copy(TIMELINE / name, tmp_path / name)
    for value, message in (
        ('""', "should be non-empty"),
        ("[v1]", "is not of type 'string'"),
        ("{v: 1}", "is not of type 'string'"),
    ):
        text = (TIMELINE / "v2.yaml").read_text(encoding="utf-8").replace("extends: v1", f"extends: {value}")
        (tmp_path / "v2.yaml").write_text(text, encoding="utf-8")
        r = run("check", tmp_path)
        assert r.exit_code == 1, r.output
        assert "error[WQ-SCHEMA]: extends:" in r.stdout and message in r.stdout, r.stdout
        assert "Traceback" not in r.output


def test_a_version_extending_itself_names_the_circle(tmp_path):
    for name in ("v1.yaml", "guideline.md", "input.schema.json"):
        shutil.copy(TIMELINE / name, tmp_path / name)
    text = (TIMELINE / "v2.yaml").read_text(encoding="utf-8").replace("extends: v1", "extends: v2")
    (tmp_path / "v2.yaml").write_text(text, encoding="utf-8")
    r = run("check", tmp_path)
    assert "`extends` goes round in a circle: v2 → v2" in r.stdout


def test_one_version_in_two_given_folders_is_an_error_not_the_first_folder_given(tmp_path):
    """Before: `eval --policies a --policies b` used a's copy and `--policies b --policies a` b's, silently."""
    text = (BUNDLED / "2021-trial.yaml").read_text(encoding="utf-8")
    for name, ratio in (("a", "30%"), ("b", "35%")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "2021-trial.yaml").write_text(
            text.replace("value: 30%", f"value: {ratio}", 1), encoding="utf-8"
        )
        (tmp_path / name / "guideline.zh.md").write_text(
            (BUNDLED / "guideline.zh.md").read_text(encoding="utf-8"), encoding="utf-8"
        )
    for order in (("a", "b"), ("b", "a")):
        r = run("eval", "--policies", tmp_path / order[0], "--policies", tmp_path / order[1], EXAMPLE)
        assert (
            r.exit_code == 1
            and "error[WQ-DUPLICATE]: version `2021-trial` of `wuqing-five-platforms` is also "
            f"in {tmp_path / order[0] / '2021-trial.yaml'}"
            in r.output
        ), r.output
