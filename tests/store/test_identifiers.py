"""案号 and USCC validation: real-looking good values pass, bad ones name the rule."""

from __future__ import annotations

import datetime as dt

import pytest

from store.errors import ValidationError
from store.identifiers import (
    ENFORCEMENT_TYPES,
    Basis,
    BasisKind,
    basis_kind,
    check_case_years,
    check_division_code,
    normalize_case_number,
    organisation_code_check_character,
    parse_basis,
    parse_case_number,
    parse_old_case_number,
    uscc_check_character,
    uscc_of,
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
    "11410200005252629E",  # an organ in 开封 (410200); check character from the standard's rule
]


@pytest.mark.parametrize("code", GOOD_USCC)
def test_valid_uscc_passes(code: str) -> None:
    assert validate_uscc(code.lower()) == code


def test_check_character_of_the_standard_example() -> None:
    # The standard's own example: weights 3^i mod 31 over the first 17
    # characters give a sum ≡ 28 (mod 31), so the check value is 31 − 28 = 3.
    assert uscc_check_character("91350100M000100Y4") == "3"


def test_organisation_code_check_character_of_the_standard_example() -> None:
    # GB 11714 over M000100Y (positions 9–16 of 91350100M000100Y43):
    # M=22×3 + 0×7 + 0×9 + 0×10 + 1×5 + 0×8 + 0×4 + Y=34×2 = 139; 139 mod 11 = 7;
    # 11 − 7 = 4, the 17th character of the example.
    assert organisation_code_check_character("M000100Y") == "4"
    assert uscc_of("91350100M000100Y") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("body", "check"),
    [
        pytest.param("D2143569", "X", id="value-10-is-X"),
        pytest.param("00000000", "0", id="value-11-is-0"),
        pytest.param("MA44ABCD", "5", id="letters-A-to-D"),
    ],
)
def test_organisation_code_check_character_writes_10_as_x_and_11_as_0(
    body: str, check: str
) -> None:
    assert organisation_code_check_character(body) == check


@pytest.mark.parametrize(
    ("code", "words"),
    [
        # the standard's example with its organisation code's check character 4 → 5, and
        # the USCC's own check character recomputed so that only the embedded code is wrong
        pytest.param(uscc_of("91350100M000100Y")[:16] + "5", "'5'", id="example-org-check-5"),
        pytest.param("91410200MA44ABCD1L", "'1'", id="enterprise-org-check-1"),
        pytest.param("11410200005252620J", "'0'", id="organ-org-check-0"),
    ],
)
def test_a_wrong_organisation_code_check_character_is_refused(code: str, words: str) -> None:
    code = code[:17] + uscc_check_character(code[:17])
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code, field="debtorUscc")
    assert (caught.value.field, caught.value.rule) == ("debtorUscc", "uscc.organisation_code")
    assert words in str(caught.value)
    assert "GB 11714" in str(caught.value)


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


# --- the type codes of 法〔2015〕137号 and 法〔2016〕237号 that were refused ----------


@pytest.mark.parametrize(
    ("value", "type_code"),
    [
        pytest.param("（2023）豫02执督3号", "执督", id="执督-not-执"),
        pytest.param("（2024）豫破监1号", "破监", id="破监-not-破"),
        pytest.param("（2022）豫0203强清2号", "强清", id="强清"),
        pytest.param("（2023）豫02强清终5号", "强清终", id="强清终-not-强清"),
        pytest.param("（2021）豫0202强清申1号", "强清申", id="强清申"),
        pytest.param("（2024）豫强清监1号", "强清监", id="强清监"),
        pytest.param("（2023）豫0202民督12号", "民督", id="民督-payment-order"),
        pytest.param("（2020）豫02民抗3号", "民抗", id="民抗"),
    ],
)  # fmt: skip
def test_type_codes_of_the_standard_are_known(value: str, type_code: str) -> None:
    assert parse_case_number(value, today=TODAY).type_code == type_code


