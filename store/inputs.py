"""What a client's input must be before it reaches the database: text, lists, money.

Every operation of store/ passes each text, list and amount it is given
through one of these functions, and the API's queries pass their filters
through them too (``schema/arguments.py``), so that a rule holds the same on
every path and on both databases. Each refusal is a
:class:`~store.errors.ValidationError` naming the field and the rule, raised
before any SQL runs. docs/inputs.md lists the rules for API users.

Why each rule exists:

* **Control characters** (Unicode category Cc: NUL, the other C0 and C1
  controls, DEL), lone surrogates (Cs) and the bidirectional embedding,
  override and isolate controls are refused in every text. PostgreSQL cannot
  store NUL at all (the request failed with an internal error) while SQLite
  stored it silently; a lone surrogate cannot be encoded for either; a
  right-to-left override makes a name read differently from what it is.
  Multi-line text (comments, notes, descriptions, next steps) may hold tabs
  and line breaks; CR LF, CR and U+2028/U+2029 become LF there.
* **Required means visible.** Whitespace, format characters (category Cf:
  U+200B zero-width space, U+FEFF BOM, U+00AD soft hyphen …), variation
  selectors and the Hangul and Braille blanks do not count: an applicant
  named "\\u200b" is refused like an empty one. They are also stripped from
  both ends of every text.
* **Lengths** are counted in characters after stripping, as PostgreSQL's
  ``varchar(n)`` counts them; a text stored in a column is capped at the
  column's length (:func:`column_length`), a free text at
  :data:`MAX_MULTILINE_LENGTH`.
* **Lists** hold at most :data:`MAX_LIST_ITEMS` items: 40,000 unit IDs made
  one progress query take 18 s on SQLite, and PostgreSQL takes at most 32,767
  parameters in a statement.
* **Searches** (free-text filters) are at most :data:`MAX_SEARCH_LENGTH`
  characters: SQLite refuses LIKE patterns over 50,000 bytes, and nobody
  types a hundred characters to find a case.
* **Money** (:func:`money`) is a plain decimal of yuan with at most two
  places, up to ``store.money.MAX_AMOUNT``; see store/money.py.

Example:
    >>> single_line("  张伟 ", field="applicantName", max_length=100)
    '张伟'
    >>> multi_line("第一段\\r\\n第二段", field="comment")
    '第一段\\n第二段'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

from tortoise.fields import CharField
from tortoise.models import Model

from store.errors import ValidationError
from store.money import parse_amount
from workflow.i18n import _

__all__ = [
    "IDEMPOTENCY_KEY_LENGTH",
    "MAX_LIST_ITEMS",
    "MAX_MULTILINE_LENGTH",
    "MAX_SEARCH_LENGTH",
    "bounded_list",
    "column_length",
    "identifier",
    "money",
    "multi_line",
    "optional_single_line",
    "search_text",
    "single_line",
]

T = TypeVar("T")

MAX_LIST_ITEMS = 500
"""The most items any list input may hold: IDs (unit IDs of a scope, assisting
and attending units, ``nodes`` takes at most 100), evidence, agenda items, the
states of a filter. Far more than a page of the dashboard ever sends."""

MAX_SEARCH_LENGTH = 100
"""The longest free-text filter (``search`` of the lists)."""

MAX_MULTILINE_LENGTH = 10_000
"""The longest multi-line text: a comment, a note, a description, 下一步工作要求."""

IDEMPOTENCY_KEY_LENGTH = 128
"""The longest idempotency key (a UUID has 36 characters)."""

#: Format and filler characters that show nothing: they never make a text
#: non-empty. (Category Cf is tested separately.)
_BLANKS = frozenset(
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u2800"  # Braille pattern blank
    "\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07"
    "\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f"  # variation selectors
)

#: Bidirectional embedding, override and isolate controls (LRE … RLO, LRI … PDI).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: Line breaks other than LF, turned into LF in multi-line text.
_LINE_BREAKS = ("\r\n", "\r", "\u2028", "\u2029", "\x85")


def _invisible(char: str) -> bool:
    return char.isspace() or char in _BLANKS or unicodedata.category(char) == "Cf"


def _strip(text: str) -> str:
    """``text`` without whitespace and invisible characters at either end."""
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def _check_characters(text: str, field: str, *, multiline: bool) -> None:
    for position, char in enumerate(text, 1):
        if multiline and char in "\n\t":
            continue
        if char in "\n\r\x85\u2028\u2029":
            raise ValidationError(
                field,
                "text.single_line",
                _(
                    "must be one line; it has a line break at character {position}",
                    position=position,
                ),
            )
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or char in _BIDI_CONTROLS:
            raise ValidationError(
                field,
                "text.control",
                _(
                    "must not contain control characters; character {position} is {describe}",
                    position=position,
                    describe=_describe(char),
                ),
            )


def _check_length(text: str, field: str, max_length: int) -> None:
    if len(text) > max_length:
        raise ValidationError(
            field,
            "text.length",
            _(
                "is {len} characters long; at most {max_length}",
                len=len(text),
                max_length=max_length,
            ),
        )


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, "text.type", _("must be text"))
    return value


def single_line(value: str, *, field: str, max_length: int) -> str:
    """Required one-line text (a name, a title, a cause): stripped, visible, capped.

    Raises:
        ValidationError: ``text.required`` (empty or only invisible characters),
            ``text.single_line``, ``text.control`` or ``text.length``.
    """
    text = optional_single_line(value, field=field, max_length=max_length)
    if text is None:
        raise ValidationError(field, "text.required", _("must not be empty"))
    return text


def optional_single_line(value: str | None, *, field: str, max_length: int) -> str | None:
    """Optional one-line text (a batch, a minutes number): None when blank."""
    if value is None:
        return None
    text = _strip(_text(value, field))
    _check_characters(text, field, multiline=False)
    _check_length(text, field, max_length)
    return text or None


def multi_line(
    value: str | None,
    *,
    field: str,
    max_length: int = MAX_MULTILINE_LENGTH,
    required: bool = False,
) -> str:
    """Multi-line text (a comment, a note, a description): "" when blank and not required.

    Line breaks become LF; tabs and line breaks are the only control
    characters allowed.
    """
    text = _text(value, field) if value is not None else ""
    for line_break in _LINE_BREAKS:
        text = text.replace(line_break, "\n")
    text = _strip(text)
    _check_characters(text, field, multiline=True)
    _check_length(text, field, max_length)
    if required and not text:
        raise ValidationError(field, "text.required", _("must not be empty"))
    return text


def identifier(value: str, *, field: str, max_length: int) -> str:
    """A key or code typed or generated by a client (an idempotency key, a unit code).

    Visible characters only: no spaces, no control or invisible characters
    inside (surrounding whitespace is stripped).
    """
    text = single_line(value, field=field, max_length=max_length)
    for position, char in enumerate(text, 1):
        if _invisible(char):
            raise ValidationError(
                field,
                "identifier.format",
                _(
                    "must not contain spaces or invisible characters; character {position} "
                    "is {describe}",
                    position=position,
                    describe=_describe(char),
                ),
            )
    return text


def search_text(value: str | None, *, field: str) -> str | None:
    """A free-text filter: one line of at most :data:`MAX_SEARCH_LENGTH`; None when blank."""
    return optional_single_line(value, field=field, max_length=MAX_SEARCH_LENGTH)


def bounded_list(
    values: Sequence[T] | None, *, field: str, max_items: int = MAX_LIST_ITEMS
) -> list[T] | None:
    """``values`` as a list, refused when it holds more than ``max_items`` items.

    Call it before looking anything up: the point is that a list of 40,000
    IDs never reaches the database.
    """
    if values is None:
        return None
    if len(values) > max_items:
        raise ValidationError(
            field,
            "list.length",
            _("has {len} items; at most {max_items}", len=len(values), max_items=max_items),
        )
    return list(values)


def column_length(model: type[Model], name: str) -> int:
    """The ``max_length`` of the text column ``model.name``: the cap of what is stored there."""
    column = model._meta.fields_map[name]
    if not isinstance(column, CharField):
        raise TypeError(f"{model.__name__}.{name} is not a CharField")
    return int(column.max_length)


def money(value: str | int | Decimal, *, field: str, allow_zero: bool = True) -> int:
    """An amount of yuan as integer fen: ``store.money.parse_amount``, named here so
    that every input rule is found in one module."""
    return parse_amount(value, field=field, allow_zero=allow_zero)
