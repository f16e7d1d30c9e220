"""The fast YAML reader of input documents (libyaml's events, no marks) reads every document exactly as the marked
reader does — numbers, dates, keys, truths — and leaves every document the marked reader refuses to it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT
from wqpolicy.errors import WQError
from wqpolicy.fastyaml import fast_yaml
from wqpolicy.inputs import load_input
from wqpolicy.yamlload import MAX_DEPTH, load_yaml


def same(a, b) -> bool:
    """Equal, and of the same types throughout (Decimal('1') is not 1 here, nor True 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, Decimal):
        return a.as_tuple() == b.as_tuple()
    return a == b


def slow(text: str):
    return load_yaml(text, "x.yaml", dates=False)[0]


def yaml_files() -> list[Path]:
    files = sorted(EXAMPLES.glob("*.yaml")) + sorted((ROOT / "tests" / "cases").rglob("*.yaml"))
    files += sorted((ROOT / "tests" / "fixtures").rglob("*.yaml"))
    return files


def test_every_example_case_and_fixture_reads_alike_with_both_readers():
    read = 0
    for path in yaml_files():
        text = path.read_text(encoding="utf-8")
        try:
            expected = slow(text)
        except WQError:
            assert fast_yaml(text) is None, path  # what the marked reader refuses, the fast one leaves to it
            continue
        got = fast_yaml(text)
        if got is not None:
            read += 1
            assert same(got, expected), path
    assert read > 150  # the fast reader took nearly all of them


SCALARS = """\
int: 10
underscored: 1_000_000
hex: 0x10
octal: 0o17
old_octal: 017
negative: -5
decimal: 1.50
exponent: 1e5
exponent_point: 1.5e3
plain_date: 2021-06-01
bad_date: 2021-02-30
quoted_date: "2021-06-01"
quoted_number: "10"
yes_word: yes
No_word: No
on_word: on
off_word: off
true_word: TRUE
tilde: ~
null_word: null
empty:
chinese: 天津芯纬集成电路设计有限公司
colon_text: "a: b"
block: |
  line one
  line two
folded: >-
  one
  two
flow: {a: 1, b: [x, "y", 2.5]}
"off": quoted key
on: plain key
1: number key
yes: truth key
~: tilde key
!!str 5: tagged key
"""


def test_scalars_keys_and_flow_read_alike():
    expected = slow(SCALARS)
    got = fast_yaml(SCALARS)
    assert got is not None and same(got, expected)
    assert got["decimal"] == Decimal("1.50") and got["plain_date"] == "2021-06-01" and got["1"] == "number key"


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key
        "a: &x 1\nb: *x\n",  # an alias
        "base: &b {x: 1}\nother:\n  <<: *b\n",  # a merge key
        "a: !!python/object:object {}\n",  # a tag of no YAML type
        "a: !custom 5\n",
        "a: .nan\n",
        "a: .inf\n",
        "a: 1" + "0" * 60 + "\n",  # a number too long
        "a: 1e99999\n",
        "? [a, b]\n: 1\n",  # a list as a key
        "a: 1\n---\nb: 2\n",  # two documents
        "",  # empty
        "# only a comment\n",
        "a: b\x07\n",  # a control character
        "a: [1, 2\n",  # broken syntax
        "a:\n\t- 1\n",  # a tab
        "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5),  # nested too deep
        "!!set {a, b}\n",
        "a: !!binary aGVsbG8=\n",
    ],
)
def test_what_the_marked_reader_refuses_is_left_to_it(text):
    with pytest.raises(WQError):
        slow(text)
    assert fast_yaml(text) is None


def test_a_document_of_nested_lists_near_the_limit_is_read_alike_or_left():
    text = "a: " + "[" * (MAX_DEPTH - 10) + "1" + "]" * (MAX_DEPTH - 10) + "\n"
    got = fast_yaml(text)
    assert got is None or same(got, slow(text))


def test_an_input_read_fast_still_places_its_schema_errors_at_their_line(bundled_policy, tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text("decision: recognition\ninvestment:\n  - {category: rent, amount: -5}\n", encoding="utf-8")
    doc, marks = load_input(path)
    assert fast_yaml(path.read_text(encoding="utf-8")) is not None  # the fast reader took it
    with pytest.raises(WQError) as e:
        bundled_policy.evaluate(None, doc, marks=marks, input_name=str(path))
    (d,) = e.value.diagnostics
    assert (d.code, d.span.line, d.span.col, d.subject) == ("WQ-INPUT", 3, 30, "investment[0].amount")


def test_a_duplicate_key_in_an_input_is_still_an_error_at_its_line(tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text("decision: filing\nspecial_case: true\nspecial_case: false\n", encoding="utf-8")
    with pytest.raises(WQError) as e:
        load_input(path)
    (d,) = e.value.diagnostics
    assert (d.code, d.span.line) == ("WQ-DUPLICATE", 3)


def test_dates_in_an_input_read_fast_are_text_until_the_schema_makes_them_dates(bundled_policy):
    doc = fast_yaml("decision: annual_assessment\nrecognized_on: 2022-03-01\nyear: 2023\n")
    assert doc["recognized_on"] == "2022-03-01"
    record = bundled_policy.evaluate(None, doc)
    assert record.decision == "annual_assessment"
    assert isinstance(datetime.date.fromisoformat(doc["recognized_on"]), datetime.date)


@pytest.mark.parametrize("text", ['"a\\u0007b"', '"a\u2028b"', '"a\\ud800b"', '"\\ufffe"'])
def test_a_json_document_with_escapes_or_separators_reads_as_the_yaml_reader_reads_it(text):
    """The quick JSON reading (printable text, no escapes) leaves the rest to the checked one: the values are
    those of the YAML reader, or its error."""
    document = '{"decision": "filing", "applicant": {"name": ' + text + "}}"
    try:
        expected = slow(document)
    except WQError:
        with pytest.raises(WQError):
            load_input("app.json", document)
        return
    assert same(load_input("app.json", document)[0], expected)


def test_a_json_line_of_a_batch_reads_to_the_values_of_the_checked_reader():
    from wqpolicy.inputs import _count, _json_document, _plain

    line = (ROOT / "tests" / "fixtures" / "batch" / "applications.jsonl").read_text(encoding="utf-8").splitlines()[0]
    doc = _json_document(line)
    assert doc is not None and _plain(doc) and _count(doc) < 1000
    assert same(doc, slow(line))
