"""The input rules every operation applies: text, identifiers, lists (store/inputs.py)."""

from __future__ import annotations

import pytest

from store.errors import ValidationError
from store.inputs import (
    MAX_LIST_ITEMS,
    MAX_MULTILINE_LENGTH,
    MAX_SEARCH_LENGTH,
    bounded_list,
    column_length,
    identifier,
    multi_line,
    optional_single_line,
    search_text,
    single_line,
)
from store.models import EnforcementCase, Task, Unit


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        pytest.param("  张伟 ", "张伟", id="stripped"),
        pytest.param("\ufeff开封市财政局", "开封市财政局", id="leading-bom-stripped"),
        pytest.param("张伟\u200b", "张伟", id="trailing-zero-width-space-stripped"),
        pytest.param("\u3000张伟\u3000", "张伟", id="ideographic-spaces-stripped"),
        pytest.param("李 明", "李 明", id="inner-space-kept"),
        pytest.param("👩\u200d💻 技术组", "👩\u200d💻 技术组", id="emoji-joiner-inside-kept"),
        pytest.param("x" * 100, "x" * 100, id="exactly-the-cap"),
    ],
)
def test_single_line_text_is_stripped_and_kept(value: str, stored: str) -> None:
    assert single_line(value, field="applicantName", max_length=100) == stored


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        pytest.param("", "text.required", id="empty"),
        pytest.param("   ", "text.required", id="spaces"),
        pytest.param("\u200b", "text.required", id="zero-width-space"),
        pytest.param("\ufeff", "text.required", id="bom"),
        pytest.param("\u200b\u200c\u200d\u2060\u00ad", "text.required", id="format-characters"),
        pytest.param("\u3164", "text.required", id="hangul-filler"),
        pytest.param("\u2800", "text.required", id="braille-blank"),
        pytest.param("\ufe0f", "text.required", id="variation-selector"),
        pytest.param("张\x00伟", "text.control", id="nul"),
        pytest.param("张伟\x00", "text.control", id="trailing-nul"),
        pytest.param("张\x07伟", "text.control", id="bell"),
        pytest.param("张\x1b[31m伟", "text.control", id="escape-sequence"),
        pytest.param("张\x7f伟", "text.control", id="delete"),
        pytest.param("张\x9b伟", "text.control", id="c1-control"),
        pytest.param("张\t伟", "text.control", id="tab"),
        pytest.param("张\ud800伟", "text.control", id="lone-surrogate"),
        pytest.param("abc\u202eexe.txt", "text.control", id="right-to-left-override"),
        pytest.param("张\u2066伟", "text.control", id="bidi-isolate"),
        pytest.param("张\n伟", "text.single_line", id="newline"),
        pytest.param("张\r\n伟", "text.single_line", id="carriage-return"),
        pytest.param("张\u2028伟", "text.single_line", id="line-separator"),
        pytest.param("x" * 101, "text.length", id="one-over-the-cap"),
        pytest.param("x" * 10_000, "text.length", id="ten-thousand"),
    ],
)
def test_single_line_text_refused_names_the_rule(value: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        single_line(value, field="applicantName", max_length=100)
    assert (caught.value.field, caught.value.rule) == ("applicantName", rule)


def test_a_control_character_is_named_with_its_position() -> None:
    with pytest.raises(ValidationError, match=r"character 2 is U\+0000"):
        single_line("张\x00伟", field="batch", max_length=64)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        pytest.param(None, None, id="absent"),
        pytest.param("", None, id="empty"),
        pytest.param("\u200b ", None, id="only-invisible"),
        pytest.param(" 2023年第一批 ", "2023年第一批", id="text"),
    ],
)
def test_optional_single_line_is_none_when_blank(value: str | None, stored: str | None) -> None:
    assert optional_single_line(value, field="batch", max_length=64) == stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        pytest.param(None, "", id="absent"),
        pytest.param("\u200b", "", id="only-invisible"),
        pytest.param("第一段\n第二段", "第一段\n第二段", id="newline-kept"),
        pytest.param("第一段\r\n第二段\r第三段", "第一段\n第二段\n第三段", id="crlf-and-cr-to-lf"),
        pytest.param("甲\u2028乙\u2029丙", "甲\n乙\n丙", id="unicode-separators-to-lf"),
        pytest.param("项目\t金额", "项目\t金额", id="tab-kept"),
        pytest.param("\n\n  意见 \n", "意见", id="stripped"),
    ],
)
def test_multi_line_text_keeps_lines_and_tabs(value: str | None, stored: str) -> None:
    assert multi_line(value, field="comment") == stored


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        pytest.param("同意\x00", "text.control", id="nul"),
        pytest.param("同\x0b意", "text.control", id="vertical-tab"),
        pytest.param("同\x0c意", "text.control", id="form-feed"),
        pytest.param("同意\ud83d", "text.control", id="lone-surrogate"),
        pytest.param("x" * (MAX_MULTILINE_LENGTH + 1), "text.length", id="over-the-cap"),
    ],
)
def test_multi_line_text_refused_names_the_rule(value: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        multi_line(value, field="comment")
    assert (caught.value.field, caught.value.rule) == ("comment", rule)


def test_required_multi_line_text_must_be_visible() -> None:
    with pytest.raises(ValidationError) as caught:
        multi_line("\u200b\n\ufeff", field="comment", required=True)
    assert caught.value.rule == "text.required"


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        pytest.param("retry 1", "identifier.format", id="inner-space"),
        pytest.param("key\u200bkey", "identifier.format", id="inner-zero-width-space"),
        pytest.param("key\x00", "text.control", id="nul"),
        pytest.param("", "text.required", id="empty"),
        pytest.param("k" * 129, "text.length", id="too-long"),
    ],
)
def test_identifier_refused_names_the_rule(value: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        identifier(value, field="idempotencyKey", max_length=128)
    assert caught.value.rule == rule


def test_identifier_is_kept_without_its_surrounding_spaces() -> None:
    key = "8c6f6a5e-2b1f-4e55-9d1a-1f0d3e0c9b7a"
    assert identifier(f" {key}\n", field="idempotencyKey", max_length=128) == key


@pytest.mark.parametrize(
    ("value", "found"),
    [
        pytest.param(None, None, id="absent"),
        pytest.param("  ", None, id="blank"),
        pytest.param(" 财政局 ", "财政局", id="text"),
        pytest.param("x" * MAX_SEARCH_LENGTH, "x" * MAX_SEARCH_LENGTH, id="at-the-cap"),
    ],
)
def test_search_text(value: str | None, found: str | None) -> None:
    assert search_text(value, field="filter.search") == found


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        pytest.param("a" * 60_000, "text.length", id="sixty-thousand"),
        pytest.param("财\x00政", "text.control", id="nul"),
    ],
)
def test_search_text_refused(value: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        search_text(value, field="filter.search")
    assert (caught.value.field, caught.value.rule) == ("filter.search", rule)


def test_a_list_at_the_cap_passes_and_one_more_is_refused() -> None:
    assert bounded_list(None, field="scope.unitIds") is None
    assert bounded_list(range(MAX_LIST_ITEMS), field="scope.unitIds") == list(range(MAX_LIST_ITEMS))
    with pytest.raises(ValidationError) as caught:
        bounded_list(["id"] * 40_000, field="scope.unitIds")
    assert (caught.value.field, caught.value.rule) == ("scope.unitIds", "list.length")
    assert "40000 items; at most 500" in caught.value.message


@pytest.mark.parametrize(
    ("model", "name", "length"),
    [
        pytest.param(EnforcementCase, "batch", 64, id="batch"),
        pytest.param(EnforcementCase, "applicant_name", 100, id="applicant"),
        pytest.param(Task, "title", 300, id="task-title"),
        pytest.param(Unit, "region", 20, id="region"),
    ],
)
def test_text_columns_give_their_caps(model: type, name: str, length: int) -> None:
    assert column_length(model, name) == length


def test_a_column_without_a_length_has_no_cap_to_give() -> None:
    with pytest.raises(TypeError):
        column_length(Task, "description")