# --- normal form: full-width digits, spaces ------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        pytest.param("（２０２４）豫０２０２执９３０６号", "（2024）豫0202执9306号",
                     id="full-width-digits"),
        pytest.param("(2024) 豫0202 执 9306号", "（2024）豫0202执9306号", id="inner-spaces"),
        pytest.param("（2024）\u3000豫0202执9306号", "（2024）豫0202执9306号",
                     id="ideographic-space"),
        pytest.param("（２０２４）豫０２执恢１５号之一", "（2024）豫02执恢15号之一",
                     id="full-width-suffix"),
    ],
)  # fmt: skip
def test_case_numbers_are_stored_in_the_normal_form(typed: str, stored: str) -> None:
    assert normalize_case_number(typed) == stored


def test_an_old_format_case_number_is_refused_for_the_case_itself() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_case_number("(2014)汴执字第12号", allowed_types=ENFORCEMENT_TYPES, today=TODAY)
    assert caught.value.rule == "case_number.old_format"
    assert "only for a basis" in str(caught.value)


# --- 执行依据 of every kind -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "year", "stored"),
    [
        pytest.param("（2022）豫02民终3021号", BasisKind.JUDGMENT, 2022, "（2022）豫02民终3021号",
                     id="judgment"),
        pytest.param("(2012)汴民初字第45号", BasisKind.JUDGMENT, 2012, "（2012）汴民初字第45号",
                     id="old-汴民初"),
        pytest.param("（2014）汴民初字第123号", BasisKind.JUDGMENT, 2014, "（2014）汴民初字第123号",
                     id="old-full-width"),
        pytest.param("（2010）豫法民一终字第12号", BasisKind.JUDGMENT, 2010,
                     "（2010）豫法民一终字第12号", id="old-high-court-民一终"),
        pytest.param("(2013)民提字第6号", BasisKind.JUDGMENT, 2013, "（2013）民提字第6号",
                     id="old-supreme-no-court"),
        pytest.param("（2015）鼓行初字第8号之一", BasisKind.JUDGMENT, 2015,
                     "（2015）鼓行初字第8号之一", id="old-之一"),
        pytest.param("（2014）民权民初字第77号", BasisKind.JUDGMENT, 2014,
                     "（2014）民权民初字第77号", id="old-court-starting-with-民"),
        pytest.param("(2023)豫0202民督12号", BasisKind.PAYMENT_ORDER, 2023,
                     "（2023）豫0202民督12号", id="payment-order"),
        pytest.param("（2014）汴民督字第3号", BasisKind.PAYMENT_ORDER, 2014,
                     "（2014）汴民督字第3号", id="old-payment-order"),
        pytest.param("汴仲裁字〔2023〕第12号", BasisKind.ARBITRATION, 2023,
                     "汴仲裁字〔2023〕第12号", id="arbitration"),
        pytest.param("汴劳人仲案字〔2023〕第88号", BasisKind.ARBITRATION, 2023,
                     "汴劳人仲案字〔2023〕第88号", id="labour-arbitration"),
        pytest.param("汴劳人仲案字[2023]第088号", BasisKind.ARBITRATION, 2023,
                     "汴劳人仲案字〔2023〕第088号", id="arbitration-square-brackets"),
        pytest.param("（2023）汴仲字第12号", BasisKind.ARBITRATION, 2023, "（2023）汴仲字第12号",
                     id="arbitration-year-first"),
        pytest.param("(2023)豫汴证经字第1234号", BasisKind.NOTARIAL, 2023,
                     "（2023）豫汴证经字第1234号", id="notarised-debt"),
        pytest.param("（２０２１）豫汴证内民字第 ５６号", BasisKind.NOTARIAL, 2021,
                     "（2021）豫汴证内民字第56号", id="notarised-full-width"),
    ],
)  # fmt: skip
def test_bases_of_every_kind_are_parsed_and_normalised(
    typed: str, kind: BasisKind, year: int, stored: str
) -> None:
    assert parse_basis(typed, today=TODAY) == Basis(kind, year, stored)
    assert basis_kind(stored) == kind


