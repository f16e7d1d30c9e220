"""Findings of differential fuzzing over policies (not only over input documents): small fixed policies that once
made evaluation fault with a Python error, or made loading fail, each with the exact values evaluation gives now;
and one seeded, bounded run over generated policies, every record pickled and read back the same. (The general path
these were once compared against is gone: the benchmark showed the one-function runner faster, so it is the only
path.)"""

from __future__ import annotations

import datetime
import json
import pickle
import random
from decimal import Decimal
from typing import ClassVar

from wqpolicy.loader import Library
from wqpolicy.report import text_report

GUIDE = "# Guide\n\n- **[1]** Everything.\n"
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["decision"],
    "properties": {
        "decision": {"const": "grant"},
        "app": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "revenue": {"type": "number"},
                "kind": {"type": "string"},
                "ok": {"type": "boolean"},
                "start": {"type": "string", "format": "date"},
            },
        },
        "items": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "amount": {"type": "number"},
                    "n": {"type": "integer"},
                    "flag": {"type": "boolean"},
                    "kind": {"type": "string"},
                },
            },
        },
    },
}
POLICY = """\
id: diff
version: "1"
effective_from: "2021-01-01"
source: {{document: guide.md}}
parameters:
  p_int: {{value: 3, type: integer, clause: "1"}}
  p_texts: {{value: [a, b], type: list, clause: "1"}}
  p_map: {{value: {{a: 1, b: 2.5}}, type: mapping, clause: "1"}}
  p_dur: {{value: 1 year, type: duration, clause: "1"}}
definitions:
{definitions}
decisions:
  grant:
    input: input.schema.json
    rules:
{rules}
    outcome:
      - {{when: rules.failed > 0, then: ineligible}}
      - {{when: rules.unknown + rules.error > 0, then: needs_review}}
      - {{otherwise: eligible}}
    outputs:
{outputs}
clause_map:
  "1": [p_int]
"""


