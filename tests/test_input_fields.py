"""Input fields in a revision: `input_fields: {add, remove, required}` resolved onto the input schema the revision
inherits, without a copy of it — a new field is optional unless required, titled in Chinese and English as the
schemas' own fields are; the base version keeps its schema; what does not fit is an error at the revision's line;
`wqpolicy schema` prints the resolved schema."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal

import pytest

from conftest import BUNDLED_REF, ROOT, run
from wqpolicy import load_policy
from wqpolicy.errors import WQError
from wqpolicy.fieldtitles import FieldTitles
from wqpolicy.library import Library

STRUCTURAL = ROOT / "tests" / "fixtures" / "revision" / "structural" / "2024-structural.yaml"
HEAD = """\
id: wuqing-five-platforms
version: {version}
extends: {base}
effective_from: {start}
"""


def write(folder, body: str, version: str = "2024-fields", base: str = "2021-trial", start: str = "2024-01-01"):
    path = folder / f"{version}.yaml"
    path.write_text(HEAD.format(version=version, base=base, start=start) + textwrap.dedent(body), encoding="utf-8")
    return path


def problems(path) -> list[tuple]:
    errors, warnings = Library.over_bundled([path]).check([path])
    found = sorted(errors + warnings, key=lambda d: (d.span.line, d.span.col))
    return [(d.span.line, d.span.col, d.code, d.subject) for d in found]


@pytest.fixture(scope="module")
def structural():
    return load_policy(str(STRUCTURAL))


def test_a_field_added_is_optional_titled_and_in_the_revision_alone(structural):
    schema = structural.model.decisions["recognition"].input_schema
    assert schema["properties"]["invention_patents"] == {
        "type": "integer",
        "minimum": 0,
        "title": "有效发明专利数量",
        "x-title-en": "Valid invention patents",
        "description": "3.2.11 有效发明专利数量（项）",
    }
    assert "invention_patents" not in schema["required"]
    titles = FieldTitles(schema)
    assert titles.material("platform.park").zh == "平台：平台所在园区"
    base = load_policy(BUNDLED_REF)
    assert "invention_patents" not in base.model.decisions["recognition"].input_schema["properties"]
    doc = {"decision": "recognition", "invention_patents": 3, "platform": {"park": "京津科技谷"}}
    assert structural.validate("recognition", doc) == []
    assert [d.subject for d in base.validate("recognition", doc)] == [None, "platform"]  # each unknown field


def test_a_required_field_and_a_removed_one(tmp_path):
    path = write(
        tmp_path,
        """\
        decisions:
          recognition:
            input_fields:
              add:
                invention_patents: {type: integer, minimum: 0, title: {zh: 发明专利, en: Patents}}
              required: [invention_patents, submitted_on]
              remove: [special_case]
            outcome:
              - {when: rules.failed > 0, then: ineligible}
              - {when: rules.unknown + rules.error > 0, then: needs_review}
              - {otherwise: eligible}
        """,
    )
    assert problems(path) == []
    policy = Library.over_bundled([path]).load("wuqing-five-platforms", "2024-fields")
    schema = policy.model.decisions["recognition"].input_schema
    assert schema["required"] == ["decision", "invention_patents", "submitted_on"]
    assert "special_case" not in schema["properties"]
    found = policy.validate("recognition", {"decision": "recognition", "special_case": True})
    assert (
        sorted(d.message for d in found)
        == [
            "(document): 'invention_patents' is a required property",
            "(document): 'submitted_on' is a required property",
            "(document): unknown field `special_case` (allowed: applicant, decision, expert_review, finances, "
            "invention_patents, investment, partner_cases, platform, revenue_since_operation, service_area_m2, staff, "
            "submitted_on, track_record)",
        ]
        or found
    )


def test_removing_a_field_a_rule_still_reads_is_an_error(tmp_path):
    path = write(tmp_path, "decisions:\n  recognition:\n    input_fields: {remove: [partner_cases]}\n")
    found = problems(path)
    assert ("WQ-NAME", "recognition.partners") in {(code, subject) for _, _, code, subject in found}


def test_what_does_not_fit_is_an_error_at_the_revisions_line(tmp_path):
    path = write(
        tmp_path,
        """\
        decisions:
          recognition:
            input_fields:
              add:
                partner_cases: {type: integer, title: {zh: 重复, en: twice}}
                staff.total.part: {type: string, title: {zh: 子项, en: part}}
                nowhere.field: {type: string, title: {zh: 无, en: none}}
                platform.area: {type: strnig, title: {zh: 面积, en: area}}
                platform.zone: {$ref: "#/$defs/nothere", title: {zh: 区, en: zone}}
                investment.note: {type: string, title: {zh: 备注, en: Note}}
              remove: [platform.nosuch]
              required: [ghost]
        """,
    )
    assert problems(path) == [
        (9, 9, "WQ-NAME", "partner_cases"),  # there already
        (10, 9, "WQ-NAME", "staff.total.part"),  # a number is no record
        (11, 9, "WQ-NAME", "nowhere.field"),  # no such parent
        (12, 31, "WQ-SCHEMA", "platform.area"),  # not a JSON Schema type: at the value
        (13, 32, "WQ-SCHEMA", "platform.zone"),  # a $ref to nothing
        (15, 16, "WQ-NAME", "platform.nosuch"),  # nothing to remove
        (16, 18, "WQ-NAME", "ghost"),  # only a field there can be required
    ]


def test_a_field_added_to_list_items_reaches_each_item(tmp_path):
    path = write(
        tmp_path,
        "decisions:\n  recognition:\n    input_fields:\n      add:\n"
        "        investment.note: {type: string, title: {zh: 备注, en: Note}}\n",
    )
    assert problems(path) == []
    policy = Library.over_bundled([path]).load("wuqing-five-platforms", "2024-fields")
    doc = {"decision": "recognition", "investment": [{"category": "design", "amount": 1, "note": "图纸"}]}
    assert policy.validate("recognition", doc) == []
    assert load_policy(BUNDLED_REF).validate("recognition", doc) != []  # the shared $defs are not changed


def test_a_revision_of_a_revision_keeps_the_fields_it_inherits_and_reports_its_own_at_its_line(tmp_path):
    first = write(
        tmp_path,
        "decisions:\n  recognition:\n    input_fields:\n      add:\n"
        "        invention_patents: {type: integer, title: {zh: 有效发明专利数量, en: Valid invention patents}}\n",
    )
    second = write(
        tmp_path,
        "decisions:\n  recognition:\n    input_fields:\n      add:\n"
        "        utility_models: {type: integer, title: {zh: 实用新型专利数量, en: Utility models}}\n"
        "        invention_patents: {type: integer, title: {zh: 重复, en: twice}}\n",
        "2025-more",
        "2024-fields",
        "2025-01-01",
    )
    errors, _ = Library.over_bundled([tmp_path]).check([second])
    assert [(d.span.file, d.span.line, d.subject) for d in errors] == [(str(second), 10, "invention_patents")]
    (second.parent / second.name).write_text(
        second.read_text(encoding="utf-8").replace(
            "        invention_patents: {type: integer, title: {zh: 重复, en: twice}}\n", ""
        ),
        encoding="utf-8",
    )
    policy = Library.over_bundled([tmp_path]).load("wuqing-five-platforms", "2025-more")
    assert {"invention_patents", "utility_models"} <= set(
        policy.model.decisions["recognition"].input_schema["properties"]
    )
    assert first.is_file()


def test_a_revision_naming_a_new_input_schema_takes_it_whole(tmp_path):
    write(
        tmp_path,
        "decisions:\n  recognition:\n    input_fields:\n      add:\n"
        "        invention_patents: {type: integer, title: {zh: 有效发明专利数量, en: Valid invention patents}}\n",
    )
    source = ROOT / "policies" / "wuqing-five-platforms" / "inputs" / "application.schema.json"
    (tmp_path / "application-2025.schema.json").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    write(
        tmp_path,
        "decisions:\n  recognition:\n    input: application-2025.schema.json\n",
        "2025-schema",
        "2024-fields",
        "2025-01-01",
    )
    policy = Library.over_bundled([tmp_path]).load("wuqing-five-platforms", "2025-schema")
    assert "invention_patents" not in policy.model.decisions["recognition"].input_schema["properties"]


def test_the_schema_command_prints_the_resolved_input_schema():
    result = run("schema", "recognition", "--policy", STRUCTURAL)
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout, parse_float=Decimal)  # the bounds as written, digit for digit
    assert schema["properties"]["platform"]["properties"]["park"]["x-title-en"] == "Park the platform is in"
    assert schema["x-wqpolicy"]["policy"] == "wuqing-five-platforms@2024-structural"
    assert schema["properties"]["investment"]["items"]["$ref"] == "#/$defs/line_item"
    money = schema["$defs"]["money"]
    assert money["multipleOf"] == Decimal("0.01") and money["maximum"] == Decimal("999999999999999.99")
    assert '"maximum": 999999999999999.99,' in result.stdout  # not the nearest double, 1000000000000000.0
    base = json.loads(run("schema", "recognition", "--policy", BUNDLED_REF).stdout)
    assert "invention_patents" not in base["properties"]
    unknown = run("schema", "recognitoin")
    assert unknown.exit_code == 1 and "recognition" in unknown.stderr


def test_the_batch_template_has_a_column_for_a_field_a_revision_adds(tmp_path):
    out = tmp_path / "apps.csv"
    result = run("template", "recognition", "--policy", STRUCTURAL, "--format", "csv", "--out", out)
    assert result.exit_code == 0, result.stderr
    header = out.read_text(encoding="utf-8-sig").splitlines()[:2]
    assert "有效发明专利数量" in header[0] and "invention_patents" in header[1] and "platform.park" in header[1]


def test_an_input_with_the_new_fields_is_refused_by_the_base_with_the_field_named(structural):
    with pytest.raises(WQError) as e:
        load_policy(BUNDLED_REF).evaluate("recognition", {"invention_patents": 2})
    assert [d.code for d in e.value.diagnostics] == ["WQ-INPUT"]
    assert structural.evaluate("recognition", {"invention_patents": 2}).rule(
        "recognition.invention_patents"
    ).outcome == ("pass")


@pytest.mark.parametrize("module", ["input_fields", "set_aside", "transitions"])
def test_the_docstring_examples_of_the_structural_modules_run(module):
    import doctest
    import importlib

    found = doctest.testmod(importlib.import_module(f"wqpolicy.{module}"))
    assert found.attempted > 0 and found.failed == 0
