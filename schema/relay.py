"""Relay connections over tortoise querysets: edges, nodes, pageInfo, totalCount.

Cursors are opaque offsets into the ordered list. ``last`` without ``before``
counts the rows and reads only the last page, never the whole table.

A forward page (``first``/``after``) reads one row more than it returns, which
says whether a next page exists; the whole list is counted only when the client
selects ``totalCount`` (its resolver runs the count), so a page that does not
ask for it costs one statement, not two.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from tortoise.exceptions import ValidationError
from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.errors import BadRequest
from workflow.i18n import _

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

NodeT = TypeVar("NodeT")
ModelT = TypeVar("ModelT", bound=Model)

_PREFIX = "fy-offset:"


@functools.lru_cache(maxsize=4096)
def encode_cursor(offset: int) -> str:
    # the same few offsets make most cursors (an event list's 0, 1, 2 on every task)
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str, *, argument: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_PREFIX):
            raise ValueError(text)
        offset = int(text.removeprefix(_PREFIX))
    except (ValueError, UnicodeDecodeError) as err:
        raise BadRequest(
            _("`{argument}` is not a cursor this list gave out", argument=argument)
        ) from err
    if offset < 0:
        raise BadRequest(_("`{argument}` is not a cursor this list gave out", argument=argument))
    return offset


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item.")


@strawberry.type(description="One item of a list with its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Pass as `after` or `before` to page from here.")
    node: NodeT = strawberry.field(description="The item.")


Count = Callable[[], Awaitable[int]]
"""How a connection learns the size of its whole list, asked only if ``totalCount`` is."""


def known(total: int) -> Count:
    """A :data:`Count` for a list whose size is already known."""

    async def count() -> int:
        return total

    return count


@strawberry.type(description="A page of a list, with the count of the whole list.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The items with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    count: strawberry.Private[Count]

    @strawberry.field(description="How many items the whole list holds.")
    async def total_count(self) -> int:
        return await self.count()

    @strawberry.field(description="The items of this page, without cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]


def check_sizes(*, first: int | None, last: int | None) -> None:
    """Refuse a ``first`` or ``last`` outside 0…:data:`MAX_PAGE_SIZE`."""
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE_SIZE:
            raise BadRequest(
                _(
                    "`{name}` must be between 0 and {MAX_PAGE_SIZE}, got {size}",
                    name=name,
                    MAX_PAGE_SIZE=MAX_PAGE_SIZE,
                    size=size,
                )
            )


def page_window(
    total: int,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> tuple[int, int]:
    """The [start, stop) slice of a list of ``total`` items the arguments ask for."""
    check_sizes(first=first, last=last)
    start = decode_cursor(after, argument="after") + 1 if after else 0
    stop = min(decode_cursor(before, argument="before"), total) if before else total
    stop = max(stop, start)
    if first is not None:
        stop = min(stop, start + first)
    if last is not None:
        start = max(start, stop - last)
    if first is None and last is None:
        stop = min(stop, start + DEFAULT_PAGE_SIZE)
    return start, stop


@dataclass
class Page(Generic[ModelT]):
    """The rows of one page of an ordered list, where it starts, and what follows."""

    rows: list[ModelT]
    start: int
    has_next_page: bool
    count: Count


async def page_of(
    queryset: QuerySet[ModelT],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    read: Callable[[QuerySet[ModelT], int, int], Awaitable[list[ModelT]]] | None = None,
) -> Page[ModelT]:
    """The page of ``queryset`` (already ordered) the arguments ask for.

    A forward page is one SELECT of one row more than the page; ``last`` or
    ``before`` needs the list's size first (one COUNT, then the page). Either way
    the count is run only if asked for, and at most once. ``read`` reads the rows of
    ``queryset`` from an offset, at most a limit of them, instead of awaiting the
    queryset with its offset and limit set.
    """
    read = read or _rows
    try:
        if last is None and before is None:
            check_sizes(first=first, last=last)
            start = decode_cursor(after, argument="after") + 1 if after else 0
            size = DEFAULT_PAGE_SIZE if first is None else first
            rows = await read(queryset, start, size + 1)
            has_next_page = len(rows) > size
            del rows[size:]
            return Page(rows, start, has_next_page, counter(queryset))
        total = await queryset.count()
        start, stop = page_window(total, first=first, after=after, last=last, before=before)
        rows = await read(queryset, start, stop - start) if stop > start else []
        return Page(rows, start, start + len(rows) < total, known(total))
    except ValidationError as err:
        # tortoise checks filter values against their columns (a region longer
        # than the column, say): such a filter is the client's mistake.
        raise _unmatchable(err) from err


async def _rows(queryset: QuerySet[ModelT], offset: int, limit: int) -> list[ModelT]:
    return list(await queryset.offset(offset).limit(limit))


def connection_of(page: Page[ModelT], nodes: Sequence[NodeT]) -> Connection[NodeT]:
    """The connection of ``page`` with ``nodes`` (its rows converted, in order)."""
    edges = [
        Edge(cursor=encode_cursor(page.start + index), node=node)
        for index, node in enumerate(nodes)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=page.count,
    )


async def paginate(
    queryset: QuerySet[ModelT],
    convert: Callable[[ModelT], NodeT] | Callable[[ModelT], Awaitable[NodeT]],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[NodeT]:
    """The connection for ``queryset`` (already ordered): :func:`page_of`, each row
    converted; ``totalCount`` counts only if selected."""
    page = await page_of(queryset, first=first, after=after, last=last, before=before)
    nodes = []
    for row in page.rows:
        node: Any = convert(row)
        if hasattr(node, "__await__"):
            node = await node
        nodes.append(node)
    return connection_of(page, nodes)


def _unmatchable(err: ValidationError) -> BadRequest:
    return BadRequest(_("`filter` has a value no record can have: {err}", err=err))


def counter(queryset: QuerySet[Any]) -> Count:
    """A :data:`Count` that runs ``queryset.count()`` once, when first asked."""
    total: list[int] = []

    async def count() -> int:
        if not total:
            try:
                total.append(await queryset.count())
            except ValidationError as err:
                raise _unmatchable(err) from err
        return total[0]

    return count


First = Annotated[
    int | None, strawberry.argument(description="Return the first N items (at most 100).")
]
After = Annotated[
    str | None, strawberry.argument(description="Start after the item with this cursor.")
]
Last = Annotated[
    int | None, strawberry.argument(description="Return the last N items (at most 100).")
]
Before = Annotated[
    str | None, strawberry.argument(description="End before the item with this cursor.")
]
