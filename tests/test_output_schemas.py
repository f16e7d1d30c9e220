"""The JSON that `wqpolicy diff` and `wqpolicy check` print is specified by schemas/diff.schema.json and
schemas/check.schema.json (as the decision record is by decision.schema.json), so CI tools can rely on it."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import ROOT, run

REVISION = "tests/fixtures/revision/2022-hypothetical.yaml"


def schema(name):
    data = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return jsonschema.Draft202012Validator(data, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize(
    "args, changes, impact",
    [
        (["wuqing-five-platforms@2021-trial", REVISION, "--cases", "tests/fixtures/revision/cases"], 9, 4),
        (["wuqing-five-platforms@2021-trial", REVISION], 9, None),
        (["wuqing-five-platforms@2021-trial", "wuqing-five-platforms@2021-trial", "--cases", "tests/cases"], 0, 0),
    ],
)
def test_diff_json_follows_its_schema(monkeypatch, args, changes, impact):
    monkeypatch.chdir(ROOT)
    r = run("diff", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert list(schema("diff.schema.json").iter_errors(data)) == []
    assert len(data["changes"]) == changes
    assert (data["impact"]["changed"] if data["impact"] is not None else None) == impact


def test_the_diff_schema_is_not_a_formality():
    v = schema("diff.schema.json")
    good = {
        "old": {"id": "p", "version": "a", "effective_from": "2021-01-01", "effective_until": None},
        "new": {"id": "p", "version": "b", "effective_from": "2022-01-01", "effective_until": None},
        "changes": [
            {
                "kind": "parameter.changed",
                "path": "parameters.x",
                "clause": "1",
                "before": "1",
                "after": "2",
                "message": "parameter x: 1 → 2",
                "label": None,
            }
        ],
        "impact": None,
    }
    assert list(v.iter_errors(good)) == []
    for broken in (
        {**good, "extra": 1},
        {**good, "changes": [{**good["changes"][0], "kind": "parameter.renamed"}]},
        {**good, "old": {**good["old"], "effective_from": "2021-02-30"}},
    ):
        assert list(v.iter_errors(broken)), broken


@pytest.mark.parametrize(
    "path, errors",
    [
        ("policies", 0),
        ("tests/fixtures/invalid/name-did-you-mean", 1),
        ("tests/fixtures/invalid/several-load-errors", 3),
    ],
)
def test_check_json_follows_its_schema(monkeypatch, path, errors):
    monkeypatch.chdir(ROOT)
    r = run("check", "--format", "json", path)
    data = json.loads(r.output)
    assert list(schema("check.schema.json").iter_errors(data)) == []
    assert len(data["errors"]) >= errors and (r.exit_code == 1) == bool(data["errors"])
