"""Query.inbox (待办): what waits on the signed-in person now, one section per kind of
wait, each with its count and its most urgent tasks.

Built on the task list's own filters (``schema.filters.tasks``) inside the viewer's
visibility scope, so an inbox never counts a task its owner could not open. What a
unit liaison is answered with (驳回, 督办, 延期) is read from the task's newest event:
the task waits on the unit until the unit acts, which makes its own event the newest;
one query reads the newest events for all such sections. The coordinator's 挂牌候选
are the sweep's candidates (``store.operations.sweep.listing_candidates``, where
that rule lives).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import Enum

import strawberry
from tortoise import connections
from tortoise.queryset import QuerySet

from schema.context import Info
from schema.filters.tasks import TaskFilter, filter_tasks
from schema.types.tasks import TaskType, TaskWarning
from store import models
from store.enums import OPEN_STATES, Role, TaskState
from store.operations.sweep import listing_candidates
from store.visibility import scope_for, sees_personal_data

SHOWN_PER_SECTION = 20
"""How many tasks a section lists (soonest due first); its count is of all of them."""


@strawberry.enum(description="What a task in the inbox waits for.")
class InboxSectionKind(Enum):
    TO_ACCEPT = strawberry.enum_value("TO_ACCEPT", description="待签收: assigned to your unit.")
    DUE_SOON = strawberry.enum_value(
        "DUE_SOON", description="临近时限: in hand, due within 3 working days (蓝色预警)."
    )
    REJECTED = strawberry.enum_value(
        "REJECTED", description="被驳回: the closure request was rejected; not acted on since."
    )
    SUPERVISED = strawberry.enum_value(
        "SUPERVISED", description="被督办/催办: supervised or urged; not acted on since."
    )
    EXTENSION_ANSWERED = strawberry.enum_value(
        "EXTENSION_ANSWERED", description="延期已答复: an extension granted or refused."
    )
    CLOSURE_TO_REVIEW = strawberry.enum_value(
        "CLOSURE_TO_REVIEW", description="待审核销号: a closure request waits for review."
    )
    EXTENSION_TO_DECIDE = strawberry.enum_value(
        "EXTENSION_TO_DECIDE", description="待审批延期: a unit asked for more time."
    )
    OVERDUE = strawberry.enum_value("OVERDUE", description="已超期: overdue and not closed.")
    LISTING_CANDIDATE = strawberry.enum_value(
        "LISTING_CANDIDATE",
        description="挂牌候选: overdue long enough to be listed 挂牌督办 and not yet listed "
        "(the sweep's rule, Query.listingCandidates); the coordinator decides.",
    )


LABELS = {
    InboxSectionKind.TO_ACCEPT: "待签收",
    InboxSectionKind.DUE_SOON: "临近时限",
    InboxSectionKind.REJECTED: "被驳回",
    InboxSectionKind.SUPERVISED: "被督办/催办",
    InboxSectionKind.EXTENSION_ANSWERED: "延期已答复",
    InboxSectionKind.CLOSURE_TO_REVIEW: "待审核销号",
    InboxSectionKind.EXTENSION_TO_DECIDE: "待审批延期",
    InboxSectionKind.OVERDUE: "已超期",
    InboxSectionKind.LISTING_CANDIDATE: "挂牌候选",
}

# The newest event that leaves a task waiting on its unit, or on the office.
NEWEST_ACTIONS: dict[InboxSectionKind, tuple[str, ...]] = {
    InboxSectionKind.REJECTED: ("reject_closure",),
    InboxSectionKind.SUPERVISED: ("supervise", "escalate", "urge", "summon"),
    InboxSectionKind.EXTENSION_ANSWERED: ("extend", "refuse_extension"),
    InboxSectionKind.EXTENSION_TO_DECIDE: ("request_extension",),
}

LIAISON_SECTIONS = (
    InboxSectionKind.TO_ACCEPT,
    InboxSectionKind.REJECTED,
    InboxSectionKind.SUPERVISED,
    InboxSectionKind.EXTENSION_ANSWERED,
    InboxSectionKind.DUE_SOON,
    InboxSectionKind.OVERDUE,
)
SECTIONS_BY_ROLE: dict[Role, tuple[InboxSectionKind, ...]] = {
    Role.UNIT_LIAISON: LIAISON_SECTIONS,
    Role.COURT_LIAISON: LIAISON_SECTIONS,
    Role.COORDINATOR: (
        InboxSectionKind.CLOSURE_TO_REVIEW,
        InboxSectionKind.EXTENSION_TO_DECIDE,
        InboxSectionKind.OVERDUE,
        InboxSectionKind.LISTING_CANDIDATE,
    ),
    Role.LEADER: (InboxSectionKind.OVERDUE,),
    Role.ADMIN: (),
}

IN_HAND = [TaskState.ACCEPTED, TaskState.IN_PROGRESS]


@strawberry.type(description="One kind of wait in the inbox.")
class InboxSection:
    kind: InboxSectionKind = strawberry.field(description="What its tasks wait for.")
    label: str = strawberry.field(description="Its name in Chinese (待签收 …).")
    count: int = strawberry.field(description="How many tasks wait so.")
    tasks: list[TaskType] = strawberry.field(
        description=f"The first {SHOWN_PER_SECTION} of them, soonest due first."
    )


@strawberry.type(description="What waits on you now (待办).")
class Inbox:
    total: int = strawberry.field(description="Tasks in all sections (a task counts once).")
    sections: list[InboxSection] = strawberry.field(
        description="The sections of your role, in the order to work through them; empty "
        "ones included, with count 0."
    )


async def _newest_action_task_ids(
    kinds: Sequence[InboxSectionKind],
) -> dict[InboxSectionKind, list[int]]:
    """The open tasks whose newest event is one of each section's actions
    (``NEWEST_ACTIONS``), for all of ``kinds`` in one query."""
    section_of = {action: kind for kind in kinds for action in NEWEST_ACTIONS.get(kind, ())}
    found: dict[InboxSectionKind, set[int]] = {kind: set() for kind in kinds}
    if not section_of:
        return {kind: [] for kind in kinds}
    # constants of this module, never input: checked to be plain names all the same
    names = ", ".join(
        f"'{action}'" for action in sorted(section_of) if action.replace("_", "").isalpha()
    )
    states = ", ".join(f"'{state.value}'" for state in sorted(OPEN_STATES, key=str))
    sql = (
        "SELECT e.task_id, e.action FROM task_event e JOIN task t ON t.id = e.task_id "
        f"WHERE t.state IN ({states}) AND e.action IN ({names}) "
        "AND e.seq = (SELECT MAX(s.seq) FROM task_event s WHERE s.task_id = e.task_id)"
    )
    _, rows = await connections.get("default").execute_query(sql)
    for row in rows:
        found[section_of[str(row["action"])]].add(int(row["task_id"]))
    return {kind: sorted(ids) for kind, ids in found.items()}


async def _section(
    kind: InboxSectionKind,
    base: QuerySet[models.Task],
    today: dt.date,
    newest: dict[InboxSectionKind, list[int]],
    *,
    personal_data: bool,
) -> QuerySet[models.Task]:
    async def filtered(spec: TaskFilter) -> QuerySet[models.Task]:
        return await filter_tasks(base, spec, today, personal_data=personal_data)

    if kind is InboxSectionKind.TO_ACCEPT:
        return await filtered(TaskFilter(state=[TaskState.ASSIGNED]))
    if kind is InboxSectionKind.DUE_SOON:
        return await filtered(TaskFilter(state=IN_HAND, warning=TaskWarning.BLUE))
    if kind is InboxSectionKind.OVERDUE:
        return await filtered(TaskFilter(overdue=True))
    if kind is InboxSectionKind.CLOSURE_TO_REVIEW:
        return await filtered(TaskFilter(state=[TaskState.CLOSURE_REQUESTED]))
    if kind is InboxSectionKind.LISTING_CANDIDATE:
        # the sweep's rule, read where it lives; the viewer's scope still applies
        found = await listing_candidates(today)
        return base.filter(id__in=[candidate.task.id for candidate in found])
    return base.filter(id__in=newest[kind])


async def resolve_inbox(info: Info) -> Inbox:
    viewer = info.context.viewer
    assert viewer is not None  # IsAuthenticated
    base = models.Task.filter(scope_for(models.Task, viewer))
    if viewer.role in (Role.UNIT_LIAISON, Role.COURT_LIAISON):
        # the responsible unit's work: an assisting unit sees the task but does not act on it
        base = base.filter(responsible_unit_id=viewer.unit_id)  # type: ignore[attr-defined]
    personal_data = sees_personal_data(viewer)
    sections = []
    waiting: set[int] = set()
    kinds = SECTIONS_BY_ROLE.get(viewer.role, ())
    newest = await _newest_action_task_ids([kind for kind in kinds if kind in NEWEST_ACTIONS])
    for kind in kinds:
        query = await _section(kind, base, info.context.today, newest, personal_data=personal_data)
        ids = [int(str(i)) for i in await query.values_list("id", flat=True)]
        waiting.update(ids)
        rows = (
            await models.Task.filter(id__in=list(ids))
            .order_by("due_on", "id")
            .limit(SHOWN_PER_SECTION)
        )
        sections.append(
            InboxSection(
                kind=kind,
                label=LABELS[kind],
                count=len(ids),
                tasks=[TaskType.from_model(row) for row in rows],
            )
        )
    return Inbox(total=len(waiting), sections=sections)


async def waiting_on(viewer: models.Account, today: dt.date) -> list[tuple[str, models.Task]]:
    """What waits on ``viewer`` on ``today``, as (section label, task) pairs: the same
    sections as Query.inbox, for the daily digest (``api.notifier``); a task once, in its
    first section."""
    base = models.Task.filter(scope_for(models.Task, viewer))
    if viewer.role in (Role.UNIT_LIAISON, Role.COURT_LIAISON):
        base = base.filter(responsible_unit_id=viewer.unit_id)  # type: ignore[attr-defined]
    personal_data = sees_personal_data(viewer)
    found: list[tuple[str, models.Task]] = []
    seen: set[int] = set()
    kinds = SECTIONS_BY_ROLE.get(viewer.role, ())
    newest = await _newest_action_task_ids([kind for kind in kinds if kind in NEWEST_ACTIONS])
    for kind in kinds:
        query = await _section(kind, base, today, newest, personal_data=personal_data)
        rows = await query.order_by("due_on", "id").limit(SHOWN_PER_SECTION)
        for row in rows:
            if row.id not in seen:
                seen.add(row.id)
                found.append((LABELS[kind], row))
    return found
