"""Benchmark: the full recognition decision, wqpolicy vs the same rules hand-written in Python with Decimal.

Both run in the same process on the same documents; the result is a ratio, not a time, so it holds on any
machine. The hand-written baseline takes every threshold from the loaded policy (no guideline number is
written here), handles missing input as unknown like the engine, and returns rule outcomes and outputs.

    python benchmarks/bench_recognition.py            # prints µs per application and the ratio
"""
from __future__ import annotations

import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import wqpolicy  # noqa: E402
from wqpolicy.inputs import load_input  # noqa: E402

U = None  # the baseline's "unknown"
CENT = Decimal("0.01")


def handwritten(P):
    """The recognition rules of the 2021 trial, by hand, closed over the policy's parameter values."""
    industries, eligible, equipment = P["industries"], set(P["eligible_categories"]), set(P["equipment_categories"])
    excluded = set(P["excluded_categories"])
    other = P["other_category"]

    def and3(*xs):
        if any(x is False for x in xs):
            return False
        return U if any(x is U for x in xs) else True

    def ge(a, b):
        return U if a is U else a >= b

    def run(doc):
        applicant, platform = doc.get("applicant", {}), doc.get("platform", {})
        premises, plan = platform.get("premises", {}), platform.get("plan", {})
        review, staff, track = doc.get("expert_review", {}), doc.get("staff", {}), doc.get("track_record", {})
        items = doc.get("investment")
        if items is None:
            declared = other_declared = equip = excluded_declared = U
        else:
            excluded_declared = sum((i["amount"] for i in items if i["category"] in excluded), Decimal(0))
            declared = sum((i["amount"] for i in items if i["category"] in eligible), Decimal(0))
            other_declared = sum((i["amount"] for i in items if i["category"] == other), Decimal(0))
            equip = sum((i["amount"] for i in items if i["category"] in equipment), Decimal(0))
        if declared is U:
            inv = share = U
        else:
            inv = declared - other_declared + min(other_declared, P["other_cost_cap_ratio"] * declared)
            share = Decimal(0) if inv == 0 else equip / inv
        fin = doc.get("finances")
        rd = U if not fin else sum((Decimal(0) if f["revenue"] == 0 else Decimal(f["rd_expense"]) / f["revenue"]
                                    for f in fin), Decimal(0)) / len(fin)
        industry, subsector = platform.get("industry", U), platform.get("subsector", U)
        total, rdt = staff.get("total", U), staff.get("rd_technical", U)
        intensive = industry in P["equipment_intensive_industries"] or subsector in P["equipment_intensive_subsectors"]
        rules = {
            "filing.industry": U if industry is U else industry in industries,
            "filing.entity": and3(applicant.get("registered_in_wuqing", U), applicant.get("operating_in_wuqing", U),
                                  applicant.get("independent_legal_person", U)),
            "filing.operations": and3(*(premises.get(k, U) for k in ("fixed_office", "equipment", "research_team",
                                                                     "management_team"))),
            "filing.services": U if "functions" not in platform
            else len(set(platform["functions"])) >= P["min_functions"],
            "filing.plan": and3(*(plan.get(k, U) for k in ("goals", "schedule", "safeguards"))),
            "recognition.filed": platform.get("filed", U),
            "recognition.positioning": review.get("positioning", U),
            "recognition.rd_intensity": ge(rd, P["min_rd_intensity"]),
            "recognition.investment": ge(inv, P["min_investment"]),
            "recognition.service_area": ge(doc.get("service_area_m2", U), P["min_service_area_m2"]),
            "recognition.leading_position": review.get("leading_position", U),
            "recognition.staff": and3(staff.get("tech_leader", U), U if total is U else total > 0,
                                      U if (total is U or rdt is U or total == 0) else Decimal(rdt) / total
                                      >= P["min_rd_staff_share"]),
            "recognition.equipment_and_service": review.get("equipment_and_service", U),
            "recognition.track_record": and3(ge(track.get("services_provided", U), P["min_services_provided"]),
                                             track.get("convertible_results", U)),
            "recognition.satisfaction": review.get("satisfaction", U),
            "recognition.revenue": U if "revenue_since_operation" not in doc else doc["revenue_since_operation"] > 0,
            "recognition.market_mechanism": review.get("market_mechanism", U),
            "recognition.partners": ge(doc.get("partner_cases", U), P["min_partner_cases"]),
            "recognition.equipment_share": True if not intensive else ge(share, P["min_equipment_share"]),
        }
        # the advisory rule (a warning only, never the outcome): the engine evaluates it too
        advice = {"filing.subsector": U if industry is U or subsector is U or industry not in industries
                  else subsector in industries[industry]["subsectors"]}
        values = rules.values()
        if any(v is False for v in values):
            outcome = "refer" if doc.get("special_case") is True else "ineligible"
        elif any(v is U for v in values):
            outcome = "needs_review"
        else:
            outcome = "eligible"
        subsidy = first = Decimal(0)
        if outcome == "eligible":
            subsidy = min((P["supply_subsidy_ratio"] * inv).quantize(CENT, ROUND_HALF_UP), P["supply_subsidy_cap"])
            first = (subsidy * P["first_tranche_share"]).quantize(CENT, ROUND_HALF_UP)
        name = industries.get(industry)
        return outcome, {**rules, **advice}, {
            "eligible_investment": U if inv is U else inv.quantize(CENT, ROUND_HALF_UP),
            "excluded_investment": U if excluded_declared is U else excluded_declared.quantize(CENT, ROUND_HALF_UP),
            "rd_intensity": rd,
            "rd_staff_share": U if total is U or rdt is U else (Decimal(0) if total == 0 else Decimal(rdt) / total),
            "equipment_share": share, "supply_subsidy_total": subsidy, "tranche_on_recognition": first,
            "tranche_after_first_assessment": subsidy - first,
            "official_name": None if name is None
            else P["official_name_prefix"] + name["zh"] + P["official_name_suffix"],
        }
    return run


