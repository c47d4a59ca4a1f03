"""Money is exact: integer fen in storage, a decimal string on the way out.

An amount a client sends is a **plain decimal of yuan**: ASCII digits,
optionally grouped by thousands with commas, and at most two decimal places
("1200000.00", "1,200,000.5", "350"). No sign, no exponent: ``Decimal`` reads
"9e999999" (which overflowed when turned into fen) and "1e-1000000000"
(which rounded to 0.00 and so passed "greater than zero"), so the text is
matched before it is converted. The largest amount is :data:`MAX_AMOUNT`.

Example:
    >>> parse_amount("1200000.5", field="amountDue")
    120000050
    >>> format_fen(120000050)
    '1200000.50'
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from store.errors import ValidationError
from workflow.i18n import _
from workflow.money import format_fen

__all__ = ["MAX_AMOUNT", "MAX_FEN", "format_fen", "parse_amount"]

MAX_FEN = 10**15
"""Amounts are below this many fen: at most :data:`MAX_AMOUNT` yuan."""

MAX_AMOUNT = Decimal(MAX_FEN - 1) / 100
"""9999999999999.99 yuan, just under 10 万亿元: above the largest bankruptcy
on record, and low enough that SQLite can add up 9,000 of them in a signed
64-bit integer (its SUM fails on overflow) where PostgreSQL's sums are exact."""

_MAX_TEXT = 32
"""No amount up to :data:`MAX_AMOUNT`, even grouped by thousands, is longer."""

_WHOLE = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
_PLAIN = re.compile(rf"{_WHOLE}(?:\.[0-9]{{1,2}})?")
_TOO_PRECISE = re.compile(rf"{_WHOLE}\.[0-9]{{3,}}")
_EXAMPLE = 'a number of yuan such as "1200000.00"'


def parse_amount(value: str | int | Decimal, *, field: str, allow_zero: bool = True) -> int:
    """Parse a yuan amount ("1200000.00", a ``Decimal`` or whole yuan as ``int``) into fen.

    Floats are refused: they cannot carry an exact amount.

    Raises:
        ValidationError: ``amount.type``, ``amount.format`` (not a plain
            decimal, e.g. an exponent), ``amount.precision`` (more than two
            decimal places), ``amount.negative``, ``amount.positive`` (zero
            where a payment is expected) or ``amount.range`` (above
            :data:`MAX_AMOUNT`).
    """
    if isinstance(value, bool | float):
        raise ValidationError(
            field, "amount.type", _("give amounts as {_EXAMPLE}", _EXAMPLE=_EXAMPLE)
        )
    if isinstance(value, int):
        fen = value * 100
    elif isinstance(value, Decimal):
        fen = _decimal_fen(value, field)
    elif isinstance(value, str):
        fen = _text_fen(value, field)
    else:
        raise ValidationError(
            field, "amount.type", _("give amounts as {_EXAMPLE}", _EXAMPLE=_EXAMPLE)
        )
    if fen < 0:
        raise ValidationError(
            field, "amount.negative", _("amount {value} must not be negative", value=value)
        )
    if fen == 0 and not allow_zero:
        raise ValidationError(field, "amount.positive", _("amount must be greater than zero"))
    if fen >= MAX_FEN:
        raise ValidationError(
            field,
            "amount.range",
            _(
                "{value} is more than the largest amount, {MAX_AMOUNT}",
                value=value,
                MAX_AMOUNT=MAX_AMOUNT,
            ),
        )
    return fen


def _text_fen(value: str, field: str) -> int:
    text = value.strip()
    if len(text) > _MAX_TEXT:
        raise ValidationError(
            field,
            "amount.format",
            _(
                "is {len} characters long, too long for an amount; give {_EXAMPLE}",
                len=len(text),
                _EXAMPLE=_EXAMPLE,
            ),
        )
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    if not _PLAIN.fullmatch(digits):
        if _TOO_PRECISE.fullmatch(digits):
            raise ValidationError(
                field,
                "amount.precision",
                _("{text} has more than two decimal places (fen)", text=text),
            )
        raise ValidationError(
            field,
            "amount.format",
            _(
                "{text!r} is not {_EXAMPLE} (digits, at most two decimals, no exponent)",
                text=text,
                _EXAMPLE=_EXAMPLE,
            ),
        )
    whole, _dot, cents = digits.replace(",", "").partition(".")
    fen = int(whole) * 100 + int(cents.ljust(2, "0") or "0")
    return -fen if negative else fen


def _decimal_fen(value: Decimal, field: str) -> int:
    if not value.is_finite():
        raise ValidationError(
            field, "amount.format", _("{value} is not a finite amount", value=value)
        )
    # Compare before any arithmetic: Decimal("9e999999") * 100 overflows.
    if value < 0:
        raise ValidationError(
            field, "amount.negative", _("amount {value} must not be negative", value=value)
        )
    if value > MAX_AMOUNT:
        raise ValidationError(
            field,
            "amount.range",
            _(
                "{value} is more than the largest amount, {MAX_AMOUNT}",
                value=value,
                MAX_AMOUNT=MAX_AMOUNT,
            ),
        )
    try:
        cents = value.quantize(Decimal("0.01"))
    except InvalidOperation as err:  # pragma: no cover - ruled out by the range check
        raise ValidationError(
            field, "amount.format", _("{value} is not an amount", value=value)
        ) from err
    if cents != value:
        raise ValidationError(
            field,
            "amount.precision",
            _("{value} has more than two decimal places (fen)", value=value),
        )
    return int(cents * 100)
