"""The engine's own words are string enums: a rule's outcome, a severity, a kind. Each is the text it stands for,
so code comparing with the text, the JSON record and the reports read exactly as before."""

from __future__ import annotations

import json
import pickle

from wqpolicy import load_policy
from wqpolicy.words import ERROR, Kind, RuleOutcome, Severity, kind_of


def test_each_word_is_its_text():
    assert RuleOutcome.PASS == "pass" and str(RuleOutcome.ERROR) == "error" and f"{Severity.ADVISE}" == "advise"
    assert repr(RuleOutcome.UNKNOWN) == "'unknown'"
    assert json.dumps([RuleOutcome.FAIL, Kind.MONEY]) == '["fail", "money"]'
    assert pickle.loads(pickle.dumps(RuleOutcome.FAIL)) is RuleOutcome.FAIL
    assert kind_of("ratio") is Kind.RATIO and kind_of(None) is None and kind_of("colour") is None
    assert ERROR == "error" and ERROR not in {w.value for w in Severity}


def test_a_record_speaks_in_the_enums_and_its_json_in_plain_text():
    record = load_policy("wuqing-five-platforms@2021-trial").evaluate("filing", {"platform": {"industry": "x"}})
    rule = record.rule("filing.industry")
    assert rule.outcome is RuleOutcome.FAIL and rule.severity is Severity.REQUIRE
    assert record.rule_outcomes()["filing.entity"] is RuleOutcome.UNKNOWN
    out = record.to_json()["rules"][0]
    assert type(out["outcome"]) is str and type(out["severity"]) is str and out["outcome"] == "fail"
    assert record.output_kinds == {}


def test_the_examples_in_the_words_docstrings_run():
    import doctest

    from wqpolicy import words

    found = doctest.testmod(words, report=True)
    assert found.attempted > 0 and found.failed == 0
