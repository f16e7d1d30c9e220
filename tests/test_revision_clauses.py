"""Clauses in a revision: the guideline text amended inline (`clauses: {add, change, remove}`) and the clause map
edited by `add:` / `remove:`; `check` proves completeness against the revision's own clauses (a removed clause must
leave the clause map and every item's `clause:`), the notice quotes the revision's text, `render` shows the clauses
added and removed (修订对照表), the policy diff lists them, and the lock protects them once published."""

from __future__ import annotations

import shutil
import textwrap

import pytest

from conftest import BUNDLED_REF, EXAMPLES, ROOT, run
from wqpolicy import load_policy
from wqpolicy.diff import policy_changes
from wqpolicy.library import Library

STRUCTURAL = ROOT / "tests" / "fixtures" / "revision" / "structural" / "2024-structural.yaml"
HEAD = """\
id: wuqing-five-platforms
version: 2024-clauses
extends: 2021-trial
effective_from: 2024-01-01
"""
NEW_CLAUSE = """\
clauses:
  add:
    "3.2.11": {zh: 11.拥有有效发明专利2项以上；, en: 11. Holds at least 2 valid invention patents;}
"""


def findings(tmp_path, body: str) -> list[tuple]:
    path = tmp_path / "2024-clauses.yaml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    errors, warnings = Library.over_bundled([path]).check([path])
    return [
        (d.span.file == str(path), d.span.line, d.span.col, d.code, d.severity)
        for d in sorted(errors + warnings, key=lambda d: (d.span.file, d.span.line, d.span.col))
    ]


@pytest.fixture(scope="module")
def structural():
    return load_policy(str(STRUCTURAL))


def test_the_revisions_clauses_are_the_base_text_amended(structural):
    clauses = structural.model.clauses
    base = load_policy(BUNDLED_REF).model.clauses
    assert clauses["3.2.11"] == "11.平台主体单位拥有有效发明专利2项以上；" and "3.2.11" not in base
    assert "2.2.6" not in clauses and "2.2.6" in base
    assert "位于重点园区的不低于600平方米" in clauses["3.2.3"] and "600" not in base["3.2.3"]
    assert structural.model.clause_map["3.2.11"] == ["recognition.invention_patents", "min_invention_patents"]
    assert "2.2.6" not in structural.model.clause_map
    assert structural.model.clause_map["3.2.3"][-2:] == ["priority_parks", "min_service_area_m2_priority_park"]


def test_a_new_clause_must_be_mapped_and_is_reported_where_it_is_added(tmp_path):
    assert findings(tmp_path, NEW_CLAUSE) == [(True, 7, 6, "WQ-CLAUSE", "error")]
    mapped = NEW_CLAUSE + 'clause_map:\n  "3.2.11": {not_computable: 专家评审 expert judgement}\n'
    assert findings(tmp_path, mapped) == []


def test_a_removed_clause_must_leave_the_clause_map_and_every_clause_it_is_cited_by(tmp_path):
    removed = 'clauses:\n  remove: ["3.2.9"]\n'
    assert findings(tmp_path, removed) == [(False, 758, 4, "WQ-CLAUSE", "error")]  # the inherited map entry
    errors, _ = Library.over_bundled([tmp_path / "2024-clauses.yaml"]).check([tmp_path / "2024-clauses.yaml"])
    [error] = errors
    assert error.message.startswith("clause 3.2.9 is removed (`clauses: remove`), but this still cites it")
    assert [(r.span.line, r.span.col) for r in error.related] == [(6, 13)]  # where the revision removes it
    fixed = removed + 'clause_map:\n  "3.2.9": {remove: true}\n'
    assert findings(tmp_path, fixed) == []
    cited = 'clauses:\n  remove: ["3.2.8"]\nclause_map:\n  "3.2.8": {remove: true}\n'
    found = findings(tmp_path, cited)
    assert {(own, code) for own, _, _, code, _ in found} == {(False, "WQ-CLAUSE")}  # the inherited rule and parameter
    assert len(found) == 2


