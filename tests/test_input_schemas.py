"""The JSON Schemas in schemas/ and the example inputs in examples/.

Numbers are loaded as ``decimal.Decimal`` on both sides (schemas with ``parse_float=Decimal``, YAML floats as
Decimal): jsonschema checks ``multipleOf: 0.01`` exactly for Decimals, but inexactly for floats (1.15 is "not a
multiple of 0.01"), and it raises TypeError for a Decimal instance against a float ``multipleOf``.
YAML dates are kept as strings, as the engine does for input documents: ``format: date`` checks them.
"""

from __future__ import annotations

import copy
import functools
import json
from decimal import Decimal

import jsonschema
import pytest
import yaml

from conftest import EXAMPLES, ROOT

SCHEMAS = ROOT / "schemas"
POLICY_DIR = ROOT / "policies" / "wuqing-five-platforms"  # the policy's own folder holds its input schemas (inputs/)
ID_BASE = "https://wqpolicy.dev/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

ALL_SCHEMAS = sorted(
    [p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.rglob("*.schema.json")]
    + [p.relative_to(POLICY_DIR).as_posix() for p in POLICY_DIR.glob("inputs/*.schema.json")]
)
INPUT_SCHEMAS = [p for p in ALL_SCHEMAS if p.startswith("inputs/")]
# the schemas written for the input/output contract (the style checks below apply to these)
CONTRACT_SCHEMAS = INPUT_SCHEMAS + ["decision.schema.json", "case.schema.json"]
SCHEMA_OF = {  # decision -> input schema
    "filing": "inputs/application.schema.json",
    "recognition": "inputs/application.schema.json",
    "annual_assessment": "inputs/annual_assessment.schema.json",
    "demand_subsidy": "inputs/demand_subsidy.schema.json",
}
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


# ----------------------------------------------------------------------------------------------- loading


class _Loader(yaml.SafeLoader):
    """safe_load, but dates stay strings and floats become exact Decimals."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
_Loader.add_constructor(
    "tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node).replace("_", ""))
)


def load_yaml(text: str):
    return yaml.load(text, Loader=_Loader)


@functools.cache
def _example(name: str):
    return load_yaml((EXAMPLES / name).read_text(encoding="utf-8"))


def example(name: str):
    return copy.deepcopy(_example(name))


@functools.cache
def schema(rel: str) -> dict:
    folder = POLICY_DIR if rel.startswith("inputs/") else SCHEMAS
    return json.loads((folder / rel).read_text(encoding="utf-8"), parse_float=Decimal)


@functools.cache
def validator(rel: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(rel), format_checker=jsonschema.FormatChecker())


def errors(rel: str, doc) -> list[tuple[tuple, str]]:
    """(absolute path, failing keyword) of every error, sorted."""
    return sorted((tuple(e.absolute_path), e.validator) for e in validator(rel).iter_errors(doc))


def walk(node, path=()):
    """Yield (path, subschema) for every dict in a schema."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, path + (i,))


# ------------------------------------------------------------------------------------- the schemas themselves


def test_schemas_found():
    assert set(SCHEMA_OF.values()) <= set(INPUT_SCHEMAS)
    assert {"decision.schema.json", "case.schema.json"} <= set(ALL_SCHEMAS)


@pytest.mark.parametrize("rel", ALL_SCHEMAS)
def test_valid_draft_2020_12_schema(rel):
    doc = schema(rel)
    jsonschema.Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == DRAFT
    assert doc["$id"] == ID_BASE + rel
    assert doc["title"] and doc["description"]


@pytest.mark.parametrize("rel", CONTRACT_SCHEMAS)
def test_every_property_has_a_description(rel):
    missing = [
        path + (name,)
        for path, node in walk(schema(rel))
        if isinstance(node.get("properties"), dict)
        for name, sub in node["properties"].items()
        if isinstance(sub, dict) and not sub.get("description")
    ]
    assert not missing, f"properties without description: {missing}"


@pytest.mark.parametrize("rel", CONTRACT_SCHEMAS)
def test_refs_are_local(rel):
    """Each schema is self-contained (editors and the engine need no registry): every $ref is `#/...`."""
    refs = [node["$ref"] for _, node in walk(schema(rel)) if "$ref" in node]
    assert all(r.startswith("#/") for r in refs), refs
    for r in refs:  # and resolves
        target = schema(rel)
        for part in r[2:].split("/"):
            target = target[part]


