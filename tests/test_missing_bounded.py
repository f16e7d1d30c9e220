"""What a record says it lacks stays short and costs little however large the document: the first 30 missing
inputs are named and the rest counted (JSON `missing_count`, "… and N more" in the report), in time and memory
linear in the document; a message shows at most a short excerpt of a value it is filled with."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from wqpolicy import load_policy
from wqpolicy.absent import MISSING_SHOWN, Missing
from wqpolicy.display import EXCERPT, fill
from wqpolicy.inputs import load_input
from wqpolicy.report import text_report


@pytest.fixture(scope="module")
def policy():
    return load_policy("wuqing-five-platforms@2021-trial")


def empties(n: int) -> dict:
    """A recognition application of ``n`` empty investment lines and ``n`` empty finance years: two fields missing
    in each."""
    return {"decision": "recognition", "investment": [{} for _ in range(n)], "finances": [{} for _ in range(n)]}


def test_a_document_of_empty_items_names_30_missing_inputs_and_counts_them_all(policy):
    n = 20_000
    one = policy.evaluate(None, empties(1))
    tracemalloc.start()
    try:
        record = policy.evaluate(None, empties(n))
        out = json.dumps(record.to_json(), ensure_ascii=False)
        text = text_report(record)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert record.missing_count == one.missing_count + 4 * (n - 1)  # each item's two fields, once each
    shown = record.missing()
    assert len(shown) == MISSING_SHOWN and shown[0] == one.missing()[0] == "platform.industry"
    assert shown[-2:] == ["finances[14].revenue", "finances[15].revenue"]  # in rule order: a field, then each item
    rule = record.rule("recognition.investment")
    assert len(rule.missing) == MISSING_SHOWN and rule.missing_count == 2 * n
    assert f", … and {2 * n - MISSING_SHOWN:,} more" in rule.message.en
    assert f"等共 {2 * n} 项" in rule.message.zh
    data = json.loads(out)
    assert data["missing_count"] == record.missing_count and len(data["missing"]) == MISSING_SHOWN
    assert data["rules"][[r["id"] for r in data["rules"]].index("recognition.investment")]["missing_count"] == 2 * n
    assert len(out) < 40_000 and len(text) < 30_000  # was 10 MB and 7 MB: every path listed, in every place
    missing_line = next(line for line in text.splitlines() if line.startswith("待补材料 Missing:"))
    assert missing_line.endswith(f"… 共 {record.missing_count:,} 项 and {record.missing_count - MISSING_SHOWN:,} more")
    assert peak < 30 * 2**20  # was ~70 MB: a string for every missing path, several times over


def test_a_short_list_of_missing_inputs_is_given_whole_with_no_count(policy):
    doc = load_input(Path(__file__).resolve().parent.parent / "examples" / "recognition.yaml")[0]
    doc["investment"] = [{}, {"amount": 5}]
    record = policy.evaluate(None, doc)
    assert record.missing() == ["investment[0].amount", "investment[0].category", "investment[1].category"]
    assert record.missing_count == 3
    assert "missing_count" not in record.to_json()
    assert "missing_count" not in record.rule("recognition.investment").to_json()


def test_missing_paths_are_counted_once_each_whatever_their_shape():
    m = Missing(shown=2)
    for path in ["a.b", "xs[3].v", "a.b", "xs[3].v", "xs[100000].v", "ys[1].zs[2].w", "ys[1].zs[2].w", "t[k].u"]:
        m.add_text(path)
    assert m.shown == ["a.b", "xs[3].v"] and m.count == 5
    assert m.has("xs[].v", (100000,)) and not m.has("xs[].v", (4,)) and m.has("ys[].zs[].w", (1, 2))


def test_a_message_filled_with_a_long_value_shows_only_an_excerpt(policy):
    long = "长" * 500
    record = policy.evaluate("filing", {"platform": {"industry": long}}, validate=False)
    rule = record.rule("filing.industry")
    assert rule.outcome == "fail"
    assert long not in rule.message.zh and long[:EXCERPT] + "…" in rule.message.en
    assert len(rule.message.en) < 200
    assert long not in text_report(record)
    assert rule.values["platform.industry"] == long  # the value itself is kept whole
    assert fill("{x} and {y}", {"x": "a" * 1000, "y": 1}, {}) == "a" * EXCERPT + "… and 1"


def test_value_or_names_its_default_as_missing_not_the_value_it_replaces(tmp_path):
    """`value_or(x, d)` with both missing needs `d` (`x` was only asked about); `known(x)` needs nothing."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "faults"
    for name in ("guide.md", "input.schema.json"):
        (tmp_path / name).write_text((fixture / name).read_text(encoding="utf-8"), encoding="utf-8")
    text = (fixture / "policy.yaml").read_text(encoding="utf-8")
    outputs = text[text.index("    outputs:\n") : text.index("clause_map:")]
    text = text.replace(
        outputs,
        "    outputs:\n"
        '      fallback: {expr: "value_or(already_granted, staff)", type: number, clause: "1"}\n'
        '      asked: {expr: "if known(staff) then 1 else already_granted", type: number}\n',
    )
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8")
    record = load_policy(str(tmp_path / "policy.yaml")).evaluate(None, {"decision": "grant", "costs": 10})
    assert record.missing() == ["staff", "already_granted"]  # fallback needs staff; asked needs already_granted
