"""Moving open tasks to a new version of their workflow definition.

A task keeps the definition version it started on (``Task.workflow_version``);
registering a new version changes nothing for the tasks already under way.
Moving them takes an explicit map from every open state of each older version
to a state of the new one, checked for every version concerned before anything
is written (``workflow.definition.migrate_state_map``), then applied to every
open task in one transaction, each task with its own ``migrate_workflow`` event
so that its history still replays (``transitions.replay_task``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from tortoise.transactions import in_transaction

from store.enums import TaskState
from store.errors import (
    AccountInactive,
    NotFound,
    StateMapRefused,
    ValidationError,
    VersionConflict,
)
from store.models import Account, Task
from store.operations.commit import commit_change
from store.operations.transitions import MIGRATE_ACTION
from workflow.clock import utcnow
from workflow.definition import Definition, migrate_state_map
from workflow.errors import StateMapError, UnknownDefinition
from workflow.i18n import _
from workflow.registry import get_definition

__all__ = ["migrate_open_tasks"]

#: States the task table can hold (``store.enums.TaskState``); a definition
#: may name others, but no task can be moved into them until the enum has them.
_STORABLE = frozenset(state.value for state in TaskState)


async def migrate_open_tasks(
    key: str,
    to_version: int,
    mapping: Mapping[str, str],
    actor: Account | None,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Move every open task on an older version of ``key`` to ``to_version``.

    A task is open when its state is not terminal in the version it is on.
    Tasks already on ``to_version`` or a later one are left alone, and so are
    finished tasks: their history ends on the version they finished on. Each
    task moved gets ``workflow_version = to_version``, its mapped state, its
    version (the optimistic-lock counter) plus one, and a ``migrate_workflow``
    event with ``fromVersion`` and ``toVersion`` in its payload.

    Args:
        key: the definitions' key (``default``, ``enforcement``).
        to_version: a registered version of ``key``.
        mapping: for every open state of every older version that still has
            open tasks, the state of ``to_version`` its tasks move to; an open
            state may not be mapped onto a terminal one.
        actor: who moves them (recorded on the events); None for the system.
        now: the time of the move (default: now).

    Returns:
        How many tasks were moved.

    Raises:
        NotFound: ``to_version`` (or the version some open tasks are on) is
            not registered.
        ValidationError: ``now`` has no time zone.
        StateMapRefused: (VALIDATION) the map misses an open state, names a
            state ``to_version`` lacks, closes or cancels open work, or targets
            a state the task table cannot hold; nothing was written.
        AccountInactive: ``actor`` is deactivated.
        VersionConflict: a task changed while it was being moved; nothing was
            written, and running the migration again is safe.

    Example:
        >>> await migrate_open_tasks(  # doctest: +SKIP
        ...     "default", 2, {"SUSPENDED": "IN_PROGRESS", ...}, coordinator
        ... )
        12
    """
    if now is not None and now.utcoffset() is None:
        raise ValidationError(
            "now", "datetime.aware", _("give the time with its zone, e.g. 2026-11-26T09:00+08:00")
        )
    at = (now or utcnow()).astimezone(dt.UTC)
    if actor is not None and not actor.is_active:
        raise AccountInactive(actor.username)
    new = _definition(key, to_version, field="toVersion")
    maps = await _checked_maps(key, new, mapping)
    if not maps:
        return 0
    moved = 0
    async with in_transaction() as conn:
        # FOR UPDATE (PostgreSQL) holds the rows against concurrent transitions
        # until the move commits; SQLite's one writer needs no row locks.
        tasks: list[Task] = []
        for version, state_map in maps.items():
            tasks += (
                await Task.filter(
                    workflow_key=key, workflow_version=version, state__in=list(state_map)
                )
                .select_for_update()
                .using_db(conn)
                .order_by("id")
            )
        for task in tasks:
            target = TaskState(maps[task.workflow_version][task.state.value])
            source, from_version = task.state, task.workflow_version
            event = await commit_change(
                task,
                expected_version=task.version,
                changes={"workflow_version": to_version, "state": target, "updated_at": at},
                action=MIGRATE_ACTION,
                from_state=source,
                to_state=target,
                actor=actor,
                at=at,
                payload={"fromVersion": from_version, "toVersion": to_version},
                using_db=conn,
            )
            if event is None:
                current = await Task.filter(id=task.id).using_db(conn).values("version")
                raise VersionConflict(
                    task.code,
                    task.version,
                    int(current[0]["version"]) if current else task.version,
                    while_saving=True,
                )
            moved += 1
    return moved


def _definition(key: str, version: int, *, field: str) -> Definition:
    try:
        return get_definition(key, version)
    except UnknownDefinition as err:
        raise NotFound(field, "workflow definition", f"{key} version {version}") from err


async def _checked_maps(
    key: str, new: Definition, mapping: Mapping[str, str]
) -> dict[int, dict[str, str]]:
    """The map to apply to each older version with open tasks, all checked first.

    Raises:
        NotFound: a version some tasks are on is not registered.
        StateMapRefused: the map does not fit one version or more.
    """
    rows = (
        await Task.filter(workflow_key=key, workflow_version__lt=new.version)
        .distinct()
        .order_by("workflow_version")
        .values("workflow_version")
    )
    maps: dict[int, dict[str, str]] = {}
    problems: dict[int, StateMapError] = {}
    for version in (int(row["workflow_version"]) for row in rows):
        old = _definition(key, version, field="workflowVersion")
        has_open = await Task.filter(
            workflow_key=key, workflow_version=version, state__in=list(old.open_states)
        ).exists()
        if not has_open:
            continue
        try:
            maps[version] = migrate_state_map(old, new, mapping)
        except StateMapError as err:
            problems[version] = err
    targets = {target for state_map in maps.values() for target in state_map.values()}
    unstorable = [s.key for s in new.states if s.key in targets and s.key not in _STORABLE]
    if problems or unstorable:
        raise StateMapRefused(key, new.version, problems, unstorable)
    return maps
