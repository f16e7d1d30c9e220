"""Benchmark: the full recognition decision, wqpolicy against the same decision hand-written in Python with Decimal.

One workload of 10,000 recognition applications, generated deterministically from the examples and the recognition
case inputs (amounts scaled, fields left out, answers flipped, industries changed), is decided by the hand-written
reference and by each layer of wqpolicy, side by side in one run; each figure is a ratio to the reference, so it
holds on any machine. The reference takes every threshold from the loaded policy (no guideline number is written
here), takes a missing input as unknown as the engine does, and gives the outcome, every rule and every output; it
must agree with the engine on every application before any speed is compared.

    python benchmarks/bench_recognition.py            # the table of ratios
    python benchmarks/bench_recognition.py 2000 1     # 2,000 applications, one round
"""

from __future__ import annotations

import copy
import json
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import wqpolicy  # noqa: E402
from wqpolicy.context import Context  # noqa: E402
from wqpolicy.inputs import load_input  # noqa: E402

U = None  # the reference's "unknown"
CENT = Decimal("0.01")
SEED = 20240607


def handwritten(P):
    """The recognition decision of the 2021 trial, by hand, closed over the policy's parameter values."""
    industries, eligible, equipment = P["industries"], set(P["eligible_categories"]), set(P["equipment_categories"])
    excluded = set(P["excluded_categories"])
    other = P["other_category"]

    def and3(*xs):
        if any(x is False for x in xs):
            return False
        return U if any(x is U for x in xs) else True

    def ge(a, b):
        return U if a is U else a >= b

    def total(items, take):
        """The sum of the amounts of the items ``take`` accepts; unknown when an item's category or amount is."""
        out = Decimal(0)
        for i in items:
            category = i.get("category", U)
            if category is U:
                return U
            if take(category):
                amount = i.get("amount", U)
                if amount is U:
                    return U
                out += amount
        return out

    def rd_intensity(fin):
        if not fin:
            return U
        ratios = []
        for f in fin:
            revenue, expense = f.get("revenue", U), f.get("rd_expense", U)
            if revenue is U:
                return U
            if revenue == 0:
                ratios.append(Decimal(0))
            elif expense is U:
                return U
            else:
                ratios.append(Decimal(expense) / revenue)
        return sum(ratios, Decimal(0)) / Decimal(len(ratios))

    def run(doc):
        applicant, platform = doc.get("applicant", {}), doc.get("platform", {})
        premises, plan = platform.get("premises", {}), platform.get("plan", {})
        review, staff, track = doc.get("expert_review", {}), doc.get("staff", {}), doc.get("track_record", {})
        items = doc.get("investment")
        if items is None:
            declared = other_declared = equip = excluded_declared = U
        else:
            excluded_declared = total(items, excluded.__contains__)
            declared = total(items, eligible.__contains__)
            other_declared = total(items, other.__eq__)
            equip = total(items, equipment.__contains__)
        if declared is U or other_declared is U:
            inv = U
        else:
            inv = declared - other_declared + min(other_declared, P["other_cost_cap_ratio"] * declared)
        share = U if inv is U or (inv != 0 and equip is U) else Decimal(0) if inv == 0 else equip / inv
        rd = rd_intensity(doc.get("finances"))
        industry, subsector = platform.get("industry", U), platform.get("subsector", U)
        people, rdt = staff.get("total", U), staff.get("rd_technical", U)
        intensive = (
            U
            if industry is U and subsector is U
            else True
            if industry in P["equipment_intensive_industries"] or subsector in P["equipment_intensive_subsectors"]
            else U
            if industry is U or subsector is U
            else False
        )
        functions = platform.get("functions", U)
        rules = {
            "filing.industry": U if industry is U else industry in industries,
            "filing.entity": and3(
                applicant.get("registered_in_wuqing", U),
                applicant.get("operating_in_wuqing", U),
                applicant.get("independent_legal_person", U),
            ),
            "filing.operations": and3(
                *(premises.get(k, U) for k in ("fixed_office", "equipment", "research_team", "management_team"))
            ),
            "filing.services": U if functions is U else len(set(functions)) >= P["min_functions"],
            "filing.plan": and3(*(plan.get(k, U) for k in ("goals", "schedule", "safeguards"))),
            "recognition.filed": platform.get("filed", U),
            "recognition.positioning": review.get("positioning", U),
            "recognition.rd_intensity": ge(rd, P["min_rd_intensity"]),
            "recognition.investment": ge(inv, P["min_investment"]),
            "recognition.service_area": ge(doc.get("service_area_m2", U), P["min_service_area_m2"]),
            "recognition.leading_position": review.get("leading_position", U),
            "recognition.staff": and3(
                staff.get("tech_leader", U),
                U if people is U else people > 0,
                U if (people is U or rdt is U or people == 0) else Decimal(rdt) / people >= P["min_rd_staff_share"],
            ),
            "recognition.equipment_and_service": review.get("equipment_and_service", U),
            "recognition.track_record": and3(
                ge(track.get("services_provided", U), P["min_services_provided"]), track.get("convertible_results", U)
            ),
            "recognition.satisfaction": review.get("satisfaction", U),
            "recognition.revenue": U if "revenue_since_operation" not in doc else doc["revenue_since_operation"] > 0,
            "recognition.market_mechanism": review.get("market_mechanism", U),
            "recognition.partners": ge(doc.get("partner_cases", U), P["min_partner_cases"]),
            "recognition.equipment_share": (
                True
                if intensive is False
                else and3(intensive, ge(share, P["min_equipment_share"]))
                if intensive is U
                else ge(share, P["min_equipment_share"])
            ),
        }
        if intensive is U and rules["recognition.equipment_share"] is False:  # not intensive or …: Kleene `or`
            rules["recognition.equipment_share"] = U
        # the advisory rule (a warning only, never the outcome): the engine evaluates it too
        advice = {
            "filing.subsector": U
            if industry is U or subsector is U or industry not in industries
            else subsector in industries[industry]["subsectors"]
        }
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
        name = industries.get(industry) if industry is not U else None
        return (
            outcome,
            {**rules, **advice},
            {
                "eligible_investment": U if inv is U else inv.quantize(CENT, ROUND_HALF_UP),
                "excluded_investment": U if excluded_declared is U else excluded_declared.quantize(CENT, ROUND_HALF_UP),
                "rd_intensity": rd,
                "rd_staff_share": (
                    U if people is U else Decimal(0) if people == 0 else U if rdt is U else Decimal(rdt) / people
                ),
                "equipment_share": share,
                "supply_subsidy_total": subsidy,
                "tranche_on_recognition": first,
                "tranche_after_first_assessment": subsidy - first,
                "official_name": (
                    None if name is None else P["official_name_prefix"] + name["zh"] + P["official_name_suffix"]
                ),
            },
        )

    return run