@pytest.mark.parametrize(
    ("typed", "rule", "words"),
    [
        pytest.param("", "case_number.required", "required", id="empty"),
        pytest.param("民事判决书", "basis.format", "arbitration award", id="no-number"),
        pytest.param("2012汴民初字第45号", "case_number.format", "year in brackets",
                     id="old-no-brackets"),
        pytest.param("（2012)汴民初字第45号", "case_number.brackets", "pair",
                     id="old-mixed-brackets"),
        pytest.param("（2016）汴民初字第45号", "case_number.old_format_year", "until 2015",
                     id="old-format-in-2016"),
        pytest.param("（1948）汴民初字第45号", "case_number.old_format_year", "1948",
                     id="old-format-too-early"),
        pytest.param("（2012）汴执字第45号", "case_number.type_code", "执", id="old-enforcement"),
        pytest.param("（2012）汴破字第2号", "case_number.type_code", "破", id="old-bankruptcy"),
        pytest.param("（2012）汴查字第2号", "case_number.type_code", "unknown",
                     id="old-unknown-type"),
        pytest.param("（2012）K民初字第2号", "case_number.court_code", "abbreviation",
                     id="old-latin-court"),
        pytest.param("（2012）汴民初字第045号", "case_number.serial", "leading zero",
                     id="old-leading-zero"),
        pytest.param("（2012）汴民初字第45", "case_number.serial", "号", id="old-no-号"),
        pytest.param("（2022）豫02执1号", "case_number.type_code", "执", id="enforcement-number"),
        pytest.param("（2023）豫02破监1号", "case_number.type_code", "破监",
                     id="bankruptcy-number"),
        pytest.param("汴仲裁字〔2023）第12号", "basis.brackets", "pair", id="arbitration-brackets"),
        pytest.param("汴仲裁字〔2031〕第12号", "basis.year", "2031", id="arbitration-future"),
        pytest.param("汴仲裁字〔2023〕第0号", "basis.serial", "zero", id="arbitration-zero"),
        pytest.param("汴仲裁字第12号", "basis.arbitration_format", "year in brackets",
                     id="arbitration-no-year"),
        pytest.param("（2023）豫汴证经字第号", "basis.serial", "第1234号", id="notarial-no-serial"),
        pytest.param("（2023）豫汴证经字第1234", "basis.serial", "号", id="notarial-no-号"),
        pytest.param("（2023）A证经字第12号", "basis.issuer", "Chinese",
                     id="notarial-latin-issuer"),
        pytest.param("（1900）豫汴证经字第12号", "basis.year", "1900", id="notarial-too-early"),
    ],
)  # fmt: skip
def test_bad_bases_name_the_rule(typed: str, rule: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_basis(typed, field="basis", today=TODAY)
    assert caught.value.rule == rule
    assert caught.value.field == "basis"
    assert words in str(caught.value)


def test_an_old_number_keeps_its_court_and_type() -> None:
    old = parse_old_case_number("（2010）豫法民一终字第12号", today=TODAY)
    assert (old.court, old.type_code, old.category, old.serial) == ("豫法", "民一终", "民", 12)


# --- the years: basis ≤ case ≤ filing ------------------------------------------------

CASE = parse_case_number("（2023）豫02执15号", today=TODAY)


@pytest.mark.parametrize(
    ("basis", "filed_on"),
    [
        pytest.param("（2022）豫02民终3021号", dt.date(2023, 2, 15), id="judgment-a-year-before"),
        pytest.param("（2023）豫0202民督12号", dt.date(2023, 12, 31), id="same-year"),
        pytest.param("（2012）汴民初字第45号", dt.date(2023, 1, 1), id="old-judgment"),
        pytest.param("汴仲裁字〔2023〕第12号", dt.date(2024, 1, 3), id="filed-the-next-year"),
    ],
)  # fmt: skip
def test_years_in_order_pass(basis: str, filed_on: dt.date) -> None:
    check_case_years(CASE, parse_basis(basis, today=TODAY), filed_on)


@pytest.mark.parametrize(
    ("basis", "filed_on", "field", "rule", "words"),
    [
        pytest.param("（2024）豫02民终1号", dt.date(2024, 3, 1), "basis", "basis.after_case",
                     "2024", id="judgment-after-the-case"),
        pytest.param("汴劳人仲案字〔2024〕第88号", dt.date(2024, 3, 1), "basis", "basis.after_case",
                     "after the case", id="award-after-the-case"),
        pytest.param("（2022）豫02民终1号", dt.date(2022, 12, 30), "caseNumber",
                     "case_number.after_filing", "2022-12-30", id="numbered-after-filing"),
    ],
)  # fmt: skip
def test_years_out_of_order_name_the_field(
    basis: str, filed_on: dt.date, field: str, rule: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        check_case_years(CASE, parse_basis(basis, today=TODAY), filed_on)
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert words in str(caught.value)


# --- USCC: authority, category, division ----------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("11410200MB1956741Q", id="organ-开封"),
        pytest.param("12410203MB0X31253M", id="public-institution-顺河区"),
        pytest.param("51410200MJ88126003", id="social-organisation"),
        pytest.param("52410225MJ7654321D", id="private-non-enterprise-兰考"),
        pytest.param("91410200MA44ABCD51", id="enterprise-开封"),
        pytest.param("92410202MA4K12345E", id="individual-business-龙亭区"),
        pytest.param("93410221MA4ABC1299", id="cooperative-杞县"),
        pytest.param("N2410212MF1234567X", id="village-collective-祥符区"),
        pytest.param("31410000MD28410978", id="law-firm-province-level"),
        pytest.param("9111000010123456XM", id="enterprise-北京"),
        pytest.param("91441900MA4UH3K265", id="enterprise-东莞"),
        pytest.param("91419001MA44XM2P5H", id="enterprise-济源"),
        pytest.param("Y1410200MA12345698", id="other-authority"),
        pytest.param("A1410200MA4ABCDE3Y", id="army-institution"),
        pytest.param("A9410200MA4ABCDE36", id="army-other"),
    ],
)
def test_uscc_of_every_authority_passes(code: str) -> None:
    assert validate_uscc(code, field="debtorUscc") == code


