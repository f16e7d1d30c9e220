"""Transitions: `at(parameter, date)` gives a parameter's value in the version in force on a date — a platform
recognised in 2022 keeps the 50 % it was paid on recognition when a 2024 revision splits the subsidy 40 % / 60 % —
from a table laid out at load (no library at evaluation); a date no version covers is a fault, never a value of
another period; `check` warns when a revision changes a parameter an output reads beside a date of the past
without `at`, at the edit and at the output; and mutation drops each `at` to see that a case notices."""

from __future__ import annotations

import pickle
import textwrap
from decimal import Decimal

import pytest

from conftest import BUNDLED_REF, ROOT, policy_copy, run
from wqpolicy import UNKNOWN, load_policy
from wqpolicy.ci.mutation import run_mutation
from wqpolicy.errors import WQError
from wqpolicy.expression import evaluate_in_decision
from wqpolicy.library import Library
from wqpolicy.parser import parse
from wqpolicy.phrasing import Phrasing
from wqpolicy.vocabulary import Vocabulary

STRUCTURAL = ROOT / "tests" / "fixtures" / "revision" / "structural" / "2024-structural.yaml"
CASES = STRUCTURAL.parent / "cases"

HEAD = """\
id: wuqing-five-platforms
version: {version}
extends: 2021-trial
effective_from: {start}
"""
AT_SECOND_TRANCHE = """\
decisions:
  annual_assessment:
    outputs:
      second_tranche:
        expr: >-
          if first_assessment and result == "qualified"
          then supply_subsidy_total - round(supply_subsidy_total * at(first_tranche_share, recognized_on), 2) else 0
"""


def assessment(recognized_on: str | None, year: int = 2024) -> dict:
    doc = {
        "decision": "annual_assessment",
        "year": year,
        "first_assessment": True,
        "result": "qualified",
        "supply_subsidy_total": 3000000,
    }
    return {**doc, "recognized_on": recognized_on} if recognized_on else doc


@pytest.fixture(scope="module")
def structural():
    return load_policy(str(STRUCTURAL))


def revision(tmp_path, body: str, version: str = "2024-t", start: str = "2024-01-01"):
    path = tmp_path / f"{version}.yaml"
    path.write_text(HEAD.format(version=version, start=start) + textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "recognized_on, second",
    [
        ("2021-01-01", "1500000.00"),  # the first day of 2021-trial: 50 % paid then, 50 % now
        ("2022-06-30", "1500000.00"),
        ("2023-12-31", "1500000.00"),  # the last day of 2021-trial
        ("2024-01-01", "1800000.00"),  # the first of 2024-structural: 40 % then, 60 % now
        ("2024-03-15", "1800000.00"),
    ],
)
def test_at_gives_the_share_in_force_on_the_recognition_date(structural, recognized_on, second):
    record = structural.evaluate(None, assessment(recognized_on))
    assert (record.outcome, record.output("second_tranche")) == ("continue_support", second)


def test_an_unknown_date_gives_an_unknown_value_and_asks_for_the_date(structural):
    record = structural.evaluate(None, assessment(None))
    assert record.outputs["second_tranche"] is UNKNOWN
    assert "recognized_on" in record.missing()


def test_a_date_before_any_version_fails_closed_at_the_at(structural):
    record = structural.evaluate(None, assessment("2019-05-01"))
    assert record.outcome == "error" and record.outputs["second_tranche"] is UNKNOWN
    [fault] = record.faults
    line = next(
        n for n, t in enumerate(STRUCTURAL.read_text(encoding="utf-8").splitlines(), 1) if "at(first_tranche" in t
    )
    assert (fault.code, fault.span.file, fault.span.line, fault.subject) == (
        "WQ-EVAL",
        str(STRUCTURAL),
        line,
        "second_tranche",
    )
    assert "no version of wuqing-five-platforms is in force on 2019-05-01" in fault.message
    assert fault.zh and fault.hint_zh


def test_a_period_no_version_covers_and_a_version_without_the_parameter_are_faults(tmp_path):
    # 2021-trial until 2021-12-31; 2022-gap, without first_tranche_share, until 2022-12-31; a declared gap in
    # 2023; 2024-t from 2024-01-01
    folder = policy_copy(tmp_path, with_revision=False)
    revision(
        folder,
        "effective_until: 2022-12-31\nparameters:\n  first_tranche_share: {remove: true}\n"
        "decisions:\n  recognition:\n    definitions: {first_tranche: '0'}\n",
        "2022-gap",
        "2022-01-01",
    )
    revision(folder, "gap_before: true\n" + AT_SECOND_TRANCHE, "2024-t", "2024-01-01")
    policy = Library([folder]).load("wuqing-five-platforms", "2024-t")
    assert policy.evaluate(None, assessment("2021-05-01")).output("second_tranche") == "1500000.00"
    lacking = policy.evaluate(None, assessment("2022-05-01"))
    assert lacking.outcome == "error"
    assert "version 2022-gap, in force on 2022-05-01, has no parameter first_tranche_share" in lacking.faults[0].message
    gap = policy.evaluate(None, assessment("2023-05-01"))
    assert gap.outcome == "error" and "no version of wuqing-five-platforms is in force on 2023-05-01" in (
        gap.faults[0].message
    )


