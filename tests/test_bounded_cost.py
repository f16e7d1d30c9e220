"""Bounded cost, on the checking and input side: a static estimate of each expression's steps (loops × the bounds
of the lists they run over), refused at `check` above a limit; input lists, texts and mappings bounded by their
schema's `maxItems`/`maxLength`/`maxProperties` or by defaults; messages that show only an excerpt of a value; a
file with more values than a reader allows refused where it passes the limit. Each hostile input is small enough
for the suite and big enough that the code before failed on it (no error at all, or an echo of the value)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from wqpolicy import types as T
from wqpolicy.cli import main
from wqpolicy.cost import MAX_COST, node_cost
from wqpolicy.errors import WQError
from wqpolicy.inputs import MAX_TEXT_CHARS, bounded, load_input
from wqpolicy.loader import Library, load_policy
from wqpolicy.yamlload import MAX_POLICY_VALUES, MAX_VALUES

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "invalid" / "cost-nested-loops"
EXAMPLE = ROOT / "examples" / "recognition.yaml"


def nested(folder: Path, condition: str, max_items: int | None = 1000, parameter: str = "[]") -> list:
    """The errors of `check` on the cost fixture with ``condition`` as its rule, its list bounded by ``max_items``
    (None: no `maxItems`, the default bound), and a parameter `codes` of value ``parameter``."""
    shutil.copytree(FIXTURE, folder)
    schema = json.loads((folder / "input.schema.json").read_text(encoding="utf-8"))
    if max_items is None:
        del schema["properties"]["items"]["maxItems"]
    else:
        schema["properties"]["items"]["maxItems"] = max_items
    (folder / "input.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    text = (folder / "policy.yaml").read_text(encoding="utf-8")
    start = text.index("        condition: >-")
    end = text.index("    outcome:")
    text = text[:start] + f"        condition: {json.dumps(condition)}\n" + text[end:]
    text = text.replace("parameters:\n", f'parameters:\n  codes: {{value: {parameter}, type: list, clause: "1"}}\n')
    text = text.replace('"1": [min_intensity]', '"1": [min_intensity, codes]')
    (folder / "policy.yaml").write_text(text, encoding="utf-8")
    errors, _ = Library([folder]).check()
    return [(d.code, d.span.line, d.span.col, d.subject) for d in errors]


def test_one_loop_over_the_default_bound_is_allowed(tmp_path):
    assert nested(tmp_path / "p", "count(a for a in items if a.amount > 0) > min_intensity", None) == []


def test_two_nested_loops_over_lists_of_the_default_bound_are_refused_at_the_outer_loop(tmp_path):
    found = nested(
        tmp_path / "p", "count(a for a in items if count(b for b in items if b.amount > a.amount) > 0) > 0", None
    )
    assert found == [("WQ-COST", 23, 21, "grant.intensity")]  # at `count(a for a …`, the outer loop


def test_two_nested_loops_over_a_declared_short_list_are_allowed(tmp_path):
    assert (
        nested(
            tmp_path / "p", "count(a for a in items if count(b for b in items if b.amount > a.amount) > 0) > 0", 1000
        )
        == []
    )


def test_a_loop_that_does_not_depend_on_the_outer_one_costs_the_same_when_written_as_a_definition(tmp_path):
    """The hint's advice works: an inner loop that reads no outer item, made a definition, is counted once."""
    folder = tmp_path / "p"
    assert nested(folder, "count(a for a in items if a.amount > sum(b.amount for b in items)) > 0", None) != []
    text = (folder / "policy.yaml").read_text(encoding="utf-8")
    text = text.replace("decisions:\n", "definitions:\n  total: sum(b.amount for b in items)\ndecisions:\n")
    text = text.replace("sum(b.amount for b in items))", "total)")
    text = text.replace('"2": [grant.intensity]', '"2": [grant.intensity, total]')
    (folder / "policy.yaml").write_text(text, encoding="utf-8")
    assert Library([folder]).check()[0] == []


def test_in_over_a_long_list_parameter_inside_a_loop_counts_its_length(tmp_path):
    codes = "[" + ", ".join(f"c{i}" for i in range(600)) + "]"
    found = nested(tmp_path / "p", 'count(a for a in items if "x" in codes) > 0', None, codes)
    assert [f[0] for f in found] == ["WQ-COST"]


def test_the_estimate_multiplies_nested_loops_by_their_bounds():
    from wqpolicy.parser import parse

    node = parse("count(a for a in xs if count(b for b in xs if b > a) > 0)")
    types = {}

    def annotate(n):
        from wqpolicy import ast

        if isinstance(n, ast.Name) and n.name == "xs":
            types[id(n)] = T.ListOf(T.NUMBER, 10)
        for c in ast.children(n):
            annotate(c)

    annotate(node)
    assert 10 * 10 < node_cost(node, types) < 10 * 10 * 10
    assert T.ListOf(T.NUMBER) == T.ListOf(T.NUMBER, 5)  # the bound is no part of the type
    assert T.ListOf(T.NUMBER).most == T.MAX_LIST_ITEMS


