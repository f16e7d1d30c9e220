"""JSON input documents are read with json.loads (many times faster than YAML with marks) to exactly the values
the YAML reader gives; whatever the YAML reader would refuse or word differently goes to it; and the marks an
error needs are found only then, still pointing at the line and column."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal

import pytest

from conftest import ROOT
from corpus import input_documents
from wqpolicy.errors import WQError
from wqpolicy.inputs import _json_document, load_input
from wqpolicy.jsonmarks import JsonMarks
from wqpolicy.yamlload import load_yaml


def as_json(doc, indent=None) -> str:
    text = json.dumps(doc, ensure_ascii=False, indent=indent, default=lambda d: f"\0{d}\0")
    return re.sub(r'"\x00(.*?)\x00"', r"\1", text.replace("\\u0000", "\0"))


DOCUMENTS = input_documents()


def same(a, b) -> bool:
    """Equal, and of the same types all the way down (1 is not Decimal('1'), nor True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b and str(a) == str(b)


def test_every_example_and_case_input_reads_the_same_both_ways():
    for doc in DOCUMENTS:
        for text in (as_json(doc), as_json(doc, indent=2)):
            fast = _json_document(text)
            assert fast is not None and same(fast, load_yaml(text, "x.json", dates=False)[0]), text[:80]


@pytest.mark.parametrize(
    "value",
    [
        "1e5",
        "1.5E+3",
        "-0.0",
        "0",
        "-7",
        "12345678901234567890",
        "0.000001",
        '"2024-02-29"',
        '"é\\u00e9\\n"',
        "true",
        "null",
        "[]",
        "{}",
        '[1, "a", null]',
    ],
)
def test_values_read_the_same_both_ways(value):
    text = '{"a": ' + value + "}"
    fast = _json_document(text)
    assert fast is not None and same(fast, load_yaml(text, "x.json", dates=False)[0])


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',  # a duplicate key: the YAML reader names it and its line
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": -Infinity}',
        '{"a": 1' + "0" * 40 + "}",
        '{"a": 1e400}',
        '{"a": 0.' + "0" * 40 + "1}",
        '{"a": ' + "[" * 250 + "]" * 250 + "}",
        "[1, 2]",
        '"text"',
        '{"a": 1} trailing',
        '{"a": 1,}',
        "{'a': 1}",
        "decision: filing",
        '{"a": "\\ud800"}',
        '{"a": "\\u0000"}',
        '{"\\u0001": 1}',  # text YAML does not allow (JSON escapes do)
        '{"a": "a\u0085b"}',
        '{"a": "a\u2028b"}',  # line breaks YAML folds
    ],
)
def test_what_the_yaml_reader_would_refuse_or_word_is_left_to_it(text):
    assert _json_document(text) is None


def test_a_json_document_the_yaml_reader_refuses_still_gets_its_schema_errors(tmp_path, bundled_policy):
    # Before: an astral character, which Python's json.dumps writes as a surrogate pair (\ud840\udc00), made the
    # YAML reader fail when an error asked for marks, and that failure replaced the real error.
    doc = {
        "decision": "filing",
        "applicant": {"name": "天津\U00020000科技有限公司"},
        "platform": {"functions": "rd_design"},
    }
    path = tmp_path / "astral.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    loaded, marks = load_input(path)
    assert loaded["applicant"]["name"] == "天津\U00020000科技有限公司"
    with pytest.raises(WQError) as e:
        bundled_policy.evaluate(None, loaded, marks=marks, input_name=str(path))
    # now placed without the YAML reader: after the quote of "rd_design" (1-based)
    col = path.read_text(encoding="utf-8").index('"rd_design"') + 2
    assert str(e.value).startswith(
        f"{path}:1:{col}: error[WQ-INPUT]: platform.functions: 'rd_design' is text, but array"
    )
    assert bundled_policy.evaluate(None, {**loaded, "platform": {}}).outcome == "needs_review"