def load(folder, rules=("true",), outputs=(), definitions=(), checked=True):
    """The compiled `grant` decision of a policy with these rule conditions, outputs (name, expr, type) and
    definitions (name, expr); None for a policy that does not pass `wqpolicy check` when ``checked`` is false."""
    (folder / "guide.md").write_text(GUIDE, encoding="utf-8")
    (folder / "input.schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    q = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731
    text = POLICY.format(
        definitions="\n".join(f"  {n}: {q(e)}" for n, e in definitions) or "  unused: p_int",
        rules="\n".join(
            f'      r{i}:\n        clause: "1"\n        label: {{zh: 规则, en: Rule}}\n'
            f"        condition: {q(c)}\n        message: {{zh: 否, en: Not met}}"
            for i, c in enumerate(rules)
        ),
        outputs="\n".join(f"      {n}: {{expr: {q(e)}, type: {t}}}" for n, e, t in outputs)
        or "      status: {expr: outcome, type: string}",
    )
    (folder / "policy.yaml").write_text(text, encoding="utf-8")
    library = Library([folder])
    errors, _ = library.check()
    if errors and not checked:
        return None
    assert errors == [], [d.message for d in errors]
    return library.load("diff", "1").decisions["grant"]


def both(compiled, doc):
    """The record of ``doc``, asserted to come back the same, in every part, from a pickle."""
    record = compiled.run(doc)
    again = pickle.loads(pickle.dumps(record))
    assert again == record and everything(again) == everything(record)
    return record


def everything(record) -> tuple:
    rules = [(r.id, r.outcome, r.error, repr(r.values), r.missing, r.message) for r in record.rules]
    return (
        json.dumps(record.to_json(), ensure_ascii=False),
        repr(record.outputs),
        record.output_errors,
        record.outcome_error,
        rules,
        text_report(record),
    )


# -- date(y, m, d) --------------------------------------------------------------------------------------------
def test_date_of_a_part_beyond_a_machine_integer_is_a_placed_fault_not_a_python_overflow(tmp_path):
    # was: rule error "OverflowError: signed integer is greater than maximum", no position
    compiled = load(
        tmp_path, rules=["date(app.revenue, 1, 1) > 2021-01-01"], outputs=[("d", "date(2021, 1, app.revenue)", "date")]
    )
    record = both(compiled, {"decision": "grant", "app": {"revenue": Decimal("1E+15")}})
    rule = record.rule("r0")
    assert rule.outcome == "error"
    assert rule.error.startswith("date(1000000000000000, 1, 1): year 1000000000000000 is out of range at ")
    assert rule.error.endswith("policy.yaml:19:21")  # at `date(`
    assert record.output_errors["d"].startswith(
        "date(2021, 1, 1000000000000000): day 1000000000000000 is out of range at "
    )
    assert record.outputs["d"] is not None and record.output("d") is None
    assert record.outcome == "error"  # fails closed
    small = both(compiled, {"decision": "grant", "app": {"revenue": Decimal("-5")}})
    assert small.rule("r0").error.startswith("date(-5, 1, 1): year -5 is out of range at ")


def test_date_of_a_part_with_a_fraction_is_a_fault_not_a_truncated_day(tmp_path):
    # was: date(2021, 6, 30.5) == 2021-06-30, silently (int() truncates)
    compiled = load(
        tmp_path,
        rules=["date(2021, 6, app.revenue) == 2021-06-30"],
        outputs=[("d", "date(2021, 6, app.revenue)", "date")],
    )
    record = both(compiled, {"decision": "grant", "app": {"revenue": Decimal("30.5")}})
    assert record.rule("r0").outcome == "error"
    assert record.rule("r0").error.startswith("date(2021, 6, 30.5): each part must be a whole number at ")
    assert record.to_json()["outputs"] == {"d": None}
    whole = both(compiled, {"decision": "grant", "app": {"revenue": Decimal("30.0")}})
    assert whole.rule("r0").outcome == "pass"
    assert whole.outputs["d"] == datetime.date(2021, 6, 30)


# -- the values a rule read, when a look-up's key uses the loop's item ------------------------------------------
def test_a_look_up_keyed_by_the_loop_item_reads_the_list_and_the_policy_loads(tmp_path):
    # was: `wqpolicy check` and loading crashed with AssertionError: unchecked name i (the value-read function of
    # `items[i.n].flag` was compiled outside its loop)
    compiled = load(
        tmp_path,
        rules=[
            "all(items[i.n].flag for i in items if app.ok)",
            "count(x for x in items if p_map[items[x.n].kind] > 1) == 1",
        ],
        definitions=[("firsts", "[items[i.n + p_int - 3].amount for i in items]")],
        outputs=[("firsts", "sum(firsts)", "money")],
    )
    doc = {
        "decision": "grant",
        "app": {"ok": True},
        "items": [
            {"n": 1, "flag": True, "amount": Decimal("5"), "kind": "a"},
            {"n": 0, "flag": False, "amount": Decimal("7"), "kind": "b"},
        ],
    }
    record = both(compiled, doc)
    assert record.rule_outcomes() == {"r0": "fail", "r1": "pass"}
    assert list(record.rule("r0").values) == ["items", "app.ok"]
    assert record.rule("r0").values["items"] == doc["items"]
    assert list(record.rule("r1").values) == ["items", "p_map"]
    assert record.to_json()["outputs"] == {"firsts": "12.00"}
    missing = both(compiled, {"decision": "grant", "app": {"ok": True}})
    assert missing.rule_outcomes() == {"r0": "unknown", "r1": "unknown"}
    assert missing.rule("r0").missing == ["items"]


# -- round(x, places) -----------------------------------------------------------------------------------------
def test_round_with_invalid_places_names_them_as_written_not_in_exponent_form(tmp_path):
    # was: "… not 1E-7"
    compiled = load(tmp_path, outputs=[("r", "round(app.revenue, app.revenue)", "number")])
    record = both(compiled, {"decision": "grant", "app": {"revenue": Decimal("0.0000001")}})
    assert record.output_errors["r"].startswith("round: places must be a whole number from 0 to 12, not 0.0000001 at ")
    record = both(compiled, {"decision": "grant", "app": {"revenue": Decimal("2.50")}})
    assert record.output_errors["r"].startswith("round: places must be a whole number from 0 to 12, not 2.5 at ")


# -- a seeded differential run over generated policies ---------------------------------------------------------
class _Gen:
    """Small type-correct expressions over the policy above: numbers, truths, texts and dates."""

    LEAVES: ClassVar[dict[str, list[str]]] = {
        "n": [
            "0",
            "1",
            "2.5",
            "3%",
            "1000万",
            "0.0000001",
            "999999999999999",
            "p_int",
            "app.revenue",
            "p_map[app.kind]",
            "len(items)",
        ],
        "b": ["true", "false", "app.ok", "known(app.revenue)"],
        "s": ['"a"', '"zz"', "app.kind"],
        "d": ["2021-01-01", "9999-12-31", "app.start"],
    }

    TEXTS: ClassVar[list[str]] = ["p_texts", "p_map", '["zz"]']

    def __init__(self, seed):
        self.r = random.Random(seed)

    def position(self, depth, loc):
        """A list position: computed (a fault when not whole), or a constant the checker accepts."""
        return self.r.choice(["0", "1", "p_int", "(p_int - 4)", self.e("n", depth, loc)]) if depth else "1"

    def compare(self, depth, loc):
        t = self.r.choice("nnsd")
        return f"({self.e(t, depth, loc)} {self.r.choice(['==', '!=', '<', '>='])} {self.e(t, depth, loc)})"

    def e(self, t, depth, loc=()):
        r = self.r
        if depth == 0 or r.random() < 0.3:
            return r.choice(
                self.LEAVES[t]
                + [
                    f"{v}.{f}"
                    for v in loc
                    for f, ft in (("amount", "n"), ("n", "n"), ("flag", "b"), ("kind", "s"))
                    if ft == t
                ]
            )
        sub = lambda tt=t: self.e(tt, depth - 1, loc)  # noqa: E731
        agg_var = r.choice([v for v in ("i", "项", "j", "k") if v not in loc])  # a loop never hides another's item
        inner = (*loc, agg_var)
        cond = f" if {self.e('b', depth - 1, inner)}" if r.random() < 0.5 else ""
        forms = {
            "n": [
                lambda: f"({sub()} {r.choice('+-*/')} {sub()})",
                lambda: f"round({sub()}, {r.choice('02')})",
                lambda: (
                    f"{r.choice(['sum', 'mean', 'min', 'max', 'count'])}"
                    f"({self.e('n', depth - 1, inner)} for {agg_var} in items{cond})"
                ),
                lambda: f"items[{self.position(depth - 1, loc)}].amount",
                lambda: f"value_or({sub()}, {sub()})",
                lambda: f"max({sub()}, {sub()})",
                lambda: f"year({sub('d')})",
            ],
            "b": [
                lambda: self.compare(depth - 1, loc),
                lambda: f"({sub()} {r.choice(['and', 'or'])} {sub()})",
                lambda: f"(not {sub()})",
                lambda: f"({sub('s')} {r.choice(['in', 'not in'])} {r.choice(self.TEXTS)})",
                lambda: f"{r.choice(['any', 'all'])}({self.e('b', depth - 1, inner)} for {agg_var} in items{cond})",
            ],
            "s": [
                lambda: f"(if {sub('b')} then {sub()} else {sub()})",
                lambda: f"items[{self.position(depth - 1, loc)}].kind",
            ],
            "d": [
                lambda: f"({sub()} {r.choice('+-')} {r.choice(['p_dur', '30 days', '9999 years'])})",
                lambda: f"date({sub('n')}, 2, 29)",
            ],
        }[t]
        return r.choice(forms)()

    def number(self):
        return self.r.choice([0, 1, 3, Decimal("2.5"), Decimal("0.0000001"), 10**15 - 1, -2])

    def document(self):
        r = self.r
        app = {
            k: v
            for k, v in (
                ("revenue", self.number()),
                ("kind", r.choice("abz")),
                ("ok", r.random() < 0.5),
                ("start", r.choice(["2024-02-29", "9999-12-31", "0001-01-01"])),
            )
            if r.random() < 0.7
        }
        items = [
            {
                k: v
                for k, v in (
                    ("amount", self.number()),
                    ("n", r.choice([0, 1, 5])),
                    ("flag", r.random() < 0.5),
                    ("kind", r.choice("ab")),
                )
                if r.random() < 0.8
            }
            for _ in range(r.choice([0, 1, 3]))
        ]
        return {"decision": "grant", "app": app, "items": items}


def test_generated_policies_give_records_with_every_fault_worded_that_pickle_and_read_back_the_same(tmp_path):
    g = _Gen(20240607)
    policies = documents = faults = 0
    for _ in range(50):
        kinds = [("n", "number"), ("n", "money"), ("b", "bool"), ("s", "string"), ("d", "date")]
        compiled = load(
            tmp_path,
            rules=[g.e("b", 3) for _ in range(3)],
            definitions=[("定义", g.e("n", 2)), ("d2", g.e("b", 2))],
            outputs=[(f"o{i}", g.e(t, 3), kind) for i, (t, kind) in enumerate(kinds)]
            + [("uses", "value_or(定义, 0) + (if d2 then 1 else 0)", "number")],
            checked=False,
        )
        if compiled is None:  # a list position the checker knows is not whole (items[2.5]): rightly refused
            continue
        policies += 1
        schema_ = compiled.decision.input_schema
        assert schema_["properties"]["decision"] == {"const": "grant"}
        for _ in range(20):
            doc = g.document()
            doc["app"] = {k: (datetime.date.fromisoformat(v) if k == "start" else v) for k, v in doc["app"].items()}
            record = both(compiled, doc)
            faults += "error" in record.rule_outcomes().values() or bool(record.output_errors)
            for text in [*(r.error or "" for r in record.rules), *record.output_errors.values()]:
                assert not text.startswith(("TypeError", "AttributeError", "KeyError", "ValueError", "Overflow")), text
            documents += 1
    assert policies >= 45 and documents == 20 * policies and faults > 50