def test_the_bundled_policy_is_well_under_the_limit():
    errors, _ = Library().check()
    assert errors == [] and MAX_COST >= 10_000_000


# -- input bounds ------------------------------------------------------------------------------------------------
def test_defaults_bound_every_list_text_and_mapping_the_schema_leaves_open():
    schema = {
        "type": "object",
        "properties": {
            "xs": {"type": "array", "items": {"type": "string"}},
            "n": {"type": "array", "maxItems": 3},
            "r": {"$ref": "#/$defs/r"},
        },
        "$defs": {"r": {"type": "string", "maxLength": 5}},
    }
    out = bounded(schema)
    assert out["properties"]["xs"]["maxItems"] == T.MAX_LIST_ITEMS
    assert out["properties"]["xs"]["items"]["maxLength"] == MAX_TEXT_CHARS
    assert out["properties"]["n"]["maxItems"] == 3  # declared: kept
    assert out["properties"]["r"] == {"$ref": "#/$defs/r"} and out["$defs"]["r"]["maxLength"] == 5
    assert "maxItems" not in schema["properties"]["xs"]  # a copy


def test_a_512_kib_value_is_refused_and_never_echoed(tmp_path):
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    doc["applicant"]["name"] = "名" * (512 * 1024)
    with pytest.raises(WQError) as e:
        load_policy().evaluate(None, doc)
    [d] = e.value.diagnostics
    assert (d.code, d.subject) == ("WQ-INPUT", "applicant.name")
    assert len(d.render()) < 300 and "名" * 100 not in d.render()
    path = tmp_path / "long.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path)])
    assert result.exit_code == 1 and len(result.output) < 2000


def test_a_list_longer_than_its_schema_allows_is_an_input_error_at_its_path():
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    doc["platform"]["functions"] = ["rd_design"] * (T.MAX_LIST_ITEMS + 1)
    with pytest.raises(WQError) as e:
        load_policy().evaluate(None, doc)
    assert [(d.code, d.subject) for d in e.value.diagnostics][:1] == [("WQ-INPUT", "platform.functions")]
    assert all(len(d.message) < 300 for d in e.value.diagnostics)


def test_many_unknown_fields_are_named_a_few_at_a_time():
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    doc["staff"].update({f"extra_{i}": 1 for i in range(500)})
    with pytest.raises(WQError) as e:
        load_policy().evaluate(None, doc)
    [d] = e.value.diagnostics
    assert d.subject == "staff" and len(d.message) < 600 and "and 495 more" in d.message


def test_a_json_document_with_more_values_than_allowed_is_refused_when_read(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"decision": "recognition", "x": [' + ",".join(["0"] * MAX_VALUES) + "]}", encoding="utf-8")
    with pytest.raises(WQError) as e:
        load_input(path)
    assert [(d.code, d.span.line, d.span.col) for d in e.value.diagnostics] == [("WQ-INPUT", 1, 1)]


def test_a_policy_file_with_more_values_than_allowed_is_refused_where_it_passes_the_limit(tmp_path):
    """A 2 MB revision of 1,000,000 items took 48 s and 1.7 GB to check; past the limit it is refused at once."""
    path = tmp_path / "2022-many.yaml"
    items = ",".join(["x"] * (MAX_POLICY_VALUES + 10))
    path.write_text(
        "id: wuqing-five-platforms\nversion: 2022-many\nextends: 2021-trial\neffective_from: 2022-01-01\n"
        f"parameters:\n  eligible_categories: {{add: [{items}]}}\n",
        encoding="utf-8",
    )
    errors, _ = Library.over_bundled([path]).check([path])
    [d] = errors
    assert (d.code, d.span.file, d.span.line) == ("WQ-YAML", str(path), 6)
    assert d.span.col > 2 * (MAX_POLICY_VALUES - 20)  # at the value that passes the limit, not at the file's start


def test_a_revision_adding_many_codes_to_a_list_a_loop_searches_is_a_cost_error_at_its_edit(tmp_path):
    """20,000 codes added to `excluded_categories`, which each investment line is looked up in: 2 × 10^9 steps on
    the largest input; reported at the revision's edit (the loop is in a line it inherits), on a linear path (the
    code before searched the list once per added item, and found nothing wrong)."""
    path = tmp_path / "2022-many.yaml"
    items = ",".join(f"code_{i}" for i in range(20_000))
    path.write_text(
        "id: wuqing-five-platforms\nversion: 2022-many\nextends: 2021-trial\neffective_from: 2022-01-01\n"
        f"parameters:\n  excluded_categories: {{add: [{items}]}}\n",
        encoding="utf-8",
    )
    errors, _ = Library.over_bundled([path]).check([path])
    assert [(d.code, d.span.file, d.span.line, d.span.col) for d in errors] == [("WQ-COST", str(path), 6, 3)]
    assert [Path(r.span.file).name for r in errors[0].related] == ["2021-trial.yaml"]
