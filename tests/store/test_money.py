"""Money: exact fen in, exact yuan strings out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from store.errors import ValidationError
from store.money import format_fen, parse_amount


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        pytest.param("1200000.00", 120000000, id="two-decimals"),
        pytest.param("1,200,000.5", 120000050, id="thousands-separators"),
        pytest.param(Decimal("0.01"), 1, id="one-fen"),
        pytest.param(350, 35000, id="int-yuan"),
        pytest.param("0", 0, id="zero"),
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
        pytest.param("NaN", "amount.format", id="nan"),
        pytest.param("1e18", "amount.range", id="absurd"),
    ],
)
def test_bad_amounts_name_the_rule(value: object, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_amount(value, field="amountDue")  # type: ignore[arg-type]  # wrong types on purpose
    assert caught.value.rule == rule
    assert caught.value.field == "amountDue"


def test_zero_refused_where_a_payment_is_expected() -> None:
    with pytest.raises(ValidationError, match="greater than zero"):
        parse_amount("0.00", field="amount", allow_zero=False)


@pytest.mark.parametrize(
    ("fen", "text"), [(120000050, "1200000.50"), (7, "0.07"), (0, "0.00"), (-250, "-2.50")]
)
def test_format_fen(fen: int, text: str) -> None:
    assert format_fen(fen) == text