@pytest.mark.parametrize("rel", INPUT_SCHEMAS)
def test_input_objects_are_closed(rel):
    """additionalProperties: false on every object of an input schema (unknown fields are errors)."""
    open_objects = [
        path
        for path, node in walk(schema(rel))
        if (node.get("type") == "object" or "properties" in node) and node.get("additionalProperties") is not False
    ]
    assert not open_objects


@pytest.mark.parametrize("rel", INPUT_SCHEMAS)
def test_inputs_require_only_decision(rel):
    """Any field may be omitted (missing input is `unknown`), except `decision`."""
    required = [(path, node["required"]) for path, node in walk(schema(rel)) if "required" in node]
    assert required == [((), ["decision"])]


@pytest.mark.parametrize(
    "name", ["money", "date", "count", "name", "industry", "subsector", "cost_category", "line_item"]
)
def test_shared_definitions_do_not_drift(name):
    """The input schemas repeat a few $defs (to stay self-contained); the copies must be identical."""
    copies = {rel: schema(rel)["$defs"][name] for rel in INPUT_SCHEMAS if name in schema(rel).get("$defs", {})}
    assert copies
    assert len({json.dumps(c, sort_keys=True, default=str) for c in copies.values()}) == 1, list(copies)


def test_contract_codes():
    app = schema("inputs/application.schema.json")
    assert app["$defs"]["cost_category"]["enum"] == [
        "decoration",
        "equipment_hardware",
        "equipment_software",
        "installation",
        "materials",
        "design",
        "other",
        "land",
        "building_construction",
        "property_purchase",
        "working_capital",
        "rent",
    ]
    assert app["properties"]["platform"]["properties"]["functions"]["items"]["enum"] == [
        "rd_design",
        "pilot_testing",
        "general_manufacturing",
        "marketing",
        "investment_financing",
    ]
    industry = app["$defs"]["industry"]
    assert "enum" not in industry and industry["type"] == "string"
    assert industry["examples"] == [
        "intelligent_tech",
        "biomedicine",
        "new_energy",
        "new_materials",
        "energy_saving",
        "other",
    ]
    assert app["$defs"]["money"] == {
        "description": app["$defs"]["money"]["description"],
        "type": "number",
        "minimum": 0,
        "maximum": Decimal("999999999999999.99"),
        "multipleOf": Decimal("0.01"),
    }


# ------------------------------------------------------------------------------------------------ examples


def test_examples_found():
    assert {
        "recognition.yaml",
        "recognition_missing_review.yaml",
        "filing.yaml",
        "annual_assessment.yaml",
        "demand_subsidy.yaml",
    } <= set(EXAMPLE_FILES)


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_example_validates(name):
    doc = example(name)
    rel = SCHEMA_OF[doc["decision"]]
    assert errors(rel, doc) == []
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert text.startswith("# "), "a comment at the top says what the example shows"
    assert f"# yaml-language-server: $schema=../policies/wuqing-five-platforms/{rel}" in text


def test_examples_exercise_what_they_claim():
    rec = example("recognition.yaml")
    eligible = {
        "decoration",
        "equipment_hardware",
        "equipment_software",
        "installation",
        "materials",
        "design",
        "other",
    }
    declared = sum(i["amount"] for i in rec["investment"] if i["category"] in eligible)
    other = sum(i["amount"] for i in rec["investment"] if i["category"] == "other")
    assert other > Decimal("0.03") * declared  # the 3% cap bites
    assert any(i["category"] == "rent" for i in rec["investment"])
    assert declared - other + Decimal("0.03") * declared == Decimal("12276500.00")

    partial = example("recognition_missing_review.yaml")["expert_review"]
    assert 0 < len(partial) < 5

    ann = example("annual_assessment.yaml")
    assert ann["first_assessment"] is True and ann["result"] == "qualified"

    dem = example("demand_subsidy.yaml")
    assert dem["purchaser"]["in_wuqing"] is False and dem["purchaser"]["settled_on"].startswith(str(dem["year"]))
    assert len(dem["purchases"]) == 3
    amounts = [p["service_fee"] * Decimal("0.8") for p in dem["purchases"]]
    assert dem["prior_subsidy_this_year"] + sum(amounts[:2]) < 1_000_000 < dem["prior_subsidy_this_year"] + sum(amounts)


