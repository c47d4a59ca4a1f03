"""Enums whose members carry the Chinese word a liaison reads.

The values are the spellings stored in the database and exposed by the API;
``label`` is the word (一般, 已交办 …). It lives at the bottom of the layers so
that an enum the engine and the store share (``SupervisionLevel``) is defined
once, with its words.

Example:
    >>> class Colour(LabelledEnum):
    ...     RED = "RED", "红"
    >>> (Colour.RED.value, Colour.RED.label, Colour("RED") is Colour.RED)
    ('RED', '红', True)
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LabelledEnum"]


class LabelledEnum(StrEnum):
    """A string enum whose members carry a Chinese label."""

    label: str

    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member
