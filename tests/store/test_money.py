"""Money: exact fen in, exact yuan strings out; a plain decimal or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from store.errors import ValidationError
from store.money import MAX_AMOUNT, MAX_FEN, format_fen, parse_amount


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        pytest.param("1200000.00", 120000000, id="two-decimals"),
        pytest.param("1,200,000.5", 120000050, id="thousands-separators"),
        pytest.param(" 12 ", 1200, id="surrounding-spaces"),
        pytest.param(Decimal("0.01"), 1, id="one-fen"),
        pytest.param(Decimal("1E+5"), 10000000, id="decimal-object-with-exponent"),
        pytest.param(Decimal("2.500"), 250, id="decimal-trailing-zeros"),
        pytest.param(350, 35000, id="int-yuan"),
        pytest.param("0", 0, id="zero"),
        pytest.param("9999999999999.99", MAX_FEN - 1, id="the-largest-amount"),
    ],
)
def test_amounts_become_exact_fen(value: str | int | Decimal, fen: int) -> None:
    assert parse_amount(value, field="amountDue") == fen


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        pytest.param("-5", "amount.negative", id="negative"),
        pytest.param("一百万", "amount.format", id="not-a-number"),
        pytest.param("12.345", "amount.precision", id="below-fen"),
        pytest.param(12.5, "amount.type", id="float"),
        pytest.param(True, "amount.type", id="bool"),
        pytest.param("NaN", "amount.format", id="nan"),
        pytest.param("Infinity", "amount.format", id="infinity"),
        pytest.param("1e18", "amount.format", id="exponent"),
        pytest.param("9e999999", "amount.format", id="exponent-overflowing-decimal"),
        pytest.param("1e-1000000000", "amount.format", id="exponent-rounding-to-zero"),
        pytest.param("1E5", "amount.format", id="capital-exponent"),
        pytest.param("+5", "amount.format", id="plus-sign"),
        pytest.param(".5", "amount.format", id="no-whole-part"),
        pytest.param("5.", "amount.format", id="no-decimals-after-point"),
        pytest.param("0x10", "amount.format", id="hexadecimal"),
        pytest.param("1_000", "amount.format", id="underscore-grouping"),
        pytest.param("1,00,000", "amount.format", id="bad-grouping"),
        pytest.param("１２", "amount.format", id="full-width-digits"),
        pytest.param("١٢", "amount.format", id="arabic-indic-digits"),
        pytest.param("12\x00", "amount.format", id="nul"),
        pytest.param("1" * 100_000, "amount.format", id="a-hundred-thousand-digits"),
        pytest.param("10000000000000", "amount.range", id="ten-trillion-yuan"),
        pytest.param(10**30, "amount.range", id="huge-int"),
        pytest.param(Decimal("9e999999"), "amount.range", id="huge-decimal-object"),
        pytest.param(Decimal("1e-1000000000"), "amount.precision", id="tiny-decimal-object"),
        pytest.param(Decimal("NaN"), "amount.format", id="nan-decimal-object"),
    ],
)
def test_bad_amounts_name_the_rule(value: object, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_amount(value, field="amountDue")  # type: ignore[arg-type]  # wrong types on purpose
    assert caught.value.rule == rule
    assert caught.value.field == "amountDue"


def test_the_largest_amount_is_just_under_ten_trillion_yuan() -> None:
    assert str(MAX_AMOUNT) == "9999999999999.99"
    with pytest.raises(ValidationError, match=r"9999999999999\.99"):
        parse_amount("10000000000000.00", field="amount")


def test_zero_refused_where_a_payment_is_expected() -> None:
    with pytest.raises(ValidationError, match="greater than zero"):
        parse_amount("0.00", field="amount", allow_zero=False)


@pytest.mark.parametrize(
    ("fen", "text"), [(120000050, "1200000.50"), (7, "0.07"), (0, "0.00"), (-250, "-2.50")]
)
def test_format_fen(fen: int, text: str) -> None:
    assert format_fen(fen) == text
