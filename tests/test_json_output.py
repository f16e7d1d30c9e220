"""`wqpolicy eval --format json|jsonl` as the bureau's systems read it: for every example and every case input,
the record validates against schemas/decision.schema.json, uses the contract's names
(shared/spec/contract.md, "Output shape"), and is byte for byte the same on every run, in any process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from conftest import BUNDLED_REF, ROOT, run
from wqpolicy.cases import load_cases
from wqpolicy.explain import explain, explained_json
from wqpolicy.inputs import load_input
from wqpolicy.library import Library
from wqpolicy.version_choice import VersionChooser

EXAMPLES = sorted(str(p) for p in (ROOT / "examples").glob("*.yaml"))
CASES, _ = load_cases([ROOT / "tests" / "cases"])
SCHEMA = jsonschema.Draft202012Validator(
    json.loads((ROOT / "schemas" / "decision.schema.json").read_text(encoding="utf-8"))
)

MONEY = re.compile(r"-?\d+\.\d{2}")
DECIMAL = re.compile(r"-?\d+(\.\d+)?")
# The contract's names: rule ids with their clauses, outcome words, outputs (money or ratio or text) per decision.
FILING_RULES = {
    "filing.industry": "3.1.1",
    "filing.entity": "3.1.2",
    "filing.operations": "3.1.3",
    "filing.services": "3.1.4",
    "filing.plan": "3.1.5",
}
RECOGNITION_RULES = {
    "recognition.filed": "3.2.1",
    "recognition.positioning": "3.2.2",
    "recognition.rd_intensity": "3.2.3",
    "recognition.investment": "3.2.3",
    "recognition.service_area": "3.2.3",
    "recognition.leading_position": "3.2.3",
    "recognition.staff": "3.2.4",
    "recognition.equipment_and_service": "3.2.5",
    "recognition.track_record": "3.2.6",
    "recognition.satisfaction": "3.2.6",
    "recognition.revenue": "3.2.7",
    "recognition.market_mechanism": "3.2.7",
    "recognition.partners": "3.2.8",
    "recognition.equipment_share": "6.3.1",
}
CONTRACT = {
    "filing": {
        "rules": FILING_RULES,
        "outcomes": {"eligible", "ineligible", "refer", "needs_review"},
        "money": [],
        "ratio": [],
        "text": [],
    },
    "recognition": {
        "rules": {**FILING_RULES, **RECOGNITION_RULES},
        "outcomes": {"eligible", "ineligible", "refer", "needs_review"},
        "money": [
            "eligible_investment",
            "supply_subsidy_total",
            "tranche_on_recognition",
            "tranche_after_first_assessment",
        ],
        "ratio": ["rd_intensity", "rd_staff_share", "equipment_share"],
        "text": ["official_name"],
    },
    "annual_assessment": {
        "rules": {"assessment.quarterly_reports": "5.1.1"},
        "outcomes": {"continue_support", "rectify_or_revoke", "needs_review"},
        "money": ["second_tranche", "follow_on_subsidy"],
        "ratio": [],
        "text": [],
    },
    "demand_subsidy": {
        "rules": {},
        "outcomes": {"eligible", "pending", "ineligible", "needs_review"},
        "money": ["total_eligible", "total_pending", "cap_remaining"],
        "ratio": [],
        "text": [],
    },
}


def as_json_text(doc) -> str:
    """A case's input as the JSON a portal would send: exact decimals written as JSON numbers, not floats."""
    text = json.dumps(doc, ensure_ascii=False, default=lambda d: f"\0{d}\0")
    return re.sub(r'"\x00(.*?)\x00"', r"\1", text.replace("\\u0000", "\0"))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[tuple[str, object]]:
    """(file, case or None) for every example and every case input, the case inputs written as JSON files."""
    folder = tmp_path_factory.mktemp("inputs")
    out = [(path, None) for path in EXAMPLES]
    for case in CASES:
        rel = case.path.relative_to(ROOT / "tests" / "cases").with_suffix(".json")
        path = folder / str(rel).replace("/", "__")
        path.write_text(as_json_text(case.input), encoding="utf-8")
        out.append((str(path), case))
    return out


def test_the_corpus_is_all_there(inputs):
    assert len(EXAMPLES) == 6 and len(CASES) == len(list((ROOT / "tests" / "cases").rglob("*.yaml"))) > 100
    assert as_json_text({"a": Decimal("9999999.995"), "b": "x"}) == '{"a": 9999999.995, "b": "x"}'


def no_float(text):
    raise AssertionError(f"a JSON number {text} in the record: numbers are written as strings")


