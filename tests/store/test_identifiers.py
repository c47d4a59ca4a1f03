"""案号 and USCC validation: real-looking good values pass, bad ones name the rule."""

from __future__ import annotations

import datetime as dt

import pytest

from store.errors import ValidationError
from store.identifiers import (
    ENFORCEMENT_TYPES,
    normalize_case_number,
    parse_case_number,
    uscc_check_character,
    validate_uscc,
)

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("value", "court", "type_code", "serial", "suffix", "level"),
    [
        pytest.param("（2022）豫0202执1234号", "豫0202", "执", 1234, "", "BASIC", id="full-width"),
        pytest.param("(2022)豫0202执1234号", "豫0202", "执", 1234, "", "BASIC", id="half-width"),
        pytest.param("（2023）豫02执恢15号", "豫02", "执恢", 15, "", "INTERMEDIATE",
                     id="执恢-not-执"),
        pytest.param("（2021）豫0225执保7号", "豫0225", "执保", 7, "", "BASIC", id="执保"),
        pytest.param("（2020）豫02民终3021号之一", "豫02", "民终", 3021, "一", "INTERMEDIATE",
                     id="suffix-之一"),
        pytest.param("（2019）最高法知民终1号", "最高法", "民终", 1, "", "SUPREME",
                     id="supreme-知"),
        pytest.param("（2022）豫0203破申2号", "豫0203", "破申", 2, "", "BASIC", id="破申-not-破"),
        pytest.param("（2023）豫02清申1号", "豫02", "清申", 1, "", "INTERMEDIATE", id="清申"),
        pytest.param("（2021）豫执复88号", "豫", "执复", 88, "", "HIGH", id="high-court"),
    ],
)  # fmt: skip
def test_valid_case_numbers_are_parsed(
    value: str, court: str, type_code: str, serial: int, suffix: str, level: str
) -> None:
    number = parse_case_number(value, today=TODAY)
    assert (number.court_code, number.type_code, number.serial, number.suffix) == (
        court,
        type_code,
        serial,
        suffix,
    )
    assert number.level == level


def test_half_width_brackets_are_stored_full_width() -> None:
    assert normalize_case_number(" (2022)豫0202执1234号 ") == "（2022）豫0202执1234号"


@pytest.mark.parametrize(
    ("value", "rule", "words"),
    [
        pytest.param("", "case_number.required", "required", id="empty"),
        pytest.param("2022豫0202执1234号", "case_number.format", "year in brackets",
                     id="no-brackets"),
        pytest.param("（2022)豫0202执1234号", "case_number.brackets", "pair", id="mixed-brackets"),
        pytest.param("（1900）豫0202执1号", "case_number.year", "1900", id="year-too-early"),
        pytest.param("（2031）豫0202执1号", "case_number.year", "2031", id="year-in-future"),
        pytest.param("（2022）A0202执1号", "case_number.court_code", "province", id="no-province"),
        pytest.param("（2022）豫020执1号", "case_number.court_code", "2 or 4 digits",
                     id="3-digits"),
        pytest.param("（2022）豫0202查1号", "case_number.type_code", "unknown", id="unknown-type"),
        pytest.param("（2022）豫0202执01号", "case_number.serial", "leading zero", id="leading-0"),
        pytest.param("（2022）豫0202执12", "case_number.serial", "号", id="no-号"),
        pytest.param("（2022）豫0202执12号之A", "case_number.serial", "之一", id="bad-suffix"),
    ],
)  # fmt: skip
def test_invalid_case_numbers_name_the_rule(value: str, rule: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_case_number(value, field="caseNumber", today=TODAY)
    assert caught.value.rule == rule
    assert caught.value.field == "caseNumber"
    assert words in str(caught.value)


def test_a_judgment_number_is_refused_where_an_enforcement_number_is_needed() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_case_number("（2022）豫02民终12号", allowed_types=ENFORCEMENT_TYPES, today=TODAY)
    assert caught.value.rule == "case_number.type_code"
    assert "民终" in str(caught.value)


GOOD_USCC = [
    "91350100M000100Y43",  # the worked example printed in GB 32100-2015
    "11410200005252620J",  # an organ in 开封 (410200); check character from the standard's rule
]


@pytest.mark.parametrize("code", GOOD_USCC)
def test_valid_uscc_passes(code: str) -> None:
    assert validate_uscc(code.lower()) == code


def test_check_character_of_the_standard_example() -> None:
    # The standard's own example: weights 3^i mod 31 over the first 17
    # characters give a sum ≡ 28 (mod 31), so the check value is 31 − 28 = 3.
    assert uscc_check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        pytest.param("91350100M000100Y4", "uscc.length", id="17-chars"),
        pytest.param("91350100M000100Y4IO", "uscc.length", id="19-chars"),
        pytest.param("91350100M000100YI3", "uscc.charset", id="letter-I"),
        pytest.param("9135O100M000100Y43", "uscc.charset", id="letter-O"),
        pytest.param("91AB0100M000100Y4X", "uscc.region", id="letters-in-region"),
        pytest.param("91350100M000100Y44", "uscc.check", id="wrong-check-char"),
    ],
)
def test_invalid_uscc_names_the_rule(code: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code, field="debtorUscc")
    assert caught.value.rule == rule
    assert caught.value.field == "debtorUscc"
