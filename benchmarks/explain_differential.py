"""Differential check of ``explain``: the explained JSON of a broad set of documents (the examples, every case
file's input, and seeded perturbations of their figures) written by this checkout and by another (say a snapshot of
main before a change), compared text for text.

    python benchmarks/explain_differential.py /path/to/other/checkout [--variants 40] [--budget 2000]

``--budget`` sets the searches' budget (to_pass.BUDGET) on both sides, so that running out is compared too.

Prints how many documents were compared and each one whose answer differs; exits 1 when any does."""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def documents(variants: int, seed: int = 20261205) -> list[dict]:
    """The corpus the tests use, then ``variants`` perturbations of each of its documents."""
    sys.path.insert(0, str(ROOT / "tests"))
    from corpus import input_documents

    base = [d for d in input_documents() if isinstance(d, dict)]
    rng = random.Random(seed)
    out = list(base)
    for doc in base:
        for _ in range(variants):
            out.append(_perturbed(doc, rng))
    return out


def _numbers(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _numbers(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _numbers(v, (*path, i))
    elif isinstance(node, (int, Decimal, float)) and not isinstance(node, bool):
        yield path, node


def _copy(node):
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


def _set(doc, path, value):
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def _moved(v, rng: random.Random):
    choice = rng.randrange(9)
    integer = isinstance(v, int)
    d = Decimal(str(v)) if isinstance(v, float) else Decimal(v)
    if choice == 0:
        new = Decimal(0)
    elif choice == 1:
        new = Decimal(1)
    elif choice == 2:
        new = d + rng.choice([-1, 1])
    elif choice == 3:
        new = d * 10
    elif choice == 4:
        new = (d / 10).quantize(Decimal("0.01"))
    elif choice == 5:
        new = d * Decimal(rng.randrange(1, 300)) / 100
    elif choice == 6:
        new = Decimal(10) ** rng.randrange(0, 14)
    elif choice == 7:
        new = -d
    else:
        new = (d * Decimal(rng.random() * 2)).quantize(Decimal("0.01"))
    if integer:
        return int(new)
    return new.quantize(Decimal("0.01")) if new == new.to_integral_value() or new.as_tuple().exponent < -2 else new


def _perturbed(doc: dict, rng: random.Random) -> dict:
    new = _copy(doc)
    numbers = list(_numbers(new))
    for path, v in rng.sample(numbers, min(len(numbers), rng.randrange(1, 4))) if numbers else []:
        _set(new, path, _moved(v, rng))
    lists = [v for v in new.values() if isinstance(v, list) and v]
    if lists and rng.random() < 0.3:
        items = rng.choice(lists)
        if rng.random() < 0.5:
            items.pop(rng.randrange(len(items)))
        else:
            items.append(_copy(rng.choice(items)))
    return new


def answers(docs: list[dict], budget: int | None = None) -> list[str]:
    """Each document's explained JSON (or the error it raises), in this process's checkout of wqpolicy."""
    from wqpolicy import load_policy, to_pass

    if budget is not None:
        to_pass.BUDGET = budget
    from wqpolicy.explain import explain, explained_json
    from wqpolicy.jsontext import indented

    policy = load_policy()
    out = []
    for doc in docs:
        try:
            record = policy.evaluate(None, doc)
            out.append(indented(explained_json(record, explain(policy, record, doc))))
        except Exception as e:  # noqa: BLE001 - the same fault on both sides is the same answer
            out.append(f"{type(e).__name__}: {e}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("other", nargs="?", help="a checkout to compare with")
    ap.add_argument("--variants", type=int, default=40)
    ap.add_argument("--budget", type=int)
    ap.add_argument("--answers", help=argparse.SUPPRESS)  # internal: write this checkout's answers here
    args = ap.parse_args()
    docs = documents(args.variants)
    mine = answers(docs, args.budget)
    if args.answers:
        Path(args.answers).write_bytes(pickle.dumps(mine))
        return 0
    out = Path("/tmp") / f"explain-differential-{hashlib.sha256(args.other.encode()).hexdigest()[:8]}.pickle"
    subprocess.run(
        [sys.executable, __file__, "--variants", str(args.variants), "--answers", str(out)]
        + (["--budget", str(args.budget)] if args.budget is not None else []),
        check=True,
        env={"PYTHONPATH": args.other, "PATH": "/usr/bin:/bin"},
        cwd=args.other,
    )
    theirs = pickle.loads(out.read_bytes())
    assert len(theirs) == len(mine)
    bad = [i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b]
    for i in bad[:10]:
        print(f"document {i} differs:\n{json.dumps(docs[i], default=str, ensure_ascii=False)[:400]}")
    print(f"{len(docs)} documents, {sum(a.startswith('{') for a in mine)} explained, {len(bad)} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