def test_evaluation_needs_no_library_and_the_record_stays_plain(tmp_path, monkeypatch):
    policy = load_policy(str(STRUCTURAL))

    def refuse(*args, **kwargs):
        raise AssertionError("the library is asked at evaluation")

    monkeypatch.setattr(Library, "build", refuse)
    monkeypatch.setattr(Library, "load", refuse)
    record = policy.evaluate(None, assessment("2022-06-30"))
    assert record.output("second_tranche") == "1500000.00"
    assert pickle.loads(pickle.dumps(record)) == record


def test_a_version_compiled_alone_answers_for_its_own_period_only():
    policy = load_policy(BUNDLED_REF)
    doc = {"decision": "annual_assessment"}
    assert evaluate_in_decision(policy, "annual_assessment", "at(first_tranche_share, 2022-01-01)", doc)[0] == (
        Decimal("0.5")
    )
    with pytest.raises(WQError) as e:  # a fault of the expression, as `wqpolicy expr` reports it
        evaluate_in_decision(policy, "annual_assessment", "at(first_tranche_share, 2020-12-31)", doc)
    [fault] = e.value.diagnostics
    assert fault.code == "WQ-EVAL"
    assert "no version of wuqing-five-platforms is in force on 2020-12-31" in fault.message


@pytest.mark.parametrize(
    "text, code, col",
    [
        ("at(first_tranche, recognized_on)", "WQ-TYPE", 4),  # a definition, not a parameter
        ("at(recognized_on, recognized_on)", "WQ-TYPE", 4),  # an input field
        ("at(first_tranche_share, year)", "WQ-TYPE", 1),  # not a date
        ("at(first_tranche_share)", "WQ-ARITY", 1),
        ("at(first_tranche_shar, recognized_on)", "WQ-NAME", 4),
    ],
)
def test_at_takes_a_parameter_and_a_date(text, code, col):
    result = run("expr", text, "--decision", "annual_assessment", "--policy", BUNDLED_REF)
    assert result.exit_code == 1
    assert f":1:{col}: error[{code}]" in result.stderr


def test_at_is_read_aloud_as_the_value_in_force_on_the_date(structural):
    phrasing = Phrasing(Vocabulary(structural.model, "annual_assessment"))
    text = "at(first_tranche_share, recognized_on)"
    assert phrasing.node(parse(text), text) == "认定日期当日施行的认定后首笔拨付比例"


# -- check warns of a revision that forgets the transition ---------------------------------------------------------
def findings(path):
    errors, warnings = Library.over_bundled([path]).check([path])
    assert errors == []
    return [d for d in warnings if d.code == "WQ-TRANSITION"]


def test_a_changed_share_read_beside_a_past_date_without_at_is_a_warning_at_both_places(tmp_path):
    path = revision(tmp_path, "parameters:\n  first_tranche_share: {value: 40%}\n")
    [found] = findings(path)
    assert (found.span.file, found.span.line, found.span.col, found.severity) == (str(path), 6, 32, "warning")
    assert (found.subject, found.decision) == ("first_tranche_share", "annual_assessment")
    assert (
        found.hint
        == "if the value in force on that date is meant, write `at(first_tranche_share, recognized_on)` in the output"
    )
    [related] = found.related  # the output's expression: its first line, the one before `then … first_tranche_share`
    policy_file = ROOT / "policies" / "wuqing-five-platforms" / "2021-trial.yaml"
    lines = policy_file.read_text(encoding="utf-8").splitlines()
    line = next(n for n, t in enumerate(lines, 1) if "supply_subsidy_total * first_tranche_share" in t)
    assert (related.span.file, related.span.line) == (str(policy_file), line - 1)
    assert lines[line - 2].strip() == 'if first_assessment and result == "qualified"'
    assert found.zh and found.hint_zh


def test_with_at_the_transition_is_said_and_check_is_silent(tmp_path):
    path = revision(tmp_path, "parameters:\n  first_tranche_share: {value: 40%}\n" + AT_SECOND_TRANCHE)
    assert findings(path) == []
    assert findings(STRUCTURAL) == []


def test_a_parameter_no_output_reads_beside_a_past_date_gives_no_warning(tmp_path):
    # recognition's only date picks the version; the categories reach annual outputs through definitions only
    path = revision(
        tmp_path, "parameters:\n  supply_subsidy_ratio: {value: 35%}\n  eligible_categories: {remove: [design]}\n"
    )
    assert findings(path) == []


# -- mutation -------------------------------------------------------------------------------------------------------
def test_dropping_an_at_is_a_mutant_that_the_structural_cases_kill():
    tests, report = run_mutation([CASES], policy_dirs=[STRUCTURAL.parent], jobs=1)
    assert tests.failed == 0
    found = {m.id: r.status for _, m, r in report.mutants if m.kind == "transition"}
    assert sorted(found) == [
        "transition output annual_assessment.follow_on_subsidy 120:38 at(follow_on_max_years)",
        "transition output annual_assessment.second_tranche 113:68 at(first_tranche_share)",
    ]
    assert set(found.values()) == {"killed"}
