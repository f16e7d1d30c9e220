"""The fast "certainly valid" check never calls an invalid or inexact document valid: compared with jsonschema
over the examples, every case input and a few thousand seeded mutations of them; and it says yes to valid
documents often enough to be worth having. Its yes also means the document is already exact (no float, NaN or
infinity anywhere), which lets validation skip ``exact_numbers``."""

from __future__ import annotations

import copy
import random
from decimal import Decimal

import pytest

from conftest import ROOT
from corpus import input_documents
from wqpolicy.errors import WQError
from wqpolicy.fastschema import compile_check
from wqpolicy.inputs import exact_numbers, load_input
from wqpolicy.schemas import validator


@pytest.fixture(scope="module")
def policy(bundled_policy):
    return bundled_policy


DOCUMENTS = input_documents()
ODD_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    7,
    10**20,
    Decimal("-0.01"),
    Decimal("0.001"),
    Decimal("12.50"),
    Decimal("1E+3"),
    Decimal("999999999999999.99"),
    Decimal("1000000000000000"),
    1.5,
    "",
    "text",
    "2024-02-29",
    "2023-02-29",
    "２０２４-01-01",
    "2024-1-1",
    [],
    {},
    [{}],
    {"x": 1},
    2.0,
    float("nan"),
    float("inf"),
    Decimal("NaN"),
    Decimal("-Infinity"),
    [1.5],
    {"x": 0.5},
]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, path + (i,))


def _get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def _mutate(doc, rng: random.Random):
    """One to three random edits: a value swapped for an odd one or for another value of the document, a key
    deleted or invented, a list item repeated or dropped."""
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(doc) if p]
        path = rng.choice(paths)
        parent, key = _get(doc, path[:-1]), path[-1]
        move = rng.randrange(5)
        if move == 0:
            parent[key] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif move == 1:
            parent[key] = copy.deepcopy(_get(doc, rng.choice(paths)))
        elif move == 2 and isinstance(parent, dict):
            del parent[key]
        elif move == 3 and isinstance(parent, dict):
            parent[rng.choice(["extra", "Name", key + "_", "decision"])] = rng.choice(ODD_VALUES)
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key])) if rng.random() < 0.5 else parent.pop(key)
    return doc


def test_every_bundled_input_schema_compiles(policy):
    assert {name: compile_check(s.validator.schema) is not None for name, s in policy.inputs.items()} == {
        "filing": True,
        "recognition": True,
        "annual_assessment": True,
        "demand_subsidy": True,
    }


def test_the_fast_check_agrees_with_jsonschema_on_every_example_and_case_input(policy):
    verdicts = []
    for doc in DOCUMENTS:
        schema = policy.inputs[doc["decision"]]
        valid = not list(schema.validator.iter_errors(doc))
        assert schema.certainly_valid(exact_numbers(doc)) is valid
        verdicts.append(valid)
    assert verdicts.count(True) > 150 and verdicts.count(False) >= 1  # some cases test input errors


def test_no_mutation_is_called_valid_that_jsonschema_rejects(policy):
    rng = random.Random(20211)
    valid = certain = 0
    for n in range(1500):
        doc = _mutate(rng.choice(DOCUMENTS), rng)
        name = doc.get("decision") if isinstance(doc.get("decision"), str) else "recognition"
        schema = policy.inputs.get(name, policy.inputs["recognition"])
        if schema.certainly_valid(doc):  # as it came: a yes promises there is nothing for exact_numbers to do
            assert exact_numbers(doc) is doc, (n, doc)
        doc = exact_numbers(doc)
        errors = list(schema.validator.iter_errors(doc))
        fast = schema.certainly_valid(doc)
        assert not (fast and errors), (n, doc, [e.message for e in errors])
        valid += not errors
        certain += fast
    # Both kinds occur, and the fast check recognises nearly all valid documents (it may doubt a few: 1E+3).
    assert 150 < valid < 1350
    assert certain >= 0.9 * valid