@pytest.mark.parametrize(
    ("code", "rule", "words"),
    [
        pytest.param("000000000000000000", "uscc.authority", "'0'", id="all-zeros"),
        # authority A is accepted (issue 15); this code's organisation code is wrong
        pytest.param(
            "A1410200MA4ABCDE1Q", "uscc.organisation_code", "'3'", id="authority-A-bad-org-code"
        ),
        pytest.param("A2410200MA4ABCDE3U", "uscc.category", "中央军委", id="军队-category-2"),
        pytest.param("94410200MA44ABCD1B", "uscc.category", "工商", id="工商-category-4"),
        pytest.param("18410200MB19567439", "uscc.category", "机构编制", id="机构编制-category-8"),
        pytest.param("Y2410200MA1234567Y", "uscc.category", "其他", id="其他-category-2"),
        pytest.param("N5410212MF1234567L", "uscc.category", "农业", id="农业-category-5"),
        pytest.param("91000000MA44ABCD1B", "uscc.region", "no province", id="province-00"),
        pytest.param("91990000MA44ABCD1W", "uscc.region", "no province", id="province-99"),
        pytest.param("91730000MA44ABCD1N", "uscc.region", "no province", id="province-73"),
        pytest.param("91410002MA44ABCD17", "uscc.region", "no prefecture", id="county-under-00"),
        pytest.param("91412000MA44ABCD13", "uscc.region", "4120", id="河南-prefecture-20"),
        pytest.param("91419100MA44ABCD1Y", "uscc.region", "4191", id="河南-prefecture-91"),
    ],
)
def test_uscc_with_a_wrong_part_names_it(code: str, rule: str, words: str) -> None:
    # every code here has the right check character: only the named part is wrong
    assert uscc_check_character(code[:17]) == code[17]
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code, field="debtorUscc")
    assert (caught.value.field, caught.value.rule) == ("debtorUscc", rule)
    assert words in str(caught.value)


@pytest.mark.parametrize("code", ["410000", "410202", "419001", "650100", "820000"])
def test_division_codes_of_provinces_prefectures_and_counties_pass(code: str) -> None:
    assert check_division_code(code, field="region") == code


@pytest.mark.parametrize(
    ("code", "words"),
    [
        pytest.param("41020", "six digits", id="five-digits"),
        pytest.param("4102O2", "six digits", id="letter-O"),
        pytest.param("830000", "no province", id="province-83"),
    ],
)
def test_bad_division_codes_say_why(code: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_division_code(code, field="region")
    assert caught.value.rule == "uscc.region"
    assert words in str(caught.value)
