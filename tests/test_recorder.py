"""The hook a coverage tool will use: given a recorder, evaluation reports each `and`, `or`, `if` and comparison it
passes, with the operands it evaluated (SKIPPED for one it did not) and where the site is written; the record is
the one evaluation without a recorder gives, and the code that runs without one has no hook in it at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from wqpolicy import UNKNOWN, load_policy
from wqpolicy.context import SKIPPED
from wqpolicy.inputs import load_input

ROOT = Path(__file__).resolve().parent.parent
POLICY_FILE = ROOT / "policies" / "wuqing-five-platforms" / "2021-trial.yaml"


class Seen:
    def __init__(self):
        self.sites = []

    def observe(self, site, operands, result):
        self.sites.append((site, operands, result))

    def at(self, text):
        return [(operands, result) for site, operands, result in self.sites if site.text == text]


@pytest.fixture(scope="module")
def policy():
    return load_policy("wuqing-five-platforms@2021-trial")


def test_a_recorder_sees_each_branch_and_comparison_and_the_record_is_unchanged(policy):
    doc = load_input(ROOT / "examples" / "recognition.yaml")[0]
    seen = Seen()
    record = policy.evaluate(None, doc, recorder=seen)
    assert record == policy.evaluate(None, doc)
    kinds = {site.kind for site, _, _ in seen.sites}
    assert kinds == {"and", "or", "if", "compare"}
    (operands, result), *_ = seen.at("rd_intensity >= min_rd_intensity")
    assert result is True and operands[1] == policy.model.parameters["min_rd_intensity"].value
    site = next(s for s, _, _ in seen.sites if s.text == "rd_intensity >= min_rd_intensity")
    assert (site.op, site.span.file) == (">=", str(POLICY_FILE))
    line = POLICY_FILE.read_text(encoding="utf-8").splitlines()[site.span.line - 1]
    assert line[site.span.col - 1 :].startswith("rd_intensity >= min_rd_intensity")


def test_a_branch_settled_by_its_left_operand_reports_the_right_one_skipped(policy):
    seen = Seen()
    doc = {"applicant": {"registered_in_wuqing": False}}
    record = policy.evaluate("filing", doc, recorder=seen)
    assert record.rule("filing.entity").outcome == "fail"
    left = seen.at("applicant.registered_in_wuqing and applicant.operating_in_wuqing")
    assert left == [((False, SKIPPED), False)]
    unknown = Seen()
    policy.evaluate("filing", {}, recorder=unknown)
    assert unknown.at("applicant.registered_in_wuqing and applicant.operating_in_wuqing") == [
        ((UNKNOWN, UNKNOWN), UNKNOWN)
    ]


def test_the_code_that_runs_without_a_recorder_has_no_hook(policy):
    compiled = policy.decision("recognition")
    compiled.run(policy.inputs["recognition"].prepare({"decision": "recognition"}), recorder=Seen())
    assert "_seen(" not in "\n".join(compiled.source)
