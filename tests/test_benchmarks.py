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
    bench = _load("bench_recognition")
    result = bench.main(n=400, rounds=1)  # main checks the reference against the engine on every application first
    assert result["agreed"] == result["applications"] == 400
    assert {key for key, _, _ in bench.TABLE} <= set(result) and all(v > 0 for v in result.values())
    assert "reference" in bench.table(result)
