"""Money as the mechanism writes it: integer fen (分), shown as a decimal string of yuan.

The engine words its guards with amounts ("1200000.00 due, 600000.00
performed") and the store, the reports and the API show them the same way, so
the one formatter lives here, at the bottom; ``store.money`` reads amounts in.

Example:
    >>> format_fen(120000050)
    '1200000.50'
    >>> format_fen(-5)
    '-0.05'
"""

from __future__ import annotations

__all__ = ["format_fen"]


def format_fen(fen: int) -> str:
    """Integer fen as a yuan string with two decimals: 120000050 → "1200000.50"."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"
