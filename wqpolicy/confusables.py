"""Names that are not what they look like: letters of two alphabets mixed in one name (a Cyrillic `а` in a Latin
rule id), a name written wholly in Cyrillic or Greek letters that pass for Latin ones, full-width or other
compatibility forms of letters and digits, and characters that cannot be seen. Each makes two names that look
the same differ, so a rule id, a parameter or an outcome word could pass for another.

Chinese (Han) characters may stand beside Latin letters, digits and `_` in a name (`收入_2021`): mixing them
deceives nobody. What is refused is what Unicode's security report (UTS #39) calls mixed-script and whole-script
confusables among the alphabets that share look-alike letters — Latin, Cyrillic and Greek — and what NFKC would
change or what is invisible.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

# The alphabets whose letters pass for one another.
_ALPHABETS = ("LATIN", "CYRILLIC", "GREEK")

# Cyrillic and Greek letters that look like a Latin one (UTS #39's confusables, the common ones).
_LOOKS_LATIN = dict(
    zip(
        "аеорсухіјѕԁԛԝһӏАВЕКМНОРСТХУІЈЅԜοαιικνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
        "aeopcyxijsdqwhlABEKMHOPCTXYIJSWoaiikvptuxABEZHIKMNOPTYX",
    )
)


class Confusion(NamedTuple):
    """What is wrong with a name, in English and in Chinese, and what to do."""

    en: str
    zh: str
    hint: str
    hint_zh: str


def _alphabet(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    word = unicodedata.name(ch, "").split(" ")[0]
    return word if word in _ALPHABETS else None


def _named(ch: str) -> str:
    return f"`{ch}` (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')})"


_RETYPE = (
    "retype the name in one alphabet, on an English keyboard layout",
    "切换到英文输入法，用同一种字母重新输入该名称",
)


def confusion(name: str) -> Confusion | None:
    """Why ``name`` is not what it looks like, or None when it is what it looks like.

    >>> confusion("recognition.filed") is None, confusion("研发投入_2021") is None
    (True, True)
    >>> confusion("recognitiоn.filed").en  # a Cyrillic о
    'mixes Latin and Cyrillic letters: `о` (U+043E CYRILLIC SMALL LETTER O) looks like Latin `o`'
    """
    if not isinstance(name, str):
        return None
    for ch in name:
        if unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp") or (ch.isspace() and ch != " "):
            return Confusion(
                f"holds an invisible character, U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip(),
                f"含有看不见的字符 U+{ord(ch):04X}",
                "delete the name and type it again",
                "删除该名称后重新输入",
            )
        normal = unicodedata.normalize("NFKC", ch)
        if normal != ch and not unicodedata.category(ch).startswith("M"):
            return Confusion(
                f"holds {_named(ch)}, a compatibility form of `{normal}`",
                f"含有全角或兼容形式的字符 `{ch}`，应为 `{normal}`",
                f"write `{normal}` instead",
                f"改写为半角的 `{normal}`",
            )
    alphabets = {a for a in map(_alphabet, name) if a is not None}
    if len(alphabets) > 1:
        odd = next((ch for ch in name if ch in _LOOKS_LATIN), None) or next(
            ch for ch in name if _alphabet(ch) not in (None, "LATIN")
        )
        mixed = " and ".join(a.title() for a in _ALPHABETS if a in alphabets)
        looks = f" looks like Latin `{_LOOKS_LATIN[odd]}`" if odd in _LOOKS_LATIN else " is not a Latin letter"
        return Confusion(
            f"mixes {mixed} letters: {_named(odd)}{looks}",
            f"混用了不同文字的字母：`{odd}`（U+{ord(odd):04X}）不是拉丁字母"
            + (f"，只是形似 `{_LOOKS_LATIN[odd]}`" if odd in _LOOKS_LATIN else ""),
            *_RETYPE,
        )
    letters = [ch for ch in name if _alphabet(ch) in ("CYRILLIC", "GREEK")]
    if (
        letters
        and all(ch in _LOOKS_LATIN for ch in letters)
        and not any(ch.isalpha() and _alphabet(ch) is None for ch in name)
    ):
        latin = "".join(_LOOKS_LATIN.get(ch, ch) for ch in name)
        alphabet = _alphabet(letters[0]) or ""
        zh = "西里尔" if alphabet == "CYRILLIC" else "希腊"
        return Confusion(
            f"is written in {alphabet.title()} letters that look like Latin ones: it reads `{latin}` but is not",
            f"由形似拉丁字母的{zh}字母写成：看似 `{latin}`，实则不同",
            *_RETYPE,
        )
    return None
