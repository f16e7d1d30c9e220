"""Diagnostics: every problem a user can cause, with a stable code, a place and a hint."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from .display import columns
from .source import Span, line_of

# Stable codes; tests and tools match on these, never on wording.
CODES = {
    "WQ-YAML": "the file is not valid YAML",
    "WQ-FILE": "the file cannot be read",
    "WQ-SCHEMA": "the policy does not match schemas/policy.schema.json, or an input schema is not a valid JSON Schema",
    "WQ-SYNTAX": "an expression cannot be parsed",
    "WQ-NAME": "a name is not defined",
    "WQ-ARITY": "a function is called with the wrong number of arguments",
    "WQ-TYPE": "a value has the wrong type for where it is used",
    "WQ-CYCLE": "definitions depend on each other in a circle, or are built on one another too deeply",
    "WQ-DUPLICATE": "an id or key is given twice",
    "WQ-CLAUSE": "a clause id is unknown, or the clause map is incomplete",
    "WQ-VERSION": "policy versions overlap, leave a gap, or cannot be resolved",
    "WQ-INPUT": "an input document does not match its decision's schema",
    "WQ-EVAL": "an expression failed while evaluating",
    "WQ-CASE": "a test case file is malformed",
    "WQ-BASE": "a base version changed under a revision",
    "WQ-COST": "an expression could take too long to evaluate on the largest inputs allowed",
    "WQ-CONFUSABLE": "a name mixes scripts or uses characters that look like others",
    "WQ-LOCKED": "a published version (recorded in its folder's lock file) was edited in place",
    "WQ-VALUE": "a parameter's value is implausible: outside its bounds, a percentage written as a plain number, "
    "changed tenfold or more, an entry lacking a field its siblings have, or stated as an old figure in an "
    "inherited text",
    "WQ-GIT": "git could not give the files at a ref (no git, not a repository, an unknown ref)",
    "WQ-TRANSITION": "a revision changes a parameter that an output reads beside a date of the application's past, "
    "without at(parameter, date)",
}

# The same, in Chinese, with what to do: the legend under `wqpolicy check`, for policy staff.
CODES_ZH = {
    "WQ-YAML": "YAML 格式错误：检查缩进、冒号和引号；含逗号、冒号或 # 的文字请加引号",
    "WQ-FILE": "文件无法读取：确认路径存在、是文件而不是文件夹，并以 UTF-8 编码保存",
    "WQ-SCHEMA": "政策文件或输入格式（JSON Schema）结构不符：按提示补全或更正所指的字段"
    "（字段说明见 schemas/policy.schema.json）",
    "WQ-SYNTAX": "表达式无法解析：检查括号、运算符和引号是否成对、是否写全",
    "WQ-NAME": "名称未定义或找不到要修改的项：检查拼写，提示中给出了最接近的名称",
    "WQ-ARITY": "函数的参数个数不对：按提示给出参数",
    "WQ-TYPE": "取值类型不符（例如把文字与数字比较）：更正取值，或更正声明的 type",
    "WQ-CYCLE": "定义之间循环引用或层层嵌套过深：改写其中一个定义，打断循环或减少层数",
    "WQ-DUPLICATE": "编号或名称重复：删除重复的一项，或改用新的名称",
    "WQ-CLAUSE": "条款号在指引原文中不存在，或条款映射不全：对照原文更正条款号，或把该条补入 clause_map",
    "WQ-VERSION": "版本有效期重叠、断档或 extends 无法解析：调整 effective_from / effective_until 或 extends",
    "WQ-INPUT": "申报材料不符合该决定的输入格式：按提示更正所指字段",
    "WQ-EVAL": "计算时出错（例如除以零）：检查输入数据，或在表达式中处理这种情况",
    "WQ-CASE": "测试用例文件格式错误：按提示更正（格式见 schemas/case.schema.json）",
    "WQ-BASE": "修订所依据的基础版本已改动：逐条核对所列条目，确认无误后运行 wqpolicy lock",
    "WQ-COST": "表达式在允许的最大输入上计算量过大：减少嵌套的汇总（for … in），或在输入格式中用 maxItems 限定列表长度",
    "WQ-CONFUSABLE": "名称混用了不同文字或含有形近字符（如西里尔字母 а 冒充拉丁字母 a）：用同一种文字重新输入该名称",
    "WQ-LOCKED": "已发布版本不可修改：撤销对该文件的修改，用 wqpolicy revise 新建修订版本，把修改写在修订版本中",
    "WQ-VALUE": "参数取值不合常理（超出范围、百分比写成了普通数字、改动达十倍或以上、缺少同类各项都有的字段，"
    "或沿用的文字仍写着旧数字）：核对取值和相关文字",
    "WQ-GIT": "无法用 git 读取某一引用处的文件（未安装 git、不在仓库中或引用不存在）：按提示检查",
    "WQ-TRANSITION": "修订改了某个参数，而读取它的输出所依据的申请材料中有更早的日期（如认定日期），"
    "却没有用 at(参数, 日期)：若此前的申请应按当时的取值办理，请改用 at",
}


def legend(diagnostics: Iterable[Diagnostic], lang: str = "both") -> list[str]:
    """One line per code that occurs, saying what it means and what to do: in Chinese with the English beside it,
    or in ``lang`` alone (zh, en)."""
    codes = sorted({d.code for d in diagnostics if d.code in CODES})
    words = {"zh": lambda c: CODES_ZH[c], "en": lambda c: CODES[c]}.get(lang, lambda c: f"{CODES_ZH[c]} / {CODES[c]}")
    return [f"  {c}  {words(c)}" for c in codes]


@dataclass(frozen=True)
class Related:
    """A second place a diagnostic points at: the inherited line beside a revision's edit, the other definition of
    a name given twice. ``message`` in English, ``zh`` in Chinese (None until worded)."""

    span: Span
    message: str
    zh: str | None = None

    def to_json(self) -> dict:
        d = {"file": self.span.file, "line": self.span.line, "col": self.span.col, "message": self.message}
        if self.zh:
            d["message_zh"] = self.zh
        return d


LANGS = ("both", "zh", "en")


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, as facts: ``code`` from CODES, ``severity`` (error | warning), ``message`` (English) and ``zh``
    (Chinese, None where not yet worded), ``span`` (where; may be None), ``hint`` / ``hint_zh`` (what to do),
    ``subject`` (the rule id, parameter, definition, output or input field path it is about), ``decision`` (the
    decision it concerns), and ``related`` places. Code that reads a diagnostic reads these fields, never the
    wording."""

    span_key: tuple = field(init=False, repr=False, compare=True)
    code: str = field(compare=True)
    message: str = field(compare=True)
    span: Span | None = field(default=None, compare=False)
    hint: str | None = field(default=None, compare=False)
    severity: str = field(default="error", compare=False)
    subject: str | None = field(default=None, compare=False)
    decision: str | None = field(default=None, compare=False)
    zh: str | None = field(default=None, compare=False)
    hint_zh: str | None = field(default=None, compare=False)
    related: tuple[Related, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        s = self.span
        object.__setattr__(self, "span_key", (s.file, s.line, s.col) if s else ("", 0, 0))

    def render(self, text: str | None = None, lang: str = "en") -> str:
        """Compiler-style text; with the file ``text``, adds the source line and a caret. ``lang``: en (the
        English wording alone), zh (Chinese, English where no Chinese is given), both (Chinese, then English)."""
        where = f"{self.span}: " if self.span else ""
        out = f"{where}{self.severity}[{self.code}]: {self.worded(lang)}"
        if text is not None and self.span is not None:
            src = line_of(text, self.span.line)
            if src:
                src, col = _clip(src, self.span.col)
                marked = src[col - 1 : col - 1 + max(1, min(self.span.length, len(src) - col + 1))] or " "
                # a Chinese character takes two columns of a terminal: pad and mark by width, not by count
                caret = " " * columns(src[: col - 1]) + "^" * columns(marked)
                out += f"\n    {src.replace(chr(9), ' ')}\n    {caret}"
        for r in self.related:
            msg = r.message if lang == "en" or not r.zh else r.zh if lang == "zh" else f"{r.zh} / {r.message}"
            out += f"\n  {r.span}: note: {msg}"
        return out

    def worded(self, lang: str = "en") -> str:
        """The message with its hint, in ``lang`` (see ``render``)."""
        en = self.message + (f" ({self.hint})" if self.hint else "")
        if lang == "en" or self.zh is None:
            return en
        zh = self.zh + (f"（{self.hint_zh}）" if self.hint_zh else f" ({self.hint})" if self.hint else "")
        return zh if lang == "zh" else f"{zh}\n    {en}"

    def to_json(self) -> dict:
        d: dict = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.zh:
            d["message_zh"] = self.zh
        if self.span:
            d.update(file=self.span.file, line=self.span.line, col=self.span.col)
        if self.hint:
            d["hint"] = self.hint
        if self.hint_zh:
            d["hint_zh"] = self.hint_zh
        if self.subject:
            d["subject"] = self.subject
        if self.decision:
            d["decision"] = self.decision
        if self.related:
            d["related"] = [r.to_json() for r in self.related]
        return d


class WQError(Exception):
    """Raised with one or more diagnostics; the CLI prints them and exits 1."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(set(diagnostics))
        super().__init__("\n".join(d.render() for d in self.diagnostics))


# How alike (difflib's ratio, 0 to 1) a known name must be to a misspelt one to be suggested for it; an engine
# setting, not a number of any policy. TYPO: alike enough to be taken for a slip of the same word.
ALIKE, TYPO = 0.6, 0.8


# Names a suggestion is looked for among, at most (an engine setting): a search of a list of 100,000 codes for
# each of as many misspelt ones would take hours.
MAX_CANDIDATES = 2_000


def closest(name: str, candidates: Iterable[str], cutoff: float = ALIKE) -> str | None:
    """The candidate closest to ``name`` (at least ``cutoff`` alike, difflib's ratio), or None; None also when
    there are more than MAX_CANDIDATES to choose from, or the name is long."""
    candidates = list(itertools.islice(candidates, MAX_CANDIDATES + 1))
    if len(candidates) > MAX_CANDIDATES or len(name) > 200:
        return None
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(name: str, candidates: Iterable[str], cutoff: float = ALIKE) -> str | None:
    """'did you mean `x`?' for the closest candidate (``closest``), or None."""
    close = closest(name, candidates, cutoff)
    return f"did you mean `{close}`?" if close is not None else None


def meant(close: str) -> tuple[str, str]:
    """The hint that ``close`` is the name meant, in English and Chinese: (did you mean `x`?, 您是否想写 `x`？)."""
    return f"did you mean `{close}`?", f"您是否想写 `{close}`？"


def suggest(name: str, candidates: Iterable[str], cutoff: float = ALIKE) -> tuple[str, str] | None:
    """(hint, hint_zh) naming the closest candidate (``closest``), or None: ``suggest(x, names) or (en, zh)``
    gives a hint in both languages either way.

    >>> suggest("rd_intesity", ["rd_intensity", "min_investment"])
    ('did you mean `rd_intensity`?', '您是否想写 `rd_intensity`？')
    """
    close = closest(name, candidates, cutoff)
    return meant(close) if close is not None else None


def typo_of(name: str, candidates: Iterable[str]) -> str | None:
    """The one candidate that ``name`` is a slip of the keys for — a letter or two left out, added, changed or
    swapped (at most one such edit in five characters, and never more than two) — or None. For names of items
    (rules, parameters, definitions, outputs): a name that differs by a whole word is another item, and taking
    it would change what the policy means (`recognition.investment` is not `recognition.excluded_investment`).

    >>> typo_of("rd_intensty", ["rd_intensity", "rd_staff_share"]), typo_of("recognition.investment",
    ...     ["recognition.excluded_investment"])
    ('rd_intensity', None)
    """
    limit = min(2, max(1, len(name) // 5))
    found = [c for c in itertools.islice(candidates, MAX_CANDIDATES + 1) if edits(name, c, limit) <= limit]
    if len(found) > MAX_CANDIDATES or len(name) > 200:
        return None
    found.sort(key=lambda c: (edits(name, c, limit), c))
    return (
        found[0] if found and (len(found) == 1 or edits(name, found[0], limit) < edits(name, found[1], limit)) else None
    )


def edits(a: str, b: str, limit: int) -> int:
    """The edits (a character left out, added, changed, or two swapped) that make ``a`` into ``b``, counted up to
    ``limit`` + 1 (more than ``limit`` is all a caller needs to know)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return min(previous[-1], limit + 1)


_SHOWN = 160  # characters of a long source line shown around the caret


def _clip(src: str, col: int) -> tuple[str, int]:
    """A long source line cut to a window around ``col`` (1-based), and ``col`` within that window."""
    if len(src) <= _SHOWN:
        return src, col
    start = max(0, min(col - 1 - _SHOWN // 3, len(src) - _SHOWN))
    piece = src[start : start + _SHOWN]
    if start > 0:
        piece, col = "…" + piece, col - start + 1
    if start + _SHOWN < len(src):
        piece += "…"
    return piece, col
