"""`wqpolicy check`'s messages for the mistakes policy staff make when they edit a policy file: the one message each
must get.

Each test breaks a copy of the bundled policy the way a person at a Chinese keyboard does (a full-width `＞＝`,
`且` for `and`, a tab, a misspelt key) and asserts the exact message and its line:col, so that the wording
staff read cannot drift unnoticed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wqpolicy.errors import Diagnostic
from wqpolicy.loader import Library
from wqpolicy.source import Span

# A frozen copy of the bundled policy (see its README.md): the lines asserted here stay where they are when the
# bureau edits policies/.
POLICY = Path(__file__).resolve().parent / "fixtures" / "staff-errors"
FILE = "2021-trial.yaml"
RD = "condition: rd_intensity >= min_rd_intensity"  # line 417, the expression starts at column 20


def broken(tmp_path, old: str, new: str) -> Path:
    folder = tmp_path / f"policy{len(list(tmp_path.iterdir()))}"
    shutil.copytree(POLICY, folder)
    path = folder / FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def found(tmp_path, old: str, new: str, severity: str = "error") -> list[tuple]:
    """(code, line, col, message, hint) of every diagnostic of ``severity`` that check gives the broken copy."""
    errors, warnings = Library([broken(tmp_path, old, new)]).check()
    return [(d.code, d.span.line, d.span.col, d.message, d.hint) for d in (errors if severity == "error" else warnings)]


# -- expressions: characters a Chinese input method types ---------------------------------------------------------
@pytest.mark.parametrize(
    "typed, col, message",
    [
        (
            "rd_intensity ＞＝ min_rd_intensity",
            33,
            "`＞＝` is full-width (全角, as a Chinese input method types it); write `>=` (ASCII, 半角) instead",
        ),
        (
            "rd_intensity ≥ min_rd_intensity",
            33,
            "`≥` is not a character of the expression language; write `>=` (ASCII, 半角) instead",
        ),
        (
            "rd_intensity >= ３％",
            36,
            "`３％` is full-width (全角, as a Chinese input method types it); write `3%` (ASCII, 半角) instead",
        ),
        (
            "rd_intensity　>= min_rd_intensity",
            32,
            "`　` is a full-width space (全角空格); write an ordinary space instead",
        ),
        ("rd_intensity >= 3 %", 37, "a space parts `3` from `%`; write `3%` with no space"),
        ("rd_intensity => min_rd_intensity", 33, "`=>` is not an operator; write `>=`"),
        ("rd_intensity = min_rd_intensity", 33, "a single `=` does not compare; write `==` (equal to)"),
        ("rd_intensity >= min_rd_intensity && platform.filed", 53, "`&&` is not an operator; write `and`"),
        ("rd_intensity >= min_rd_intensity || platform.filed", 53, "`||` is not an operator; write `or`"),
        (
            "rd_intensity >= max(min_rd_intensity，1%)",
            56,
            "`，` is full-width (全角, as a Chinese input method types it); write `,` (ASCII, 半角) instead",
        ),
        (
            "rd_intensity >= max（min_rd_intensity, 1%)",
            39,
            "`（` is full-width (全角, as a Chinese input method types it); write `(` (ASCII, 半角) instead",
        ),
        ("platform。filed", 28, "`。` is not a character of the expression language; write `.` (ASCII, 半角) instead"),
        ("platform.industry == “biomedicine”", 41, '`“` is a curly quote; write text in straight quotes: "…"'),
    ],
)
def test_a_character_typed_by_a_chinese_input_method_is_named_with_its_ascii_form(tmp_path, typed, col, message):
    assert found(tmp_path, RD, f"condition: {typed}") == [("WQ-SYNTAX", 417, col, message, None)]


def test_a_full_width_digit_is_not_read_as_a_number_silently(tmp_path):
    # Before: `\d` took `２` as 2 in an expression, while `２％` elsewhere was an error: one rule for both now.
    assert found(tmp_path, "partner_cases >= min_partner_cases", "partner_cases >= ２") == [
        (
            "WQ-SYNTAX",
            478,
            37,
            "`２` is full-width (全角, as a Chinese input method types it); write `2` (ASCII, 半角) instead",
            None,
        )
    ]


def test_a_unit_parted_from_its_number_says_to_join_them(tmp_path):
    assert found(
        tmp_path, "condition: eligible_investment >= min_investment", "condition: eligible_investment >= 1000 万元"
    ) == [("WQ-SYNTAX", 424, 47, "a space parts `1000` from `万元`; write `1000万元` with no space", None)]


KEYWORDS = "keywords: and, or, not, in, not in, if … then … else …, true, false, unknown, is unknown, is known"


@pytest.mark.parametrize(
    "typed, col, message",
    [
        (
            "rd_intensity >= min_rd_intensity 且 platform.filed",
            53,
            "`且` is not a keyword (the expression language is written with English keywords); write `and`",
        ),
        (
            "rd_intensity >= min_rd_intensity 或 platform.filed",
            53,
            "`或` is not a keyword (the expression language is written with English keywords); write `or`",
        ),
        (
            "rd_intensity >= min_rd_intensity AND platform.filed",
            53,
            "`AND` is not a keyword (keywords are written in lower case); write `and`",
        ),
        (
            "如果 platform.filed 那么 true 否则 false",
            20,
            "`如果` is not a keyword (the expression language is written with English keywords); write `if`",
        ),
    ],
)
def test_a_chinese_or_capitalised_keyword_names_the_keyword_to_write(tmp_path, typed, col, message):
    assert found(tmp_path, RD, f"condition: {typed}") == [("WQ-SYNTAX", 417, col, message, KEYWORDS)]


IF_HINT = "every `if` needs `then` and `else`: `if a > 0 then 1 else 0`"


def test_an_if_without_else_says_so(tmp_path):
    assert found(tmp_path, "then 0 else equipment_investment / eligible_investment", "then 0") == [
        ("WQ-SYNTAX", 304, 44, "`if … then …` has no `else`; write `else` and the value otherwise", IF_HINT)
    ]


def test_an_if_without_then_says_so(tmp_path):
    old, new = "expr: if eligible_investment == 0 then 0 else", "expr: if eligible_investment == 0 0 else"
    assert found(tmp_path, old, new) == [
        ("WQ-SYNTAX", 304, 39, "`if` needs `then` after its condition, before `0`", IF_HINT)
    ]


def test_an_unclosed_bracket_is_shown_where_it_opens(tmp_path):
    assert found(tmp_path, "len(distinct(platform.functions)) >=", "len(distinct(platform.functions) >=") == [
        ("WQ-SYNTAX", 375, 23, "`(` is never closed; add `)` where it ends", None)
    ]


def test_a_bracket_that_closes_nothing_is_named(tmp_path):
    assert found(tmp_path, "len(distinct(platform.functions)) >=", "len(distinct(platform.functions))) >=") == [
        ("WQ-SYNTAX", 375, 53, "`)` closes nothing; remove it, or add the `(` it belongs to", None)
    ]


def test_an_expression_cut_short_names_the_word_it_ends_after(tmp_path):
    [(code, line, col, message, _)] = found(
        tmp_path,
        "condition: platform.plan.goals and platform.plan.schedule and platform.plan.safeguards",
        "condition: platform.plan.goals and platform.plan.schedule and",
    )
    assert (code, line, col, message) == ("WQ-SYNTAX", 382, 69, "the expression ends too early, after `and`")


def test_an_operator_on_the_second_line_of_a_folded_expression_is_placed_on_that_line(tmp_path):
    assert found(tmp_path, "and platform.premises.research_team and", "and platform.premises.research_team ＆＆") == [
        (
            "WQ-SYNTAX",
            368,
            47,
            "`＆＆` is full-width (全角, as a Chinese input method types it); write `&&` (ASCII, 半角) instead",
            None,
        )
    ]


# -- the caret under the source line -------------------------------------------------------------------------------
def test_the_caret_lines_up_under_a_line_with_chinese_characters():
    # Before: the caret was padded one space per character, so after 合作伙伴 it stood four columns too far left.
    text = 'label: {zh: "合作伙伴{n}个, en: "At least"}\n'
    rendered = Diagnostic("WQ-YAML", "x", Span("f.yaml", 1, 28)).render(text)
    assert rendered.splitlines()[1:] == ['    label: {zh: "合作伙伴{n}个, en: "At least"}', " " * 36 + "^"]


def test_a_full_width_character_is_marked_by_two_carets():
    rendered = Diagnostic("WQ-SYNTAX", "x", Span("f.yaml", 1, 3, 2)).render("a ＞＝ b\n")
    assert rendered.splitlines()[1:] == ["    a ＞＝ b", "      ^^^^"]


# -- YAML slips ----------------------------------------------------------------------------------------------------
QUOTES = "text holding `: `, `,`, `#`, `{`, `}`, `[`, `]` or a quote must be put in quotes, and every quote closed"


@pytest.mark.parametrize(
    "old, new, where, message, hint",
    [
        (
            "        condition: platform.filed\n",
            "        condition： platform.filed\n",
            (407, 18),
            "`：` is a full-width colon (全角冒号); write `:` (ASCII, 半角) followed by a space",
            None,
        ),
        (
            "    value: 20%\n    type: ratio\n",
            "    value: 20%\n\ttype: ratio\n",
            (113, 1),
            "a tab character is used for indentation",
            "indent with spaces only: replace the tab with spaces",
        ),
        (
            "    value: 20%\n    type: ratio\n",
            "    value: 20%\n     type: ratio\n",
            (113, 10),
            "a `key:` where a value was expected",
            "a text holding `: ` must be put in quotes; or this line is indented further than the keys it belongs with",
        ),
        (
            "en: No revenue earned since operation began}",
            "en: Note: no revenue earned since operation began}",
            (469, 44),
            "inside `{…}`, a `,` or the closing `}` was expected here",
            QUOTES,
        ),
        (
            "condition: not equipment_intensive or",
            "condition: !equipment_intensive or",
            (485, 20),
            "YAML tag `!equipment_intensive` is not allowed",
            "a value that starts with `!` is a YAML tag: write `not x` to negate, or put the value in quotes",
        ),
        (
            '        clause: "3.2.1"\n',
            '        clause: "3.2.1\n',
            (405, 17),
            "a quote opened here is not closed on its line",
            "close the text with the same quote it opens with",
        ),
    ],
)
def test_a_yaml_slip_is_said_in_plain_words_where_it_is(tmp_path, old, new, where, message, hint):
    assert found(tmp_path, old, new) == [("WQ-YAML", *where, message, hint)]


# -- the policy file's structure -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "old, new, where, message, hint",
    [
        (
            "    expr: min(other_declared, other",
            "    expresion: min(other_declared, other",
            (289, 5),
            "definitions.other_counted: unknown field `expresion` (allowed: as, carry, clause, each, expr, fields, "
            "label, note, order_by, remove, type)",
            "did you mean `expr`?",
        ),
        (
            "        severity: advise\n        label: {zh: 细分",
            "        severity: required\n        label: {zh: 细分",
            (350, 19),
            "decisions.filing.rules.filing.subsector.severity: 'required' is not one of ['require', 'advise']",
            "did you mean `require`?",
        ),
        (
            "message: {zh: 须先符合入库备案条件并已入库, en: The platform must already be filed}",
            "message: {zh: 须先符合入库备案条件并已入库}",
            (408, 9),
            "decisions.recognition.rules.recognition.filed.message lacks `en`",
            "add `en: …`",
        ),
        (
            "effective_from: 2021-01-01",
            "effective_from: 2021/1/1",
            (13, 17),
            "effective_from: `2021/1/1` is not a date",
            "write the date as YYYY-MM-DD, e.g. 2021-01-01",
        ),
        (
            "rules_from: [filing]",
            "rules_from: filing",
            (400, 17),
            "decisions.recognition.rules_from: `filing` is text, but a list is required",
            "write it in brackets: [filing]",
        ),
        (
            "        condition: platform.filed\n",
            "        condition:\n",
            (407, 19),
            "decisions.recognition.rules.recognition.filed.condition is empty",
            "write a value after the colon, or remove the line",
        ),
    ],
)
def test_a_schema_slip_says_what_to_write(tmp_path, old, new, where, message, hint):
    # Before: a misspelt `expr:` printed the whole definition as a dict "is not of type 'string'"; an empty value
    # said "None is not of type 'string'"; an enum gave no suggestion.
    assert found(tmp_path, old, new) == [("WQ-SCHEMA", *where, message, hint)]


def test_effective_until_before_effective_from_is_an_error(tmp_path):
    # Before: accepted without a word; the version was simply never in force.
    assert found(tmp_path, "effective_from: 2021-01-01", "effective_from: 2021-01-01\neffective_until: 2020-12-31") == [
        (
            "WQ-VERSION",
            14,
            18,
            "effective_until 2020-12-31 is before effective_from 2021-01-01: this version would never be in force",
            "effective_until is the last day in force, on or after effective_from",
        )
    ]


OUTCOMES = "- {otherwise: eligible}\n    outcomes:\n      eligible: {zh: 符合认定条件"


def test_a_misspelt_outcome_is_an_error_at_the_word(tmp_path):
    # Before: a warning at the start of the outcome list, and recognition decided `eligble`, so every output
    # testing `outcome == "eligible"` paid 0.
    assert found(tmp_path, OUTCOMES, OUTCOMES.replace("otherwise: eligible", "otherwise: eligble")) == [
        ("WQ-NAME", 493, 21, "outcome `eligble` has no label in `outcomes`", "did you mean `eligible`?")
    ]


def test_an_outcome_word_cut_short_is_an_error_too(tmp_path):
    assert found(tmp_path, OUTCOMES, OUTCOMES.replace("otherwise: eligible", "otherwise: eligi")) == [
        ("WQ-NAME", 493, 21, "outcome `eligi` has no label in `outcomes`", "did you mean `eligible`?")
    ]


def test_a_new_outcome_without_a_label_stays_a_warning(tmp_path):
    new = OUTCOMES.replace("otherwise: eligible", "otherwise: deferred")
    assert found(tmp_path, OUTCOMES, new) == []
    assert found(tmp_path, OUTCOMES, new, "warning") == [
        ("WQ-NAME", 493, 21, "outcome `deferred` has no label in `outcomes`", None)
    ]


def test_a_misspelt_placeholder_in_a_message_is_named_with_what_can_fill_it(tmp_path):
    # Before: accepted; a failing rule showed `{min_rd_intensty}` to the applicant as written.
    assert found(tmp_path, "低于 {min_rd_intensity}\n", "低于 {min_rd_intensty}\n") == [
        (
            "WQ-NAME",
            419,
            45,
            "`{min_rd_intensty}` cannot be filled in: a message's {…} names a value the condition "
            "reads: rd_intensity, min_rd_intensity",
            "did you mean `min_rd_intensity`?",
        )
    ]


def test_a_misspelt_placeholder_in_a_label_is_named(tmp_path):
    assert found(
        tmp_path, '"近三年平均研发投入强度不低于{min_rd_intensity}"', '"近三年平均研发投入强度不低于{min_rd_intensty}"'
    ) == [
        (
            "WQ-NAME",
            416,
            36,
            "`{min_rd_intensty}` cannot be filled in: a label's {…} names a parameter, filled in when the policy loads",
            "did you mean `min_rd_intensity`?",
        )
    ]


def test_a_deleted_parameter_is_reported_where_rules_still_read_it(tmp_path):
    # Before: only the clause map entry was reported; the rule reading it came to light after that was fixed.
    text = (POLICY / FILE).read_text(encoding="utf-8")
    start = text.index("  min_partner_cases:\n")
    block = text[start : text.index("\n\n", start) + 1]
    assert [(code, line, col) for code, line, col, _, _ in found(tmp_path, block, "")] == [
        ("WQ-NAME", 471, 30),
        ("WQ-NAME", 471, 69),
        ("WQ-NAME", 472, 37),
        ("WQ-NAME", 694, 35),
    ]


# -- parameter values ----------------------------------------------------------------------------------------------
DECLARED = "correct the value or the `type`"


@pytest.mark.parametrize(
    "old, new, where, message, hint",
    [
        (
            "value: 20%",
            "value: 20 %",
            (112, 12),
            "parameter `min_rd_staff_share`: declared ratio but its value (20 %) is "
            f"not a number or percentage; {DECLARED}",
            "write `20%`",
        ),
        (
            "value: 20%",
            "value: 20％",
            (112, 12),
            "parameter `min_rd_staff_share`: declared ratio but its value (20％) is "
            f"not a number or percentage; {DECLARED}",
            "write `20%`",
        ),
        (
            "value: 1000万元",
            'value: "1,000万元"',
            (98, 13),
            f"parameter `min_investment`: declared money but its value (1,000万元) is not an amount; {DECLARED}",
            "`1,000万元` holds a thousands separator; write `1000万元`, without commas",
        ),
        (
            "value: 500万元",
            "value: 500万 元",
            (193, 12),
            f"parameter `supply_subsidy_cap`: declared money but its value (500万 元) is not an amount; {DECLARED}",
            "write `500万元`",
        ),
        (
            "value: 5\n    type: integer",
            "value: ５\n    type: integer",
            (117, 12),
            f"parameter `min_services_provided`: declared integer but its value (５) is not a whole number; {DECLARED}",
            "write `5`",
        ),
        (
            "value: 5\n    type: integer",
            "value: 5家次\n    type: integer",
            (117, 12),
            "parameter `min_services_provided`: "
            f"declared integer but its value (5家次) is not a whole number; {DECLARED}",
            "write `5`",  # 家次 (client-times) counts: the number alone means the same
        ),
        (
            'value: 1 year\n    type: duration\n    clause: "6.2.2"',
            'value: 2021/1/1\n    type: date\n    clause: "6.2.2"',
            (226, 12),
            f"parameter `settlement_window`: declared date but its value (2021/1/1) is not a date (YYYY-MM-DD); "
            f"{DECLARED}",
            "write `2021-01-01`",
        ),
    ],
)
def test_a_mistyped_number_says_how_to_write_it(tmp_path, old, new, where, message, hint):
    assert found(tmp_path, old, new)[:1] == [("WQ-TYPE", *where, message, hint)]


def test_a_mistyped_number_without_a_declared_type_is_not_taken_as_text(tmp_path):
    # Before: `value: 20 %` with no `type` stayed the text "20 %", and the rule comparing it failed at the rule.
    assert found(tmp_path, "value: 20%\n    type: ratio\n", "value: 20 %\n") == [
        ("WQ-TYPE", 112, 12, "parameter `min_rd_staff_share`: `20 %` is text, not a number", "write `20%`")
    ]


def test_codes_joined_by_a_chinese_comma_are_one_item_and_an_error(tmp_path):
    # Before: accepted as the one category `equipment_hardware，equipment_software`; no investment counted as
    # equipment, and an equipment-intensive platform failed 6.3.1 without a word about the policy.
    assert found(
        tmp_path, "value: [equipment_hardware, equipment_software]", "value: [equipment_hardware，equipment_software]"
    ) == [
        (
            "WQ-TYPE",
            170,
            13,
            "parameter `equipment_categories`: `value[0]` is one item, "
            "`equipment_hardware，equipment_software`, holding a Chinese comma",
            "to list 2 items, separate them with `,` (ASCII): [equipment_hardware, equipment_software]",
        )
    ]


def test_chinese_text_holding_a_chinese_comma_is_only_a_warning(tmp_path):
    new = "value: [智能制造、高端装备制造]"
    assert found(tmp_path, "value: [智能制造, 高端装备制造]", new) == []
    assert found(tmp_path, "value: [智能制造, 高端装备制造]", new, "warning") == [
        (
            "WQ-TYPE",
            179,
            13,
            "parameter `equipment_intensive_subsectors`: `value[0]` is one item, "
            "`智能制造、高端装备制造`, holding a Chinese comma",
            "to list 2 items, separate them with `,` (ASCII): [智能制造, 高端装备制造]",
        )
    ]


def test_a_list_written_as_one_text_is_an_error_where_in_reads_it(tmp_path):
    # Before: accepted, and `in` matched parts of the text: `bio` would be "in" `biomedicine, 生物医药`.
    assert found(tmp_path, "value: [biomedicine]", "value: biomedicine, 生物医药") == [
        (
            "WQ-TYPE",
            309,
            32,
            "`equipment_intensive_industries` is one text, `biomedicine, 生物医药`, so `in` looks for "
            "a part of it, not for an item",
            "write its value as a list, [biomedicine, 生物医药], or declare `type: string` if a part of the text is "
            "meant",
        )
    ]


# -- names ---------------------------------------------------------------------------------------------------------
def test_a_capitalised_true_names_the_keyword(tmp_path):
    assert found(tmp_path, "        condition: platform.filed\n", "        condition: platform.filed == True\n") == [
        ("WQ-NAME", 407, 38, "unknown name `True`", "write `true`: keywords are lower-case English")
    ]


def test_text_without_quotes_is_suggested_quotes(tmp_path):
    assert found(tmp_path, 'condition: result == "qualified"', "condition: result == qualified") == [
        ("WQ-NAME", 550, 30, "unknown name `qualified`", 'if this is text, put it in quotes: "qualified"')
    ]


def test_a_misspelt_name_in_a_condition_does_not_blame_its_message_too(tmp_path):
    # The message's {min_rd_intensity} is not read by the misspelt condition; saying so (and suggesting the
    # misspelling) would be a follow-on error: one message, at the misspelt name.
    assert found(tmp_path, RD, "condition: rd_intensity >= min_rd_intensty") == [
        ("WQ-NAME", 417, 36, "unknown name `min_rd_intensty`", "did you mean `min_rd_intensity`?")
    ]


def test_a_placeholder_the_condition_does_not_read_is_named_without_a_spelling_guess(tmp_path):
    # the rule now compares with another parameter, so its message's {min_investment} would be shown as written
    assert found(
        tmp_path,
        "condition: eligible_investment >= min_investment",
        "condition: eligible_investment >= min_rd_intensity",
    ) == [
        (
            "WQ-NAME",
            426,
            53,
            "`{min_investment}` cannot be filled in: a message's {…} names a value the condition "
            "reads: eligible_investment, min_rd_intensity",
            None,
        ),
        (
            "WQ-NAME",
            427,
            74,
            "`{min_investment}` cannot be filled in: a message's {…} names a value the condition "
            "reads: eligible_investment, min_rd_intensity",
            None,
        ),
    ]


def test_a_date_written_with_slashes_in_an_expression_says_how_dates_are_written(tmp_path):
    assert found(tmp_path, "else if as_of <= p.used_on + settlement_window then", "else if as_of <= 2021/1/1 then") == [
        (
            "WQ-TYPE",
            618,
            27,
            "cannot order date against number with `<=`",
            "a date is written YYYY-MM-DD, e.g. 2021-01-01",
        )
    ]


@pytest.mark.parametrize(
    "harmless",
    [
        ("every year listed counts (the form", 'the form says: "every year listed counts, as the'),  # in a `>-` note
        ("  min_rd_intensity:\n    value: 3%\n", '  min_rd_intensity:\n    value: 3%  # see: "the form\n'),  # comment
    ],
)
def test_a_quote_left_open_in_a_note_or_a_comment_is_not_blamed_for_an_error_further_on(tmp_path, harmless):
    # Before: any earlier line with `: "` and no closing quote took the blame, 300 lines above the real slip.
    folder = broken(tmp_path, *harmless)
    path = folder / FILE
    text = path.read_text(encoding="utf-8")
    assert Library([folder]).check()[0] == []  # valid as it is
    path.write_text(text.replace(RD, "condition: rd_intensity: >= min_rd_intensity"), encoding="utf-8")
    [error] = Library([folder]).check()[0]
    line = next(n for n, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "rd_intensity: >=" in t)
    assert (error.code, error.span.line, error.span.col) == ("WQ-YAML", line, 32)
    assert error.message.startswith("a `key:` where a value was expected")


def test_a_tab_that_starts_a_line_is_named_as_a_tab(tmp_path):
    assert found(tmp_path, "        " + RD, "\t        " + RD)[0][:4] == (
        "WQ-YAML",
        417,
        1,
        "a tab character is used for indentation",
    )


def test_a_placeholder_with_spaces_inside_its_braces_is_named(tmp_path):
    # Before: accepted, as the name is right; but only `{name}` is filled, so `{ name }` was shown as written.
    assert found(
        tmp_path,
        '"近三年平均研发投入强度不低于{min_rd_intensity}"',
        '"近三年平均研发投入强度不低于{ min_rd_intensity }"',
    ) == [
        (
            "WQ-NAME",
            416,
            36,
            "`{ min_rd_intensity }` is not filled in: a placeholder has no spaces inside its braces",
            "write `{min_rd_intensity}`",
        )
    ]


# -- a revision file, as staff write one (README, "Changing a threshold") ------------------------------------------
REVISION = """id: wuqing-five-platforms
version: 2023-revision
extends: 2021-trial
effective_from: 2022-01-01
parameters:
  min_rd_intensity: {value: 4%}
  eligible_categories: {remove: [design]}
  excluded_categories: {add: [design]}
  demand_subsidy_cap_per_year: {value: 150万元}