# -- the workload ------------------------------------------------------------------------------------------------
def _bases() -> list[dict]:
    """The recognition inputs of the examples and of the case files, as load_input reads them."""
    docs = [load_input(ROOT / "examples" / n)[0] for n in ("recognition.yaml", "recognition_missing_review.yaml")]
    for path in sorted((ROOT / "tests" / "cases" / "recognition").glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(case, dict) and isinstance(case.get("input"), dict) and "error" not in case.get("expect", {}):
            docs.append(load_input(path.name, json.dumps(case["input"], default=str))[0])
    return docs


def _scaled(r: random.Random, amount):
    return (Decimal(amount) * Decimal(r.randint(50, 160)) / 100).quantize(CENT) if r.random() < 0.7 else amount


def _varied(r: random.Random, base: dict, industries: dict) -> dict:
    doc = copy.deepcopy(base)
    for item in doc.get("investment", []):
        if "amount" in item:
            item["amount"] = _scaled(r, item["amount"])
    if "investment" in doc and r.random() < 0.3:  # more lines
        doc["investment"] += copy.deepcopy(r.sample(doc["investment"], min(3, len(doc["investment"]))))
    for year in doc.get("finances", []):
        for k in ("revenue", "rd_expense"):
            if k in year and r.random() < 0.5:
                year[k] = _scaled(r, year[k])
    platform = doc.get("platform")
    if isinstance(platform, dict) and r.random() < 0.25:
        platform["industry"] = r.choice(list(industries))
        platform["subsector"] = r.choice(industries[platform["industry"]]["subsectors"] or ["其他"])
    for section in ("applicant", "expert_review", "track_record", "staff"):
        part = doc.get(section)
        if isinstance(part, dict):
            for k, v in list(part.items()):
                if isinstance(v, bool) and r.random() < 0.04:
                    part[k] = not v
                elif r.random() < 0.03:
                    del part[k]  # left out: unknown
    for k in ("finances", "investment", "partner_cases", "service_area_m2"):
        if k in doc and r.random() < 0.02:
            del doc[k]
    if r.random() < 0.2:
        doc["special_case"] = r.random() < 0.5
    return doc


def workload(policy, n: int) -> list[dict]:
    """``n`` valid recognition applications, the same on every run."""
    r = random.Random(SEED)
    bases = _bases()
    industries = policy.model.parameters["industries"].value
    out = []
    while len(out) < n:
        doc = _varied(r, r.choice(bases), industries)
        if not policy.validate("recognition", doc):
            out.append(doc)
    return out


def _floats(value):
    """``value`` with its decimals as floats, as ``json.load`` gives a document sent by a portal."""
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return float(value) if isinstance(value, Decimal) else value


# -- measuring ---------------------------------------------------------------------------------------------------
def _agree(policy, baseline, docs) -> None:
    """The reference and the engine decide every application alike: outcome, every rule, every output."""
    compiled = policy.decisions["recognition"]
    for d in docs:
        outcome, rules, outputs = baseline(d)
        record = compiled.run(d)
        assert record.outcome == outcome, (record.outcome, outcome, d)
        assert record.rule_outcomes() == {
            k: {True: "pass", False: "fail", None: "unknown"}[v] for k, v in rules.items()
        }, d
        assert set(record.outputs) == set(outputs)
        for name, value in outputs.items():
            got = record.outputs[name]
            assert (got is wqpolicy.UNKNOWN and value is U) or got == value, (name, got, value, d)


def _time(fn, docs) -> float:
    start = time.perf_counter()
    for d in docs:
        fn(d)
    return (time.perf_counter() - start) / len(docs)


def main(n: int = 10_000, rounds: int = 3) -> dict:
    """Seconds per application of each row (best of ``rounds``, the rows taken in turn in each round), after the
    reference is checked against the engine on every application."""
    policy = wqpolicy.load_policy("wuqing-five-platforms@2021-trial")
    params = {name: p.value for name, p in policy.model.parameters.items()}
    raw = workload(policy, n)
    schema = policy.inputs["recognition"]
    docs = [schema.prepare(d) for d in raw]
    floats = [_floats(d) for d in raw]
    compiled = policy.decisions["recognition"]
    baseline = handwritten(params)
    _agree(policy, baseline, docs)
    runner = compiled.runner

    def core(d):
        return runner(Context(d))

    def evaluate(d):
        return policy.evaluate("recognition", d)

    records = [evaluate(d) for d in raw]
    rows = {
        "reference": (baseline, docs),
        "core": (core, docs),
        "run": (compiled.run, docs),
        "evaluate": (evaluate, raw),
        "evaluate_float": (evaluate, floats),
        "to_json": (lambda rec: rec.to_json(), records),
        "json_dumps": (lambda rec: json.dumps(rec.to_json(), ensure_ascii=False), records),
    }
    best = dict.fromkeys(rows, float("inf"))
    for _ in range(rounds):
        for name, (fn, inputs) in rows.items():
            best[name] = min(best[name], _time(fn, inputs))
    best["evaluate_to_json"] = best["evaluate"] + best["to_json"]
    best["evaluate_json_dumps"] = best["evaluate"] + best["json_dumps"]
    best["json_bytes"] = sum(len(json.dumps(r.to_json(), ensure_ascii=False).encode()) for r in records) / n
    return {"applications": n, "agreed": len(docs), **best}


# row, what it measures, target ratio to the reference (None: no target)
TABLE = [
    ("reference", "hand-written Python + Decimal: outcome, rules, outputs", None),
    ("core", "compiled core: the generated decision function alone", 1.0),
    ("run", "compiled decision: record with values read and missing inputs", None),
    ("evaluate", "Policy.evaluate: input validated, then the record", 1.5),
    ("evaluate_float", "Policy.evaluate of the same input with float numbers", 2.0),
    ("evaluate_to_json", "Policy.evaluate(...).to_json(): the full JSON record", 3.0),
    ("evaluate_json_dumps", "… and json.dumps of it (the text `eval --format json` prints)", None),
]


def table(result: dict) -> str:
    base = result["reference"]
    lines = [
        f"{result['applications']:,} recognition applications; µs per application, ratio to the reference",
        f"{'':22}{'µs':>9}{'ratio':>8}{'target':>8}  what",
    ]
    for key, what, target in TABLE:
        if key in result:
            t = result[key]
            lines.append(f"{key:22}{t * 1e6:9.1f}{t / base:7.2f}x{f'{target:.1f}x' if target else '':>8}  {what}")
    lines.append(f"JSON record: {result['json_bytes'] / 1000:.1f} KB per application")
    return "\n".join(lines)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(table(main(*args)))
