"""Money is exact: integer fen in storage, a decimal string on the way out.

Example:
    >>> parse_amount("1200000.5", field="amountDue")
    120000050
    >>> format_fen(120000050)
    '1200000.50'
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from store.errors import ValidationError

MAX_FEN = 10**17
"""Upper bound (10^15 yuan): far above any judgment, well inside a signed BigInt."""


def parse_amount(value: str | int | Decimal, *, field: str, allow_zero: bool = True) -> int:
    """Parse a yuan amount ("1200000.00", Decimal or int yuan) into integer fen.

    Floats are refused: they cannot carry an exact amount.
    """
    if isinstance(value, bool | float):
        raise ValidationError(
            field, "amount.type", 'give amounts as a decimal string such as "1200000.00"'
        )
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as err:
        raise ValidationError(
            field, "amount.format", f'{value!r} is not a number of yuan such as "1200000.00"'
        ) from err
    if not amount.is_finite():
        raise ValidationError(field, "amount.format", f"{value!r} is not a finite amount")
    if amount < 0:
        raise ValidationError(field, "amount.negative", f"amount {value} must not be negative")
    if amount == 0 and not allow_zero:
        raise ValidationError(field, "amount.positive", "amount must be greater than zero")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValidationError(
            field, "amount.precision", f"{value} has more than two decimal places (fen)"
        )
    if fen >= MAX_FEN:
        raise ValidationError(field, "amount.range", f"{value} is beyond any plausible amount")
    return int(fen)


def format_fen(fen: int) -> str:
    """Integer fen as a yuan string with two decimals: 120000050 → "1200000.50"."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"
