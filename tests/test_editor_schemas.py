"""What an officer's editor shows: VS Code's YAML extension completes and checks policy and case files from their
JSON Schemas, and its hover on a key is that key's `description` — Chinese first, the English after a blank line —
with `examples`. Every key has both; every bundled policy file and case file names its schema on its first line
and validates against it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import ROOT
from wqpolicy.schemas import validator
from wqpolicy.yamlload import load_yaml, read_text

SCHEMAS = ROOT / "schemas"
HAN = re.compile(r"[\u4e00-\u9fff]")
POLICY_FILES = sorted((ROOT / "policies").rglob("*.yaml")) + [ROOT / "tests/fixtures/revision/2022-hypothetical.yaml"]
CASE_FILES = sorted((ROOT / "tests" / "cases").rglob("*.yaml")) + sorted(
    (ROOT / "tests" / "fixtures" / "revision" / "cases").rglob("*.yaml")
)


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def keys(node, path=()):
    """(path, schema node) of every key a file of the schema may hold: each entry of every `properties`."""
    if isinstance(node, dict):
        for name, child in (node.get("properties") or {}).items():
            yield path + (name,), child
        for k, child in node.items():
            yield from keys(child, path + (k,))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from keys(child, path + (i,))


def described(node: dict) -> tuple[str, str]:
    """The Chinese and the English of a node's description (Chinese first, a blank line, the English)."""
    zh, _, en = node.get("description", "").partition("\n\n")
    return zh, en


@pytest.mark.parametrize("name", ["policy.schema.json", "case.schema.json"])
def test_every_key_has_a_chinese_then_english_description_and_examples(name):
    found = list(keys(schema(name)))
    assert len(found) >= (70 if name.startswith("policy") else 12)
    for path, node in found:
        zh, en = described(node)
        assert HAN.search(zh), (path, "Chinese first")
        assert re.match(r"[`\"(A-Za-z]", en), (path, "then the English")
        assert node.get("examples"), (path, "examples")


@pytest.mark.parametrize("name", ["policy.schema.json", "case.schema.json"])
def test_every_example_is_valid_where_it_is_given(name):
    root = schema(name)
    for path, node in keys(root):
        check = Draft202012Validator({**node, "$defs": root.get("$defs", {})})
        for example in node["examples"]:
            assert list(check.iter_errors(example)) == [], (path, example)


def test_a_misspelt_key_would_have_no_hover():
    # the test above walks what an editor shows: a key outside `properties` is not a key of the schema
    assert ("colour",) not in dict(keys(schema("policy.schema.json")))
    assert ("id",) in dict(keys(schema("policy.schema.json")))


def loaded(path: Path):
    return load_yaml(read_text(path), str(path), dates=False)[0]


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_policy_file_validates_against_the_policy_schema(path):
    found = list(validator(schema("policy.schema.json"), str(SCHEMAS)).iter_errors(loaded(path)))
    assert found == [], [e.message for e in found]


def test_every_case_file_validates_against_the_case_schema():
    check = validator(schema("case.schema.json"), str(SCHEMAS))
    assert len(CASE_FILES) > 100
    for path in CASE_FILES:
        found = list(check.iter_errors(loaded(path)))
        assert found == [], (path, [e.message for e in found])


@pytest.mark.parametrize("path", POLICY_FILES[:-1] + CASE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_policy_and_case_file_names_its_schema_on_its_first_line(path):  # the bundled ones: not the fixture
    first = path.read_text(encoding="utf-8").splitlines()[0]
    kind = "policy.schema.json" if path in POLICY_FILES else "case.schema.json"
    assert first.startswith("# yaml-language-server: $schema=") and first.endswith(kind)
    assert (path.parent / first.split("$schema=", 1)[1]).resolve() == SCHEMAS / kind


def test_the_readme_shows_the_vs_code_setting_that_maps_the_schemas():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r'```json\n(\{\n\s*"yaml\.schemas": .*?\n\})\n```', readme, re.S)
    assert block, "README: the VS Code settings.json block"
    setting = json.loads(block.group(1))["yaml.schemas"]
    assert set(setting) == {"schemas/policy.schema.json", "schemas/case.schema.json"}
    assert all((ROOT / p).is_file() for p in setting)