def check_contract(record: dict) -> None:
    assert list(record)[:3] == ["policy", "decision", "input"]
    assert record["policy"] == {
        "id": "wuqing-five-platforms",
        "version": "2021-trial",
        "files": ["policies/wuqing-five-platforms/2021-trial.yaml"],  # the files read, relative to here
    }
    contract = CONTRACT[record["decision"]]
    assert record["outcome"] in contract["outcomes"]
    clauses = {r["id"]: r["clause"] for r in record["rules"]}
    assert {k: clauses.get(k) for k in contract["rules"]} == contract["rules"]
    for rule in record["rules"]:
        assert rule["outcome"] in ("pass", "fail", "unknown", "error")
        assert set(rule["message"]) == {"zh", "en"} and rule["message"]["zh"] and rule["message"]["en"]
    outputs = record["outputs"]
    for name in contract["money"]:  # unknown (null) only when an input it needs is missing: then the outcome is
        value = outputs[name]  # needs_review, but for cap_remaining (prior_subsidy_this_year, no outcome reads)
        assert (
            MONEY.fullmatch(value)
            if value is not None
            else (record["outcome"] == "needs_review" or name == "cap_remaining")
        ), (name, value)
    for name in contract["ratio"]:
        assert outputs[name] is None or DECIMAL.fullmatch(outputs[name]), (name, outputs[name])
    for name in contract["text"]:  # official_name: none for an industry outside the six
        assert isinstance(outputs[name], str) or (outputs[name] is None and record["outcome"] != "eligible")
    if record["decision"] == "demand_subsidy":
        for purchase in outputs["purchases"]:
            if purchase["status"] is None:  # undecided (a missing input it needs): so is the whole decision
                assert purchase["amount"] is None and record["outcome"] == "needs_review"
                continue
            assert purchase["status"] in ("eligible", "pending", "ineligible")
            if purchase["amount"] is None:  # what the others used of the cap is unknown (one has no date)
                assert purchase["status"] != "ineligible" and record["outcome"] == "needs_review"
                continue
            assert MONEY.fullmatch(purchase["amount"])


def test_every_example_and_case_input_gives_a_valid_deterministic_record_in_the_contracts_names(inputs):
    good = [(path, case) for path, case in inputs if not (case and "error" in case.expect)]
    # one policy load for them all; the version named, as the cases' expectations are those of 2021-trial
    first = run("eval", "--format", "json", "--policy", BUNDLED_REF, *[path for path, _ in good])
    assert first.exit_code == 0, first.stderr
    assert first.stdout == run("eval", "--format", "json", "--policy", BUNDLED_REF, *[path for path, _ in good]).stdout
    records = json.loads(first.stdout, parse_float=no_float, parse_int=no_float)
    assert len(records) == len(good) > 140
    for (path, case), record in zip(good, records):
        errors = [e.message for e in SCHEMA.iter_errors(record)]
        assert not errors, (path, errors)
        check_contract(record)
        assert record["input"] == path
        if case and "outcome" in case.expect:
            assert record["outcome"] == case.expect["outcome"], path
    # the CLI prints each record's to_json(), indented, Chinese as written, one newline at the end
    assert first.stdout == json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def test_an_input_error_case_gives_no_record_and_its_code_at_its_file(inputs):
    bad = [(path, case) for path, case in inputs if case and "error" in case.expect]
    assert len(bad) > 5
    r = run("eval", "--format", "json", *[path for path, _ in bad])
    assert (r.exit_code, r.stdout) == (1, "[]\n")
    for path, case in bad:
        assert re.search(rf"^{re.escape(path)}:\d+:\d+: error\[{case.expect['error']}\]", r.stderr, re.M), path


def test_records_are_byte_identical_in_processes_with_different_hash_seeds(inputs):
    files = [path for path, case in inputs if not (case and "error" in case.expect)]
    here = run("eval", "--format", "jsonl", *files)
    assert here.exit_code == 0
    outputs = set()
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-m", "wqpolicy", "eval", "--format", "jsonl", *files],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr.decode()
        outputs.add(done.stdout)
    assert outputs == {here.stdout_bytes}


def test_json_of_several_inputs_is_the_array_of_each_ones_object():
    each = [json.loads(run("eval", "--format", "json", path).stdout) for path in EXAMPLES]
    together = run("eval", "--format", "json", *EXAMPLES)
    assert together.exit_code == 0
    assert json.loads(together.stdout) == each
    assert together.stdout == json.dumps(each, ensure_ascii=False, indent=2) + "\n"


def test_jsonl_gives_one_compact_line_per_input_in_order_with_standard_input_among_them():
    recognition = Path(EXAMPLES[3]).read_text(encoding="utf-8")
    assert EXAMPLES[3].endswith("/recognition.yaml")
    r = run("eval", "--format", "jsonl", EXAMPLES[0], "-", EXAMPLES[2], input=recognition)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.split("\n")
    assert lines[-1] == "" and len(lines) == 4
    records = [json.loads(line) for line in lines[:-1]]
    assert [d["input"] for d in records] == [EXAMPLES[0], "<stdin>", EXAMPLES[2]]
    for line, record in zip(lines, records):
        assert line == json.dumps(record, ensure_ascii=False)
        assert SCHEMA.is_valid(record)
    from_file = json.loads(run("eval", "--format", "json", EXAMPLES[3]).stdout)
    assert {**records[1], "input": from_file["input"]} == from_file


def test_json_from_standard_input_alone_is_one_object():
    text = Path(EXAMPLES[2]).read_text(encoding="utf-8")
    r = run("eval", "--format", "json", "-", input=text)
    assert r.exit_code == 0
    record = json.loads(r.stdout)
    assert isinstance(record, dict) and record["input"] == "<stdin>" and record["decision"] == "filing"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: Path(p).name)
def test_the_api_records_to_json_is_what_the_cli_prints(path):
    doc, marks = load_input(path)  # the CLI picks the version by the application's date, as VersionChooser does
    policy, dated = VersionChooser(Library()).choose(None, doc)
    record = policy.evaluate(None, doc, marks=marks, input_name=path).dated(dated)
    printed = run("eval", "--format", "json", path).stdout
    explained = explained_json(record, explain(policy, record, doc))  # the record and its explanation
    assert json.dumps(explained, ensure_ascii=False, indent=2) + "\n" == printed
