"""An expression read aloud in Chinese: ``rd_intensity >= min_rd_intensity`` → ``近三年平均研发投入强度 ≥ 3%``.
Names become their labels or titles, parameters their values with units, operators their signs or words (且, 或,
属于); generated from the AST, so every rule and definition of any policy gets a sentence, with no wording kept
per rule. A construct with no natural reading keeps its text, in 「」."""

from __future__ import annotations

from . import ast
from .units import bare_title
from .vocabulary import Vocabulary

_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠", "+": "+", "-": "−", "*": "×", "/": "÷"}
_NEGATED = {">=": "<", ">": "≤", "<=": ">", "<": "≥", "==": "≠", "!=": "="}
_LEVEL = {
    "or": 1,
    "and": 2,
    "in": 4,
    "not in": 4,
    "==": 4,
    "!=": 4,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
}
_SPECIAL = {
    "outcome": "结论",
    "rules.passed": "通过的规则数",
    "rules.failed": "不通过的规则数",
    "rules.unknown": "待定的规则数",
    "rules.error": "出错的规则数",
    "rules.advisories": "提示数",
}
_FUNCTIONS = {
    "sum": "合计",
    "count": "个数",
    "mean": "平均值",
    "min": "最小值",
    "max": "最大值",
    "any": "任一成立",
    "all": "全部成立",
    "distinct": "去重",
    "len": "项数",
    "abs": "绝对值",
    "year": "年份",
}
COMPARISONS = frozenset(_NEGATED)


def sign(op: str) -> str:
    """An operator as printed: ``>=`` → ``≥``."""
    return _SIGNS.get(op, op)


def negated_sign(op: str) -> str:
    """The sign that says a comparison did not hold: ``>=`` → ``<``."""
    return _NEGATED.get(op, "≠")


