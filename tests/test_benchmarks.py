"""The benchmarks stay runnable and their baselines stay faithful: the hand-written rules must decide the
examples exactly as the engine does (speed itself is measured by running the benchmarks, never here)."""
from __future__ import annotations

import importlib.util

from conftest import ROOT

BENCH = ROOT / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_recognition_benchmark_runs_and_its_baseline_agrees_with_the_engine():
    result = _load("bench_recognition").main(rounds=20)
    assert set(result) == {"handwritten_us", "wqpolicy_us", "ratio", "with_trace_json_us", "with_schema_validation_us"}
    assert all(v > 0 for v in result.values())
