"""The YAML loader: source marks for every scalar style, duplicate keys, exact numbers, dates, hostile text."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT
from wqpolicy.errors import WQError
from wqpolicy.yamlload import load_yaml, read_text


def position(text: str, needle: str, occurrence: int = 1, offset: int = 0) -> tuple[int, int]:
    """1-based (line, col) of ``needle`` (its ``occurrence``-th time) plus ``offset`` in ``text``."""
    i = -1
    for _ in range(occurrence):
        i = text.index(needle, i + 1)
    i += offset
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def char_at(text: str, line: int, col: int) -> str:
    return text.splitlines()[line - 1][col - 1]


def span_of(text: str, path: tuple, offset: int):
    value, marks = load_yaml(text, "f.yaml")
    for key in path:
        value = value[key]
    span = marks.span(path, offset, value=value)
    assert span.file == "f.yaml"
    return span, value


STYLES = {
    "plain": "rule:\n  condition: rd_intensity >= min_intensity and x > 1\n",
    "plain over two lines": "rule:\n  condition: rd_intensity >= min_intensity\n    and x > 1\n",
    "double-quoted": 'rule:\n  condition: "rd_intensity >= min_intensity and x > 1"\n',
    "double-quoted over two lines": 'rule:\n  condition: "rd_intensity >= min_intensity\n    and x > 1"\n',
    "single-quoted": "rule:\n  condition: 'rd_intensity >= min_intensity and x > 1'\n",
    "literal block": "rule:\n  condition: |\n    rd_intensity >= min_intensity\n    and x > 1\n",
    "literal block, more indented": "rule:\n  condition: |2\n      rd_intensity >= min_intensity\n      and x > 1\n",
    "folded block": "rule:\n  condition: >\n    rd_intensity >= min_intensity\n    and x > 1\n",
    "folded block, strip, blank line": "rule:\n  condition: >-\n    rd_intensity >= min_intensity\n\n    and x > 1\n",
    "flow mapping": "rule: {condition: rd_intensity >= min_intensity and x > 1, other: 2}\n",
    "with an anchor": "rule:\n  condition: &c rd_intensity >= min_intensity and x > 1\n",
    "with a tag": "rule:\n  condition: !!str rd_intensity >= min_intensity and x > 1\n",
    "with a tag, quoted": 'rule:\n  condition: !!str "rd_intensity >= min_intensity and x > 1"\n',
}


@pytest.mark.parametrize("style", STYLES)
def test_marks_map_every_character_of_an_expression_to_its_place_in_the_file(style):
    text = STYLES[style]
    value, marks = load_yaml(text, "f.yaml")
    expr = value["rule"]["condition"]
    for i, ch in enumerate(expr):
        if ch.isspace():
            continue
        span = marks.span(("rule", "condition"), i, value=expr)
        assert char_at(text, span.line, span.col) == ch, (i, ch, span)


@pytest.mark.parametrize("style", STYLES)
def test_marks_put_the_x_on_the_line_where_it_is_written(style):
    text = STYLES[style]
    span, expr = span_of(text, ("rule", "condition"), 0)
    x = expr.index("x >")
    span, _ = span_of(text, ("rule", "condition"), x)
    assert (span.line, span.col) == position(text, "x >")


def test_marks_map_offsets_through_double_quoted_escapes():
    text = 'c: "name == \\"caf\\u00e9\\" and \\\\ + ) z"\n'
    value, marks = load_yaml(text, "f.yaml")
    assert value["c"] == 'name == "café" and \\ + ) z'
    span = marks.span(("c",), value["c"].index(")"), value=value["c"])
    assert (span.line, span.col) == position(text, ")")
    span = marks.span(("c",), value["c"].index("é"), value=value["c"])
    assert (span.line, span.col) == position(text, "\\u00e9")


def test_marks_map_offsets_through_a_doubled_single_quote():
    text = "c: 'name == ''x'' and ) z'\n"
    value, marks = load_yaml(text, "f.yaml")
    span = marks.span(("c",), value["c"].index(")"), value=value["c"])
    assert (span.line, span.col) == position(text, ")")


def test_marks_map_offsets_through_an_escaped_line_break():
    text = 'c: "rd_intensity >= \\\n     ) z"\n'
    value, marks = load_yaml(text, "f.yaml")
    assert value["c"] == "rd_intensity >= ) z"
    span = marks.span(("c",), value["c"].index(")"), value=value["c"])
    assert (span.line, span.col) == position(text, ")")


def test_a_mark_without_the_value_points_inside_the_quotes_or_at_the_block_indicator():
    text = 'a: "x"\nb: |\n  y\nc: plain\n'
    _, marks = load_yaml(text, "f.yaml")
    assert (marks.span(("a",)).line, marks.span(("a",)).col) == (1, 5)
    assert (marks.span(("b",)).line, marks.span(("b",)).col) == (2, 4)
    assert (marks.span(("c",)).line, marks.span(("c",)).col) == (4, 4)


def test_keys_and_nested_items_have_marks():
    text = "top:\n  items:\n    - {amount: 5}\n    - {amount: -5}\n"
    _, marks = load_yaml(text, "f.yaml")
    span = marks.span(("top", "items", 1, "amount"))
    assert (span.line, span.col) == position(text, "-5")
    key = marks.key_span(("top", "items"))
    assert (key.line, key.col) == position(text, "items")
    # a path below a value falls back to its nearest ancestor
    deeper = marks.span(("top", "items", 1, "amount", "nothing"))
    assert (deeper.line, deeper.col) == position(text, "-5")


def test_duplicate_keys_are_rejected_at_the_second_naming_the_first_line():
    text = "a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n"
    with pytest.raises(WQError) as e:
        load_yaml(text, "f.yaml")
    [d] = e.value.diagnostics
    assert d.code == "WQ-DUPLICATE"
    assert (d.span.file, d.span.line, d.span.col) == ("f.yaml", 5, 3)
    assert "line 3" in d.message


def test_every_duplicate_key_is_reported():
    with pytest.raises(WQError) as e:
        load_yaml("a: 1\na: 2\nb: {x: 1, x: 2}\n", "f.yaml")
    assert [(d.code, d.span.line) for d in e.value.diagnostics] == [("WQ-DUPLICATE", 2), ("WQ-DUPLICATE", 3)]


def test_floats_load_as_exact_decimals_and_integers_as_ints():
    value, _ = load_yaml("a: 0.1\nb: 1234.50\nc: 1.5e+3\nd: 10_000\ne: -3\nf: true\ng: ~\n", "f.yaml")
    assert value["a"] == Decimal("0.1") and isinstance(value["a"], Decimal)
    assert value["b"] == Decimal("1234.50")
    assert value["c"] == Decimal(1500)
    assert value["d"] == 10000 and type(value["d"]) is int
    assert value["e"] == -3
    assert value["f"] is True and value["g"] is None


@pytest.mark.parametrize("raw", [".nan", ".inf", "-.Inf"])
def test_nan_and_infinity_are_rejected(raw):
    with pytest.raises(WQError) as e:
        load_yaml(f"x: 1\ny: {raw}\n", "f.yaml")
    assert [(d.code, d.span.line, d.span.col) for d in e.value.diagnostics] == [("WQ-YAML", 2, 4)]


def test_nan_written_as_json_is_text_not_a_number():
    value, _ = load_yaml('{"a": NaN, "b": Infinity}', "f.json")
    assert value == {"a": "NaN", "b": "Infinity"}


def test_dates_are_kept_as_strings_with_dates_false():
    text = "a: 2021-01-01\nb: 2021-02-30\nc: '2021-01-01'\n"
    value, _ = load_yaml(text, "f.yaml", dates=False)
    assert value == {"a": "2021-01-01", "b": "2021-02-30", "c": "2021-01-01"}
    value, _ = load_yaml("a: 2021-01-01\n", "f.yaml")
    assert value["a"] == datetime.date(2021, 1, 1)


def test_an_impossible_date_is_an_error_when_dates_are_read():
    with pytest.raises(WQError) as e:
        load_yaml("a: 1\nb: 2021-02-30\n", "f.yaml")
    assert [(d.code, d.span.line, d.span.col) for d in e.value.diagnostics] == [("WQ-YAML", 2, 4)]


@pytest.mark.parametrize(
    "text, where",
    [
        ("a: &x 1\nb: *x\n", (2, 4)),
        ("a: !!python/object/apply:os.system ['echo hi']\n", (1, 4)),
        ("a: !!python/object:decimal.Decimal {}\n", (1, 4)),
        ("a: !custom 1\n", (1, 4)),
        ("base: {x: 1}\nb:\n  <<: {x: 1}\n", (3, 3)),
        ("a: [1, 2\n", (2, 1)),
        ("a: 1\n b: 2\n", (2, 3)),
        ("a: 1\x00\n", (1, 5)),
        ("a:\n  b: \x07\n", (2, 6)),
    ],
)
def test_unsafe_or_broken_yaml_is_a_wq_yaml_error_with_a_position(text, where):
    with pytest.raises(WQError) as e:
        load_yaml(text, "f.yaml")
    [d] = e.value.diagnostics
    assert d.code == "WQ-YAML"
    assert (d.span.line, d.span.col) == where


@pytest.mark.parametrize("text", ["", "  \n", "# only a comment\n"])
def test_an_empty_document_is_an_error_unless_allowed(text):
    with pytest.raises(WQError) as e:
        load_yaml(text, "f.yaml")
    assert [(d.code, d.span.line, d.span.col) for d in e.value.diagnostics] == [("WQ-YAML", 1, 1)]
    assert load_yaml(text, "f.yaml", empty_ok=True)[0] is None


def test_two_documents_in_one_file_are_an_error():
    with pytest.raises(WQError) as e:
        load_yaml("a: 1\n---\nb: 2\n", "f.yaml")
    assert [(d.code, d.span.line) for d in e.value.diagnostics] == [("WQ-YAML", 2)]


@pytest.mark.parametrize("depth", [1_000, 10_000])
def test_deep_nesting_is_refused_quickly(depth):
    for text in ("a: " + "[" * depth + "]" * depth, "a: " + "{b: " * depth + "}" * depth, "- " * depth + "x"):
        with pytest.raises(WQError) as e:
            load_yaml(text, "f.yaml")
        assert e.value.diagnostics[0].code == "WQ-YAML"


def test_a_10000_digit_number_is_refused():
    for raw in ("9" * 10_000, "0." + "9" * 10_000):
        with pytest.raises(WQError) as e:
            load_yaml(f"a: {raw}\n", "f.yaml")
        assert [(d.code, d.span.line, d.span.col) for d in e.value.diagnostics] == [("WQ-YAML", 1, 4)]


def test_json_exponents_without_a_point_are_numbers():
    value, _ = load_yaml('{"a": 1e5, "b": -2E-2, "c": 1.5e3, "d": "1e5", "e": 1e}', "f.json")
    assert value == {"a": Decimal(100000), "b": Decimal("-0.02"), "c": Decimal(1500), "d": "1e5", "e": "1e"}
    assert all(isinstance(value[k], Decimal) for k in "abc")


@pytest.mark.parametrize("raw", ["1e99999999", "1.5e40", "-1e-41"])
def test_an_exponent_beyond_the_digit_limit_is_refused_at_once(raw):
    with pytest.raises(WQError) as e:
        load_yaml(f"a: {raw}\n", "f.yaml")
    [d] = e.value.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("WQ-YAML", 1, 4) and "out of range" in d.message


def test_read_text_turns_file_problems_into_wq_file(tmp_path):
    with pytest.raises(WQError) as e:
        read_text(tmp_path)
    assert e.value.diagnostics[0].code == "WQ-FILE"
    with pytest.raises(WQError) as e:
        read_text(tmp_path / "missing.yaml")
    assert e.value.diagnostics[0].code == "WQ-FILE"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("a: 1\nname: caf\xe9\n".encode("latin-1"))
    with pytest.raises(WQError) as e:
        read_text(latin)
    [d] = e.value.diagnostics
    assert (d.code, d.span.file, d.span.line, d.span.col) == ("WQ-FILE", str(latin), 2, 10)


def test_read_text_drops_a_byte_order_mark(tmp_path):
    p = tmp_path / "bom.yaml"
    p.write_bytes("\ufeffa: 1\n".encode("utf-8"))
    assert load_yaml(read_text(p), str(p))[0] == {"a": 1}


def _outcome(text, composer):
    from wqpolicy import yamlload

    try:
        value, marks = yamlload.load_yaml(text, "f.yaml", dates=False, _composer=composer)
    except WQError as e:
        return [d.code for d in e.diagnostics]
    return value, {path: (m.start, m.end, m.style, m.line, m.col) for path, m in marks.items()}


@pytest.mark.skipif(not __import__("yaml").__with_libyaml__, reason="PyYAML without libyaml")
@pytest.mark.parametrize(
    "text",
    [
        *STYLES.values(),
        "a: [1, 2\n",
        "a: &x 1\nb: *x\n",
        "a: 1\na: 2\n",
        "a: " + "[" * 1_000 + "]" * 1_000,
        "a: 1\x00\n",
        "# c\n",
        "a: .nan\n",
        "on: {yes: 1, 'no': 2}\n",
    ],
)
def test_the_libyaml_and_pure_python_parsers_give_the_same_values_and_marks(text):
    from wqpolicy import yamlload

    assert _outcome(text, yamlload._CComposer) == _outcome(text, yamlload._PyComposer)


@pytest.mark.skipif(not __import__("yaml").__with_libyaml__, reason="PyYAML without libyaml")
def test_the_bundled_policy_loads_the_same_with_either_parser():
    from wqpolicy import yamlload

    root = ROOT
    for path in [*(root / "policies").rglob("*.yaml"), *(root / "examples").glob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        assert _outcome(text, yamlload._CComposer) == _outcome(text, yamlload._PyComposer), path


def test_keys_are_text_even_when_yaml_1_1_would_read_them_as_booleans():
    value, _ = load_yaml("on: 1\nyes: 2\nno: {off: 3}\nnull: 4\n", "f.yaml")
    assert value == {"on": 1, "yes": 2, "no": {"off": 3}, "null": 4}


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_file_is_refused_after_the_size_limit():
    with pytest.raises(WQError) as e:
        read_text("/dev/zero")
    assert e.value.diagnostics[0].code == "WQ-FILE"


def test_text_with_undecodable_bytes_from_standard_input_is_a_wq_file_error():
    # sys.stdin keeps bytes that are not UTF-8 as lone surrogates
    text = b"decision: filing\nname: caf\xe9\n".decode("utf-8", "surrogateescape")
    with pytest.raises(WQError) as e:
        load_yaml(text, "<stdin>")
    assert [(d.code, d.span.line, d.span.col) for d in e.value.diagnostics] == [("WQ-FILE", 2, 10)]
