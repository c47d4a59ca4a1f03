"""Attaching evidence files (issue 19) by the IDs POST /files answered.

Every mutation that takes files (``transitionTask``'s evidenceFileIds,
``recordPerformance``, ``createEnforcementCase``, ``createBankruptcyCase`` and
``createJointMeeting``'s fileIds) reads them here: each must be an unattached
upload of the viewer's own unit; another unit's file, or an ID no upload has,
answers NOT_FOUND naming the ID. The store attaches them in the transaction
that writes the record.
"""

from __future__ import annotations

from typing import Any

import strawberry

from schema.mutations.base import required_ids
from store.errors import FileAlreadyAttached
from store.models import Account, IdempotencyKey, TaskEvent
from store.operations.files import Attach, attachable


def file_ids_field(description: str) -> Any:
    return strawberry.field(
        default=None,
        description=description
        + " IDs that POST /files answered (at most 500); each an upload of your own unit "
        "not attached to anything yet.",
    )


async def files_to_attach(
    values: list[strawberry.ID] | None,
    viewer: Account,
    *,
    field: str,
    idempotency_key: str | None = None,
    transition: bool = False,
) -> Attach | None:
    """The files ``values`` names, checked; None when there are none.

    A retry of a request that went through (its idempotency key recorded, by a
    transition's event or a creating mutation's key) finds its files attached
    already: they are not attached again, and the mutation answers its first result.
    """
    if not values:
        return None
    ids = required_ids(values, expected="Attachment", field=field)
    try:
        return await attachable(ids, viewer, field=field, keys=list(values))
    except FileAlreadyAttached:
        if idempotency_key and await _went_through(viewer, idempotency_key, transition):
            return None
        raise


async def _went_through(viewer: Account, key: str, transition: bool) -> bool:
    if transition:
        return await TaskEvent.filter(idempotency_key=key, actor_id=viewer.id).exists()
    return await IdempotencyKey.filter(account_id=viewer.id, key=key).exists()
