"""Input documents checked against their decision's schema, through ``Policy.evaluate`` and `wqpolicy eval`:
every problem is a WQ-INPUT diagnostic with the JSON path, the file and the line where the input has marks."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import yaml

from conftest import ROOT, run
from wqpolicy import WQError
from wqpolicy.inputs import load_input

RECOGNITION = (ROOT / "examples" / "recognition.yaml").read_text(encoding="utf-8")
POLICY = "wuqing-five-platforms@2021-trial"


@pytest.fixture(scope="module")
def policy(bundled_policy):
    return bundled_policy


def position(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def changed(old: str, new: str, text: str = RECOGNITION) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def evaluate_file(policy, tmp_path, text: str, name: str = "input.yaml", decision=None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc, marks = load_input(path)
    return policy.evaluate(decision, doc, marks=marks, input_name=str(path)), path


def input_errors(policy, tmp_path, text: str, name: str = "input.yaml", decision=None):
    with pytest.raises(WQError) as e:
        evaluate_file(policy, tmp_path, text, name, decision)
    return e.value.diagnostics


def eval_cli(*args: str):
    return run("eval", "--policy", POLICY, *args)


def test_the_example_is_valid_and_eligible(policy, tmp_path):
    record, _ = evaluate_file(policy, tmp_path, RECOGNITION)
    assert record.outcome == "eligible"


def test_an_error_gives_the_json_path_the_file_and_the_line(policy, tmp_path):
    text = changed("{category: decoration, amount: 1500000}", "{category: decoration, amount: -5}")
    [d] = input_errors(policy, tmp_path, text)
    assert d.code == "WQ-INPUT"
    assert d.message.startswith("investment[2].amount: -5 ")
    assert "minimum of 0" in d.message
    assert (d.span.file, d.span.line, d.span.col) == (str(tmp_path / "input.yaml"), *position(text, "-5}"))


def test_every_input_error_is_reported_sorted(policy, tmp_path):
    text = changed("partner_cases: 4", "partner_cases: -1")
    text = changed("{category: decoration, amount: 1500000}", "{category: decoration, amount: -5}", text)
    errors = input_errors(policy, tmp_path, text)
    assert [(d.code, d.span.line) for d in errors] == [
        ("WQ-INPUT", position(text, "-5}")[0]),
        ("WQ-INPUT", position(text, "-1")[0]),
    ]
    assert [d.message.split(":")[0] for d in errors] == ["investment[2].amount", "partner_cases"]


def test_an_unknown_field_is_an_error_at_that_field(policy, tmp_path):
    text = changed("  registered_in_wuqing: true", "  registerd_in_wuqing: true")
    [d] = input_errors(policy, tmp_path, text)
    assert d.code == "WQ-INPUT"
    assert d.message.startswith("applicant:") and "registerd_in_wuqing" in d.message
    assert (d.span.line, d.span.col) == position(text, "registerd_in_wuqing")


def test_an_unknown_top_level_field_is_an_error_at_that_field(policy, tmp_path):
    text = changed("special_case: false", "special_case: false\nspecial_cases: true")
    [d] = input_errors(policy, tmp_path, text)
    assert d.code == "WQ-INPUT" and "special_cases" in d.message
    assert (d.span.line, d.span.col) == position(text, "special_cases")


@pytest.mark.parametrize(
    "old, new, path",
    [
        ("{category: decoration, amount: 1500000}", "{category: decoration, amount: -0.01}", "investment[2].amount"),
        (
            "{category: decoration, amount: 1500000}",
            '{category: decoration, amount: "1500000"}',
            "investment[2].amount",
        ),
        (
            "{category: decoration, amount: 1500000}",
            "{category: decoration, amount: 1500000.001}",
            "investment[2].amount",
        ),
        ("{category: decoration, amount: 1500000}", "{category: flowers, amount: 1500000}", "investment[2].category"),
        ("partner_cases: 4", "partner_cases: 2.5", "partner_cases"),
        ("partner_cases: 4", "partner_cases: '4'", "partner_cases"),
        ("service_area_m2: 2350.5", "service_area_m2: NaN", "service_area_m2"),
        ("service_area_m2: 2350.5", "service_area_m2: Infinity", "service_area_m2"),
        ("special_case: false", "special_case: 'false'", "special_case"),
        ("  filed: true", "  filed: yes please", "platform.filed"),
    ],
)
def test_bad_values_are_input_errors_at_their_path(policy, tmp_path, old, new, path):
    text = changed(old, new)
    [d] = input_errors(policy, tmp_path, text)
    assert d.code == "WQ-INPUT"
    assert d.message.startswith(path + ":")
    assert d.span.line == position(text, new.strip())[0]


def test_a_json_input_with_nan_and_infinity_is_an_input_error(tmp_path):
    path = tmp_path / "input.json"
    path.write_text(
        json.dumps(
            {"decision": "recognition", "service_area_m2": float("nan"), "revenue_since_operation": float("inf")}
        ),
        encoding="utf-8",
    )
    assert "NaN" in path.read_text() and "Infinity" in path.read_text()
    result = eval_cli(str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [x for x in result.stderr.splitlines() if "error[WQ-INPUT]" in x]
    assert len(lines) == 2 and all(x.startswith(f"{path}:1:") for x in lines)
    assert {x.split(": ", 2)[2].split(":")[0] for x in lines} == {"service_area_m2", "revenue_since_operation"}


@pytest.mark.parametrize("amount", ["1000000000000000", "1e35", "100000000000000000000000000000000000.01"])
def test_an_amount_past_the_schema_maximum_is_an_input_error_not_a_crash(policy, tmp_path, amount):
    text = changed("{category: rent, amount: 900000}", f"{{category: rent, amount: {amount}}}")
    [d] = input_errors(policy, tmp_path, text)
    assert d.message.startswith("investment[7].amount: ") and d.span.line == 35
    assert "greater than the maximum of 999999999999999.99" in d.message and "Decimal(" not in d.message


def test_multiple_of_is_exact_past_28_digits_where_a_schema_sets_no_maximum():
    from wqpolicy.schemas import error_message, validator

    v = validator({"type": "number", "multipleOf": Decimal("0.01")})
    assert list(v.iter_errors(Decimal("1" + "0" * 39 + ".01"))) == []
    [e] = v.iter_errors(Decimal("1" + "0" * 39 + ".001"))
    assert error_message(e) == "(document): 1" + "0" * 39 + ".001 is not a multiple of 0.01"


def test_yaml_nan_is_refused_when_the_input_is_read(tmp_path):
    path = tmp_path / "input.yaml"
    path.write_text("decision: recognition\nservice_area_m2: .nan\n", encoding="utf-8")
    with pytest.raises(WQError) as e:
        load_input(path)
    assert [(d.code, d.span.line, d.span.col) for d in e.value.diagnostics] == [("WQ-YAML", 2, 18)]


def test_an_industry_outside_the_six_is_not_an_input_error_but_fails_filing_industry(policy, tmp_path):
    text = changed("industry: biomedicine", "industry: aerospace")
    record, _ = evaluate_file(policy, tmp_path, text)
    assert record.outcome == "ineligible"
    outcomes = {r.id: r.outcome for r in record.rules}
    assert outcomes["filing.industry"] == "fail"


def test_a_missing_field_is_not_an_error_but_unknown(policy, tmp_path):
    text = changed("partner_cases: 4\n", "")
    record, _ = evaluate_file(policy, tmp_path, text)
    assert record.outcome == "needs_review"
    assert {r.id: r.outcome for r in record.rules}["recognition.partners"] == "unknown"


def test_no_decision_field_and_no_decision_option_is_a_clear_error(policy, tmp_path):
    text = changed("decision: recognition\n", "")
    [d] = input_errors(policy, tmp_path, text)
    assert d.code == "WQ-INPUT"
    assert d.span.file == str(tmp_path / "input.yaml")
    assert "decision" in d.message and "recognition" in d.message
    record, _ = evaluate_file(policy, tmp_path, text, decision="recognition")
    assert record.outcome == "eligible"


def test_no_decision_through_the_command_line(tmp_path):
    path = tmp_path / "input.yaml"
    path.write_text(changed("decision: recognition\n", ""), encoding="utf-8")
    result = eval_cli(str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:1:1: error[WQ-INPUT]")
    assert eval_cli("--decision", "recognition", str(path)).exit_code == 0


@pytest.mark.parametrize(
    "wrong, right", [("recognitoin", "recognition"), ("filling", "filing"), ("annual-assessment", "annual_assessment")]
)
def test_a_wrong_decision_name_suggests_the_right_one(policy, tmp_path, wrong, right):
    text = changed("decision: recognition\n", f"decision: {wrong}\n")
    [d] = input_errors(policy, tmp_path, text)
    assert d.code == "WQ-INPUT"
    assert d.span.file == str(tmp_path / "input.yaml")
    assert f"`{right}`" in (d.hint or "")
    [d] = input_errors(policy, tmp_path, RECOGNITION, decision=wrong)
    assert f"`{right}`" in (d.hint or "")


def test_a_wrong_decision_option_suggests_the_right_one_on_the_command_line(tmp_path):
    path = tmp_path / "input.yaml"
    path.write_text(RECOGNITION, encoding="utf-8")
    result = eval_cli("--decision", "recognitoin", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        "error[WQ-INPUT]: --decision: policy wuqing-five-platforms@2021-trial has no decision "
        "`recognitoin` (did you mean `recognition`?)\n"
    )
    twice = eval_cli("--decision", "recognitoin", str(path), str(path))  # one error about the option, not per input
    assert twice.exit_code == 1 and twice.stderr == result.stderr


@pytest.mark.parametrize("value", ["5", "[recognition]", "{name: recognition}", "true"])
def test_a_decision_that_is_not_a_name_is_an_input_error_at_the_value(tmp_path, value):
    path = tmp_path / "input.yaml"
    text = changed("decision: recognition\n", f"decision: {value}\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WQError) as e:
        load_input(path)
    [d] = e.value.diagnostics
    line, col = position(text, f"decision: {value}")
    assert (d.code, d.span.line, d.span.col) == ("WQ-INPUT", line, col + len("decision: "))


@pytest.mark.parametrize("text", ["[1, 2]\n", "just text\n", "42\n"])
def test_a_document_that_is_not_a_mapping_is_an_input_error(tmp_path, text):
    path = tmp_path / "input.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WQError) as e:
        load_input(path)
    assert [(d.code, d.span.file, d.span.line) for d in e.value.diagnostics] == [("WQ-INPUT", str(path), 1)]


def test_evaluate_without_marks_still_names_the_path(policy):
    doc = yaml.safe_load(RECOGNITION)
    doc["partner_cases"] = -1
    with pytest.raises(WQError) as e:
        policy.evaluate(None, doc)
    [d] = e.value.diagnostics
    assert d.code == "WQ-INPUT" and d.message.startswith("partner_cases:")


def test_a_document_from_json_load_or_safe_load_with_floats_is_read_exactly(policy):
    doc = yaml.safe_load(RECOGNITION)
    assert isinstance(doc["investment"][4]["amount"], float)
    assert policy.evaluate(None, doc).outcome == "eligible"
    doc = json.loads(json.dumps(doc, ensure_ascii=False))
    record = policy.evaluate(None, doc)
    assert record.outcome == "eligible"
    assert str(record.outputs["eligible_investment"]) == "12276500.00"


def test_python_nan_and_infinity_in_a_document_are_input_errors(policy):
    doc = yaml.safe_load(RECOGNITION)
    doc["service_area_m2"] = float("nan")
    doc["investment"][0]["amount"] = float("inf")
    with pytest.raises(WQError) as e:
        policy.evaluate(None, doc)
    assert [d.message.split(":")[0] for d in e.value.diagnostics] == ["investment[0].amount", "service_area_m2"]


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_decimal_nan_and_infinity_in_a_document_are_input_errors(policy, value):
    doc = yaml.safe_load(RECOGNITION)
    doc["service_area_m2"] = Decimal(value)
    with pytest.raises(WQError) as e:
        policy.evaluate(None, doc)
    [d] = e.value.diagnostics
    assert d.code == "WQ-INPUT" and d.message.startswith("service_area_m2: ")
    assert d.message.endswith(" is not a finite number (NaN and Infinity are not allowed)")


def test_the_command_line_names_file_line_and_col_on_stderr(tmp_path):
    text = changed("{category: decoration, amount: 1500000}", "{category: decoration, amount: -5}")
    path = tmp_path / "input.yaml"
    path.write_text(text, encoding="utf-8")
    result = eval_cli(str(path))
    assert result.exit_code == 1
    line, col = position(text, "-5}")
    assert result.stderr.startswith(f"{path}:{line}:{col}: error[WQ-INPUT]: investment[2].amount:")
    assert result.stdout == ""


def test_one_bad_input_among_several_fails_the_run_but_the_others_are_evaluated(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(RECOGNITION, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(changed("partner_cases: 4", "partner_cases: -1"), encoding="utf-8")
    result = eval_cli("--format", "json", str(good), str(bad))
    assert result.exit_code == 1
    assert [r["outcome"] for r in json.loads(result.stdout)] == ["eligible"]
    assert str(bad) in result.stderr and str(good) not in result.stderr


@pytest.mark.parametrize("value", [5, ["recognition"]])
def test_a_decision_that_is_not_a_name_is_an_input_error_through_the_api(policy, value):
    with pytest.raises(WQError) as e:
        policy.evaluate(None, {"decision": value})
    assert e.value.diagnostics[0].code == "WQ-INPUT"


def test_a_whole_number_written_with_a_decimal_point_is_an_integer_as_json_schema_says(policy, tmp_path):
    record, _ = evaluate_file(policy, tmp_path, changed("total: 96", "total: 96.0"))
    assert record.outcome == "eligible"
    [staff] = [r for r in record.rules if r.id == "recognition.staff"]
    assert (staff.outcome, str(staff.values["staff.total"])) == ("pass", "96.0")
    [d] = input_errors(policy, tmp_path, changed("total: 96", "total: 96.5"))
    assert d.message == "staff.total: 96.5 is not of type 'integer'"