def test_clause_map_entries_are_edited_with_add_and_remove(tmp_path):
    body = NEW_CLAUSE + textwrap.dedent(
        """\
        parameters:
          min_invention_patents: {value: 2, type: integer, clause: "3.2.11", label: {zh: 下限, en: Minimum}}
        clause_map:
          "3.2.11": {add: [min_invention_patents]}
          "3.2.8": {remove: [min_partner_cases], add: [min_invention_patents]}
          "3.2.4": {remove: [no_such_item]}
        """
    )
    assert findings(tmp_path, body) == [(True, 13, 22, "WQ-NAME", "error")]  # nothing to remove
    assert findings(tmp_path, body.replace('  "3.2.4": {remove: [no_such_item]}\n', "")) == []
    model = Library.over_bundled([tmp_path / "2024-clauses.yaml"]).build("wuqing-five-platforms", "2024-clauses")
    assert model.clause_map["3.2.11"] == ["min_invention_patents"]
    assert model.clause_map["3.2.8"] == ["recognition.partners", "min_invention_patents"]


def test_clause_edits_that_find_nothing_are_errors_at_their_lines(tmp_path):
    body = """\
    clauses:
      add:
        "3.2.3": {zh: again, en: again}
      change:
        "9.9": {zh: x, en: x}
      remove: ["9.8"]
    """
    assert findings(tmp_path, body) == [
        (True, 7, 6, "WQ-CLAUSE", "error"),  # add: there already
        (True, 9, 6, "WQ-CLAUSE", "error"),  # change: not there
        (True, 10, 13, "WQ-CLAUSE", "error"),  # remove: not there
    ]


def test_the_notice_quotes_the_revisions_clause_text(tmp_path):
    doc = tmp_path / "app.yaml"
    doc.write_text(
        (EXAMPLES / "recognition.yaml")
        .read_text(encoding="utf-8")
        .replace("special_case: false", "special_case: false\ninvention_patents: 1\nsubmitted_on: 2024-05-01"),
        encoding="utf-8",
    )
    result = run("eval", doc, "--policy", STRUCTURAL, "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert "11.平台主体单位拥有有效发明专利2项以上" in result.stdout
    assert "位于重点园区的不低于600平方米" in result.stdout  # 3.2.3 as the revision words it


def test_render_and_diff_show_the_clauses_added_removed_and_reworded(structural):
    changes = {c.path: c.kind for c in policy_changes(load_policy(BUNDLED_REF).model, structural.model)}
    assert changes["clauses.3.2.11"] == "clause.added"
    assert changes["clauses.2.2.6"] == "clause.removed"
    assert changes["clauses.3.2.3"] == "clause.changed"
    assert changes["clause_map.2.2.6"] == "clause_map.removed"
    result = run("render", STRUCTURAL, "--format", "md", env={"WQPOLICY_LANG": "both"})
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert any(r.startswith("| 3.2.11<br>11.平台主体单位") and "| 新增条款 |" in r for r in rows)
    assert any(r.startswith("| 2.2.6<br>6.其他领域") and "| （无） | 删除条款 |" in r for r in rows)
    text = run("diff", BUNDLED_REF, STRUCTURAL).stdout
    assert "  - clause 3.2.11 added: 11.平台主体单位拥有有效发明专利2项以上；" in text


def test_a_published_revisions_clauses_are_locked(tmp_path):
    folder = tmp_path / "policy"
    folder.mkdir()
    shutil.copy(STRUCTURAL, folder / STRUCTURAL.name)
    assert run("lock", folder).exit_code == 0
    edited = folder / STRUCTURAL.name
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("拥有有效发明专利2项以上", "拥有有效发明专利3项以上"),
        encoding="utf-8",
    )
    errors, _ = Library.over_bundled([folder]).check([folder])
    assert [(d.code, d.subject) for d in errors] == [("WQ-LOCKED", "header.clauses")]