def test_dates_stay_strings():
    assert example("annual_assessment.yaml")["recognized_on"] == "2024-06-28"
    assert load_yaml("amount: 1200.50")["amount"] == Decimal("1200.50")


# ------------------------------------------------------------------------------------ input: what is accepted

APP = "inputs/application.schema.json"
ANN = "inputs/annual_assessment.schema.json"
DEM = "inputs/demand_subsidy.schema.json"


@pytest.mark.parametrize(
    "doc",
    [
        {"decision": "recognition"},
        {"decision": "filing", "platform": {"industry": "tourism"}},  # not a leading industry: the rule fails it
        {
            "decision": "recognition",
            "platform": {"functions": []},
            "finances": [],
            "investment": [],
            "expert_review": {},
        },
        {"decision": "recognition", "investment": [{"category": "other"}], "finances": [{"year": 2023}]},
        {"decision": "recognition", "service_area_m2": Decimal("1000.25"), "revenue_since_operation": 0},
        {"decision": "annual_assessment"},
        {"decision": "demand_subsidy", "purchaser": {"name": "天津某科技有限公司", "in_wuqing": True}},
    ],
    ids=["only-decision", "unknown-industry", "empty-lists", "partial-items", "decimals", "annual", "demand"],
)
def test_omitted_fields_and_open_codes_are_accepted(doc):
    assert errors(SCHEMA_OF[doc["decision"]], doc) == []


# --------------------------------------------------------------------------------- input: what is rejected


def test_negative_amount():
    doc = example("recognition.yaml")
    doc["investment"][2]["amount"] = -1200000
    assert errors(APP, doc) == [(("investment", 2, "amount"), "minimum")]


@pytest.mark.parametrize(
    "where",
    [(), ("applicant",), ("platform", "premises"), ("investment", 0), ("finances", 1), ("expert_review",), ("staff",)],
)
def test_unknown_field(where):
    doc = example("recognition.yaml")
    node = doc
    for key in where:
        node = node[key]
    node["website"] = "https://example.com"
    assert errors(APP, doc) == [(where, "additionalProperties")]


@pytest.mark.parametrize(
    "path, value",
    [
        (("service_area_m2",), "1500"),
        (("investment", 0, "amount"), "8200000"),
        (("finances", 0, "revenue"), "68000000"),
        (("staff", "total"), "96"),
        (("staff", "total"), Decimal("96.5")),  # a count must be an integer
        (("expert_review", "satisfaction"), "true"),
        (("expert_review", "satisfaction"), None),  # omit the key instead
        (("revenue_since_operation",), True),  # a boolean is not a number
    ],
)
def test_wrong_type(path, value):
    doc = example("recognition.yaml")
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert errors(APP, doc) == [(path, "type")]


@pytest.mark.parametrize("category", ["travel", "Rent", "equipment", ""])
def test_category_outside_the_twelve_codes(category):
    doc = example("recognition.yaml")
    doc["investment"][4]["category"] = category
    assert errors(APP, doc) == [(("investment", 4, "category"), "enum")]


def test_function_outside_the_five_codes():
    doc = example("recognition.yaml")
    doc["platform"]["functions"].append("training")
    assert errors(APP, doc) == [(("platform", "functions", 4), "enum")]


@pytest.mark.parametrize(
    "doc, expected",
    [
        ({}, [((), "required")]),
        ({"decision": "annual_assessment"}, [(("decision",), "enum")]),
    ],
)
def test_decision_required_and_coded(doc, expected):
    assert errors(APP, doc) == expected


def test_amount_with_three_decimal_places():
    doc = load_yaml(
        "decision: recognition\ninvestment:\n  - {category: materials, amount: 1200.005}\n"
        "  - {category: design, amount: 1200.50}\n"
    )
    assert doc["investment"][0]["amount"] == Decimal("1200.005")
    assert errors(APP, doc) == [(("investment", 0, "amount"), "multipleOf")]


