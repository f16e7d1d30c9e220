"""The input documents every test that compares two readings or two validators runs over: each example and
each case file's inline input, as the YAML reader gives them."""

from __future__ import annotations

from conftest import ROOT
from wqpolicy.inputs import load_input
from wqpolicy.yamlload import load_yaml


def input_documents() -> list[dict]:
    docs = [load_input(p)[0] for p in sorted((ROOT / "examples").glob("*.yaml"))]
    for p in sorted((ROOT / "tests" / "cases").rglob("*.yaml")):
        case, _ = load_yaml(p.read_text(encoding="utf-8"), str(p), dates=False)
        if "input" in case:
            docs.append(case["input"])
    return docs