decisions:
  recognition:
    rules:
      recognition.filed:
        clause: "3.2.1"
"""


def revised(tmp_path, old: str, new: str) -> list[tuple]:
    """(code, line, col, message, hint) of every error that check gives REVISION, with ``old`` replaced by
    ``new``, beside a copy of the frozen policy (given the `effective_until` a revision needs)."""
    folder = broken(tmp_path, "effective_from: 2021-01-01", "effective_from: 2021-01-01\neffective_until: 2021-12-31")
    assert REVISION.count(old) == 1, old
    (folder / "2023-revision.yaml").write_text(REVISION.replace(old, new), encoding="utf-8")
    errors, _ = Library([folder]).check()
    return [(d.code, d.span.line, d.span.col, d.message, d.hint) for d in errors]


def test_the_revision_checks_as_it_is(tmp_path):
    assert revised(tmp_path, "150万元", "150万元") == []


def test_a_full_width_colon_after_a_parameter_name_is_named(tmp_path):
    # Before: the name's pattern `^[^\W\d][\w.]*$` and "'4%}' is text, but object is required".
    assert revised(tmp_path, "min_rd_intensity: {value", "min_rd_intensity：{value") == [
        ("WQ-YAML", 6, 19, "`：` is a full-width colon (全角冒号); write `:` (ASCII, 半角) followed by a space", None)
    ]


@pytest.mark.parametrize(
    "new, where",
    [
        ("  min_rd_intensity：4%", (6, 19)),  # read as text going on into the next line's key
        ("  min_rd_intensity：\n    value: 4%", (6, 19)),
        ("  min_rd_intensity: {value: 4%}\n  min_rd_staff_share:\n    label：{zh: 研发人员, en: R&D staff}", (8, 10)),
    ],
)
def test_a_full_width_colon_that_yaml_stumbles_over_later_is_named_where_it_is(tmp_path, new, where):
    # Before: "a `key:` where a value was expected", on the line after or at the next `: `.
    assert revised(tmp_path, "  min_rd_intensity: {value: 4%}", new) == [
        ("WQ-YAML", *where, "`：` is a full-width colon (全角冒号); write `:` (ASCII, 半角) followed by a space", None)
    ]


def test_a_parameter_given_its_value_alone_is_shown_the_mapping_to_write(tmp_path):
    # Before: "'4%' is text, but object is required".
    assert revised(tmp_path, "min_rd_intensity: {value: 4%}", "min_rd_intensity: 4%") == [
        (
            "WQ-SCHEMA",
            6,
            21,
            "parameters.min_rd_intensity: a parameter's value is written after `value:`",
            "write `min_rd_intensity: {value: 4%}`",
        )
    ]


def test_a_thousands_separator_inside_braces_is_named_at_the_comma(tmp_path):
    # Before: "unknown field `500万元`": inside {…} YAML read `value: 1` and a key `500万元`.
    assert revised(tmp_path, "{value: 150万元}", "{value: 1,500万元}") == [
        (
            "WQ-SCHEMA",
            9,
            41,
            "`1,500万元` holds a thousands separator; write `1500万元`, without commas",
            "inside `{…}` a comma ends a value: this was read as `1` and a field `500万元`",
        )
    ]


def test_a_thousands_separator_in_an_expression_is_named(tmp_path):
    # Before: "unexpected `,`".
    assert found(tmp_path, RD, "condition: rd_intensity >= 1,000万") == [
        ("WQ-SYNTAX", 417, 37, "`1,000万` holds a thousands separator; write `1000万`, without commas", None)
    ]


def test_a_percentage_written_in_words_in_a_revision_says_how_to_write_it(tmp_path):
    # Before: "correct the value or the `type`" and nothing to write.
    assert revised(tmp_path, "{value: 4%}", "{value: 百分之四}") == [
        (
            "WQ-TYPE",
            6,
            29,
            f"parameter `min_rd_intensity`: declared ratio but its value (百分之四) is not a number or "
            f"percentage; {DECLARED}",
            "write `4%`",
        )
    ]


@pytest.mark.parametrize(
    "words, write",
    [
        ("百分之三", "3%"),
        ("百分之五", "5%"),
        ("百分之十", "10%"),
        ("百分之二十", "20%"),
        ("百分之三十", "30%"),
        ("百分之六十", "60%"),
        ("百分之八十", "80%"),
        ("百分之二十五", "25%"),
        ("百分之三点五", "3.5%"),
        ("百分之3", "3%"),
        ("百分之 ２.５", "2.5%"),
    ],
)
def test_a_percentage_written_in_words_is_given_in_figures(tmp_path, words, write):
    assert found(tmp_path, "value: 20%", f"value: {words}")[:1] == [
        (
            "WQ-TYPE",
            112,
            12,
            f"parameter `min_rd_staff_share`: declared ratio but its value ({words}) is not a number "
            f"or percentage; {DECLARED}",
            f"write `{write}`",
        )
    ]


def test_codes_joined_by_a_chinese_comma_in_remove_are_named_as_in_add(tmp_path):
    # Before: `remove` said "`design，installation` is not in parameter … (did you mean `installation`?)", while
    # `add` named the comma.
    assert revised(tmp_path, "{remove: [design]}", "{remove: [design，installation]}") == [
        (
            "WQ-TYPE",
            7,
            34,
            "parameter `eligible_categories`: `remove[0]` is one item, `design，installation`, holding a Chinese comma",
            "to list 2 items, separate them with `,` (ASCII): [design, installation]",
        )
    ]
    assert revised(tmp_path, "{add: [design]}", "{add: [design，installation]}") == [
        (
            "WQ-TYPE",
            8,
            31,
            "parameter `excluded_categories`: `add[0]` is one item, `design，installation`, holding a Chinese comma",
            "to list 2 items, separate them with `,` (ASCII): [design, installation]",
        )
    ]


def test_a_chinese_comma_between_the_entries_of_braces_is_named_where_it_is(tmp_path):
    # Before: at the `:` after `note` (column 51), "a `,` or the closing `}` was expected here".
    assert revised(tmp_path, "{value: 150万元}", "{value: 150万元， note: 2023年提高}") == [
        (
            "WQ-YAML",
            9,
            45,
            "`，` is a full-width comma (全角逗号); write `,` (ASCII, 半角) between the entries of `{…}`",
            None,
        )
    ]


def test_a_clause_id_read_as_a_number_is_told_to_be_quoted(tmp_path):
    # Before: "6.1 is not of type 'string'".
    assert revised(tmp_path, 'clause: "3.2.1"', "clause: 6.1") == [
        (
            "WQ-SCHEMA",
            14,
            17,
            "decisions.recognition.rules.recognition.filed.clause: `6.1` is read as a number, but text is required",
            'put it in quotes: `clause: "6.1"`',
        )
    ]


@pytest.mark.parametrize(
    "old, new, where, message, hint",
    [
        # Before: "demand_subsidy_cap_per_year is empty" and
        # "parameters.value: '150万元' is text, but object is required".
        (
            "  demand_subsidy_cap_per_year: {value: 150万元}",
            "  demand_subsidy_cap_per_year:\n  value: 150万元",
            (10, 3),
            "`value:` is indented less than the item it belongs to",
            "indent it under `demand_subsidy_cap_per_year:` (line 9), with 4 spaces before it",
        ),
        # Before: "(document): unknown field `demand_subsidy_cap_per_year`".
        (
            "  demand_subsidy_cap_per_year: {value: 150万元}",
            "demand_subsidy_cap_per_year: {value: 150万元}",
            (9, 1),
            "`demand_subsidy_cap_per_year:` is indented less than the item it belongs to",
            "indent it under `parameters:` (line 5), with 2 spaces before it",
        ),
        # Before: "decisions.recognition: unknown field `recognition.positioning`".
        (
            '        clause: "3.2.1"\n',
            '        clause: "3.2.1"\n    recognition.positioning:\n        clause: "3.2.2"\n',
            (15, 5),
            "`recognition.positioning:` is indented less than the item it belongs to",
            "indent it under `rules:` (line 12), with 6 spaces before it",
        ),
    ],
)
def test_a_line_indented_too_little_is_told_where_it_belongs(tmp_path, old, new, where, message, hint):
    assert revised(tmp_path, old, new) == [("WQ-SCHEMA", *where, message, hint)]
