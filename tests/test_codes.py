"""Codes an input schema lists (an `enum`): the checker warns of a code that a field can never hold — one a
revision added to a parameter but not to the schema, so no input could ever match it, or a misspelt literal —
at the place it is written."""

from __future__ import annotations

from conftest import ROOT
from wqpolicy import types as T
from wqpolicy.loader import Library

POLICY = ROOT / "policies" / "wuqing-five-platforms" / "2021-trial.yaml"

REVISION = """\
id: wuqing-five-platforms
version: 2022-codes
extends: 2021-trial
title: {zh: 假设的修订（测试用）, en: hypothetical revision (a test)}
effective_from: 2022-01-01
parameters:
  eligible_categories: {add: [testing_fees]}
decisions:
  annual_assessment:
    outcome:
      - {when: result == "qualifed", then: continue_support}
      - {otherwise: rectify_or_revoke}
"""


def warnings_of(tmp_path, text: str) -> list[tuple]:
    path = tmp_path / "2022-codes.yaml"
    path.write_text(text, encoding="utf-8")
    errors, warnings = Library.over_bundled([path]).check([path])
    assert errors == []
    return [(d.span.file == str(path), d.span.line, d.span.col, d.message, d.hint) for d in warnings]


def decisions_of(tmp_path, text: str) -> list[list[str]]:
    """The decisions each warning names by a related place (where each names its input schema)."""
    path = tmp_path / "2022-codes.yaml"
    path.write_text(text, encoding="utf-8")
    _, warnings = Library.over_bundled([path]).check([path])
    return [[r.message for r in d.related] for d in warnings]


def test_a_code_a_revision_adds_but_the_schema_lacks_is_a_warning_at_the_added_item(tmp_path):
    line = next(
        n
        for n, t in enumerate(POLICY.read_text(encoding="utf-8").splitlines(), 1)
        if "i.category in eligible_categories" in t
    )
    found = warnings_of(tmp_path, REVISION)
    assert found[0] == (
        True,
        7,
        31,
        f"`testing_fees` in `eligible_categories` is never a value of `i.category` (read at {POLICY}:"
        f"{line}:67): its input schema allows only building_construction, "
        "decoration, design, equipment_hardware, "
        "equipment_software, installation, land, materials, other, property_purchase, rent, working_capital",
        "add the code to the field's `enum` in the input schema, or correct it here",
    )


def test_a_misspelt_code_in_a_comparison_is_a_warning_with_the_likely_code(tmp_path):
    found = warnings_of(tmp_path, REVISION)
    assert found[-1] == (
        True,
        11,
        26,
        "this is `qualifed`, which `result` can never be: its input schema allows only qualified, unqualified",
        "did you mean `qualified`?",
    )
    # the added code, once, naming each decision that reads the definition and whose schema lacks it (at its
    # `input:`); then the literal
    assert decisions_of(tmp_path, REVISION) == [
        ["the input schema of decision `recognition`", "the input schema of decision `annual_assessment`"],
        ["the input schema of decision `annual_assessment`"],
    ]


def test_a_misspelt_code_moved_to_the_excluded_categories_is_a_warning_too(tmp_path):
    """`excluded_categories` is read by the `excluded_investment` output, so its codes are checked like the rest."""
    found = warnings_of(
        tmp_path, REVISION.split("parameters:")[0] + "parameters:\n  excluded_categories: {add: [desgin]}\n"
    )
    assert [(line, col, message.split(" is never")[0], hint) for _, line, col, message, hint in found] == [
        (7, 31, "`desgin` in `excluded_categories`", "did you mean `design`?")
    ]


def test_codes_the_schema_lists_give_no_warning(tmp_path):
    fixed = REVISION.replace("{add: [testing_fees]}", "{remove: [decoration]}").replace("qualifed", "qualified")
    assert warnings_of(tmp_path, fixed) == []


def test_codes_are_text_for_every_other_purpose():
    codes = T.Codes("string", frozenset({"a", "b"}))
    assert codes == T.STRING and codes == T.STRING and hash(codes) == hash(T.STRING)
    assert T.fits(codes, T.STRING) and T.fits(T.STRING, codes)
    assert T.join(codes, T.Codes("string", frozenset({"c"}))).values == {"a", "b", "c"}
    assert type(T.join(codes, T.STRING)) is T.Simple  # any text: no longer a closed list
    assert T.join(codes, T.NUMBER) is None and T.join(codes, T.ANY) is codes
    assert T.from_schema({"enum": ["x", "y"]}).values == {"x", "y"}
    assert T.from_schema({"type": "string", "const": "x"}).values == {"x"}
    assert type(T.from_schema({"enum": ["x", 1]})) is T.Simple  # mixed: no kind, any


def test_a_revision_can_bring_its_own_input_schema_with_a_new_code_and_a_new_field(tmp_path):
    """No Python changes: the revision points `recognition` at a schema of its own that lists the new cost
    category and a new field its new rule reads; only the decisions still on the old schema are warned about."""
    import json

    from wqpolicy import load_policy
    from wqpolicy.inputs import load_input

    schema = json.loads((POLICY.parent / "inputs" / "application.schema.json").read_text(encoding="utf-8"))
    schema["$id"] = "https://example.org/application-2022.schema.json"
    schema["$defs"]["cost_category"]["enum"].append("testing_fees")
    schema["$defs"]["cost_category"]["enumDescriptions"].append("eligible: testing fees (hypothetical)")
    schema["properties"]["credit_ok"] = {"type": "boolean", "description": "good credit (hypothetical)"}
    (tmp_path / "application-2022.schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    revision = (
        REVISION.split("decisions:")[0]
        + """decisions:
  recognition:
    input: application-2022.schema.json
    rules:
      recognition.credit:
        clause: "3.2.2"
        label: {zh: 信用良好, en: Good credit}
        condition: credit_ok
        message: {zh: 信用不良, en: Bad credit}
"""
    )
    found = warnings_of(tmp_path, revision)
    assert len(found) == 1 and decisions_of(tmp_path, revision) == [
        ["the input schema of decision `annual_assessment`"]
    ]
    doc, _ = load_input(ROOT / "examples" / "recognition.yaml")
    doc["investment"].append({"category": "testing_fees", "amount": 100000})
    policy = load_policy(tmp_path / "2022-codes.yaml")
    record = policy.evaluate(None, {**doc, "credit_ok": False})
    assert record.rule("recognition.credit").outcome == "fail" and record.outcome == "ineligible"
    # declared eligible 12,550,000 + 100,000 testing fees = 12,650,000; `other` counts up to 3% of it, 379,500
    # (of 650,000): 12,650,000 - 650,000 + 379,500 (the trial version: 12,276,500.00)
    assert record.output("eligible_investment") == "12379500.00"
