"""Benchmark: what explaining a decision record costs (``explain`` with what it would take to pass), for each
bundled example the decision service is benchmarked with, as a ratio to evaluating the same document in the same
run — so the figures hold on any machine.

    python benchmarks/bench_explain.py           # the table
    python benchmarks/bench_explain.py 200 5     # 200 calls per measurement, best of 5 rounds
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_service import bodies  # noqa: E402

from wqpolicy import load_policy  # noqa: E402
from wqpolicy.explain import explain  # noqa: E402


def _best(fn, n: int, rounds: int) -> float:
    """The least CPU seconds per call (the machine is shared) over ``rounds`` rounds of ``n`` calls."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(n):
            fn()
        best = min(best, (time.process_time() - start) / n)
    return best


def main(n: int = 100, rounds: int = 5) -> list[dict]:
    """Per example: evaluate's µs, explain's µs (the record made once), and explain ÷ evaluate."""
    policy = load_policy()
    rows = []
    for decision, body in bodies():
        doc = json.loads(body, parse_float=Decimal)
        record = policy.evaluate(decision, doc)
        explain(policy, record, doc)  # what is kept per policy, made once
        evaluate_s = _best(lambda decision=decision, doc=doc: policy.evaluate(decision, doc), n, rounds)
        explain_s = _best(lambda record=record, doc=doc: explain(policy, record, doc), n, rounds)
        name = doc.get("platform", {}).get("name", "") if isinstance(doc.get("platform"), dict) else ""
        rows.append(
            {
                "example": f"{decision} {name}".strip(),
                "evaluate_us": evaluate_s * 1e6,
                "explain_us": explain_s * 1e6,
                "ratio": explain_s / evaluate_s,
            }
        )
    return rows


def table(rows: list[dict]) -> str:
    lines = [f"{'example':<40} {'evaluate µs':>12} {'explain µs':>11} {'explain/evaluate':>17}"]
    for r in rows:
        lines.append(f"{r['example']:<40} {r['evaluate_us']:>12.0f} {r['explain_us']:>11.0f} {r['ratio']:>17.2f}")
    ev = sum(r["evaluate_us"] for r in rows) / len(rows)
    ex = sum(r["explain_us"] for r in rows) / len(rows)
    lines.append(f"{'mean of the six':<40} {ev:>12.0f} {ex:>11.0f} {ex / ev:>17.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    print(table(main(*args)))