@pytest.mark.parametrize(
    "text, error",
    [
        ('{"decision": 5}', "1:14: error[WQ-INPUT]: decision: 5 is not the name of a decision"),
        # refused by the JSON reader, read by the YAML reader, which names the duplicate and where it is
        (
            '{\n  "decision": "filing",\n  "decision": "recognition"\n}\n',
            "3:3: error[WQ-DUPLICATE]: duplicate key `decision` (first at line 2)",
        ),
    ],
)
def test_a_json_document_with_an_error_in_its_reading_gets_it_at_its_place(tmp_path, text, error):
    path = tmp_path / "input.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WQError) as e:
        load_input(path)
    assert str(e.value).startswith(f"{path}:{error}")


def test_a_schema_error_in_a_json_document_is_placed_at_its_line_and_column(tmp_path, bundled_policy):
    doc, _ = load_input(ROOT / "examples" / "recognition.yaml")
    doc["investment"][1]["amount"] = -5
    path = tmp_path / "app.json"
    path.write_text(as_json(doc, indent=2), encoding="utf-8")
    loaded, marks = load_input(path)
    assert isinstance(marks, JsonMarks) and marks._found == {}  # read by json.loads, no marks yet
    with pytest.raises(WQError) as e:
        bundled_policy.evaluate(None, loaded, marks=marks, input_name=str(path))
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "-5" in text)
    assert str(e.value).startswith(
        f"{path}:{line}:17: error[WQ-INPUT]: investment[1].amount: -5 is less than the minimum of 0"
    )


def test_a_valid_json_document_never_builds_its_marks(tmp_path, bundled_policy):
    doc, _ = load_input(ROOT / "examples" / "recognition.yaml")
    path = tmp_path / "app.json"
    path.write_text(as_json(doc, indent=2), encoding="utf-8")
    loaded, marks = load_input(path)
    record = bundled_policy.evaluate(None, loaded, marks=marks, input_name=str(path))
    assert record.outcome == "eligible" and marks._found == {}


def test_mutated_json_documents_read_the_same_both_ways_or_go_to_the_yaml_reader():
    rng = random.Random(7)
    fast_count = 0
    odd = [
        "1e5",
        "-0",
        "1E+39",
        "1e40",
        "NaN",
        '"\\ud800"',
        '"\\u0000"',
        "0.1",
        "9" * 41,
        '"a\\"b"',
        "[[[[1]]]]",
        '{"x": 1, "x": 2}',
        "tru",
        "",
        ",",
        '"\\t"',
    ]
    for _ in range(600):
        doc = rng.choice(DOCUMENTS)
        text = as_json(doc, indent=rng.choice([None, 1]))
        numbers = [m.start() for m in re.finditer(r"(?<=: )-?\d[\d.eE+-]*", text)]
        if numbers:
            at = rng.choice(numbers)
            end = re.match(r"-?\d[\d.eE+-]*", text[at:]).end() + at
            text = text[:at] + rng.choice(odd) + text[end:]
        fast = _json_document(text)
        if fast is None:
            continue
        slow = load_yaml(text, "x.json", dates=False)[0]  # it must accept what the fast path accepted
        assert same(fast, slow), text
        fast_count += 1
    assert 150 < fast_count < 590  # both paths are taken


def test_a_big_json_document_is_taken_by_the_json_reader():  # not refused as too big or too deep for it
    doc = {"decision": "recognition", "investment": [{"category": "other", "amount": Decimal("1.50")}] * 20_000}
    fast = _json_document(as_json(doc))
    assert same(fast, doc)


