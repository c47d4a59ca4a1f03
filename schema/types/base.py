"""Helpers shared by the type modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar, Self
from zoneinfo import ZoneInfo

from strawberry import relay
from tortoise.models import Model

from schema.context import Info
from store.visibility import scope_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


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
        ids = [int(node_id) if node_id.isdigit() else None for node_id in node_ids]
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
