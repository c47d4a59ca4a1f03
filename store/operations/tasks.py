"""Creating tasks (交办事项) and appending to their history.

State changes go through the workflow engine (issue: workflow); this module
holds what every path shares: numbering, the subject rules, and the one
place an event row is written.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from store.enums import MatterType, TaskKind, TaskState, UnitKind
from store.errors import NotFound, ValidationError
from store.idempotency import Idempotency, create_once
from store.inputs import bounded_list, column_length, multi_line, single_line
from store.matters import DEFAULT_OWNER
from store.models import (
    Account,
    BankruptcyCase,
    EnforcementCase,
    JointMeeting,
    Task,
    TaskEvent,
    Unit,
)
from store.notifications import notify_event
from store.notify import announce
from store.operations.common import (
    Checks,
    UnitRef,
    check_active,
    check_date,
    check_unit_kind,
    next_number,
    parse_enum,
    resolve_unit,
    resolve_units,
)
from workflow.clock import SHANGHAI, utcnow
from workflow.i18n import _
from workflow.registry import definition_for

TASK_UNIT_KINDS = (
    UnitKind.PARTY_GOV_ORGAN,
    UnitKind.DEPARTMENT,
    UnitKind.DISTRICT_GOV,
    UnitKind.COURT,
    UnitKind.OFFICE,
)


@dataclass
class TaskInput:
    kind: TaskKind | str
    title: str
    responsible_unit: UnitRef | None = None
    enforcement_case: EnforcementCase | None = None
    bankruptcy_case: BankruptcyCase | None = None
    meeting: JointMeeting | None = None
    matter_type: MatterType | str | None = None
    assisting_units: Sequence[UnitRef] = field(default_factory=tuple)
    description: str = ""
    due_on: dt.date | str | None = None


async def create_task(
    data: TaskInput,
    *,
    created_by: Account | None = None,
    at: dt.datetime | None = None,
    using_db: BaseDBAsyncClient | None = None,
    idempotency: Idempotency | None = None,
) -> Task:
    """Create a task in DRAFT with its first event (``create``), in one transaction.

    The task starts on the latest version of its kind's workflow definition
    and keeps it until a migration moves it (``workflow_versions``).

    The subject must fit the kind: an enforcement task belongs to a case, a
    bankruptcy matter to a bankruptcy case (and has a matter type), a
    meeting decision to a meeting. An enforcement task's responsible unit
    defaults to the case's respondent organ; a matter's to its type's
    default owning department.

    With ``idempotency``, a retry of the same request returns the first task.
    """
    at = (at or utcnow()).astimezone(dt.UTC)
    checks = Checks()
    fields = check_task_fields(data, checks=checks)
    assert fields is not None  # the checks raise on the first failure
    kind, matter_type = fields["kind"], fields["matter_type"]
    assisting_refs = bounded_list(data.assisting_units, field="assistingUnitIds") or []
    responsible_ref = default_responsible(data, kind, matter_type)
    if responsible_ref is None:
        raise ValidationError(
            "responsibleUnitId", "required", _("name the responsible unit (责任单位)")
        )
    responsible = await resolve_unit(
        responsible_ref,
        field="responsibleUnitId",
        kinds=TASK_UNIT_KINDS,
        active_only=True,
        using_db=using_db,
    )
    assisting = await resolve_units(
        assisting_refs, field="assistingUnitIds", active_only=True, using_db=using_db
    )
    check_task_units(responsible, assisting, checks=checks)
    title, description, due_on = fields["title"], fields["description"], fields["due_on"]
    # A task keeps the version it starts on: the latest one now.
    workflow = definition_for(kind.value)

    async def write(conn: BaseDBAsyncClient) -> Task:
        number = await next_number(f"task:{at.year}", using_db=conn)
        task = await Task.create(
            code=f"FY-{at.year}-{number:04d}",
            kind=kind,
            title=title,
            description=description,
            enforcement_case=data.enforcement_case,
            bankruptcy_case=data.bankruptcy_case,
            meeting=data.meeting,
            matter_type=matter_type,
            responsible_unit=responsible,
            due_on=due_on,
            state=TaskState.DRAFT,
            version=1,
            workflow_key=workflow.key,
            workflow_version=workflow.version,
            created_at=at,
            using_db=conn,
        )
        if assisting:
            await task.assisting_units.add(*assisting, using_db=conn)
        await append_event(
            task,
            action="create",
            from_state=None,
            to_state=TaskState.DRAFT,
            actor=created_by,
            at=at,
            using_db=conn,
        )
        return task

    return await create_once(idempotency, Task, write, using_db=using_db)


def check_task_fields(data: TaskInput, *, checks: Checks) -> dict[str, Any] | None:
    """Every rule of a task's own fields (createTask's and a ledger row's): its kind,
    title, description, matter type, subject and due date; None when one failed and
    ``checks`` collects the failures."""
    before = len(checks.failures)
    kind = checks(lambda: parse_enum(TaskKind, data.kind, field="kind"))
    title = checks(
        lambda: single_line(data.title, field="title", max_length=column_length(Task, "title"))
    )
    description = checks(lambda: multi_line(data.description, field="description"))
    checks(lambda: bounded_list(data.assisting_units, field="assistingUnitIds"))
    matter_type = (
        checks(lambda: parse_enum(MatterType, data.matter_type, field="matterType"))
        if data.matter_type is not None
        else None
    )
    if kind is not None and len(checks.failures) == before:
        known = kind
        checks(lambda: _check_subject(known, data, matter_type))
    due_on = None
    if (due := data.due_on) is not None:
        due_on = checks(lambda: check_date(due, field="dueOn", not_before=dt.date(2000, 1, 1)))
    if len(checks.failures) > before:
        return None
    return {
        "kind": kind,
        "title": title,
        "description": description,
        "matter_type": matter_type,
        "due_on": due_on,
    }


def default_responsible(
    data: TaskInput, kind: TaskKind, matter_type: MatterType | None
) -> UnitRef | None:
    """The responsible unit named, or by default: an enforcement task's case's respondent
    organ, a matter's type's usual owning department."""
    responsible_ref = data.responsible_unit
    if responsible_ref is None and kind is TaskKind.ENFORCEMENT and data.enforcement_case:
        responsible_ref = data.enforcement_case.respondent_id  # type: ignore[attr-defined]
    if responsible_ref is None and matter_type is not None:
        responsible_ref = DEFAULT_OWNER[matter_type]
    return responsible_ref


def check_task_units(responsible: Unit, assisting: Sequence[Unit], *, checks: Checks) -> None:
    """The rules of a task's units: who may be responsible, every one active, and the
    responsible unit not also assisting."""
    checks(lambda: check_unit_kind(responsible, field="responsibleUnitId", kinds=TASK_UNIT_KINDS))
    checks(lambda: check_active(responsible, field="responsibleUnitId"))
    for index, unit in enumerate(assisting):
        checks(functools.partial(check_active, unit, field=f"assistingUnitIds.{index}"))
    if any(unit.id == responsible.id for unit in assisting):
        checks(_assisting_responsible)


def _assisting_responsible() -> None:
    raise ValidationError(
        "assistingUnitIds", "assisting.responsible", _("the responsible unit cannot also assist")
    )


def _check_subject(kind: TaskKind, data: TaskInput, matter_type: MatterType | None) -> None:
    subjects = {
        TaskKind.ENFORCEMENT: ("enforcementCaseId", data.enforcement_case),
        TaskKind.BANKRUPTCY_MATTER: ("bankruptcyCaseId", data.bankruptcy_case),
        TaskKind.MEETING_DECISION: ("meetingId", data.meeting),
    }
    for subject_kind, (field_name, subject) in subjects.items():
        if subject_kind is kind and subject is None:
            raise ValidationError(
                field_name, "subject.required", _("a {label} needs its subject", label=kind.label)
            )
        if subject_kind is not kind and subject is not None:
            raise ValidationError(
                field_name,
                "subject.kind",
                _("a {label} cannot belong to this subject", label=kind.label),
            )
    if kind is TaskKind.BANKRUPTCY_MATTER and matter_type is None:
        raise ValidationError("matterType", "required", _("a coordination matter needs its type"))
    if kind is not TaskKind.BANKRUPTCY_MATTER and matter_type is not None:
        raise ValidationError(
            "matterType", "matter_type.kind", _("only coordination matters have a matter type")
        )


class _Current:
    """The default of ``append_event(due_on=…)``: the due date ``task`` holds."""


CURRENT = _Current()


async def append_event(
    task: Task,
    *,
    action: str,
    from_state: TaskState | None,
    to_state: TaskState | None,
    actor: Account | None,
    at: dt.datetime,
    using_db: BaseDBAsyncClient,
    comment: str = "",
    payload: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    due_on: dt.date | _Current | None = CURRENT,
) -> TaskEvent:
    """Append the next event of ``task`` (sequence numbers 1, 2, 3 … without gaps).

    Must run inside the caller's transaction, after the caller has written
    the task row it changes: on PostgreSQL that row lock serialises writers.
    The event is announced to ``taskEvents`` subscribers when that
    transaction commits (``store.notify``).

    The event also records its Asia/Shanghai date and the task's due date
    after it (``due_on``; by default ``task.due_on`` as the caller holds it:
    a caller that moves the date without updating ``task`` first passes the
    new one), so that ``reports.progress`` can read any past moment from the
    log alone.
    """
    last = (
        await TaskEvent.filter(task_id=task.id)
        .using_db(using_db)
        .order_by("-seq")
        .first()
        .values_list("seq", flat=True)
    )
    seq = (last if isinstance(last, int) else 0) + 1
    event = await TaskEvent.create(
        task=task,
        seq=seq,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_unit_id=actor.unit_id if actor else None,  # type: ignore[attr-defined]
        # SQLite compares stored times as text: keep every one in UTC.
        occurred_at=at.astimezone(dt.UTC),
        occurred_on=at.astimezone(SHANGHAI).date(),
        due_on=task.due_on if isinstance(due_on, _Current) else due_on,
        comment=comment,
        payload=payload or {},
        idempotency_key=idempotency_key,
        using_db=using_db,
    )
    # Subscribers hear of it once (and only if) the caller's transaction commits.
    await announce(event, using_db=using_db)
    # Whoever it concerns is told in the same transaction (issue 20).
    await notify_event(task, event, actor, using_db=using_db)
    return event


async def get_task(code: str) -> Task:
    task = await Task.get_or_none(code=code)
    if task is None:
        raise NotFound("taskId", "task", code)
    return task
