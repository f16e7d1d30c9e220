"""Editors with the YAML language server complete and check a file from its first-line modeline: every bundled
YAML file names the schema of its kind."""

from __future__ import annotations

from conftest import ROOT


def test_every_bundled_yaml_file_names_its_schema_for_the_editor():
    kinds = {
        "tests/cases": "case.schema.json",
        "tests/fixtures/revision/cases": "case.schema.json",
        "policies": "policy.schema.json",
        "examples": None,
    }
    for folder, schema in kinds.items():
        files = sorted((ROOT / folder).rglob("*.yaml"))
        assert files, folder
        for f in files:
            line = next(x for x in f.read_text(encoding="utf-8").splitlines() if "yaml-language-server" in x)
            target = (f.parent / line.split("$schema=", 1)[1].strip()).resolve()
            assert target.is_file(), (f, target)
            if schema:
                assert target.name == schema, f
