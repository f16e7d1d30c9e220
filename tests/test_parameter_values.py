"""Parameter values of the wrong shape are load-time errors, not TypeErrors when a rule reads them: empty values,
values that are not their declared `type`, list items and mapping entries of different kinds.

Positions are asserted by the fixtures tests/fixtures/invalid/parameter-value-*; these tests assert the code,
that the message names the parameter, and what still passes.
"""

from __future__ import annotations

import datetime
import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from wqpolicy.expression import evaluate_in_decision
from wqpolicy.loader import Library
from wqpolicy.values import UNKNOWN, Duration

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "invalid" / "type-string-vs-number"

POLICY = """\
id: values-demo
version: "{version}"
effective_from: "{start}"
{extends}
source:
  document: guide.md
parameters:
{parameters}
decisions:
  grant:
    input: input.schema.json
    rules:
      grant.registered:
        clause: "2"
        label: {{zh: 已注册, en: Registered}}
        condition: applicant.registered
        message: {{zh: 未注册, en: Not registered}}
    outcome:
      - {{when: rules.failed > 0, then: ineligible}}
      - {{otherwise: eligible}}
clause_map:
  "1": [{names}]
  "2": [grant.registered]
"""


def write_policy(folder: Path, parameters: str, version="1", start="2021-01-01", extends="") -> Path:
    for name in ("guide.md", "input.schema.json"):
        shutil.copy(FIXTURE / name, folder / name)
    params = textwrap.dedent(parameters).strip("\n")
    names = ", ".join(line.split(":")[0].strip() for line in params.splitlines() if not line.startswith(" "))
    path = folder / f"v{version}.yaml"
    path.write_text(
        POLICY.format(
            version=version, start=start, extends=extends, names=names, parameters=textwrap.indent(params, "  ")
        ),
        encoding="utf-8",
    )
    return path


def errors_of(tmp_path: Path, parameters: str) -> list:
    write_policy(tmp_path, parameters)
    return Library([tmp_path]).check()[0]


def only_error(tmp_path, parameters, code, name):
    errors = errors_of(tmp_path, parameters)
    assert [d.code for d in errors] == [code], [d.message for d in errors]
    assert f"parameter `{name}`" in errors[0].message
    return errors[0]


# -- empty values -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["", "null", "~"])
def test_an_empty_value_says_so_and_what_to_do(tmp_path, value):
    d = only_error(
        tmp_path,
        f"""
        min_staff:
          value: {value}
          type: integer
          clause: "1"
        """,
        "WQ-SCHEMA",
        "min_staff",
    )
    assert "empty" in d.message and "write a value, or remove the parameter" in d.message
    line = Path(d.span.file).read_text(encoding="utf-8").splitlines()[d.span.line - 1]
    assert line.strip().startswith("value:")  # at the value, not the parameter's name


@pytest.mark.parametrize(
    "value, where",
    [
        ("[software, null]", "value[1]"),
        ("[software, ]", None),  # a trailing comma adds no item: not an error
        ("{software: {zh: 软件, en: }}", "value.software.en"),
        ("{software: null}", "value.software"),
        ("[[a], [b, null]]", "value[1][1]"),
    ],
)
def test_an_empty_item_or_entry_is_named(tmp_path, value, where):
    errors = errors_of(
        tmp_path,
        f"""
        sectors:
          value: {value}
          clause: "1"
        """,
    )
    if where is None:
        assert errors == []
        return
    assert [d.code for d in errors] == ["WQ-SCHEMA"]
    assert f"parameter `sectors`: `{where}` is empty" in errors[0].message


def test_a_comma_in_unquoted_text_inside_braces_gets_a_hint(tmp_path):
    d = only_error(
        tmp_path,
        """
        stages:
          clause: "1"
          value:
            apply: {zh: 申请, en: The applicant, on the annual call}
        """,
        "WQ-SCHEMA",
        "stages",
    )
    assert "on the annual call" in d.message
    assert "quote" in d.hint


# -- declared type ----------------------------------------------------------------------------------------
DECLARED = [  # type, a value of it, a value that is not
    ("number", "12.5", "twelve"),
    ("ratio", "4.5%", "4.5 percent"),
    ("money", "2万元", "[1, 2]"),
    ("integer", "2", "2.5"),
    ("integer", "2.0", "2%"),
    ("date", "2022-07-01", "2022-02-30"),
    ("duration", "6 months", "6 mo"),
    ("string", "武清区", "12"),
    ("string", "2022-07-01", "true"),
    ("bool", "false", "no way"),
    ("list", "[a, b]", "{a: 1}"),
    ("mapping", "{a: 1}", "[a]"),
]


@pytest.mark.parametrize("kind, good, bad", DECLARED)
def test_each_declared_type_accepts_its_values_and_rejects_others(tmp_path, kind, good, bad):
    param = """
        p:
          value: {}
          type: {}
          clause: "1"
        """
    assert errors_of(tmp_path, param.format(good, kind)) == []
    d = only_error(tmp_path, param.format(bad, kind), "WQ-TYPE", "p")
    assert f"declared {kind}" in d.message and "`type`" in d.message


def test_a_date_written_as_text_is_a_date_and_text_declared_string_stays_text(tmp_path):
    write_policy(
        tmp_path,
        """
        opened: {value: 2022-07-01, type: date, clause: "1"}
        window: {value: 6 months, type: duration, clause: "1"}
        code: {value: 2022-07-01, type: string, clause: "1"}
        share: {value: 3%, clause: "1"}
        """,
    )
    params = Library([tmp_path]).load("values-demo", "1").model.parameters
    assert params["opened"].value == datetime.date(2022, 7, 1)
    assert params["window"].value == Duration(0, 6, 0)
    assert params["code"].value == "2022-07-01"
    assert params["share"].value == Decimal("0.03")