@pytest.mark.parametrize(
    "rel, doc, path",
    [
        (
            ANN,
            {"decision": "annual_assessment", "supply_subsidy_total": Decimal("3682950.001")},
            ("supply_subsidy_total",),
        ),
        (
            ANN,
            {"decision": "annual_assessment", "new_investment": [{"category": "design", "amount": Decimal("0.125")}]},
            ("new_investment", 0, "amount"),
        ),
        (
            DEM,
            {"decision": "demand_subsidy", "purchases": [{"service_fee": Decimal("99.999")}]},
            ("purchases", 0, "service_fee"),
        ),
    ],
)
def test_three_decimal_places_everywhere(rel, doc, path):
    assert errors(rel, doc) == [(path, "multipleOf")]


@pytest.mark.parametrize(
    "reports, expected",
    [(0, []), (4, []), (5, [(("quarterly_reports",), "maximum")]), (-1, [(("quarterly_reports",), "minimum")])],
)
def test_quarterly_reports(reports, expected):
    doc = example("annual_assessment.yaml")
    doc["quarterly_reports"] = reports
    assert errors(ANN, doc) == expected


def test_annual_assessment_rejections():
    doc = example("annual_assessment.yaml")
    doc["result"] = "excellent"
    doc["follow_on_years_used"] = -1
    doc["new_investment"][0]["category"] = "land_use"
    doc["platform"]["owner"] = "x"
    assert errors(ANN, doc) == [
        (("follow_on_years_used",), "minimum"),
        (("new_investment", 0, "category"), "enum"),
        (("platform",), "additionalProperties"),
        (("result",), "enum"),
    ]


def test_bad_date():
    doc = load_yaml(
        (EXAMPLES / "annual_assessment.yaml")
        .read_text(encoding="utf-8")
        .replace("recognized_on: 2024-06-28", "recognized_on: 2023-02-30")
    )
    assert doc["recognized_on"] == "2023-02-30"
    assert errors(ANN, doc) == [(("recognized_on",), "format")]


@pytest.mark.parametrize(
    "path, value",
    [
        (("as_of",), "2024-13-01"),
        (("as_of",), "2024/12/20"),
        (("purchaser", "settled_on"), "2023-02-29"),
        (("purchases", 1, "used_on"), "2024-3-20"),
    ],
)
def test_bad_dates_in_demand_subsidy(path, value):
    doc = example("demand_subsidy.yaml")
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert errors(DEM, doc) == [(path, "format")]


def test_demand_subsidy_rejections():
    doc = example("demand_subsidy.yaml")
    doc["prior_subsidy_this_year"] = -5
    doc["purchases"][0]["platform_recognized"] = "yes"
    doc["purchases"][2]["discount"] = 0
    doc["year"] = "2024"
    assert errors(DEM, doc) == [
        (("prior_subsidy_this_year",), "minimum"),
        (("purchases", 0, "platform_recognized"), "type"),
        (("purchases", 2), "additionalProperties"),
        (("year",), "type"),
    ]


# ----------------------------------------------------------------------------------- decision record (output)

DEC = "decision.schema.json"


def decision_record():
    return {
        "policy": {"id": "wuqing-five-platforms", "version": "2021.1"},
        "decision": "recognition",
        "input": "examples/recognition_missing_review.yaml",
        "outcome": "needs_review",
        "outcome_label": {"zh": "待评审", "en": "needs review"},
        "rules": [
            {
                "id": "recognition.investment",
                "clause": "3.2.3",
                "severity": "require",
                "outcome": "pass",
                "label": {"zh": "平台建设投资额", "en": "construction investment"},
                "message": {
                    "zh": "平台建设投资额 10320000.00 元，不低于 1000 万元",
                    "en": "construction investment 10320000.00 yuan is at least 10,000,000",
                },
                "values": {"eligible_investment": "10320000.00", "threshold": "10000000.00"},
            },
            {
                "id": "recognition.satisfaction",
                "clause": "3.2.6",
                "severity": "require",
                "outcome": "unknown",
                "message": {"zh": "专家尚未评审使用方满意度", "en": "satisfaction not yet reviewed"},
                "values": {"satisfaction": None},
                "missing": ["expert_review.satisfaction"],
            },
        ],
        "outputs": {
            "eligible_investment": "10320000.00",
            "rd_intensity": "0.0423",
            "supply_subsidy_total": "0.00",
            "official_name": "武清区智能科技产业五大创新功能平台",
            "count": 3,
            "ok": True,
            "none": None,
            "purchases": [{"platform": "智能装备中试共享平台", "status": "eligible", "amount": "360000.00"}],
        },
        "output_errors": {"equipment_share": "division by zero"},
    }


