"""Documents as plain text for a terminal or a log, wrapped to a width (the terminal's, else 100 columns):
Chinese first, English beside it where the old report had it; a wide character counts two columns."""

from __future__ import annotations

import shutil
import sys
import unicodedata

from ..display import columns
from .notice import Notice

DEFAULT_WIDTH = 100  # columns when standard output is not a terminal
_MARK = {"pass": "通过 pass   ", "fail": "不通过 FAIL ", "unknown": "待定 unknown", "error": "出错 ERROR "}
_ADVISE_FAIL = "提示 warning"
# no line starts with these (closing punctuation stays with the text before it), none ends with the opening ones
_NO_START = set("，。、；：？！）》」』】,.;:?!)]%")
_NO_END = set("（《「『【“‘([")


def terminal_width(stream=None) -> int:
    """The width to wrap to: the terminal's when ``stream`` (standard output) is one, else DEFAULT_WIDTH."""
    stream = stream or sys.stdout
    try:
        if stream.isatty():
            return max(40, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    except (AttributeError, ValueError, OSError):
        pass
    return DEFAULT_WIDTH


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def wrap(text: str, width: int, indent: str = "", hang: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` columns: the first after ``indent``, the rest after ``indent`` +
    ``hang``. Breaks at spaces, or between wide characters; closing punctuation never starts a line and opening
    punctuation never ends one (the word before or after goes along); a word longer than a line is cut."""
    out: list[str] = []
    lead = indent
    room = max(10, width - columns(lead))
    line: list[str] = []  # the tokens of the line being filled

    def used(tokens: list[str]) -> int:
        return columns("".join(tokens))

    for tok in _tokens(text):
        if not line and tok == " ":
            continue
        if used(line) + columns(tok) <= room or not line:
            while columns(tok) > room:  # a token longer than a whole line: cut it
                cut = _cut(tok, room - used(line))
                out.append((lead + "".join(line) + tok[:cut]).rstrip())
                line, tok = [], tok[cut:]
                lead = indent + hang
                room = max(10, width - columns(lead))
            line.append(tok)
            continue
        carried: list[str] = []
        if tok[0] in _NO_START:  # closing punctuation: the word before it goes down with it
            while line and line[-1] == " ":
                line.pop()
            if len(line) > 1:
                carried.append(line.pop())
        while len(line) > 1 and line[-1] and line[-1][-1] in _NO_END:  # an opening bracket goes down too
            carried.insert(0, line.pop())
        out.append((lead + "".join(line)).rstrip())
        lead = indent + hang
        room = max(10, width - columns(lead))
        line = [t for t in [*carried, tok] if t != " " or carried]
        while line and line[0] == " ":
            line.pop(0)
    if line or not out:
        out.append((lead + "".join(line)).rstrip())
    return out


def _cut(tok: str, room: int) -> int:
    used = 0
    for i, ch in enumerate(tok):
        used += 2 if _wide(ch) else 1
        if used > room:
            return max(1, i)
    return len(tok)


def _tokens(text: str) -> list[str]:
    """Words, spaces and single wide characters (a wide character may start a line of its own)."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch == " " or _wide(ch):
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


def notice_text(n: Notice, width: int = DEFAULT_WIDTH, lang: str = "both") -> str:
    """The notice as text: the header, the conclusion, every rule, the 补正材料清单 and the amounts. ``lang``: both
    (Chinese with the English beside, the default), zh (Chinese alone) or en (the English where the notice has it:
    the guideline's text, the conditions and the conclusion are Chinese only)."""
    lines: list[str] = []

    def add(text: str, indent: str = "", hang: str = "  ") -> None:
        lines.extend(wrap(text, width, indent, hang))

    def w(zh: str, en: str, sep: str = " ") -> str:
        return zh if lang == "zh" else en if lang == "en" else f"{zh}{sep}{en}"

    head = f"{n.policy_ref} · {n.decision}" + (f" · {n.input_name}" if n.input_name else "")
    add(head)
    add(w(n.title, n.title_en))
    lines.append("=" * min(width, max(columns(lines[-1]), 20)))
    for row in n.header:
        add(f"{row.label}：{row.value}", hang="    ")
    lines.append("")
    outcome = (
        n.outcome_label
        if lang == "zh"
        else n.outcome_label_en
        if lang == "en"
        else (f"{n.outcome_label} / {n.outcome_label_en}")
    )
    add(f"{w('结论', 'Outcome:')}{'：' if lang == 'zh' else ' '}{outcome}  [{n.outcome}]")
    add(n.conclusion)
    for fault in n.faults:
        add(f"{w('出错', 'fault')} · {fault}", "  ")
    c = n.counts
    if c["rules"]:
        add(
            w(
                f"规则：{c['rules']} 条 — 不通过 {c['failed']}，待定 {c['undecided']}，提示 {c['warnings']}",
                f"Rules: {c['rules']} — failed {c['failed']}, undecided {c['undecided']}, warnings {c['warnings']}",
                "\n",
            )
            if lang != "both"
            else f"规则 Rules: {c['rules']} — 不通过 failed {c['failed']}, 待定 undecided {c['undecided']}, "
            f"提示 warnings {c['warnings']}"
        )
    else:
        add(
            w("规则：无（由输出决定）", "Rules: none (the outputs decide)")
            if lang != "both"
            else "规则 Rules: 无 none (the outputs decide)"
        )
    if n.materials:
        names = "、".join(m.name for m in n.materials) if lang != "en" else ", ".join(m.name_en for m in n.materials)
        add(f"{w('待补材料', 'Missing:')}{'：' if lang == 'zh' else ' '}{names}")
    if n.sections:
        lines += ["", w("逐条审核意见", "Rules")]
    for s in n.sections:
        mark = _ADVISE_FAIL if (s.severity == "advise" and s.outcome == "fail") else _MARK.get(s.outcome, s.outcome)
        lines.append(f"  [{mark}] {s.clause:<6} {s.rule_id}")
        add(s.label if lang == "zh" else s.label_en if lang == "en" else f"{s.label} / {s.label_en}", "      ")
        if s.clause_text and lang != "en":
            add(f"条款 {s.clause}：“{s.clause_text}”", "      ")
        if s.sentence and lang != "en":
            add(f"条件：{s.sentence}", "      ")
        if not s.passed:
            if lang != "en":
                add(f"→ {s.message}", "      ")
            if lang != "zh":
                add(s.message_en if lang == "both" else f"→ {s.message_en}", "        " if lang == "both" else "      ")
        if s.values:
            add(
                ("读取：" if lang == "zh" else "read: " if lang == "en" else "读取 read: ")
                + "；".join(f"{v.label} = {v.value}" for v in s.values),
                "      ",
            )
        for p in s.parts:
            add(f"未满足的条件：{p.label}（{p.value}）", "      ")
        for t in s.to_pass:
            add(f"{w('如何满足', 'To pass:')}{'：' if lang == 'zh' else ' '}{t.heading}", "      ")
            for i, o in enumerate(t.options):
                add(("或 " if i else "- ") + o, "        ")
            if t.note:
                add(f"- {t.note}" + (f"：{'、'.join(t.evidence)}" if t.evidence else ""), "        ")
    if n.materials:
        lines += ["", w("补正材料清单", "Evidence to provide")]
        for i, m in enumerate(n.materials, 1):
            name = m.name if lang == "zh" else m.name_en if lang == "en" else f"{m.name}（{m.name_en}）"
            add(f"{i}. {name}" + (f" — {'；'.join(m.needed_by)}" if m.needed_by else ""), "  ", "   ")
    if n.amounts or n.tables:
        lines += ["", w("核定金额与输出", "Amounts and outputs")]
        width_label = max((columns(a.label) for a in n.amounts), default=0)
        width_value = max((columns(a.value) for a in n.amounts if columns(a.value) <= 24), default=0)
        for a in n.amounts:
            value = a.value + " " * max(0, width_value - columns(a.value))
            add(
                f"{a.label}{' ' * (width_label - columns(a.label))}  {value}  {a.name}".rstrip(),
                "  ",
                " " * (width_label + 2),
            )
        for table in n.tables:
            add(f"{table.title}：", "  ")
            for i, cells in enumerate(table.rows, 1):
                add(f"{i}. " + "；".join(f"{h} {v}" for h, v in zip(table.columns, cells)), "    ", "   ")
    elif n.kind == "error":
        lines += [
            "",
            w("核定金额：计算出错，不给出任何金额", "Amounts: the evaluation faulted: no amount is given")
            if lang != "both"
            else "核定金额 Amounts: 计算出错，不给出任何金额 The evaluation faulted: no amount is given",
        ]
    lines.append("")
    if lang == "both":
        add(f"政策 {n.policy_ref} · 校验码 {n.policy_hash} · 评估日期 {n.evaluated_on}")
    else:
        add(
            f"{w('政策', 'Policy')} {n.policy_ref} · {w('校验码', 'hash')} {n.policy_hash} · "
            f"{w('评估日期', 'evaluated on')} {n.evaluated_on}"
        )
    return "\n".join(lines) + "\n"