def _time(fn, docs, rounds):
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            for d in docs:
                fn(d)
        best = min(best, (time.perf_counter() - start) / (rounds * len(docs)))
    return best


def main(rounds: int = 400) -> dict:
    policy = wqpolicy.load_policy("wuqing-five-platforms@2021-trial")
    params = {n: p.value for n, p in policy.model.parameters.items()}
    raw = [load_input(ROOT / "examples" / name)[0] for name in ("recognition.yaml", "recognition_missing_review.yaml")]
    docs = [policy.inputs["recognition"].prepare(doc) for doc in raw]
    compiled = policy.decisions["recognition"]
    baseline = handwritten(params)
    for d in docs:  # the two must agree before their speeds are compared: outcome, every rule, every output
        outcome, rules, outputs = baseline(d)
        record = compiled.run(d)
        assert record.outcome == outcome, (record.outcome, outcome)
        assert {r.id: r.outcome for r in record.rules} == {
            k: {True: "pass", False: "fail", None: "unknown"}[v] for k, v in rules.items()}
        assert set(record.outputs) == set(outputs)
        for name, value in outputs.items():
            got = record.outputs[name]
            assert (got is wqpolicy.UNKNOWN and value is U) or got == value, (name, got, value)
    t_base = _time(baseline, docs, rounds)
    t_engine = _time(compiled.run, docs, rounds)
    t_valid = _time(lambda d: policy.evaluate("recognition", d), raw, rounds // 4)
    t_json = _time(lambda d: policy.evaluate("recognition", d).to_json(), raw, rounds // 4)
    result = {"handwritten_us": t_base * 1e6, "wqpolicy_us": t_engine * 1e6, "ratio": t_engine / t_base,
              "with_schema_validation_us": t_valid * 1e6, "with_trace_json_us": t_json * 1e6}
    return result


if __name__ == "__main__":
    r = main()
    print(f"hand-written Python + Decimal : {r['handwritten_us']:8.1f} µs / application")
    print(f"wqpolicy compiled decision    : {r['wqpolicy_us']:8.1f} µs / application  ({r['ratio']:.2f}x)")
    print(f"  + input schema validation   : {r['with_schema_validation_us']:8.1f} µs  (Policy.evaluate)")
    print(f"  + rule values, JSON record  : {r['with_trace_json_us']:8.1f} µs  (Policy.evaluate(...).to_json())")