def test_decision_record_valid():
    assert errors(DEC, decision_record()) == []
    minimal = {k: decision_record()[k] for k in ("policy", "decision", "outcome", "rules", "outputs")}
    assert errors(DEC, minimal) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d.update(extra=1), [((), "additionalProperties")]),
        (lambda d: d.pop("outputs"), [((), "required")]),
        (lambda d: d["rules"][0].update(weight=1), [(("rules", 0), "additionalProperties")]),
        (lambda d: d["rules"][0].update(outcome="skipped"), [(("rules", 0, "outcome"), "enum")]),
        (lambda d: d["rules"][0].update(severity="warn"), [(("rules", 0, "severity"), "enum")]),
        (lambda d: d["rules"][1]["message"].pop("en"), [(("rules", 1, "message"), "required")]),
        (lambda d: d["rules"][1].pop("clause"), [(("rules", 1), "required")]),
        (lambda d: d["policy"].pop("version"), [(("policy",), "required")]),
        (lambda d: d["outputs"].update(rows=["a"]), [(("outputs", "rows", 0), "type")]),
        (lambda d: d["output_errors"].update(x=1), [(("output_errors", "x"), "type")]),
    ],
)
def test_decision_record_rejections(change, expected):
    doc = decision_record()
    change(doc)
    assert errors(DEC, doc) == expected


# ------------------------------------------------------------------------------------------------ test cases

CASE = "case.schema.json"
CASE_YAML = """\
description: 其他合理费用超过 3% 时只计 3%
"on": 2024-03-01
version: "2021.1"
input_file: ../../examples/recognition.yaml
expect:
  outcome: eligible
  rules: {recognition.investment: pass, recognition.equipment_share: pass}
  outputs: {eligible_investment: "12276500.00", supply_subsidy_total: 3682950.00}
expect_by_version:
  "2022.1": {outcome: needs_review}
"""


def test_case_valid():
    doc = load_yaml(CASE_YAML)
    assert doc["on"] == "2024-03-01"
    assert errors(CASE, doc) == []
    inline = {"description": "negative amount", "input": {"decision": "recognition"}, "expect": {"error": "WQ-INPUT"}}
    assert errors(CASE, inline) == []


def test_bare_on_key_is_a_boolean_in_yaml_1_1():
    """Why the case schema tells authors to quote the `on` key."""
    doc = load_yaml(CASE_YAML.replace('"on":', "on:"))
    assert True in doc and "on" not in doc


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d.update(input={"decision": "filing"}), [((), "oneOf")]),  # both input and input_file
        (lambda d: d.pop("input_file"), [((), "oneOf")]),  # neither
        (lambda d: d.pop("expect"), [((), "required")]),
        (lambda d: d.update(inputs={}), [((), "additionalProperties")]),
        (
            lambda d: d["expect"]["rules"].update({"filing.plan": "passed"}),
            [(("expect", "rules", "filing.plan"), "enum")],
        ),
        (lambda d: d["expect"].update(error="WQ-INPUT"), [(("expect",), "maxProperties")]),  # error stands alone
        (lambda d: d["expect"].update(outcomes="eligible"), [(("expect",), "additionalProperties")]),
        (
            lambda d: d["expect_by_version"].update({"2022.1": {"error": "input"}}),
            [(("expect_by_version", "2022.1", "error"), "pattern")],
        ),
        (lambda d: d.update(on="2024-02-30"), [(("on",), "format")]),
    ],
)
def test_case_rejections(change, expected):
    doc = load_yaml(CASE_YAML)
    change(doc)
    assert errors(CASE, doc) == expected
