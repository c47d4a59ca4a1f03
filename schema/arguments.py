"""Query arguments read under the store's input rules (``store/inputs.py``).

Mutations report a broken rule in their payload's ``errors``; a query has no
payload, so here a broken rule is a top-level error with ``extensions.code``
VALIDATION, ``extensions.field`` (the argument's path, e.g.
``["scope", "unitIds"]``) and ``extensions.rule`` (:class:`InvalidArgument`).
Every list argument is capped and every text filter checked before the query
touches the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TypeVar

import strawberry

from schema.errors import InvalidArgument
from schema.ids import decode_id
from store.errors import ValidationError
from store.inputs import MAX_LIST_ITEMS, bounded_list, optional_single_line, search_text

__all__ = ["checked", "id_list", "items", "search", "text_filter"]

T = TypeVar("T")


@contextlib.contextmanager
def checked() -> Iterator[None]:
    """Turn a ValidationError of the store's rules into a coded top-level error."""
    try:
        yield
    except ValidationError as err:
        raise InvalidArgument(err) from err


def items(
    values: Sequence[T] | None, *, argument: str, max_items: int = MAX_LIST_ITEMS
) -> list[T] | None:
    """A list argument, refused when longer than ``max_items``."""
    with checked():
        return bounded_list(values, field=argument, max_items=max_items)


def id_list(
    values: Sequence[strawberry.ID] | None,
    *,
    expected: str,
    argument: str,
    max_items: int = MAX_LIST_ITEMS,
) -> tuple[int, ...] | None:
    """The row ids of a list of global IDs of ``expected`` records, the list capped first."""
    capped = items(values, argument=argument, max_items=max_items)
    if capped is None:
        return None
    return tuple(
        decode_id(value, expected=expected, argument=f"{argument}.{index}")
        for index, value in enumerate(capped)
    )


def search(value: str | None, *, argument: str) -> str | None:
    """A free-text ``search`` filter: one line, at most ``MAX_SEARCH_LENGTH``; None when blank."""
    with checked():
        return search_text(value, field=argument)


def text_filter(value: str | None, *, argument: str, max_length: int) -> str | None:
    """A text an equality filter compares (a region, a batch): one line of at most
    ``max_length`` (the column's); None when blank."""
    with checked():
        return optional_single_line(value, field=argument, max_length=max_length)
