"""Mutations on tasks: createTask, transitionTask, addTaskDependency."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.mutations.base import (
    MutationInput,
    errors_field,
    idempotency,
    idempotency_key_field,
    input_id,
    mutate,
    required_id,
    required_ids,
)
from schema.mutations.files import file_ids_field, files_to_attach
from schema.types.tasks import TaskEventType, TaskType
from store.enums import ClosureMethod, MatterType, TaskKind
from store.errors import NotFound
from store.inputs import bounded_list
from store.models import Account, BankruptcyCase, EnforcementCase, JointMeeting, Task
from store.operations.dependencies import add_task_dependency
from store.operations.tasks import TaskInput, create_task
from store.operations.transitions import ClosureInput, ReassignInput, transition_task
from store.visibility import visible_or_not_found


@strawberry.input(description="A new task (交办事项), created as a draft.")
class CreateTaskInput:
    kind: TaskKind = strawberry.field(description="Kind of task.")
    title: str = strawberry.field(description="What must be done.")
    description: str = strawberry.field(default="", description="Details.")
    responsible_unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="责任单位; for an enforcement task defaults to the case's respondent organ.",
    )
    enforcement_case_id: strawberry.ID | None = strawberry.field(
        default=None, description="The EnforcementCase of an ENFORCEMENT task."
    )
    bankruptcy_case_id: strawberry.ID | None = strawberry.field(
        default=None, description="The BankruptcyCase of a BANKRUPTCY_MATTER task."
    )
    meeting_id: strawberry.ID | None = strawberry.field(
        default=None, description="The JointMeeting of a MEETING_DECISION task."
    )
    matter_type: MatterType | None = strawberry.field(
        default=None, description="Type of a BANKRUPTCY_MATTER task."
    )
    assisting_unit_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="配合单位 (at most 500)."
    )
    due_on: dt.date | None = strawberry.field(default=None, description="办结时限.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The result of createTask.")
class CreateTaskPayload:
    task: TaskType | None = strawberry.field(description="The new task; null when refused.")
    errors: list[UserError] = errors_field()


async def resolve_create_task(
    info: Info, input: MutationInput[CreateTaskInput]
) -> CreateTaskPayload:
    async def perform(viewer: Account) -> CreateTaskPayload:
        key = idempotency(viewer, input, "createTask")
        assisting = required_ids(
            input.assisting_unit_ids, expected="Unit", field="assistingUnitIds"
        )
        case_id = input_id(
            input.enforcement_case_id, expected="EnforcementCase", field="enforcementCaseId"
        )
        bankruptcy_id = input_id(
            input.bankruptcy_case_id, expected="BankruptcyCase", field="bankruptcyCaseId"
        )
        meeting_id = input_id(input.meeting_id, expected="JointMeeting", field="meetingId")
        case = await EnforcementCase.get_or_none(id=case_id) if case_id else None
        bankruptcy = await BankruptcyCase.get_or_none(id=bankruptcy_id) if bankruptcy_id else None
        meeting = await JointMeeting.get_or_none(id=meeting_id) if meeting_id else None
        for wanted, found, field in (
            (case_id, case, "enforcementCaseId"),
            (bankruptcy_id, bankruptcy, "bankruptcyCaseId"),
            (meeting_id, meeting, "meetingId"),
        ):
            if wanted is not None and found is None:
                raise NotFound(field, "record", wanted)
        task = await create_task(
            TaskInput(
                kind=input.kind,
                title=input.title,
                description=input.description,
                responsible_unit=input_id(
                    input.responsible_unit_id, expected="Unit", field="responsibleUnitId"
                ),
                enforcement_case=case,
                bankruptcy_case=bankruptcy,
                meeting=meeting,
                matter_type=input.matter_type,
                assisting_units=assisting,
                due_on=input.due_on,
            ),
            created_by=viewer,
            idempotency=key,
        )
        return CreateTaskPayload(task=TaskType.from_model(task), errors=[])

    return await mutate(info, CreateTaskPayload, perform)


@strawberry.input(description="An action on a task: 交办, 签收, 申请销号 …")
class TransitionTaskInput:
    task_id: strawberry.ID = strawberry.field(description="The Task.")
    action: str = strawberry.field(
        description="One of the task's availableActions, e.g. accept, start, approve_closure."
    )
    expected_version: int = strawberry.field(
        description="The task's version as you last read it; a stale one is refused "
        "with VERSION_CONFLICT and changes nothing."
    )
    comment: str | None = strawberry.field(
        default=None, description="What you want to say; required to return, cancel, report …"
    )
    evidence: list[str] | None = strawberry.field(
        default=None,
        description="Evidence for request_closure, e.g. file names of vouchers: at most 500 "
        "lines of at most 300 characters.",
    )
    evidence_file_ids: list[strawberry.ID] | None = file_ids_field(
        "Evidence files (a receipt 执行款收据, a closure notice 结案通知书 …) for "
        "request_closure, report and request_extension, attached to the event; the typed "
        "evidence stays as notes."
    )
    due_on: dt.date | None = strawberry.field(
        default=None, description="The new due date, for assign, extend and request_extension."
    )
    closure_method: ClosureMethod | None = strawberry.field(
        default=None,
        description="结案方式, for request_closure of an enforcement task (default: the method "
        "the case records, else FULL_PERFORMANCE). The guard checks the method's own "
        "condition; the court confirms the method before approval, which stores it.",
    )
    grounds: str | None = strawberry.field(
        default=None,
        description="The grounds of the closure method: required for every method but "
        "FULL_PERFORMANCE.",
    )
    settlement_amount: str | None = strawberry.field(
        default=None,
        description='执行和解: the amount the settlement requires, in yuan (e.g. "500000.00"); '
        "required for SETTLEMENT, which closes once it is paid in full.",
    )
    ruling_number: str | None = strawberry.field(
        default=None,
        description="案号 of the court's ruling, e.g. （2024）豫0202执恢12号; required for "
        "TERMINATION and NOT_ENFORCED.",
    )
    responsible_unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="改派 (reassign): the Unit the returned task is handed to; its liaisons see "
        "the task from then on, the old unit's no longer. Without it the task goes back to "
        "the unit it had. A deactivated or unknown unit is refused; only reassign takes it.",
    )
    assisting_unit_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="改派 (reassign): the new 配合单位 (at most 500), replacing the old ones; "
        "without it they stay.",
    )
    summoned_on: dt.date | None = strawberry.field(
        default=None,
        description="约谈 (summon): the day the responsible unit's leader was summoned; "
        "required for summon, not in the future.",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string; sending the same request again with it returns the "
        "first result instead of acting twice.",
    )


@strawberry.type(description="The result of transitionTask.")
class TransitionTaskPayload:
    task: TaskType | None = strawberry.field(
        description="The task after the action (as it is now, when refused)."
    )
    event: TaskEventType | None = strawberry.field(
        description="The history line the action wrote; null when refused."
    )
    errors: list[UserError] = errors_field(
        "Why the action was refused — invalid transition, failed guard, version "
        "conflict …; empty on success."
    )


async def resolve_transition_task(
    info: Info, input: MutationInput[TransitionTaskInput]
) -> TransitionTaskPayload:
    task_id: int | None = None  # once the viewer may see the task

    async def perform(viewer: Account) -> TransitionTaskPayload:
        nonlocal task_id
        bounded_list(input.evidence, field="evidence")  # before any SQL
        wanted = required_id(input.task_id, expected="Task", field="taskId")
        await visible_or_not_found(
            Task, viewer, wanted, field="taskId", what="task", key=input.task_id
        )
        task_id = wanted
        files = await files_to_attach(
            input.evidence_file_ids,
            viewer,
            field="evidenceFileIds",
            idempotency_key=input.idempotency_key,
            transition=True,
        )
        reassignment = ReassignInput(
            responsible_unit=input_id(
                input.responsible_unit_id, expected="Unit", field="responsibleUnitId"
            ),
            assisting_units=(
                list(
                    required_ids(
                        input.assisting_unit_ids, expected="Unit", field="assistingUnitIds"
                    )
                )
                if input.assisting_unit_ids is not None
                else None
            ),
        )
        result = await transition_task(
            task_id,
            input.action,
            viewer,
            expected_version=input.expected_version,
            comment=input.comment,
            evidence=input.evidence,
            due_on=input.due_on,
            idempotency_key=input.idempotency_key,
            closure=ClosureInput(
                method=input.closure_method,
                grounds=input.grounds,
                settlement_amount=input.settlement_amount,
                ruling_number=input.ruling_number,
            ),
            reassignment=reassignment,
            summoned_on=input.summoned_on,
            files=files,
        )
        return TransitionTaskPayload(
            task=TaskType.from_model(result.task),
            event=TaskEventType.from_model(result.event),
            errors=[],
        )

    async def refused(errors: list[UserError]) -> TransitionTaskPayload:
        current = await Task.get_or_none(id=task_id) if task_id is not None else None
        return TransitionTaskPayload(
            task=TaskType.from_model(current) if current is not None else None,
            event=None,
            errors=errors,
        )

    return await mutate(info, TransitionTaskPayload, perform, refused=refused)


@strawberry.input(description="Make a task wait for another (it cannot start before).")
class AddTaskDependencyInput:
    task_id: strawberry.ID = strawberry.field(description="The Task that must wait.")
    depends_on_id: strawberry.ID = strawberry.field(description="The Task it waits for.")


@strawberry.type(description="The result of addTaskDependency.")
class AddTaskDependencyPayload:
    task: TaskType | None = strawberry.field(description="The task that now waits.")
    errors: list[UserError] = errors_field(
        "Why it was refused (e.g. CYCLE, naming the cycle); empty on success."
    )


async def resolve_add_task_dependency(
    info: Info, input: MutationInput[AddTaskDependencyInput]
) -> AddTaskDependencyPayload:
    async def perform(viewer: Account) -> AddTaskDependencyPayload:
        task_id = required_id(input.task_id, expected="Task", field="taskId")
        await add_task_dependency(
            task_id,
            required_id(input.depends_on_id, expected="Task", field="dependsOnId"),
            viewer,
        )
        task = await Task.get(id=task_id)
        return AddTaskDependencyPayload(task=TaskType.from_model(task), errors=[])

    return await mutate(info, AddTaskDependencyPayload, perform)
