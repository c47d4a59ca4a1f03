"""Validation of Chinese court case numbers (案号) and USCC codes.

Every failure raises :class:`store.errors.ValidationError` whose ``rule``
names the rule broken, so the liaison sees what to correct.

Example:
    >>> parse_case_number("（2022）豫0202执1234号").type_code
    '执'
    >>> validate_uscc("91410200MA44ABCD1X", field="debtorUscc")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from store.errors import ValidationError
from store.inputs import optional_single_line

PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新兵"
"""Province abbreviations used in court codes (兵 = 新疆生产建设兵团)."""

SPECIAL_COURT_CHARS = "知金海铁"
"""A character that may follow the court code for a special tribunal (知 in 最高法知民终)."""

ENFORCEMENT_TYPES = ("执", "执恢", "执保", "执异", "执复", "执监", "执协", "执他")
JUDGMENT_TYPES = (
    "民初", "民终", "民申", "民再", "民特", "民撤", "行初", "行终", "行审", "行申",
    "行再", "刑初", "刑终", "赔", "委赔", "法赔",
)  # fmt: skip
BANKRUPTCY_TYPES = ("破", "破申", "清申", "破终", "强清", "强清申")
TYPE_CODES: tuple[str, ...] = tuple(
    sorted({*ENFORCEMENT_TYPES, *JUDGMENT_TYPES, *BANKRUPTCY_TYPES}, key=len, reverse=True)
)
"""Every known type code, longest first so that 执恢 is matched before 执."""

CHINESE_ORDINALS = "一二三四五六七八九十"

CASE_NUMBER_LENGTH = 64
"""The longest 案号 stored (``enforcement_case.case_number``, ``basis`` …)."""

_BRACKETS = {"(": ")", "（": "）"}
_HEAD = re.compile(r"^([(（])(\d{4})([)）])(.*)$")
_COURT = re.compile(rf"^(最高法|[{PROVINCES}](?:\d{{4}}|\d{{2}})?)(.*)$")
_TAIL = re.compile(rf"^([1-9]\d{{0,6}})号(?:之([{CHINESE_ORDINALS}]{{1,3}}))?$")


@dataclass(frozen=True)
class CaseNumber:
    """A parsed 案号: (2022)豫0202执1234号之一."""

    year: int
    court_code: str
    special: str
    type_code: str
    serial: int
    suffix: str

    @property
    def level(self) -> str:
        """SUPREME, HIGH, INTERMEDIATE or BASIC, from the court code's digits."""
        if self.court_code == "最高法":
            return "SUPREME"
        return {1: "HIGH", 3: "INTERMEDIATE", 5: "BASIC"}[len(self.court_code)]

    def canonical(self) -> str:
        """The number with full-width brackets, as courts print it."""
        suffix = f"之{self.suffix}" if self.suffix else ""
        return (
            f"（{self.year}）{self.court_code}{self.special}{self.type_code}{self.serial}号{suffix}"
        )


def parse_case_number(
    value: str,
    *,
    field: str = "caseNumber",
    allowed_types: tuple[str, ...] | None = None,
    today: dt.date | None = None,
) -> CaseNumber:
    """Parse and validate a 案号, naming the first rule it breaks.

    Args:
        value: the case number as typed, with full- or half-width brackets.
        field: the input path named in errors.
        allowed_types: type codes this kind of record accepts (e.g. the 执
            family for an enforcement case); None accepts every known code.
        today: the date the year may not exceed (default: today).
    """
    # Length and characters first: the rules below quote the text they refuse.
    text = optional_single_line(value, field=field, max_length=CASE_NUMBER_LENGTH) or ""
    if not text:
        raise ValidationError(field, "case_number.required", "a case number is required")
    head = _HEAD.match(text)
    if head is None:
        raise ValidationError(
            field,
            "case_number.format",
            f"{value!r} must start with the year in brackets, e.g. （2022）豫0202执1234号",
        )
    opening, year_text, closing, rest = head.groups()
    if _BRACKETS[opening] != closing:
        raise ValidationError(
            field,
            "case_number.brackets",
            f"brackets must be a pair, both full-width （） or both half-width (): {value!r}",
        )
    year = int(year_text)
    this_year = (today or dt.date.today()).year
    if not 1949 <= year <= this_year:
        raise ValidationError(field, "case_number.year", f"year {year} is outside 1949–{this_year}")
    court = _COURT.match(rest)
    if court is None:
        raise ValidationError(
            field,
            "case_number.court_code",
            f"after the year comes the court code: 最高法, or a province abbreviation "
            f"with 2 (intermediate) or 4 (basic) digits, e.g. 豫02, 豫0202; got {rest[:6]!r}",
        )
    court_code, rest = court.groups()
    if court_code != "最高法" and rest[:1].isdigit():
        raise ValidationError(
            field,
            "case_number.court_code",
            f"court code {court_code + rest[:3]!r}… must have 2 or 4 digits after the province",
        )
    special = ""
    if rest[:1] in SPECIAL_COURT_CHARS and rest[:1] != "" and not rest.startswith(TYPE_CODES):
        special, rest = rest[0], rest[1:]
    type_code = next((code for code in TYPE_CODES if rest.startswith(code)), None)
    if type_code is None:
        raise ValidationError(
            field,
            "case_number.type_code",
            f"unknown case type code at {rest[:3]!r}; expected one of {'、'.join(TYPE_CODES)}",
        )
    if allowed_types is not None and type_code not in allowed_types:
        raise ValidationError(
            field,
            "case_number.type_code",
            f"type code {type_code!r} is not allowed here; "
            f"expected one of {'、'.join(allowed_types)}",
        )
    tail = _TAIL.match(rest[len(type_code) :])
    if tail is None:
        raise ValidationError(
            field,
            "case_number.serial",
            f"after {type_code!r} comes the serial number and 号 (no leading zero), "
            f"optionally 之一, 之二 …; got {rest[len(type_code) :]!r}",
        )
    serial, suffix = tail.groups()
    return CaseNumber(year, court_code, special, type_code, int(serial), suffix or "")


def normalize_case_number(
    value: str, *, field: str = "caseNumber", allowed_types: tuple[str, ...] | None = None
) -> str:
    """Validate a 案号 and return it with full-width brackets (the stored form)."""
    return parse_case_number(value, field=field, allowed_types=allowed_types).canonical()


# --- 统一社会信用代码 (GB 32100-2015) -------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters a USCC may use: digits and capitals without I, O, S, V, Z."""
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {char: index for index, char in enumerate(USCC_ALPHABET)}


def uscc_check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters."""
    total = sum(
        _USCC_VALUE[char] * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str, *, field: str = "uscc") -> str:
    """Validate a 统一社会信用代码 and return it upper-cased.

    Rules, in order: 18 characters; only the 31 allowed characters; positions
    3–8 are a six-digit administrative division code; the 18th character is
    the check character computed over the first 17.
    """
    code = value.strip().upper()
    if len(code) != 18:
        raise ValidationError(
            field, "uscc.length", f"a USCC has 18 characters, this one has {len(code)}"
        )
    bad = sorted({char for char in code if char not in _USCC_VALUE})
    if bad:
        raise ValidationError(
            field,
            "uscc.charset",
            f"characters {''.join(bad)!r} are not allowed (digits and capitals except I O S V Z)",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            field,
            "uscc.region",
            f"characters 3–8 must be the administrative division code, got {code[2:8]!r}",
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            field,
            "uscc.check",
            f"check character is {code[17]!r} but GB 32100-2015 gives {expected!r} for {code[:17]}",
        )
    return code