# -- lists and mappings of one kind -----------------------------------------------------------------------
def test_a_list_item_unlike_the_first_is_named(tmp_path):
    d = only_error(
        tmp_path,
        """
        sectors: {value: [software, 1], clause: "1"}
        """,
        "WQ-TYPE",
        "sectors",
    )
    assert "`value[1]` is number, unlike `value[0]` (string)" in d.message


def test_an_empty_list_is_like_any_other_list(tmp_path):
    assert (
        errors_of(
            tmp_path,
            """
        industries:
          clause: "1"
          value:
            tech: {zh: 科技, en: Technology, subsectors: [software]}
            other: {zh: 其他, en: Other, subsectors: []}
        """,
        )
        == []
    )


def test_a_scalar_entry_among_records_is_named(tmp_path):
    d = only_error(
        tmp_path,
        """
        reasons:
          clause: "1"
          value:
            in_district: {zh: 区内企业, en: Purchaser in the district}
            settled: 0.001
        """,
        "WQ-TYPE",
        "reasons",
    )
    assert "`value.settled` is number, unlike `value.in_district` (record)" in d.message


@pytest.mark.parametrize(
    "value, code", [("1000", "WQ-TYPE"), ("true", "WQ-TYPE"), ("[1, 2]", "WQ-TYPE"), ("null", "WQ-SCHEMA")]
)
def test_a_record_field_of_another_kind_than_in_the_other_entries_is_named(tmp_path, value, code):
    d = only_error(
        tmp_path,
        f"""
        industries:
          clause: "1"
          value:
            tech: {{zh: 科技, en: Technology, subsectors: [software, hardware]}}
            other: {{zh: 其他, en: Other, subsectors: {value}}}
        """,
        code,
        "industries",
    )
    assert "`value.other.subsectors`" in d.message


def test_a_mapping_of_scalars_must_be_of_one_kind(tmp_path):
    d = only_error(
        tmp_path,
        """
        labels: {value: {a: text, b: 2}, clause: "1"}
        """,
        "WQ-TYPE",
        "labels",
    )
    assert "`value.b`" in d.message


def test_a_record_may_lack_a_field_the_others_have_and_reading_it_gives_unknown(tmp_path):
    write_policy(
        tmp_path,
        """
        industries:
          clause: "1"
          value:
            tech: {zh: 科技, en: Technology, subsectors: [software, hardware]}
            other: {zh: 其他, en: Other}
        """,
    )
    library = Library([tmp_path])
    assert library.check() == ([], [])
    policy = library.load("values-demo", "1")
    for text in (
        'industries["other"].subsectors',
        '"software" in industries["other"].subsectors',
        'len(industries["other"].subsectors)',
    ):
        assert evaluate_in_decision(policy, "grant", text)[0] is UNKNOWN
    assert evaluate_in_decision(policy, "grant", '"software" in industries["tech"].subsectors')[0] is True


def test_an_item_added_by_a_revision_is_checked_too(tmp_path):
    write_policy(
        tmp_path,
        """
        sectors: {value: [software], clause: "1"}
        regions: {value: {east: {name: 东区, size: 3}}, clause: "1"}
        """,
        start="2021-01-01",
    )
    (tmp_path / "v1.yaml").write_text(
        (tmp_path / "v1.yaml")
        .read_text(encoding="utf-8")
        .replace('effective_from: "2021-01-01"', 'effective_from: "2021-01-01"\neffective_until: "2021-12-31"'),
        encoding="utf-8",
    )
    (tmp_path / "v2.yaml").write_text(
        textwrap.dedent("""\
        id: values-demo
        version: "2"
        extends: "1"
        effective_from: "2022-01-01"
        parameters:
          sectors: {add: [7]}
          regions:
            add:
              west: {name: 西区, size: big}
        """),
        encoding="utf-8",
    )
    errors = Library([tmp_path]).check()[0]
    assert [(d.code, d.message.split(":")[0]) for d in errors] == [
        ("WQ-TYPE", "parameter `sectors`"),
        ("WQ-TYPE", "parameter `regions`"),
    ]
    # each reported where the revision wrote the item, not at the base's `value:`
    assert [(Path(d.span.file).name, d.span.line, d.span.col) for d in errors] == [
        ("v2.yaml", 6, 19),
        ("v2.yaml", 9, 30),
    ]


def test_a_parameter_that_cites_no_clause_is_an_error_at_its_name(tmp_path):
    path = write_policy(
        tmp_path,
        """
        sectors: {value: [software]}
        """,
    )
    [error] = Library([tmp_path]).check()[0]
    assert (error.code, error.message) == ("WQ-SCHEMA", "parameter `sectors` cites no clause")
    assert error.hint.startswith('add `clause: "…"`')
    line = path.read_text(encoding="utf-8").splitlines().index("  sectors: {value: [software]}") + 1
    assert (error.span.line, error.span.col) == (line, 3)


@pytest.mark.parametrize(
    "text, hint",
    [
        ("-1 year", "a duration cannot be negative: give how long, as `1 year`"),
        ("0.5 year", "a duration is whole years, months or days: write `6 months`, not `0.5 year`"),
        ("20 %", "write `20%`"),
    ],
)
def test_what_to_write_for_a_duration_or_number_written_wrongly(text, hint):
    """Before: `-1 year` was told to write `-1year` (refused as well), `0.5 year` that `year` is no unit."""
    from wqpolicy.parameter_values import number_hint

    assert number_hint(text) == hint
