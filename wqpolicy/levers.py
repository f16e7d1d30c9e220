"""The figures of an application that a condition depends on — its "levers" — found from the AST, through the
definitions it uses: a numeric input field (``service_area_m2``), a numeric field of a list's items
(``finances[2].rd_expense``), or a new item of a list that a ``sum`` counts, of a category its filter accepts
(a new ``investment`` line of an eligible category). Also every input path the condition reads, for saying which
materials decide it when no figure can. Static: nothing here evaluates anything."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

from . import ast
from .units import NumberField
from .vocabulary import Vocabulary

# Items of one list whose fields are tried as levers, at most (an engine setting: a long list of investment lines
# adds nothing that a new line of the same kind does not say).
MAX_ITEMS = 10


@dataclass(frozen=True)
class Lever:
    """One figure to change. ``kind``: ``field`` (an input number at ``path``), ``item`` (a number at ``path`` =
    ``list[i].field``) or ``new_item`` (an item appended to the list at ``list_path``: ``item`` holds its code
    field(s), ``field`` the amount that is changed). ``number``: what the schema says of the changed number."""

    kind: str
    path: str
    number: NumberField
    list_path: str | None = None
    index: int | None = None
    field: str | None = None
    item: dict = dataclasses.field(default_factory=dict)
    excluded: tuple = ()  # codes of the list's items that the sum's filter leaves out (for a new item: a note)


@dataclass
class Reads:
    """What a condition reads: ``fields`` (input paths), ``items`` ((list path, field) pairs read in loops),
    ``levers`` (numeric), and ``sums`` ((list path, amount field, code field, codes) of each `sum` over an input
    list whose filter names the codes it accepts)."""

    fields: dict = dataclasses.field(default_factory=dict)
    items: dict = dataclasses.field(default_factory=dict)
    numbers: dict = dataclasses.field(default_factory=dict)  # path or (list, field) -> NumberField
    sums: list = dataclasses.field(default_factory=list)


def _dotted(n) -> str | None:
    if isinstance(n, ast.Name):
        return n.name
    if isinstance(n, ast.Field):
        head = _dotted(n.subject)
        return f"{head}.{n.name}" if head is not None else None
    return None


class LeverFinder:
    """Finds what conditions of one decision read (its Vocabulary names the inputs, parameters and definitions)."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.params = vocab.version.parameters
        self._reads: dict[int, tuple[ast.Node, Reads]] = {}  # id(node) -> (node, what it reads): static

    def reads(self, node: ast.Node) -> Reads:
        """What ``node`` reads, found once per node (shared: not to be changed)."""
        kept = self._reads.get(id(node))
        if kept is not None and kept[0] is node:
            return kept[1]
        out = Reads()
        self._walk(node, {}, out, set())
        self._reads[id(node)] = (node, out)
        return out

    # local: loop variable -> input list path it runs over ("" when not an input list)
    def _input_path(self, n, local) -> tuple[str | None, str | None]:
        """(input path, None) for a node that reads an input field, (list path, field) for a loop item's field,
        following aliases (``investment_items: investment``); (None, None) otherwise."""
        path = _dotted(n)
        if path is None:
            return None, None
        root, _, rest = path.partition(".")
        if root in local:
            return (local[root], rest) if local[root] and rest else (None, None)
        d = self.vocab.defs.get(root)
        if d is not None:
            if d.expr is not None and _dotted(d.expr.node) is not None:
                inner, _ = self._input_path(d.expr.node, {})
                return (f"{inner}.{rest}" if rest else inner, None) if inner else (None, None)
            return None, None
        if root in self.params or not self.vocab.is_input(root):
            return None, None
        return path, None

    def _walk(self, n, local, out: Reads, seen: set) -> None:
        if isinstance(n, (ast.Name, ast.Field)):
            path, item_field = self._input_path(n, local)
            if path is not None and item_field is not None:
                out.items.setdefault((path, item_field))
                number = self.vocab.units.number_field(f"{path}[0].{item_field}")
                if number is not None:
                    out.numbers.setdefault((path, item_field), number)
                return
            if path is not None:
                out.fields.setdefault(path)
                number = self.vocab.units.number_field(path)
                if number is not None:
                    out.numbers.setdefault(path, number)
                return
            root = (_dotted(n) or "").split(".")[0]
            d = self.vocab.defs.get(root)
            if d is not None and root not in local and root not in seen:
                seen.add(root)
                if d.expr is not None:
                    self._walk(d.expr.node, {}, out, seen)
                elif d.each is not None:
                    each = d.each
                    self._walk(each.source.node, {}, out, seen)
                    source, _ = self._input_path(each.source.node, {})
                    inner = {each.var: source or "", **dict.fromkeys(each.carry, ""), **dict.fromkeys(each.fields, "")}
                    for e in [each.order_by, *each.fields.values(), *(x for pair in each.carry.values() for x in pair)]:
                        if e is not None:
                            self._walk(e.node, inner, out, seen)
            if isinstance(n, ast.Field):
                self._walk(n.subject, local, out, seen)
            return
        if isinstance(n, ast.Aggregate):
            self._walk(n.source, local, out, seen)
            source, _ = self._input_path(n.source, local)
            inner = {**local, n.var: source or ""}
            self._walk(n.element, inner, out, seen)
            if n.cond is not None:
                self._walk(n.cond, inner, out, seen)
            if (
                n.func == "sum"
                and source
                and isinstance(n.element, ast.Field)
                and isinstance(n.element.subject, ast.Name)
                and n.element.subject.name == n.var
            ):
                for code_field, codes in self._accepted(n.cond, n.var):
                    out.sums.append((source, n.element.name, code_field, codes))
            return
        for c in ast.children(n):
            self._walk(c, local, out, seen)

    def _accepted(self, cond, var: str) -> list[tuple[str, tuple]]:
        """(field, codes) for each ``var.field in CONSTANT`` / ``var.field == CONSTANT`` of a filter (its `and`
        parts): the codes a new item may carry to be counted."""
        if cond is None:
            return []
        if isinstance(cond, ast.Binary) and cond.op == "and":
            return self._accepted(cond.left, var) + self._accepted(cond.right, var)
        if (
            isinstance(cond, ast.Binary)
            and cond.op in ("in", "==")
            and isinstance(cond.left, ast.Field)
            and isinstance(cond.left.subject, ast.Name)
            and cond.left.subject.name == var
        ):
            value = self._constant(cond.right)
            if cond.op == "==" and isinstance(value, str):
                return [(cond.left.name, (value,))]
            if cond.op == "in" and isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value):
                return [(cond.left.name, tuple(value))]
            if cond.op == "in" and isinstance(value, dict):
                return [(cond.left.name, tuple(value))]
        return []

    def _constant(self, n) -> Any:
        if isinstance(n, ast.Literal):
            return n.value
        if isinstance(n, ast.ListExpr) and all(isinstance(x, ast.Literal) for x in n.items):
            return [x.value for x in n.items]
        if isinstance(n, ast.Name) and n.name in self.params:
            return self.params[n.name].value
        return None

    def levers(self, reads: Reads, doc: dict) -> list[Lever]:
        """The levers of a condition that read ``reads``, on document ``doc`` (list items as they are there)."""
        out: list[Lever] = []
        for key, number in reads.numbers.items():
            if isinstance(key, str):
                out.append(Lever("field", key, number))
                continue
            list_path, item_field = key
            items = value_at(doc, list_path)
            if not isinstance(items, list):
                continue
            for i, item in enumerate(items[:MAX_ITEMS]):
                if isinstance(item, dict) and item_field in item:
                    out.append(Lever("item", f"{list_path}[{i}].{item_field}", number, list_path, i, item_field))
        codes_seen: set = set()
        for list_path, amount, code_field, codes in reads.sums:
            number = self.vocab.units.number_field(f"{list_path}[0].{amount}")
            if number is None:
                continue
            items = value_at(doc, list_path)
            present = [x.get(code_field) for x in items if isinstance(x, dict)] if isinstance(items, list) else []
            excluded = tuple(dict.fromkeys(c for c in present if isinstance(c, str) and c not in codes))
            for code in codes:
                if (list_path, amount, code_field, code) in codes_seen:
                    continue
                codes_seen.add((list_path, amount, code_field, code))
                out.append(
                    Lever(
                        "new_item",
                        f"{list_path}[+].{amount}",
                        number,
                        list_path,
                        None,
                        amount,
                        {code_field: code},
                        excluded,
                    )
                )
        return out


def value_at(doc: Any, path: str) -> Any:
    """The value at a dotted path (``staff.total``, ``finances[2].revenue``) of a document, or None."""
    for step in steps_of(path):
        if isinstance(step, int):
            doc = doc[step] if isinstance(doc, list) and 0 <= step < len(doc) else None
        else:
            doc = doc.get(step) if isinstance(doc, dict) else None
    return doc


@functools.lru_cache(maxsize=4096)
def steps_of(path: str) -> tuple[str | int, ...]:
    """``path_steps(path)`` as a tuple, parsed once per path (the paths are the policy's levers and inputs)."""
    from .fieldtitles import path_steps

    return tuple(path_steps(path))
