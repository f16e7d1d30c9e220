"""A failed parse worded for the people who write policies: characters a Chinese input method or a word
processor types in place of ASCII ones, operators and keywords of other languages, brackets left open, a unit
parted from its number, an `if` without `then` or `else` — each named where it is, with what to write instead."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken


class ParseFailure(Exception):
    """A syntax error at ``offset`` (0-based) of the expression text: ``message`` and ``hint`` in English, ``zh``
    and ``hint_zh`` in Chinese."""

    def __init__(
        self,
        message: str,
        offset: int,
        length: int = 1,
        hint: str | None = None,
        zh: str | None = None,
        hint_zh: str | None = None,
    ):
        super().__init__(message)
        self.message, self.offset, self.length, self.hint = message, offset, length, hint
        self.zh, self.hint_zh = zh, hint_zh


_TOKEN_NAMES = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "DATE": "a date",
    "DURATION": "a duration",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "COMMA": "`,`",
    "DOT": "`.`",
    "COMP_OP": "a comparison",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "MINUS": "`-`",
    "$END": "the end of the expression",
}
_TOKEN_NAMES_ZH = {
    "NAME": "名称",
    "NUMBER": "数字",
    "STRING": "文字",
    "DATE": "日期",
    "DURATION": "时长",
    "COMP_OP": "比较运算符",
    "ADD_OP": "`+` 或 `-`",
    "MUL_OP": "`*` 或 `/`",
    "$END": "表达式结束",
}


def _listed(names: Iterable[str]) -> list[str]:
    """The tokens worth naming: where a name may stand, so may the literal `unknown`, which is left unsaid."""
    names = list(names)
    return [n for n in names if n != "UNKNOWN" or "NAME" not in names]


def _expected(names: Iterable[str]) -> str:
    words = sorted({_TOKEN_NAMES.get(n, f"`{n.lower()}`" if n.isupper() else n) for n in _listed(names)})
    return ", ".join(words[:8])


def _expected_zh(names) -> str:
    """``_expected`` in Chinese (in the same order): what the parser could take at the place it stopped."""
    names = _listed(names)
    pairs = sorted(
        {
            (en, _TOKEN_NAMES_ZH.get(n, en))
            for n in names
            for en in [_TOKEN_NAMES.get(n, f"`{n.lower()}`" if n.isupper() else n)]
        }
    )
    return "、".join(zh for _, zh in pairs[:8])


def _shown(ch: str) -> str:
    """A character as an error names it: itself in backticks, or, when it cannot be seen (a zero-width space,
    a byte-order mark, a direction mark, a control character), its code and name."""
    if ch and (unicodedata.category(ch)[0] in "CZ" and ch != " "):
        return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character').lower()} (it cannot be seen: delete it)"
    return f"`{ch}`"


def _shown_zh(ch: str) -> str:
    """``_shown`` in Chinese."""
    if ch and (unicodedata.category(ch)[0] in "CZ" and ch != " "):
        return f"U+{ord(ch):04X}（看不见的字符：请删除它）"
    return f"`{ch}`"


def failure(e: UnexpectedInput, text: str) -> ParseFailure:
    """The failed parse of ``text`` worded for people: what is wrong, where, and what to write instead."""
    if isinstance(e, UnexpectedCharacters):
        at: int = e.pos_in_stream or 0  # set by the lexer (lark types only its class default, None)
        ch = text[at] if at < len(text) else ""
        return (
            _lookalike(text, at)
            or _wrong_operator(text, at)
            or _spaced_unit(text, at, ch)
            or ParseFailure(
                f"unexpected character {_shown(ch)}",
                at,
                hint=f"expected {_expected(e.allowed)}" if e.allowed else None,
                zh=f"此处不应出现字符 {_shown_zh(ch)}",
                hint_zh=f"此处应为：{_expected_zh(e.allowed)}" if e.allowed else None,
            )
        )
    if isinstance(e, UnexpectedEOF):
        return _early_end(text, e.expected)
    if isinstance(e, UnexpectedToken):
        tok = e.token
        expected = e.accepts or e.expected
        if tok.type == "$END":
            return _early_end(text, expected)
        start = _start(tok)
        return (
            _foreign_word(text, tok)
            or _unmatched(text, start)
            or _thousands(text, start)
            or _spaced_unit(text, start, str(tok))
            or _missing_then(text, tok, expected)
            or ParseFailure(
                f"unexpected `{tok}`",
                tok.start_pos,
                len(str(tok)),
                hint=f"expected {_expected(expected)}",
                zh=f"此处不应出现 `{tok}`",
                hint_zh=f"此处应为：{_expected_zh(expected)}",
            )
        )
    return ParseFailure(str(e), getattr(e, "pos_in_stream", 0) or 0, zh="表达式无法解析")


def _start(tok: Token) -> int:
    """Where ``tok`` starts: every token the parser hands over has its place (lark types it as optional)."""
    return tok.start_pos or 0


# Characters that look like the ASCII ones the language uses: what a Chinese input method types (full-width
# forms, U+FF01-FF5E, are the ASCII ones shifted; the ideographic space) and a word processor's typography.
_LOOKALIKE = {
    "\u3000": " ",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "×": "*",
    "÷": "/",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "。": ".",
    "、": ",",
    "【": "[",
    "】": "]",
    "〔": "(",
    "〕": ")",
    "—": "-",
    "–": "-",
    "−": "-",
}


def ascii_for(ch: str) -> str | None:
    """The ASCII character(s) that ``ch`` stands for when it is a look-alike typed by a Chinese input method or
    a word processor (`＞` -> `>`, `≥` -> `>=`, `“` -> `"`), else None."""
    if "\uff01" <= ch <= "\uff5e":
        return chr(ord(ch) - 0xFEE0)
    return _LOOKALIKE.get(ch)


def _lookalike(text: str, at: int) -> ParseFailure | None:
    end = at
    while end < len(text) and ascii_for(text[end]) is not None and (end == at or text[end] != "\u3000"):
        end += 1
    if end == at:
        return None
    typed = text[at:end]
    write = "".join(ascii_for(c) or c for c in typed)  # each has its ASCII form (the loop above)
    if write == "=":
        write = "=="
    if typed == "\u3000":
        return ParseFailure(
            "`\u3000` is a full-width space (全角空格); write an ordinary space instead",
            at,
            zh="`\u3000` 是全角空格：请改为普通（半角）空格",
        )
    if all("\uff01" <= c <= "\uff5e" for c in typed):
        what = "full-width (全角, as a Chinese input method types it)"
        what_zh = "全角字符（中文输入法打出的）"
    elif set(typed) <= set("“”‘’"):
        return ParseFailure(
            f'`{typed}` is a curly quote; write text in straight quotes: "…"',
            at,
            end - at,
            zh=f'`{typed}` 是中文（弯）引号：表达式中的文字请用半角直引号 "…"',
        )
    else:
        what = "not a character of the expression language"
        what_zh = "表达式语言中没有的字符"
    return ParseFailure(
        f"`{typed}` is {what}; write `{write}` (ASCII, 半角) instead",
        at,
        end - at,
        zh=f"`{typed}` 是{what_zh}：请改为半角的 `{write}`",
    )


def _wrong_operator(text: str, at: int) -> ParseFailure | None:
    """Operators of other languages: `=>`, `=`, `&&`, `||`, `!`."""
    two = text[at : at + 2]
    if two in ("=>", "=<"):
        return ParseFailure(
            f"`{two}` is not an operator; write `{two[::-1]}`", at, 2, zh=f"`{two}` 不是运算符：请写 `{two[::-1]}`"
        )
    if two[:1] == "=":
        return ParseFailure(
            "a single `=` does not compare; write `==` (equal to)",
            at,
            1,
            zh="单个 `=` 不表示比较：“等于”请写 `==`",
        )
    if two[:1] in "&|":
        word, n = ("and" if two[0] == "&" else "or"), (2 if two in ("&&", "||") else 1)
        meaning = "并且" if word == "and" else "或者"
        return ParseFailure(
            f"`{two[:n]}` is not an operator; write `{word}`",
            at,
            n,
            zh=f"`{two[:n]}` 不是运算符：“{meaning}”请写 `{word}`",
        )
    if two[:1] == "!":
        return ParseFailure(
            "`!` is not an operator; write `not` (or `!=` for not equal to)",
            at,
            1,
            zh="`!` 不是运算符：“非”请写 `not`（“不等于”请写 `!=`）",
        )
    return None


def _spaced_unit(text: str, at: int, ch: str) -> ParseFailure | None:
    """`3 %`, `1000 万`: a unit parted from its number by a space."""
    if ch not in ("%", "万", "亿", "元", "万元", "亿元"):
        return None
    space = _run_before(text, at, str.isspace)
    start = _run_before(text, space, lambda c: c in "0123456789_.")
    while start < space and text[start] not in "0123456789":  # the number starts at its first digit
        start += 1
    if space == at or start == space:
        return None
    number = text[start:space]
    return ParseFailure(
        f"a space parts `{number}` from `{ch}`; write `{number}{ch}` with no space",
        space,
        at - space,
        zh=f"`{number}` 和 `{ch}` 之间有空格：请连写为 `{number}{ch}`",
    )


_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?(?:万元|亿元|[%万亿元])?")


def grouped_number(text: str, at: int) -> str | None:
    """The number written with thousands separators (`1,000万`) whose first `,` is at ``at``, else None."""
    start = _run_before(text, at, str.isdigit)
    m = _GROUPED.match(text, start)
    if start == at or not m or (start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.")):
        return None
    return m.group(0)


def without_separators(number: str) -> str:
    """What to write for a number with thousands separators: the same number, with no commas."""
    return f"`{number}` holds a thousands separator; write `{number.replace(',', '')}`, without commas"


def without_separators_zh(number: str) -> str:
    """``without_separators`` in Chinese."""
    return f"`{number}` 中有千位分隔符：请去掉逗号，写成 `{number.replace(',', '')}`"


def _thousands(text: str, at: int) -> ParseFailure | None:
    """`1,000万`: the comma ends the number, and the parser stops at it."""
    number = grouped_number(text, at) if text[at : at + 1] == "," else None
    return ParseFailure(without_separators(number), at, zh=without_separators_zh(number)) if number else None


def _run_before(text: str, end: int, belongs: Callable[[str], bool]) -> int:
    """Where the run of characters that ``belongs`` ending at ``end`` starts (a scan back, linear: a regex anchored
    at the end would be tried from every start, quadratic in a 10,000-character expression)."""
    start = end
    while start > 0 and belongs(text[start - 1]):
        start -= 1
    return start


# Words people write for the language's keywords: Chinese, or English keywords in capitals (`AND`, `If`).
_KEYWORDS = ("and", "or", "not", "in", "if", "then", "else", "for", "true", "false", "is", "unknown")
_CHINESE_KEYWORDS = {
    "且": "and",
    "并且": "and",
    "而且": "and",
    "和": "and",
    "与": "and",
    "以及": "and",
    "或": "or",
    "或者": "or",
    "非": "not",
    "不": "not",
    "不是": "not",
    "如果": "if",
    "若": "if",
    "那么": "then",
    "则": "then",
    "否则": "else",
    "属于": "in",
    "在": "in",
    "不属于": "not in",
    "真": "true",
    "假": "false",
    "未知": "unknown",
    "待定": "unknown",
}


def keyword_for(word: str) -> str | None:
    """The keyword ``word`` was likely meant to be (`且` -> `and`, `AND` -> `and`), or None."""
    if word in _CHINESE_KEYWORDS:
        return _CHINESE_KEYWORDS[word]
    return word.lower() if word.lower() in _KEYWORDS and word != word.lower() else None


def _foreign_word(text: str, tok: Token) -> ParseFailure | None:
    """A Chinese or capitalised keyword is read as a name, so the parser stops at it or just after it."""
    candidates = [(_start(tok), str(tok))] if tok.type == "NAME" else []
    end = len(text[: _start(tok)].rstrip())
    start = _run_before(text, end, lambda c: c.isalnum() or c == "_")
    if start < end:
        candidates.append((start, text[start:end]))
    for at, word in candidates:
        keyword = keyword_for(word)
        if keyword:
            how = (
                "keywords are written in lower case"
                if word.lower() == keyword
                else "the expression language is written with English keywords"
            )
            how_zh = "关键字要小写" if word.lower() == keyword else "表达式中的关键字用英文书写"
            return ParseFailure(
                f"`{word}` is not a keyword ({how}); write `{keyword}`",
                at,
                len(word),
                hint=KEYWORDS_HINT[0],
                zh=f"`{word}` 不是关键字（{how_zh}）：请写 `{keyword}`",
                hint_zh=KEYWORDS_HINT[1],
            )
    return None


KEYWORDS_HINT = (
    "keywords: and, or, not, in, not in, if … then … else …, true, false, unknown, is unknown, is known",
    "关键字：and 并且、or 或者、not 非、in 属于、not in 不属于、if … then … else … 如果…那么…否则…、true 真、false 假、"
    "unknown 待定、is unknown 为待定、is known 有值",
)
_IF_HINT = (
    "every `if` needs `then` and `else`: `if a > 0 then 1 else 0`",
    "每个 `if` 都要有 `then` 和 `else`：`if a > 0 then 1 else 0`",
)

_CLOSE = {"(": ")", "[": "]"}


def _brackets(text: str) -> tuple[list[tuple[int, str]], tuple[int, str] | None]:
    """(unclosed openers as (offset, char), first closer with no opener as (offset, char) or None); strings
    and comments are skipped."""
    stack, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            m = re.compile(r'"[^"\\\n]*(\\.[^"\\\n]*)*"' if ch == '"' else r"'[^'\\\n]*(\\.[^'\\\n]*)*'").match(text, i)
            i = m.end() if m else i + 1
            continue
        if ch == "#":
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl
            continue
        if ch in _CLOSE:
            stack.append((i, ch))
        elif ch in ")]":
            if not stack or _CLOSE[stack[-1][1]] != ch:
                return stack, (i, ch)
            stack.pop()
        i += 1
    return stack, None


def _unmatched(text: str, at: int) -> ParseFailure | None:
    """A closing bracket at ``at`` that closes nothing, or closes the other kind of bracket."""
    stack, stray = _brackets(text)
    if stray is None or stray[0] != at:
        return None
    if stack:
        opened, column, closing = stack[-1][1], stack[-1][0] + 1, _CLOSE[stack[-1][1]]
        return ParseFailure(
            f"`{stray[1]}` does not close `{opened}` (column {column}); write `{closing}`",
            at,
            zh=f"`{stray[1]}` 与第 {column} 列的 `{opened}` 不配对：请写 `{closing}`",
        )
    opener = "(" if stray[1] == ")" else "["
    return ParseFailure(
        f"`{stray[1]}` closes nothing; remove it, or add the `{opener}` it belongs to",
        at,
        zh=f"`{stray[1]}` 没有对应的 `{opener}`：删除它，或补上与它配对的 `{opener}`",
    )


def _early_end(text: str, expected: Iterable[str]) -> ParseFailure:
    stack, stray = _brackets(text)
    if stack and stray is None:
        at, ch = stack[-1]
        return ParseFailure(
            f"`{ch}` is never closed; add `{_CLOSE[ch]}` where it ends",
            at,
            zh=f"`{ch}` 没有闭合：在它结束的地方补上 `{_CLOSE[ch]}`",
        )
    names = set(expected)
    last = len(text.rstrip()) - 1
    if names == {"ELSE"}:
        return ParseFailure(
            "`if … then …` has no `else`; write `else` and the value otherwise",
            max(last, 0),
            hint=_IF_HINT[0],
            zh="`if … then …` 缺少 `else`：请写上 `else` 和否则时的取值",
            hint_zh=_IF_HINT[1],
        )
    word = re.search(r"(\S+)\s*$", text)
    after = f", after `{word.group(1)}`" if word else ""
    after_zh = f"（在 `{word.group(1)}` 之后）" if word else ""
    return ParseFailure(
        f"the expression ends too early{after}",
        max(last, 0),
        hint=f"expected {_expected(expected)}",
        zh=f"表达式没有写完{after_zh}",
        hint_zh=f"此处应为：{_expected_zh(expected)}",
    )


def _missing_then(text: str, tok: Token, expected: Iterable[str]) -> ParseFailure | None:
    if "THEN" not in expected:
        return None
    return ParseFailure(
        f"`if` needs `then` after its condition, before `{tok}`",
        _start(tok),
        len(str(tok)),
        hint=_IF_HINT[0],
        zh=f"`if` 的条件之后、`{tok}` 之前缺少 `then`",
        hint_zh=_IF_HINT[1],
    )