@pytest.mark.parametrize(
    "schema, yes, doubt",
    [
        ({"type": "integer"}, [0, 7, -3], [True, Decimal("1.0"), 1.5, "1"]),
        ({"type": "number", "minimum": 0}, [0, Decimal("0.01"), 10**30], [-1, Decimal("-0.01"), 1.5, Decimal("NaN")]),
        ({"minimum": 0}, ["text", None, True, [], {}], [1.5, -1]),
        ({"multipleOf": Decimal("0.01")}, [Decimal("1" + "0" * 39 + ".01"), 3], [Decimal("0.001")]),
        ({"enum": ["a", 1, None]}, ["a", 1, None], ["b", True, Decimal(1), 1.0]),
        ({"const": 0}, [0], [False, Decimal(0)]),
        (
            {"type": "string", "format": "date"},
            ["2024-02-29"],
            ["2023-02-29", "２０２４-01-01", "2024-1-1", "2024-01-01\n"],
        ),
        ({"type": "string", "pattern": "^[a-z]+$", "minLength": 2}, ["ab"], ["a", "AB"]),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "required": ["a"],
                "additionalProperties": False,
            },
            [{"a": 1}],
            [{}, {"a": "1"}, {"a": 1, "b": 2}, []],
        ),
        ({"type": "array", "items": {"type": "string"}, "minItems": 1}, [["x"]], [[], [1], "x"]),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, ["x", 1], [None]),
        ({"$defs": {"m": {"type": "number"}}, "$ref": "#/$defs/m"}, [1], ["1"]),
        # where no keyword pins the type, a float or a NaN (valid to jsonschema) still gets a doubt: not yet exact
        ({}, [1, "x", {"a": [Decimal("0.5")]}], [1.5, Decimal("NaN"), {"a": [0.5]}]),
        ({"type": "object"}, [{"a": 1}], [{"a": 1.5}, {"a": {"b": Decimal("Infinity")}}]),
        ({"type": "array"}, [[1, "x"]], [[1.5]]),
        ({"properties": {"a": {"type": "integer"}}}, [{"a": 1, "b": "x"}, 7], [{"a": 1, "b": 0.5}, 0.5]),
        ({"type": "object", "additionalProperties": {"type": "integer"}}, [{"a": 1}], [{"a": 1.5}]),
        ({"type": "array", "items": True}, [[1]], [[1.5]]),
        ({"allOf": []}, [1, "x"], [1.5, Decimal("NaN")]),  # an empty allOf pins nothing
    ],
)
def test_keywords_say_yes_only_to_valid_exact_values(schema, yes, doubt):
    check = compile_check(schema)
    v = validator(schema)
    for x in yes:
        assert check(x) is True and not list(v.iter_errors(x)) and exact_numbers(x) is x, x
    for x in doubt:
        assert check(x) is False, x


@pytest.mark.parametrize(
    "schema",
    [
        {"oneOf": [{"type": "integer"}, {"minimum": 0}]},  # one branch in doubt would make "exactly one" a lie
        {"not": {"type": "string"}},
        {"$ref": "other.json#/x"},
        {"$defs": {"t": {"type": "array", "items": {"$ref": "#/$defs/t"}}}, "$ref": "#/$defs/t"},
        {"type": "object", "patternProperties": {"^x": {}}, "additionalProperties": False},
        {"type": "string", "format": "email"},
        {"properties": {"a": {"$id": "inner", "type": "string"}}},
        {"enum": [[1], {"a": 1}]},
        {"prefixItems": [{"type": "string"}]},
        {"type": "number", "multipleOf": 0.01},  # a float in the schema itself
        {"type": "string", "pattern": "("},  # not a regular expression: jsonschema says so
        {"type": "array", "minItems": Decimal("1.5")},  # a fraction where a count goes
        {"$defs": {"a b": {"type": "integer"}}, "$ref": "#/$defs/a%20b"},  # a %-escaped reference
    ],
)
def test_schemas_beyond_the_fast_check_are_left_to_jsonschema(schema):
    assert compile_check(schema) is None


def test_an_invalid_document_still_gets_jsonschema_errors(policy):
    doc, _ = load_input(ROOT / "examples" / "recognition.yaml")
    doc["staff"]["total"] = -1
    schema = policy.inputs["recognition"]
    assert schema.certainly_valid(exact_numbers(doc)) is False
    assert [d.message for d in schema.errors(doc)] == ["staff.total: -1 is less than the minimum of 0"]


def test_deep_and_repeated_schemas_compile_and_agree_with_jsonschema():
    """Nesting deeper than one function holds moves into functions of their own; a $ref used twice is inlined
    twice, each alike."""
    deep = {"type": "integer"}
    for _ in range(40):
        deep = {"type": "array", "items": {"type": "object", "properties": {"a": deep}, "required": ["a"]}}
    schema = {
        "$defs": {"d": deep},
        "type": "object",
        "properties": {"p": {"$ref": "#/$defs/d"}, "q": {"$ref": "#/$defs/d"}},
    }
    check = compile_check(schema)
    value = 1
    for _ in range(40):
        value = [{"a": value}]
    assert check({"p": value, "q": value}) is True
    broken = copy.deepcopy(value)
    inner = broken
    for _ in range(39):
        inner = inner[0]["a"]
    inner[0]["a"] = "1"
    assert check({"p": value, "q": broken}) is False
    assert list(validator(schema).iter_errors({"p": value, "q": broken}))


