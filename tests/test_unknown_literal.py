"""`unknown` in the language (the values are in tests/language/expressions.yaml): the literal where a policy means
"cannot be decided from this" (R&D intensity of no finance years), `x is unknown` / `x is known` as tests that are
never unknown themselves and ask for x without needing it, `== unknown` refused with what to write, and each seen by
the coverage recorder and read aloud in Chinese."""

from __future__ import annotations

import textwrap

import pytest

from conftest import BUNDLED_REF
from wqpolicy import UNKNOWN, load_policy
from wqpolicy.errors import WQError
from wqpolicy.expression import evaluate_expression, evaluate_in_decision
from wqpolicy.loader import Library
from wqpolicy.parser import parse
from wqpolicy.phrasing import Phrasing
from wqpolicy.syntax_errors import ParseFailure
from wqpolicy.vocabulary import Vocabulary

RD_SUMS = (
    "if len(finances) == 0 then unknown else if sum(f.revenue for f in finances) == 0 then 0 "
    "else sum(f.rd_expense for f in finances) / sum(f.revenue for f in finances)"
)
# What an officer writes without `unknown`: no finance years gives 0 (ineligible) instead of undecided.
RD_SUMS_NAIVE = (
    "if sum(f.revenue for f in finances) == 0 then 0 "
    "else sum(f.rd_expense for f in finances) / sum(f.revenue for f in finances)"
)


@pytest.fixture(scope="module")
def policy():
    return load_policy(BUNDLED_REF)


def test_ratio_of_sums_with_unknown_for_no_years_stays_undecided_where_the_plain_one_says_zero(policy):
    no_years = {"decision": "recognition", "finances": []}
    assert evaluate_in_decision(policy, "recognition", RD_SUMS, no_years)[0] is UNKNOWN
    assert evaluate_in_decision(policy, "recognition", RD_SUMS_NAIVE, no_years)[0] == 0  # 0 < 3%: ineligible
    years = {
        "decision": "recognition",
        "finances": [{"year": 2023, "revenue": 100, "rd_expense": 3}, {"year": 2024, "revenue": 300}],
    }
    value, kind = evaluate_in_decision(policy, "recognition", RD_SUMS, years)
    assert (value, str(kind)) == (UNKNOWN, "number")  # a year's rd_expense missing: unknown as well


def test_a_revision_that_writes_unknown_for_no_finance_years_gives_needs_review_not_ineligible(tmp_path):
    path = tmp_path / "2024-rd.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            id: wuqing-five-platforms
            version: 2024-rd
            extends: 2021-trial
            effective_from: 2024-01-01
            definitions:
              rd_intensity: {{expr: "{RD_SUMS}"}}
            """
        ),
        encoding="utf-8",
    )
    revised = Library.over_bundled([path]).load("wuqing-five-platforms", "2024-rd")
    record = revised.evaluate("recognition", {"finances": [], "submitted_on": "2024-03-01"})
    assert record.rule("recognition.rd_intensity").outcome == "unknown"
    assert record.outcome == "needs_review"


@pytest.mark.parametrize(
    "text, col, hint",
    [
        ("n == unknown", 3, "to test whether a value is missing, write `n is unknown`"),
        ("unknown != n", 9, "to test whether a value is missing, write `n is known`"),
    ],
)
def test_comparing_with_unknown_is_an_error_that_says_to_write_is_unknown(text, col, hint):
    with pytest.raises(WQError) as e:
        evaluate_expression(text, {"n": 1})
    [d] = e.value.diagnostics
    assert (d.code, d.span.col, d.hint) == ("WQ-TYPE", col, hint)
    assert d.zh and d.hint_zh


def test_unknown_is_a_keyword_not_a_name_but_still_a_field_after_a_dot():
    with pytest.raises(ParseFailure) as e:
        parse("unknown(1)")  # no function, nor a name to call
    assert e.value.offset == 7
    assert evaluate_expression("rules.unknown + 1", {"rules": {"unknown": 2}}) == 3
    assert evaluate_expression("known(x)", {"x": 1}) is True  # `known` stays a function's name


def test_is_unknown_asks_for_the_value_without_needing_it(policy):
    # `x is unknown` is decided whether x is there or not: like known(x), a missing x is no missing material
    compiled = policy.decision("recognition")
    from wqpolicy.checker import Checker
    from wqpolicy.codegen import CodeGen
    from wqpolicy.context import Context
    from wqpolicy.model import Expr

    checker = Checker(policy.model, compiled.decision, policy.inputs["recognition"].record)
    expr = Expr("special_case is unknown", parse("special_case is unknown"), lambda o, n: None)
    checker.expr(expr)
    fn = CodeGen(checker).function(expr.node, expr)
    noted = []

    class Noting(Context):
        def unread(self):
            noted.append("unread")

    assert fn(Noting({})) is True and noted == ["unread"]
    assert fn(Noting({"special_case": False})) is False and noted == ["unread"]


def test_the_recorder_sees_an_is_unknown_test_as_a_site_of_kind_known(tmp_path):
    path = tmp_path / "2024-known.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            id: wuqing-five-platforms
            version: 2024-known
            extends: 2021-trial
            effective_from: 2024-01-01
            decisions:
              recognition:
                outcome:
                  - {when: rules.failed > 0 and special_case is known and special_case, then: refer}
                  - {when: rules.failed > 0, then: ineligible}
                  - {when: rules.unknown + rules.error > 0, then: needs_review}
                  - {otherwise: eligible}
            """
        ),
        encoding="utf-8",
    )
    revised = Library.over_bundled([path]).load("wuqing-five-platforms", "2024-known")

    class Seen:
        def __init__(self):
            self.sites = []

        def observe(self, site, operands, result):
            self.sites.append((site, operands, result))

    seen = Seen()
    revised.evaluate("recognition", {"platform": {"filed": False}, "special_case": True}, recorder=seen)
    [(site, operands, result)] = [s for s in seen.sites if s[0].kind == "known"]
    assert (site.op, site.text, operands, result) == ("is known", "special_case is known", (True,), True)
    assert site.span.file == str(path)

    from wqpolicy.ci.coverage import run_coverage

    case = tmp_path / "case.yaml"
    case.write_text(
        "description: refer\npolicy: wuqing-five-platforms\nversion: 2024-known\ninput:\n  decision: recognition\n"
        "  platform: {filed: false}\n  special_case: true\nexpect: {outcome: refer}\n",
        encoding="utf-8",
    )
    _, coverage = run_coverage([case], policy_dirs=[tmp_path])
    [version] = coverage.versions
    [site] = [s for item in version.items for s in item.sites if s.info.site.kind == "known"]
    assert {g.name: g.met for g in site.goals} == {"true": True, "false": False}


def test_an_is_unknown_test_and_the_unknown_literal_read_aloud_in_chinese(policy):
    phrasing = Phrasing(Vocabulary(policy.model, "recognition"))
    text = "if expert_review.satisfaction is unknown then unknown else 1"
    assert phrasing.node(parse(text), text) == "若平台使用方满意度无法确定（待定），则待定，否则1"
