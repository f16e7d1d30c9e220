"""The expression language, case by case from tests/language/expressions.yaml, plus Kleene truth tables."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from wqpolicy.errors import WQError
from wqpolicy.expression import evaluate_expression
from wqpolicy.values import UNKNOWN
from wqpolicy.yamlload import load_yaml

DATA, _ = load_yaml(
    (Path(__file__).parent / "language" / "expressions.yaml").read_text(encoding="utf-8"), "expressions.yaml"
)


def _expected(v):
    if v == "unknown":
        return UNKNOWN
    if isinstance(v, list):
        return [_expected(x) for x in v]
    return v


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["expr"] for c in DATA["cases"]])
def test_expression(case):
    if "error" in case:
        with pytest.raises(WQError) as info:
            evaluate_expression(case["expr"], DATA["given"], missing=DATA["missing"])
        d = info.value.diagnostics[0]
        assert d.code == case["error"]
        assert (d.span.line, d.span.col) == (1, case["at"])
        return
    got = evaluate_expression(case["expr"], DATA["given"], missing=DATA["missing"])
    want = _expected(case["result"])
    if isinstance(want, (int, Decimal)) and not isinstance(want, bool):
        assert isinstance(got, (int, Decimal)) and not isinstance(got, bool)
        assert Decimal(got) == Decimal(want)
    else:
        assert got == want or got is want


VALUES = {"T": True, "F": False}


def _kleene(text, a, b):
    facts = {k: VALUES[v] for k, v in (("a", a), ("b", b)) if v in VALUES}
    got = evaluate_expression(text, facts, missing=("a", "b"))
    return "U" if got is UNKNOWN else "T" if got else "F"


@pytest.mark.parametrize(
    "a,b,and_,or_",
    [
        ("T", "T", "T", "T"),
        ("T", "F", "F", "T"),
        ("T", "U", "U", "T"),
        ("F", "T", "F", "T"),
        ("F", "F", "F", "F"),
        ("F", "U", "F", "U"),
        ("U", "T", "U", "T"),
        ("U", "F", "F", "U"),
        ("U", "U", "U", "U"),
    ],
)
def test_kleene_truth_tables(a, b, and_, or_):
    assert _kleene("a and b", a, b) == and_
    assert _kleene("a or b", a, b) == or_
    assert _kleene("not a", a, b) == {"T": "F", "F": "T", "U": "U"}[a]
    assert _kleene("all([a, b])", a, b) == and_
    assert _kleene("any([a, b])", a, b) == or_


def test_false_and_a_fault_is_false_because_the_fault_is_never_evaluated():
    assert evaluate_expression("zero > 1 and 1 / zero > 1", {"zero": 0}) is False


def test_a_year_after_29_february_is_28_february():
    assert evaluate_expression("d + 1 year", {"d": datetime.date(2024, 2, 29)}) == datetime.date(2025, 2, 28)


def test_a_character_that_cannot_be_seen_is_named_by_its_code():
    with pytest.raises(WQError) as info:
        evaluate_expression("1 +\u200b 2", {})
    assert info.value.diagnostics[0].message == (
        "unexpected character U+200B zero width space (it cannot be seen: delete it)"
    )


def test_a_percentage_in_chinese_words_is_told_how_to_write_it():
    with pytest.raises(WQError) as info:
        evaluate_expression("n > 百分之五", {"n": 1})
    d = info.value.diagnostics[0]
    assert (d.message, d.hint, d.span.col) == ("unknown name `百分之五`", "write `5%`", 5)
