"""Which outputs are paid out is declared in the policy (`payout: true`): the impact totals sum those, never a
remaining cap, an investment figure or a total of tranches counted twice."""

from __future__ import annotations

import pytest

from conftest import BUNDLED_REF, ROOT, policy_copy
from wqpolicy import load_policy
from wqpolicy.cases import load_cases
from wqpolicy.diff import policy_changes
from wqpolicy.errors import WQError
from wqpolicy.impact import case_impact


def payouts(policy) -> dict[str, list[str]]:
    return {n: sorted(o.name for o in d.outputs.values() if o.payout) for n, d in policy.model.decisions.items()}


def test_the_bundled_policy_declares_the_tranches_and_the_demand_totals_as_payouts(bundled_policy):
    assert payouts(bundled_policy) == {
        "filing": [],
        "recognition": ["tranche_after_first_assessment", "tranche_on_recognition"],
        "annual_assessment": ["follow_on_subsidy", "second_tranche"],
        "demand_subsidy": ["total_eligible", "total_pending"],
    }


def test_payout_on_an_output_that_is_not_money_is_an_error_at_it(tmp_path):
    folder = policy_copy(tmp_path, with_revision=False)
    trial = folder / "2021-trial.yaml"
    text = trial.read_text(encoding="utf-8")
    output = "      rd_intensity:\n        expr: rd_intensity\n        type: ratio\n"
    trial.write_text(text.replace(output, output + "        payout: true\n"), "utf-8")
    with pytest.raises(WQError) as e:
        load_policy(str(trial))
    found = [d for d in e.value.diagnostics if d.code == "WQ-TYPE"]
    line = text[: text.index(output)].count("\n") + 4
    assert [(d.subject, d.span.line) for d in found] == [("rd_intensity", line)]
    assert found[0].zh is not None


def test_a_revision_that_stops_paying_an_output_says_so_in_the_diff(tmp_path):
    revision = tmp_path / "rev.yaml"
    revision.write_text(
        "id: wuqing-five-platforms\nversion: 2022-x\nextends: 2021-trial\neffective_from: 2022-01-01\n"
        "decisions:\n  demand_subsidy:\n    outputs:\n      total_pending: {payout: false}\n",
        encoding="utf-8",
    )
    changes = policy_changes(load_policy(BUNDLED_REF).model, load_policy(str(revision)).model)
    assert [(c.kind, c.path, c.before, c.after) for c in changes] == [
        ("output.changed", "decisions.demand_subsidy.outputs.total_pending.payout", True, False)
    ]


def test_case_impact_sums_payouts_only(bundled_policy, tmp_path):
    revision = tmp_path / "rev.yaml"
    revision.write_text(
        "id: wuqing-five-platforms\nversion: 2022-x\nextends: 2021-trial\neffective_from: 2022-01-01\n"
        "parameters:\n  supply_subsidy_ratio: {value: 35%}\n  eligible_categories: {remove: [decoration]}\n",
        encoding="utf-8",
    )
    cases, _ = load_cases([ROOT / "tests" / "cases" / "recognition"])
    impact = case_impact(bundled_policy, load_policy(str(revision)), cases, base=ROOT)
    [count] = impact.counts
    assert set(count.money) == {"tranche_after_first_assessment", "tranche_on_recognition"}
    # each case's own differences still show every money output that moved
    assert any(o.name == "supply_subsidy_total" for c in impact.changed for o in c.outputs)