class Phrasing:
    """Reads expressions of one decision (its Vocabulary) in Chinese."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab

    def sentence(self, expr) -> str:
        """A model Expr (text and AST) as one Chinese sentence."""
        return self.node(expr.node, expr.text)

    def node(self, n: ast.Node, text: str, local: dict | None = None) -> str:
        return self._say(n, text, dict(local or {}), 0)

    # -- helpers --------------------------------------------------------------------------------------------------
    def source_path(self, n: ast.Node, local: dict) -> str | None:
        """The dotted input path a node reads (through aliases: ``investment_items`` → ``investment``; a loop
        variable's field as ``list[0].field``), or None."""
        if isinstance(n, ast.Name):
            if n.name in local:
                return local[n.name]
            d = self.vocab.defs.get(n.name)
            if d is not None:
                return self.source_path(d.expr.node, {}) if d.expr is not None else None
            return n.name if self.vocab.is_input(n.name) else None
        if isinstance(n, ast.Field):
            head = self.source_path(n.subject, local)
            return f"{head}.{n.name}" if head is not None else None
        return None

    def unit_of(self, n: ast.Node, local: dict):
        """The unit a node's value is counted in, where a name says it."""
        path = self.source_path(n, local)
        if path is not None:
            return self.vocab.unit(path)
        if isinstance(n, ast.Name) and (n.name in self.vocab.defs or n.name in self.vocab.version.parameters):
            return self.vocab.unit(n.name)
        return None

    def _text(self, n: ast.Node, text: str) -> str:
        return f"「{text[ast.start(n) : n.end]}」"

    def _say(self, n, text, local, outer: int, unit=None) -> str:
        out, level = self._phrase(n, text, local, unit)
        return f"（{out}）" if level < outer else out

    def _phrase(self, n, text, local, unit=None) -> tuple[str, int]:
        v = self.vocab
        if isinstance(n, ast.Literal):
            if n.kind == "unknown":
                return "待定", 9
            if n.kind == "string":
                label = v.code_label(n.value)
                return (label.zh if label is not None else f"“{n.value}”"), 9
            return v.show(None, n.value, unit=unit), 9
        if isinstance(n, ast.Name):
            if n.name in local:
                return n.name, 9
            if n.name in _SPECIAL:
                return _SPECIAL[n.name], 9
            p = v.version.parameters.get(n.name)
            if p is not None:
                if isinstance(p.value, (list, dict)):
                    return f"“{v.label(n.name).zh}”", 9
                own = v.unit(n.name)
                return v.show(n.name, p.value, unit=own if own is not None else unit), 9
            return v.label(n.name).zh, 9
        if isinstance(n, ast.Field):
            whole = text[ast.start(n) : n.end]
            if whole in _SPECIAL:
                return _SPECIAL[whole], 9
            path = self.source_path(n, local)
            if path is not None:
                if "[" in path:  # a field of the item a loop is at: its own title says it
                    title = v.titles.title(path)
                    return (bare_title(title.zh) if title is not None else n.name), 9
                return v.label(path).zh, 9
            return self._text(n, text), 9
        if isinstance(n, ast.Unary):
            if n.op == "not":
                return f"并非{self._say(n.operand, text, local, 9)}", 3
            return f"−{self._say(n.operand, text, local, 7)}", 7
        if isinstance(n, ast.Binary):
            op = n.op
            level = _LEVEL.get(op, 4)
            if op in ("and", "or"):
                word = "且" if op == "and" else "或"
                left, right = self._say(n.left, text, local, level), self._say(n.right, text, local, level + 1)
                return f"{left}，{word}{right}", level
            if op in ("in", "not in"):
                word = "属于" if op == "in" else "不属于"
                left, right = self._say(n.left, text, local, level + 1), self._say(n.right, text, local, level + 1)
                return f"{left} {word} {right}", level
            left_unit, right_unit = self.unit_of(n.left, local), self.unit_of(n.right, local)
            if op in COMPARISONS:  # a threshold without a unit of its own is counted in the other side's
                return (
                    f"{self._say(n.left, text, local, level + 1, right_unit)} {sign(op)} "
                    f"{self._say(n.right, text, local, level + 1, left_unit)}"
                ), level
            return (
                f"{self._say(n.left, text, local, level)} {sign(op)} {self._say(n.right, text, local, level + 1)}"
            ), level
        if isinstance(n, ast.IsKnown):
            word = "可以确定" if n.known else "无法确定（待定）"
            return f"{self._say(n.subject, text, local, 5)}{word}", 4
        if isinstance(n, ast.If):
            return (
                f"若{self._say(n.cond, text, local, 2)}，则{self._say(n.then, text, local, 2)}，"
                f"否则{self._say(n.other, text, local, 2)}"
            ), 0
        if isinstance(n, ast.Call):
            args = [self._say(a, text, local, 0) for a in n.args]
            if n.func == "round" and len(n.args) == 2 and isinstance(n.args[1], ast.Literal):
                places = n.args[1].value
                tail = "（四舍五入到分）" if places == 2 else f"（四舍五入到 {places} 位小数）"
                return f"{self._say(n.args[0], text, local, 9)}{tail}", 9
            if n.func == "known":
                return f"已填写{args[0]}", 9
            if n.func == "at" and len(n.args) == 2 and isinstance(n.args[0], ast.Name):
                # the value in force on a date, not today's: named by its label, not shown as one value
                return f"{args[1]}当日施行的{v.label(n.args[0].name).zh}", 9
            if n.func == "value_or":
                return f"{args[0]}（未填写时取 {args[1]}）", 9
            if n.func == "date" and len(args) == 3:
                return f"{args[0]}年{args[1]}月{args[2]}日", 9
            if n.func in ("min", "max") and len(args) > 1:
                word = "较小者" if n.func == "min" else "较大者"
                return f"{'、'.join(args)} 中的{word}", 9
            if (
                n.func == "len"
                and len(n.args) == 1
                and isinstance(n.args[0], ast.Call)
                and n.args[0].func == "distinct"
            ):
                return f"{self._say(n.args[0].args[0], text, local, 9)}的不同项数", 9
            named = _FUNCTIONS.get(n.func)
            return (f"{named}（{'，'.join(args)}）" if named else self._text(n, text)), 9
        if isinstance(n, ast.Aggregate):
            source_path = self.source_path(n.source, local)
            inner = {**local, n.var: f"{source_path}[0]" if source_path else n.var}
            source = self._say(n.source, text, local, 9)
            element = self._say(n.element, text, inner, 0)
            cond = f"中{self._say(n.cond, text, inner, 0)}的" if n.cond is not None else "中"
            word = _FUNCTIONS.get(n.func or "", "")
            if word:
                return f"{word}（{source}{cond}各项的{element}）", 9
            return f"［{source}{cond}各项的{element}］", 9
        if isinstance(n, ast.ListExpr):
            return "［" + "、".join(self._say(x, text, local, 0) for x in n.items) + "］", 9
        return self._text(n, text), 9