def test_refs_that_multiply_are_left_to_jsonschema_at_once():
    schema = {"$defs": {"d0": {"type": "integer"}}, "$ref": "#/$defs/d60"}
    for i in range(1, 61):  # each level uses the one below twice: 2**60 nodes if inlined
        schema["$defs"][f"d{i}"] = {
            "type": "object",
            "properties": {"a": {"$ref": f"#/$defs/d{i - 1}"}, "b": {"$ref": f"#/$defs/d{i - 1}"}},
        }
    assert compile_check(schema) is None


def test_a_valid_exact_document_skips_exact_numbers_and_comes_back_as_it_went_in(policy):
    doc, _ = load_input(ROOT / "examples" / "recognition.yaml")
    assert policy.inputs["recognition"].validated(doc) is doc
    floats = copy.deepcopy(doc)
    floats["service_area_m2"] = 2350.5  # as json.load gives it: made exact, then validated
    out = policy.inputs["recognition"].validated(floats)
    assert out["service_area_m2"] == Decimal("2350.5") and type(out["service_area_m2"]) is Decimal


def test_the_inlined_schema_finds_the_same_errors_at_the_same_paths_as_the_schema_itself(policy):
    """Input validators check with their local $refs inlined (`schemas.inlined`: jsonschema's lookups were half
    its time over a long list); over the same mutations, what they report must not change."""
    from wqpolicy.schemas import data_dir, inlined

    rng = random.Random(1729)
    folder = str(data_dir("schemas"))
    plain = {name: validator(s._schema, folder) for name, s in policy.inputs.items()}
    assert all(
        "$ref" not in str({k: v for k, v in s.validator.schema.items() if k != "$defs"}) for s in policy.inputs.values()
    )
    compared = 0
    for _ in range(500):
        doc = exact_numbers(_mutate(rng.choice(DOCUMENTS), rng))
        name = doc.get("decision") if isinstance(doc.get("decision"), str) else "recognition"
        name = name if name in policy.inputs else "recognition"

        def found(v, doc=doc):
            return sorted((list(e.absolute_path), e.validator, e.message) for e in v.iter_errors(doc))

        errors = found(policy.inputs[name].validator)
        assert errors == found(plain[name])
        compared += bool(errors)
    assert compared > 250
    recursive = {"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"}
    assert inlined(recursive)["allOf"][0]["items"] == {"$ref": "#/$defs/n"}  # recursion stays a $ref, once in
    nested = {"properties": {"a": {"$id": "https://x/", "$ref": "#/b"}}}
    assert inlined(nested) is nested
    through_a_list = {"properties": {"a": {"allOf": [{"type": "integer"}]}, "b": {"$ref": "#/properties/a/allOf/0"}}}
    assert inlined(through_a_list)["properties"]["b"] == {"type": "integer"}


def _with_floats(value, rng: random.Random):
    """``value`` with some of its numbers as json.load gives them (floats), the rest as they were."""
    if isinstance(value, dict):
        return {k: _with_floats(v, rng) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_floats(v, rng) for v in value]
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and rng.random() < 0.7:
        return float(value)
    return value


def test_a_document_with_floats_is_read_where_its_schema_has_numbers_as_exact_numbers_reads_it(policy):
    """validated() reads the floats of a document where its schema has numbers, and checks that again: what it
    gives (or the errors it raises) must be what the reading of every float by exact_numbers gives."""
    rng = random.Random(20212)
    read = 0
    for n in range(1500):
        doc = _with_floats(rng.choice(DOCUMENTS) if n % 2 else _mutate(rng.choice(DOCUMENTS), rng), rng)
        name = doc.get("decision") if isinstance(doc.get("decision"), str) else "recognition"
        schema = policy.inputs.get(name, policy.inputs["recognition"])
        try:
            got = schema.validated(doc)
        except WQError as e:
            with pytest.raises(WQError) as generic:
                schema.validated(exact_numbers(doc))
            assert [d.to_json() for d in e.diagnostics] == [d.to_json() for d in generic.value.diagnostics], n
            continue
        expected = schema.validated(exact_numbers(doc))
        assert got == expected and _types(got) == _types(expected), (n, doc)
        read += got != doc or _types(got) != _types(doc)
    assert read > 500  # most took the reading by the schema


def _types(value):
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value)
