"""Helpers shared by the type modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Self

from strawberry import relay
from tortoise.models import Model

from schema.context import Info
from schema.ids import MAX_ROW_ID, parse_global_id
from store.visibility import scope_for
from workflow.clock import SHANGHAI
from workflow.i18n import _


def local_time(moment: dt.datetime | None) -> dt.datetime | None:
    """Stored UTC shown in Asia/Shanghai."""
    return moment.astimezone(SHANGHAI) if moment is not None else None


def fk(row: Model, name: str) -> int:
    """The raw id of foreign key ``name`` (``row.<name>_id``), without a query."""
    value = getattr(row, f"{name}_id")
    assert isinstance(value, int), f"{type(row).__name__}.{name}_id is not set"
    return value


def fk_or_none(row: Model, name: str) -> int | None:
    value = getattr(row, f"{name}_id")
    return value if isinstance(value, int) else None


class ModelNode(relay.Node):
    """A Relay node backed by one tortoise model: ``node``/``nodes`` resolve by id."""

    model: ClassVar[type[Model]]

    @classmethod
    def from_model(cls, row: Any) -> Self:
        raise NotImplementedError

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = [
            int(node_id) if node_id.isdigit() and 0 < int(node_id) <= MAX_ROW_ID else None
            for node_id in node_ids
        ]
        wanted = [i for i in ids if i is not None]
        # A record the viewer may not see answers exactly like one that does not exist.
        scope = scope_for(cls.model, info.context.viewer)
        rows = (
            {row.pk: row for row in await cls.model.filter(scope, id__in=wanted)} if wanted else {}
        )
        found = [rows.get(i) if i is not None else None for i in ids]
        if required and any(row is None for row in found):
            raise ValueError(f"no {cls.__name__.removesuffix('Type')} with that ID")
        return [cls.from_model(row) if row is not None else None for row in found]


def node_types() -> dict[str, type[ModelNode]]:
    """Every record type that is a Relay node, by its GraphQL name."""
    found: dict[str, type[ModelNode]] = {}
    pending: list[type[ModelNode]] = list(ModelNode.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        definition = getattr(cls, "__strawberry_definition__", None)
        if definition is not None:
            found[definition.name] = cls
    return found


async def resolve_global_ids(
    info: Info, ids: Sequence[str], *, argument: str
) -> list[relay.Node | None]:
    """``node``/``nodes``: each ID's record, null when absent or not the viewer's to see.

    An ID that names no record type (garbage, or a type that is not a node)
    is a BAD_REQUEST naming the argument.
    """
    from schema.errors import BadRequest

    types = node_types()
    results: list[relay.Node | None] = []
    for value in ids:
        global_id = parse_global_id(value)
        cls = types.get(global_id.type_name)
        if cls is None:
            raise BadRequest(_("`{argument}` is not an ID this API gave out", argument=argument))
        (found,) = await cls.resolve_nodes(info=info, node_ids=[global_id.node_id])
        results.append(found)
    return results
