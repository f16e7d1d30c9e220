"""Diagnostics on the checking side carry their facts as fields — subject (rule id, parameter, definition, output,
field path), decision, related places — and the code that merges or moves them reads those fields, never the
wording. `wqpolicy check --format json` prints them under schemas/check.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from wqpolicy.cli import main
from wqpolicy.errors import Diagnostic, Related, WQError
from wqpolicy.loader import Library, load_policy
from wqpolicy.policy import _merged
from wqpolicy.source import Span

ROOT = Path(__file__).resolve().parent.parent
INVALID = ROOT / "tests" / "fixtures" / "invalid"


def errors_of(name: str) -> list[Diagnostic]:
    return Library([INVALID / name]).check()[0]


@pytest.mark.parametrize(
    "name, subject, decision",
    [
        ("name-did-you-mean", "grant.intensity", "grant"),  # in a rule's condition
        ("type-if-branches", "rd_intensity", None),  # in a definition of the policy (one decision reads it)
        ("duplicate-rule-id", "grant.intensity", "renew"),
        ("parameter-value-empty", "min_intensity", None),
        ("clause-map-unknown-item", "min_intensty", None),  # the item the clause map names
        ("syntax-plain", "grant.intensity", "grant"),
    ],
)
def test_each_finding_names_its_subject_and_decision(name, subject, decision):
    found = errors_of(name)
    assert (found[0].subject, found[0].decision or None) in ((subject, decision), (subject, "grant"))


def test_findings_that_differ_only_in_their_decision_are_one_with_each_decisions_place():
    here = Span("p.yaml", 3, 4)
    a = Diagnostic("WQ-TYPE", "x", here, subject="d", decision="a", related=(Related(Span("p.yaml", 9, 5), "a"),))
    b = Diagnostic("WQ-TYPE", "x", here, subject="d", decision="b", related=(Related(Span("p.yaml", 12, 5), "b"),))
    [one] = _merged([a, b])
    assert one.decision is None and [r.message for r in one.related] == ["a", "b"]


def test_findings_about_different_items_at_one_place_are_not_merged():
    """The merge reads fields: two findings with the same words about two items stay two (before, grouping by
    the wording with the decision's name cut out kept only the first)."""
    here = Span("p.yaml", 3, 4)
    a = Diagnostic("WQ-NAME", "unknown name `x`", here, subject="rule.a", decision="d")
    b = Diagnostic("WQ-NAME", "unknown name `x`", here, subject="rule.b", decision="d")
    assert _merged([a, b]) == [a, b] and [d.subject for d in _merged([a, b])] == ["rule.a", "rule.b"]


def test_input_errors_carry_the_json_path_as_their_subject():
    with pytest.raises(WQError) as e:
        load_policy().evaluate(
            "recognition", {"investment": [{"category": "rent", "amount": -5}], "staff": {"total": "many"}}
        )
    assert [(d.code, d.subject) for d in e.value.diagnostics] == [
        ("WQ-INPUT", "investment[0].amount"),
        ("WQ-INPUT", "staff.total"),
    ]


def test_the_new_diagnostics_are_worded_in_chinese_too():
    for name in (
        "cost-nested-loops",
        "decision-without-rules",
        "shadowed-definition",
        "confusable-rule-id",
        "input-outside-folder",
        "input-schema-unknown-type",
        "loop-item-shadows",
    ):
        for d in errors_of(name):
            assert d.zh and d.hint_zh, (name, d.message)


def test_check_json_carries_subject_decision_and_related_places_under_its_schema(tmp_path):
    schema = json.loads((ROOT / "schemas" / "check.schema.json").read_text(encoding="utf-8"))
    result = CliRunner().invoke(
        main, ["check", "--format", "json", str(INVALID / "shadowed-definition"), str(INVALID / "cost-nested-loops")]
    )
    data = json.loads(result.stdout)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    by_code = {f["code"]: f for f in data["errors"]}
    assert by_code["WQ-DUPLICATE"]["subject"] == "rd_intensity" and by_code["WQ-DUPLICATE"]["decision"] == "grant"
    assert [r["line"] for r in by_code["WQ-DUPLICATE"]["related"]] == [15]
    assert by_code["WQ-COST"]["message_zh"] and by_code["WQ-COST"]["hint_zh"]


def test_the_merge_and_the_blame_use_no_pattern_over_wording():
    for name in ("policy.py", "blame.py"):
        text = (ROOT / "wqpolicy" / name).read_text(encoding="utf-8")
        assert "import re\n" not in text and "findall" not in text, name