def test_nan_and_infinity_are_named_as_such_not_as_text(tmp_path, bundled_policy):
    # Before: `"amount": Infinity` (what Python's json writes for an infinite float) said "'Infinity' is text".
    path = tmp_path / "inf.json"
    path.write_text(
        '{"decision": "recognition", "service_area_m2": Infinity, "staff": {"total": -Infinity},\n'
        ' "revenue_since_operation": NaN}',
        encoding="utf-8",
    )
    doc, marks = load_input(path)
    with pytest.raises(WQError) as e:
        bundled_policy.evaluate(None, doc, marks=marks, input_name=str(path))
    assert [(d.span.line, d.span.col, d.message) for d in e.value.diagnostics] == [
        (1, 48, "service_area_m2: Infinity is not a finite number (NaN and Infinity are not allowed)"),
        (1, 77, "staff.total: -Infinity is not a finite number (NaN and Infinity are not allowed)"),
        (2, 29, "revenue_since_operation: NaN is not a finite number (NaN and Infinity are not allowed)"),
    ]
    floats = {"service_area_m2": float("inf"), "staff": {"total": float("nan")}}  # from the API, as floats
    with pytest.raises(WQError, match="service_area_m2: Infinity is not a finite number"):
        bundled_policy.evaluate("recognition", floats)


def test_an_unknown_field_with_a_very_long_name_is_shown_cut(tmp_path, bundled_policy):
    path = tmp_path / "long.json"
    path.write_text('{"decision": "filing", "platform": {"' + "k" * 1100 + '": 1}}', encoding="utf-8")
    doc, marks = load_input(path)
    with pytest.raises(WQError) as e:
        bundled_policy.evaluate(None, doc, marks=marks, input_name=str(path))
    [d] = e.value.diagnostics
    assert d.message.startswith("platform: unknown field `" + "k" * 60 + "…` (allowed: ") and len(d.message) < 200


def test_json_marks_place_every_key_and_value_where_the_yaml_reader_does():
    """JsonMarks finds a place by skipping the values before it; the YAML reader marks every node. Both must give
    the same line and column for every key and value of every corpus document, laid out two ways."""
    checked = 0
    for doc in DOCUMENTS:
        for indent in (None, 2):
            text = as_json(doc, indent=indent)
            _, yaml_marks = load_yaml(text, "d.json", dates=False)
            marks = JsonMarks(text, "d.json")
            # in the file's order, then backwards: places kept from one path must not mislead the next
            for path in list(yaml_marks) if indent is None else list(yaml_marks)[::-1]:
                if "<key>" in path[1:] or path == ("<key>",):  # the reader's marks of a key's own node
                    continue
                assert marks.get(path) is not None, path
                assert marks.get(path).span() == yaml_marks[path].span(), (path, indent)
                checked += 1
            assert marks.get(("no_such_field",)) is None and ("investment", 10**6) not in marks
    assert checked > 7_000


def test_an_error_late_in_a_big_json_document_is_placed_without_reading_it_again(tmp_path):
    """100,000 line items and a negative amount in the last: placing it took seconds (the whole text read again
    for YAML marks); JsonMarks skips the items before it."""
    doc, _ = load_input(ROOT / "examples" / "recognition.yaml")
    doc["investment"] = [{"category": "materials", "amount": 1}] * 100_000 + [{"category": "other", "amount": -5}]
    path = tmp_path / "big.json"
    path.write_text(as_json(doc), encoding="utf-8")
    _, marks = load_input(path)
    span = marks.span(("investment", 100_000, "amount"))
    assert (span.line, path.read_text(encoding="utf-8")[span.col - 1 : span.col + 1]) == (1, "-5")
    assert len(marks._found) == 1


@pytest.mark.parametrize(
    "text, error",
    [
        (
            '{"decision": "filing", "partner_cases": 0x10}',
            "1:42: error[WQ-INPUT]: not valid JSON: Expecting ',' delimiter",
        ),
        ('{"decision": "filing"} {"decision": "filing"}', "1:24: error[WQ-INPUT]: not valid JSON: Extra data"),
    ],
)
def test_a_json_file_that_is_not_json_is_not_read_as_yaml(tmp_path, text, error):
    """Before: the YAML reader took `0x10` in a .json file for 16."""
    path = tmp_path / "input.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WQError) as e:
        load_input(path)
    assert str(e.value).startswith(f"{path}:{error}")
