"""Relay connections over tortoise querysets: edges, nodes, pageInfo, totalCount.

Cursors are opaque offsets into the ordered list. ``last`` without ``before``
counts the rows and reads only the last page, never the whole table.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
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


def encode_cursor(offset: int) -> str:
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


@strawberry.type(description="A page of a list, with the count of the whole list.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The items with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="How many items the whole list holds.")

    @strawberry.field(description="The items of this page, without cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]


def page_window(
    total: int,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> tuple[int, int]:
    """The [start, stop) slice of a list of ``total`` items the arguments ask for."""
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


async def paginate(
    queryset: QuerySet[ModelT],
    convert: Callable[[ModelT], NodeT] | Callable[[ModelT], Awaitable[NodeT]],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[NodeT]:
    """One COUNT and one page SELECT: the connection for ``queryset`` (already ordered)."""
    try:
        total = await queryset.count()
    except ValidationError as err:
        # tortoise checks filter values against their columns (a region longer
        # than the column, say): such a filter is the client's mistake.
        raise BadRequest(_("`filter` has a value no record can have: {err}", err=err)) from err
    start, stop = page_window(total, first=first, after=after, last=last, before=before)
    rows: Sequence[ModelT] = (
        await queryset.offset(start).limit(stop - start) if stop > start else []
    )
    edges = []
    for index, row in enumerate(rows):
        node: Any = convert(row)
        if hasattr(node, "__await__"):
            node = await node
        edges.append(Edge(cursor=encode_cursor(start + index), node=node))
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + len(rows) < total,
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


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
