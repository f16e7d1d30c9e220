"""A failed parse worded for the people who write policies: characters a Chinese input method or a word
processor types in place of ASCII ones, operators and keywords of other languages, brackets left open, a unit
parted from its number, an `if` without `then` or `else` — each named where it is, with what to write instead."""

from __future__ import annotations

import re
import unicodedata

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken


class ParseFailure(Exception):
    """A syntax error at ``offset`` (0-based) of the expression text."""

    def __init__(self, message: str, offset: int, length: int = 1, hint: str | None = None):
        super().__init__(message)
        self.message, self.offset, self.length, self.hint = message, offset, length, hint


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


def _expected(names) -> str:
    words = sorted({_TOKEN_NAMES.get(n, f"`{n.lower()}`" if n.isupper() else n) for n in names})
    return ", ".join(words[:8])


def _shown(ch: str) -> str:
    """A character as an error names it: itself in backticks, or, when it cannot be seen (a zero-width space,
    a byte-order mark, a direction mark, a control character), its code and name."""
    if ch and (unicodedata.category(ch)[0] in "CZ" and ch != " "):
        return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character').lower()} (it cannot be seen: delete it)"
    return f"`{ch}`"


def failure(e: UnexpectedInput, text: str) -> ParseFailure:
    """The failed parse of ``text`` worded for people: what is wrong, where, and what to write instead."""
    if isinstance(e, UnexpectedCharacters):
        at = e.pos_in_stream
        ch = text[at] if at < len(text) else ""
        return (
            _lookalike(text, at)
            or _wrong_operator(text, at)
            or _spaced_unit(text, at, ch)
            or ParseFailure(
                f"unexpected character {_shown(ch)}", at, hint=f"expected {_expected(e.allowed)}" if e.allowed else None
            )
        )
    if isinstance(e, UnexpectedEOF):
        return _early_end(text, e.expected)
    if isinstance(e, UnexpectedToken):
        tok = e.token
        expected = e.accepts or e.expected
        if tok.type == "$END":
            return _early_end(text, expected)
        return (
            _foreign_word(text, tok)
            or _unmatched(text, tok.start_pos)
            or _thousands(text, tok.start_pos)
            or _spaced_unit(text, tok.start_pos, str(tok))
            or _missing_then(text, tok, expected)
            or ParseFailure(f"unexpected `{tok}`", tok.start_pos, len(str(tok)), hint=f"expected {_expected(expected)}")
        )
    return ParseFailure(str(e), getattr(e, "pos_in_stream", 0) or 0)


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
    write = "".join(ascii_for(c) for c in typed)
    if write == "=":
        write = "=="
    if typed == "\u3000":
        return ParseFailure("`\u3000` is a full-width space (全角空格); write an ordinary space instead", at)
    if all("\uff01" <= c <= "\uff5e" for c in typed):
        what = "full-width (全角, as a Chinese input method types it)"
    elif set(typed) <= set("“”‘’"):
        return ParseFailure(f'`{typed}` is a curly quote; write text in straight quotes: "…"', at, end - at)
    else:
        what = "not a character of the expression language"
    return ParseFailure(f"`{typed}` is {what}; write `{write}` (ASCII, 半角) instead", at, end - at)


def _wrong_operator(text: str, at: int) -> ParseFailure | None:
    """Operators of other languages: `=>`, `=`, `&&`, `||`, `!`."""
    two = text[at : at + 2]
    if two in ("=>", "=<"):
        return ParseFailure(f"`{two}` is not an operator; write `{two[::-1]}`", at, 2)
    if two[:1] == "=":
        return ParseFailure("a single `=` does not compare; write `==` (equal to)", at, 1)
    if two[:1] in "&|":
        word, n = ("and" if two[0] == "&" else "or"), (2 if two in ("&&", "||") else 1)
        return ParseFailure(f"`{two[:n]}` is not an operator; write `{word}`", at, n)
    if two[:1] == "!":
        return ParseFailure("`!` is not an operator; write `not` (or `!=` for not equal to)", at, 1)
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
    return ParseFailure(f"a space parts `{number}` from `{ch}`; write `{number}{ch}` with no space", space, at - space)


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


def _thousands(text: str, at: int) -> ParseFailure | None:
    """`1,000万`: the comma ends the number, and the parser stops at it."""
    number = grouped_number(text, at) if text[at : at + 1] == "," else None
    return ParseFailure(without_separators(number), at) if number else None


def _run_before(text: str, end: int, belongs) -> int:
    """Where the run of characters that ``belongs`` ending at ``end`` starts (a scan back, linear: a regex anchored
    at the end would be tried from every start, quadratic in a 10,000-character expression)."""
    start = end
    while start > 0 and belongs(text[start - 1]):
        start -= 1
    return start


# Words people write for the language's keywords: Chinese, or English keywords in capitals (`AND`, `If`).
_KEYWORDS = ("and", "or", "not", "in", "if", "then", "else", "for", "true", "false")
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
}


def keyword_for(word: str) -> str | None:
    """The keyword ``word`` was likely meant to be (`且` -> `and`, `AND` -> `and`), or None."""
    if word in _CHINESE_KEYWORDS:
        return _CHINESE_KEYWORDS[word]
    return word.lower() if word.lower() in _KEYWORDS and word != word.lower() else None


def _foreign_word(text: str, tok: Token) -> ParseFailure | None:
    """A Chinese or capitalised keyword is read as a name, so the parser stops at it or just after it."""
    candidates = [(tok.start_pos, str(tok))] if tok.type == "NAME" else []
    end = len(text[: tok.start_pos].rstrip())
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
            return ParseFailure(
                f"`{word}` is not a keyword ({how}); write `{keyword}`",
                at,
                len(word),
                hint="keywords: and, or, not, in, not in, if … then … else …, true, false",
            )
    return None


_CLOSE = {"(": ")", "[": "]"}


def _brackets(text: str):
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
        return ParseFailure(
            f"`{stray[1]}` does not close `{stack[-1][1]}` (column {stack[-1][0] + 1}); write `{_CLOSE[stack[-1][1]]}`",
            at,
        )
    return ParseFailure(
        f"`{stray[1]}` closes nothing; remove it, or add the `{'(' if stray[1] == ')' else '['}` it belongs to", at
    )


def _early_end(text: str, expected) -> ParseFailure:
    stack, stray = _brackets(text)
    if stack and stray is None:
        at, ch = stack[-1]
        return ParseFailure(f"`{ch}` is never closed; add `{_CLOSE[ch]}` where it ends", at)
    names = set(expected)
    last = len(text.rstrip()) - 1
    if names == {"ELSE"}:
        return ParseFailure(
            "`if … then …` has no `else`; write `else` and the value otherwise",
            max(last, 0),
            hint="every `if` needs `then` and `else`: `if a > 0 then 1 else 0`",
        )
    word = re.search(r"(\S+)\s*$", text)
    after = f", after `{word.group(1)}`" if word else ""
    return ParseFailure(f"the expression ends too early{after}", max(last, 0), hint=f"expected {_expected(expected)}")


def _missing_then(text: str, tok: Token, expected) -> ParseFailure | None:
    if "THEN" not in expected:
        return None
    return ParseFailure(
        f"`if` needs `then` after its condition, before `{tok}`",
        tok.start_pos,
        len(str(tok)),
        hint="every `if` needs `then` and `else`: `if a > 0 then 1 else 0`",
    )
