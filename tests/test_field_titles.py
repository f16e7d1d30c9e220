"""Field titles from an input schema: a field named as people name it, codes with their labels."""

from __future__ import annotations

from wqpolicy.fieldtitles import FieldTitles, path_steps
from wqpolicy.model import Text

SCHEMA = {
    "$defs": {
        "money": {"type": "number", "title": "金额", "x-title-en": "Amount"},
        "category": {
            "enum": ["rent", "design"],
            "x-enum-labels": {
                "rent": {"zh": "场地租赁费用", "en": "Premises rent"},
                "design": {"zh": "设计费", "en": "Design"},
            },
        },
    },
    "properties": {
        "expert_review": {
            "title": "专家评审意见",
            "x-title-en": "Expert review",
            "properties": {
                "satisfaction": {"type": "boolean", "title": "平台使用方满意度", "x-title-en": "User satisfaction"},
                "rd": {"type": "boolean", "title": "研发能力", "x-title-en": "R&D capacity"},
            },
        },
        "investment": {
            "type": "array",
            "title": "平台建设投资明细",
            "x-title-en": "Investment lines",
            "items": {
                "properties": {
                    "amount": {"$ref": "#/$defs/money"},
                    "category": {"$ref": "#/$defs/category", "title": "费用类别", "x-title-en": "Category"},
                }
            },
        },
        "untitled": {"properties": {"deep": {"type": "string"}}},
    },
}


def test_a_path_is_split_into_names_and_positions():
    assert path_steps("investment[2].amount") == ["investment", 2, "amount"]
    assert path_steps("a.b.c") == ["a", "b", "c"]


def test_a_nested_field_is_named_by_the_titles_along_its_path():
    titles = FieldTitles(SCHEMA)
    assert titles.material("expert_review.satisfaction") == Text(
        "专家评审意见：平台使用方满意度", "Expert review: user satisfaction"
    )
    assert titles.material("expert_review.rd").en == "Expert review: R&D capacity"  # an acronym keeps its case


def test_a_list_item_is_named_by_its_position_counted_from_one():
    titles = FieldTitles(SCHEMA)
    assert titles.material("investment[2].amount") == Text(
        "平台建设投资明细（第3项）：金额", "Investment lines (item 3): amount"
    )


def test_a_title_given_beside_a_ref_wins_over_the_referenced_one():
    titles = FieldTitles(SCHEMA)
    assert titles.title("investment[0].category") == Text("费用类别", "Category")
    assert titles.title("investment[0].amount") == Text("金额", "Amount")


def test_a_path_without_titles_is_shown_as_it_is_and_an_unknown_field_has_no_title():
    titles = FieldTitles(SCHEMA)
    assert titles.material("untitled.deep") == Text("untitled.deep", "untitled.deep")
    assert titles.title("no.such.field") is None
    assert titles.material("no_such") == Text("no_such", "no_such")


def test_codes_have_their_labels():
    titles = FieldTitles(SCHEMA)
    assert titles.enum_label("investment[0].category", "rent") == Text("场地租赁费用", "Premises rent")
    assert titles.enum_label("investment[0].category", "land") is None
    assert titles.enum_label("expert_review.satisfaction", True) is None


def test_every_field_is_listed_in_schema_order():
    assert FieldTitles(SCHEMA).fields() == [
        "expert_review",
        "expert_review.satisfaction",
        "expert_review.rd",
        "investment",
        "investment[].amount",
        "investment[].category",
        "untitled",
        "untitled.deep",
    ]


def test_the_module_examples_run():
    import doctest

    import wqpolicy.fieldtitles

    found = doctest.testmod(wqpolicy.fieldtitles)
    assert found.attempted > 0 and found.failed == 0


def test_every_field_of_the_bundled_input_schemas_has_a_chinese_and_an_english_title():
    import json
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "policies" / "wuqing-five-platforms" / "inputs"
    for path in sorted(folder.glob("*.schema.json")):
        titles = FieldTitles(json.loads(path.read_text(encoding="utf-8")))
        untitled = [f for f in titles.fields() if titles.title(f.replace("[]", "[0]")) is None]
        assert untitled == [], path.name
    application = FieldTitles(json.loads((folder / "application.schema.json").read_text(encoding="utf-8")))
    assert application.material("expert_review.satisfaction").zh == "专家评审意见：平台使用方满意度"
    assert application.enum_label("investment[1].category", "rent") == Text("场地租赁费用", "Premises rent")
