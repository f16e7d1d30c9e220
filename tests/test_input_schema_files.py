"""Input schemas are policy content: `check` validates each against the JSON Schema 2020-12 meta-schema at its line
in the schema file, allows `$ref` only to places in the policy's folder, and refuses an `input:` outside it — so
`eval`, `test` and `diff` never meet a schema jsonschema cannot use (before: `"type": "strnig"` passed `check` and
crashed them with UnknownType; a remote or `file://` `$ref` gave a `referencing` traceback; `input: /etc/passwd`
printed that file's first line). The one-file fixtures are under tests/fixtures/invalid/input-*."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wqpolicy.cli import main
from wqpolicy.errors import WQError
from wqpolicy.loader import Library, load_policy

ROOT = Path(__file__).resolve().parent.parent
INVALID = ROOT / "tests" / "fixtures" / "invalid"
ARITY = INVALID / "arity"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], env={"WQPOLICY_LANG": "en"})


def grant_folder(tmp_path: Path, schema: dict | None = None, input_line: str = "input.schema.json") -> Path:
    """A copy of a small one-decision policy (decision `grant`) with ``schema`` as its input schema."""
    folder = tmp_path / "policy"
    folder.mkdir()
    shutil.copy(ARITY / "guide.md", folder)
    text = (ARITY / "policy.yaml").read_text(encoding="utf-8").replace("round(rd_intensity)", "rd_intensity")
    (folder / "policy.yaml").write_text(
        text.replace("input: input.schema.json", f"input: {input_line}"), encoding="utf-8"
    )
    base = json.loads((ARITY / "input.schema.json").read_text(encoding="utf-8"))
    (folder / "input.schema.json").write_text(json.dumps(schema or base, indent=2), encoding="utf-8")
    return folder


def schema_with(**applicant_fields) -> dict:
    base = json.loads((ARITY / "input.schema.json").read_text(encoding="utf-8"))
    base["properties"]["applicant"]["properties"].update(applicant_fields)
    return base


def write_document(folder: Path) -> Path:
    doc = folder / "doc.yaml"
    doc.write_text("decision: grant\napplicant: {name: 示例, revenue: 100, rd_expense: 5}\n", encoding="utf-8")
    return doc


@pytest.mark.parametrize("name", ["input-schema-unknown-type", "input-schema-remote-ref"])
def test_eval_and_test_of_a_policy_whose_input_schema_is_broken_say_so_and_never_crash(name, tmp_path):
    folder = tmp_path / name
    shutil.copytree(INVALID / name, folder)
    doc = write_document(folder)
    result = run("eval", "--policy", folder / "policy.yaml", doc)
    assert (result.exit_code == 1 and result.exception is None) or isinstance(result.exception, SystemExit)
    assert "error[WQ-SCHEMA]" in result.output and "Traceback" not in result.output
    assert f"{folder / 'input.schema.json'}:" in result.output  # at its line in the schema file
    with pytest.raises(WQError) as e:
        load_policy(str(folder / "policy.yaml"))
    assert {d.code for d in e.value.diagnostics} == {"WQ-SCHEMA"}


def test_diff_against_a_revision_whose_input_schema_is_broken_fails_cleanly(tmp_path):
    folder = tmp_path / "policy"
    shutil.copytree(ROOT / "policies" / "wuqing-five-platforms", folder)
    schema = folder / "inputs" / "application.schema.json"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace('"type": "boolean"', '"type": "bool"', 1), encoding="utf-8"
    )
    result = run("diff", "wuqing-five-platforms@2021-trial", folder / "2021-trial.yaml")
    assert result.exit_code == 1
    assert (
        "error[WQ-SCHEMA]" in result.output
        and "`bool` is not a JSON Schema type (did you mean `boolean`?)" in result.output
    )
    assert ("Traceback" not in result.output and not isinstance(result.exception, Exception)) or isinstance(
        result.exception, SystemExit
    )


@pytest.mark.parametrize(
    "ref",
    [
        "../secret.schema.json",
        "/etc/passwd",
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.json",
        "https://example.org/x.json#/$defs/a",
        "//example.org/x.json",
    ],
)
def test_a_ref_outside_the_policy_folder_is_an_error_at_its_line_and_never_followed(tmp_path, ref, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "create_connection", no_network)
    (tmp_path / "secret.schema.json").write_text('{"type": "string"}', encoding="utf-8")
    folder = grant_folder(tmp_path, schema_with(name={"$ref": ref}))
    errors, _ = Library([folder]).check()
    assert [(d.code, Path(d.span.file).name, d.span.line, d.subject) for d in errors] == [
        ("WQ-SCHEMA", "input.schema.json", 17, "properties.applicant.properties.name.$ref")
    ]


def test_a_ref_to_a_schema_file_in_the_policy_folder_is_followed(tmp_path):
    folder = grant_folder(tmp_path, schema_with(name={"$ref": "common/name.schema.json#/$defs/name"}))
    (folder / "common").mkdir()
    (folder / "common" / "name.schema.json").write_text(
        json.dumps({"$defs": {"name": {"type": "string", "minLength": 2}}}), encoding="utf-8"
    )
    errors, _ = Library([folder]).check()
    assert errors == []
    policy = load_policy(str(folder / "policy.yaml"))
    assert policy.evaluate("grant", {"applicant": {"name": "示例公司"}}).outcome == "eligible"  # no rule fails
    with pytest.raises(WQError) as e:
        policy.evaluate("grant", {"applicant": {"name": "x"}})
    assert [(d.code, d.subject) for d in e.value.diagnostics] == [("WQ-INPUT", "applicant.name")]


def test_refs_from_file_to_file_inside_the_policy_folder_are_followed_and_checked(tmp_path):
    """A schema in a subfolder naming one up a level (still in the policy folder), which names another: each is
    registered by the address jsonschema looks it up by, so evaluating never meets an unresolvable ref."""
    folder = grant_folder(tmp_path, input_line="inputs/app.schema.json")
    (folder / "inputs").mkdir()
    (folder / "common").mkdir()
    (folder / "input.schema.json").rename(folder / "inputs" / "app.schema.json")
    app = json.loads((folder / "inputs" / "app.schema.json").read_text(encoding="utf-8"))
    app["properties"]["applicant"]["properties"]["revenue"] = {"$ref": "../common/money.schema.json"}
    (folder / "inputs" / "app.schema.json").write_text(json.dumps(app), encoding="utf-8")
    (folder / "common" / "money.schema.json").write_text(
        json.dumps({"$ref": "defs.schema.json#/$defs/money"}), encoding="utf-8"
    )
    (folder / "common" / "defs.schema.json").write_text(json.dumps({"$defs": {"nope": {}}}), encoding="utf-8")
    errors, _ = Library([folder]).check()
    assert [(d.code, Path(d.span.file).name, d.subject) for d in errors] == [
        ("WQ-SCHEMA", "money.schema.json", "$ref")
    ]  # `#/$defs/money` is not in defs.schema.json
    (folder / "common" / "defs.schema.json").write_text(
        json.dumps({"$defs": {"money": {"type": "number", "minimum": 0}}}), encoding="utf-8"
    )
    assert Library([folder]).check()[0] == []  # the files it read are looked at again
    with pytest.raises(WQError) as e:
        load_policy(str(folder / "policy.yaml")).evaluate("grant", {"applicant": {"revenue": -1}})
    assert [(d.code, d.subject) for d in e.value.diagnostics] == [("WQ-INPUT", "applicant.revenue")]


def test_a_ref_to_nothing_in_its_own_file_is_an_error(tmp_path):
    folder = grant_folder(tmp_path, schema_with(name={"$ref": "#/$defs/nowhere"}))
    errors, _ = Library([folder]).check()
    assert [(d.code, d.span.line, d.subject) for d in errors] == [
        ("WQ-SCHEMA", 17, "properties.applicant.properties.name.$ref")
    ]


@pytest.mark.parametrize(
    "written",
    ["/etc/passwd", "../../../../../../../../../../etc/passwd", "http://example.org/x", "../outside.schema.json"],
)
def test_an_input_outside_the_policy_folder_is_refused_without_being_read(tmp_path, written):
    (tmp_path / "outside.schema.json").write_text('{"type": "object", "title": "SECRET-CONTENT"}', encoding="utf-8")
    folder = grant_folder(tmp_path, input_line=written)
    result = run("check", folder)
    assert result.exit_code == 1
    assert f"{folder / 'policy.yaml'}:17:12: error[WQ-FILE]: input schema `{written}`" in result.output
    assert "root:" not in result.output and "SECRET-CONTENT" not in result.output
    doc = write_document(folder)
    result = run("eval", "--policy", folder / "policy.yaml", doc)
    assert result.exit_code == 1 and "root:" not in result.output and "Traceback" not in result.output


def test_a_source_document_outside_the_policy_folder_is_refused(tmp_path):
    folder = grant_folder(tmp_path)
    path = folder / "policy.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("document: guide.md", "document: /etc/passwd"), encoding="utf-8"
    )
    errors, _ = Library([folder]).check()
    assert [(d.code, d.span.line) for d in errors] == [("WQ-FILE", 7)]


def test_a_symbolic_link_out_of_the_policy_folder_is_refused(tmp_path):
    (tmp_path / "elsewhere.json").write_text('{"type": "object"}', encoding="utf-8")
    folder = grant_folder(tmp_path, input_line="linked.schema.json")
    (folder / "linked.schema.json").symlink_to(tmp_path / "elsewhere.json")
    errors, _ = Library([folder]).check()
    assert [(d.code, d.span.line, d.span.col) for d in errors] == [("WQ-FILE", 17, 12)]


@pytest.mark.parametrize(
    "field, line",
    [
        ({"type": "string", "pattern": "("}, 18),
        ({"type": "integer", "minimum": "1"}, 18),
        ({"type": ["string", "text"]}, 19),
    ],
)
def test_a_schema_the_meta_schema_refuses_is_an_error_at_its_line(tmp_path, field, line):
    folder = grant_folder(tmp_path, schema_with(name=field))
    errors, _ = Library([folder]).check()
    assert [(d.code, Path(d.span.file).name, d.span.line) for d in errors] == [("WQ-SCHEMA", "input.schema.json", line)]


def test_another_dialect_is_an_error_and_a_misspelt_keyword_a_warning(tmp_path):
    schema = schema_with(name={"type": "string", "maxLenght": 10})
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    folder = grant_folder(tmp_path, schema)
    errors, warnings = Library([folder]).check()
    assert [(d.code, d.subject) for d in errors] == [("WQ-SCHEMA", "$schema")]
    assert [(d.code, d.subject, d.hint) for d in warnings] == [
        ("WQ-SCHEMA", "properties.applicant.properties.name.maxLenght", "did you mean `maxLength`?")
    ]


def test_an_input_schema_that_is_not_json_is_an_error_at_the_slip(tmp_path):
    folder = grant_folder(tmp_path)
    (folder / "input.schema.json").write_text('{\n  "type": "object",\n  "properties": {,}\n}\n', encoding="utf-8")
    errors, _ = Library([folder]).check()
    assert [(d.code, Path(d.span.file).name, d.span.line, d.span.col) for d in errors] == [
        ("WQ-SCHEMA", "input.schema.json", 3, 18)
    ]


def test_the_error_names_the_schema_file_by_the_path_the_user_gave(tmp_path, monkeypatch):
    folder = grant_folder(tmp_path, schema_with(name={"type": "strnig"}))
    monkeypatch.chdir(tmp_path)
    result = run("check", "policy")
    assert result.output.splitlines()[1].startswith(
        "policy/input.schema.json:17:20: error[WQ-SCHEMA]"
    )  # after the files
    assert str(tmp_path) not in result.output
    assert folder.is_dir()


def test_a_copy_of_the_bundled_policy_without_its_inputs_folder_finds_the_bundled_schemas(tmp_path):
    path = tmp_path / "2021-trial.yaml"
    shutil.copy(ROOT / "policies" / "wuqing-five-platforms" / "2021-trial.yaml", path)
    shutil.copy(ROOT / "policies" / "wuqing-five-platforms" / "guideline.zh.md", tmp_path)
    errors, _ = Library([tmp_path]).check()
    assert errors == []
    decision = load_policy(str(path)).model.decisions["recognition"]
    assert Path(decision.input_path).parent.parent.name == "wuqing-five-platforms"


def test_the_bundled_input_schemas_live_in_the_policy_folder_and_check_clean():
    folder = ROOT / "policies" / "wuqing-five-platforms"
    names = sorted(p.name for p in (folder / "inputs").glob("*.schema.json"))
    assert names == ["annual_assessment.schema.json", "application.schema.json", "demand_subsidy.schema.json"]
    for decision in load_policy().model.decisions.values():
        assert (
            Path(decision.input_path).parent == (folder / "inputs").resolve()
            or Path(decision.input_path).parent.parent.name == "wuqing-five-platforms"
        )
    errors, warnings = Library([folder]).check()
    assert errors == [] and warnings == []
