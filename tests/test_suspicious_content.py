"""Suspicious content is an error: a name defined twice in scopes that shadow each other, a decision without rules
whose outcome reads nothing else, names that mix alphabets or use look-alike characters, and numbers the YAML
reader refuses named by their field path. Positions are asserted by the fixtures tests/fixtures/invalid/
{shadowed-definition, loop-item-shadows, decision-without-rules, confusable-rule-id, yaml-nan-number}; these
tests assert what the fixtures cannot (the subject, the Chinese wording, what stays allowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wqpolicy.confusables import confusion
from wqpolicy.errors import WQError
from wqpolicy.loader import Library
from wqpolicy.yamlload import load_yaml

ROOT = Path(__file__).resolve().parent.parent
INVALID = ROOT / "tests" / "fixtures" / "invalid"


def only_error(name: str):
    errors, _ = Library([INVALID / name]).check()
    [d] = errors
    return d


@pytest.mark.parametrize(
    "name",
    [
        "grаnt.intensity",  # Cyrillic а
        "recognitiоn",  # Cyrillic о
        "rd_intensitу",  # Cyrillic у
        "ratio_α_x",  # Greek beside Latin
        "раре",  # all Cyrillic, every letter a look-alike of a Latin one
        "ｍin_investment",  # full-width m
        "min\u200binvestment",  # a zero-width space
        "min\u00a0investment",
    ],
)  # a no-break space
def test_look_alike_names_are_refused(name):
    found = confusion(name)
    assert found is not None and found.zh and found.hint_zh


@pytest.mark.parametrize(
    "name",
    [
        "recognition.rd_intensity",
        "研发投入强度",
        "收入_2021",
        "min_收入",
        "行业_industry",
        "rules",
        "x1",
        "Δ",
        "образец_проверки",
    ],
)
def test_plain_names_in_one_alphabet_and_chinese_beside_latin_are_allowed(name):
    assert confusion(name) is None


def test_a_look_alike_rule_id_is_an_error_with_its_chinese_wording():
    d = only_error("confusable-rule-id")
    assert (d.code, d.subject, d.decision) == ("WQ-CONFUSABLE", "grаnt.intensity", "grant")
    assert "U+0430" in d.message and d.zh and d.hint_zh


def test_a_decision_definition_hiding_a_policy_definition_is_an_error_at_it_with_the_other_related():
    d = only_error("shadowed-definition")
    assert (d.code, d.subject, d.decision) == ("WQ-DUPLICATE", "rd_intensity", "grant")
    assert [(r.span.line, r.span.col) for r in d.related] == [(15, 3)]


def test_a_loop_item_hiding_a_parameter_is_an_error():
    d = only_error("loop-item-shadows")
    assert (d.code, d.subject, d.decision) == ("WQ-DUPLICATE", "grant.amounts", "grant") and d.zh


def test_a_decision_without_rules_deciding_on_rule_counts_alone_is_an_error():
    d = only_error("decision-without-rules")
    assert (d.code, d.decision) == ("WQ-SCHEMA", "renew") and d.zh and d.hint_zh


def test_a_decision_without_rules_that_decides_on_its_own_definitions_is_allowed():
    """The bundled demand-side decision has no rules: its outcome reads the subsidy it computes."""
    errors, _ = Library().check()
    assert errors == []


@pytest.mark.parametrize(
    "written, path",
    [
        (".nan", "parameters.min_intensity.value"),
        ("1e999", "parameters.min_intensity.value"),
        ("-.inf", "parameters.min_intensity.value"),
    ],
)
def test_a_number_the_reader_refuses_is_named_by_its_field_path(written, path):
    text = (INVALID / "yaml-nan-number" / "policy.yaml").read_text(encoding="utf-8").replace(".nan", written)
    with pytest.raises(WQError) as e:
        load_yaml(text, "policy.yaml")
    [d] = e.value.diagnostics
    assert (d.code, d.subject, d.span.line, d.span.col) == ("WQ-YAML", path, 10, 12)
    assert d.message.startswith(f"{path}: `{written}`")


def test_a_number_in_a_list_is_named_with_its_position():
    with pytest.raises(WQError) as e:
        load_yaml("investment:\n  - {amount: 1}\n  - {amount: .inf}\n", "doc.yaml")
    assert [d.subject for d in e.value.diagnostics] == ["investment[1].amount"]


def test_the_valid_fixtures_still_check_clean():
    for folder in ("timeline", "timeline-bad/gap"):
        errors, _ = Library([ROOT / "tests" / "fixtures" / folder]).check()
        assert [d.code for d in errors] in ([], ["WQ-VERSION"])
    errors, _ = Library.over_bundled([ROOT / "tests" / "fixtures" / "revision"]).check(
        [ROOT / "tests" / "fixtures" / "revision"]
    )
    assert [d.code for d in errors if d.code != "WQ-VERSION"] == []
