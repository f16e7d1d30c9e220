"""The quick JSON writers (jsontext.py) write exactly what json.dumps writes: ``indented`` as json.dumps with
``indent=2`` over every answer of the corpus and over random values (texts with quotes, escapes, controls and
other scripts, big integers, empty containers, tuples), leaving what is unusual (floats, keys that are not
text, subclasses, a value that holds itself) to json.dumps; ``exact_canonical`` as the canonical writer it
replaces, Decimals digit for digit."""

from __future__ import annotations

import doctest
import json
import random
from decimal import Decimal
from enum import Enum

import pytest

from corpus import input_documents
from wqpolicy import WQError, jsontext
from wqpolicy.decisionlog import canonical
from wqpolicy.explain import explain, explained_json
from wqpolicy.jsontext import _canonical_pieces, exact_canonical, indented

TEXTS = ["", "a", 'say "hi"', "back\\slash", "line\nbreak\ttab\r", "\x00\x1f\x7f", "中文：认定", "😀 \u2028 \ud800"]


def random_value(r: random.Random, depth: int = 0, decimals: bool = False):
    kind = r.randrange(9 if depth < 5 else 5)
    if kind == 0:
        return r.choice(TEXTS) + str(r.randrange(100))
    if kind == 1:
        return r.choice([0, -1, 7, 10**30, -(10**40), True, False, None])
    if kind == 2:
        return Decimal(r.choice(["0.10", "-3", "1E+5", "123456789.123456789", "0"])) if decimals else None
    if kind == 3:
        return r.choice(TEXTS)
    if kind == 4:
        return r.randrange(-1000, 1000)
    if kind in (5, 6):
        return {r.choice(TEXTS) + str(i): random_value(r, depth + 1, decimals) for i in range(r.randrange(4))}
    items = [random_value(r, depth + 1, decimals) for _ in range(r.randrange(4))]
    return tuple(items) if kind == 7 else items


def test_indented_writes_what_json_dumps_writes_for_random_values():
    r = random.Random(1)
    for _ in range(3000):
        value = random_value(r)
        assert indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_indented_writes_every_answer_of_the_corpus_as_json_dumps_does(bundled_policy):
    count = 0
    for doc in input_documents():
        try:
            record = bundled_policy.evaluate(None, doc)
        except WQError:
            continue
        answer = explained_json(record, explain(bundled_policy, record, doc))
        assert indented(answer) == json.dumps(answer, ensure_ascii=False, indent=2)
        count += 1
    assert count > 140


class Word(str, Enum):
    PASS = "pass"


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1.5, "b": [float("nan"), 1e300]},
        {2: "x", None: "y", False: "z"},
        {"w": Word.PASS, "n": [Word.PASS]},
        [{"deep": [[[]]]}, {}],
    ],
    ids=["floats", "keys", "subclass", "empty"],
)
def test_what_indented_leaves_to_json_dumps_comes_out_the_same(value):
    assert indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_a_value_that_holds_itself_is_refused_as_json_dumps_refuses_it():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        indented({"loop": loop})


def test_exact_canonical_writes_what_the_explicit_stack_writer_writes():
    r = random.Random(2)
    for _ in range(3000):
        value = random_value(r, decimals=True)
        assert exact_canonical(value) == "".join(_canonical_pieces(value))


def test_canonical_writes_decimals_digit_for_digit_and_the_rest_as_json_dumps_sorted():
    doc = {"b": Decimal("0.10"), "a": [1, "x", {"z": Decimal("1E+3"), "y": None}], "中": True}
    assert canonical(doc) == '{"a":[1,"x",{"y":null,"z":1E+3}],"b":0.10,"中":true}'
    plain = {"b": [1, {"d": "é", "c": False}], "a": "x"}
    assert exact_canonical(plain) == json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def test_a_decimal_that_is_no_json_number_is_refused():
    with pytest.raises(ValueError, match="not a JSON number"):
        exact_canonical({"a": [Decimal("NaN")]})
    with pytest.raises(ValueError, match="not a JSON number"):
        exact_canonical({"a": 1.5, "b": Decimal("Infinity")})  # through the explicit-stack writer


def test_exact_indented_writes_decimals_digit_for_digit_and_the_rest_as_indented_does():
    doc = {"maximum": Decimal("999999999999999.99"), "multipleOf": Decimal("0.01"), "n": [Decimal("1E+3"), "x"]}
    assert jsontext.exact_indented(doc) == jsontext.indented(
        {"maximum": "@1", "multipleOf": "@2", "n": ["@3", "x"]}
    ).replace('"@1"', "999999999999999.99").replace('"@2"', "0.01").replace('"@3"', "1E+3")
    assert json.loads(jsontext.exact_indented(doc), parse_float=Decimal)["maximum"] == Decimal("999999999999999.99")
    with pytest.raises(ValueError, match="not a JSON number"):
        jsontext.exact_indented({"a": Decimal("NaN")})
    # What the quick writer leaves to json.dumps: a Decimal is still written exactly when a double holds its digits
    assert jsontext.exact_indented({1: Decimal("0.5")}) == '{\n  "1": 0.5\n}'
    with pytest.raises(ValueError, match="more digits"):
        jsontext.exact_indented({1: Decimal("999999999999999.99")})


def test_json_number_keeps_the_decimals_digits_or_refuses():
    assert [jsontext.json_number(Decimal(t)) for t in ("94.5", "100.0", "7", "0.1")] == [94.5, 100.0, 7, 0.1]
    assert json.dumps(jsontext.json_number(Decimal("99.9"))) == "99.9"
    assert type(jsontext.json_number(Decimal("100.0"))) is float and type(jsontext.json_number(Decimal("7"))) is int
    for bad in ("0.1000000000000000055511151231257827", "Infinity"):
        with pytest.raises(ValueError):
            jsontext.json_number(Decimal(bad))


def test_the_docstring_examples_run():
    assert doctest.testmod(jsontext).failed == 0
