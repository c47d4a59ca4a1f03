"""Mutations on joint meetings: createJointMeeting, recordMeetingDecision."""

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
from schema.types.meetings import JointMeetingType
from schema.types.tasks import TaskType
from store.enums import MeetingLevel, TaskKind
from store.errors import NotFound
from store.inputs import bounded_list
from store.models import Account, BankruptcyCase, EnforcementCase, JointMeeting
from store.operations.meetings import AgendaItemInput, JointMeetingInput, create_joint_meeting
from store.operations.tasks import TaskInput, create_task


@strawberry.input(description="An agenda item (议题) of a new meeting.")
class AgendaItemInputType:
    title: str = strawberry.field(description="What the item is about.")
    enforcement_case_id: strawberry.ID | None = strawberry.field(
        default=None, description="The EnforcementCase it discusses, if any."
    )
    bankruptcy_case_id: strawberry.ID | None = strawberry.field(
        default=None, description="The BankruptcyCase it discusses, if any."
    )


@strawberry.input(description="A joint meeting that was held.")
class CreateJointMeetingInput:
    level: MeetingLevel = strawberry.field(description="省级, 市级 or 县级.")
    number: int = strawberry.field(description="第N次: the meeting's number at its level.")
    title: str = strawberry.field(description="Title of the meeting.")
    held_on: dt.date = strawberry.field(description="Day it was held.")
    convener_id: strawberry.ID = strawberry.field(description="The convening Unit.")
    attending_unit_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Units that attended (at most 500)."
    )
    minutes_number: str | None = strawberry.field(default=None, description="纪要号.")
    agenda: list[AgendaItemInputType] = strawberry.field(
        default_factory=list, description="议题, in order (at most 500)."
    )
    file_ids: list[strawberry.ID] | None = file_ids_field(
        "The meeting's documents: its minutes (纪要) and others."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The result of createJointMeeting.")
class CreateJointMeetingPayload:
    joint_meeting: JointMeetingType | None = strawberry.field(
        description="The new meeting; null when refused."
    )
    errors: list[UserError] = errors_field()


async def _case(model: type[EnforcementCase] | type[BankruptcyCase], row_id: int | None,
                field: str) -> EnforcementCase | BankruptcyCase | None:  # fmt: skip
    if row_id is None:
        return None
    row = await model.get_or_none(id=row_id)
    if row is None:
        raise NotFound(field, "case", row_id)
    return row


async def resolve_create_joint_meeting(
    info: Info, input: MutationInput[CreateJointMeetingInput]
) -> CreateJointMeetingPayload:
    async def perform(viewer: Account) -> CreateJointMeetingPayload:
        key = idempotency(viewer, input, "createJointMeeting")
        # The lists are capped before anything is looked up.
        attending = required_ids(
            input.attending_unit_ids, expected="Unit", field="attendingUnitIds"
        )
        agenda = []
        for index, item in enumerate(bounded_list(input.agenda, field="agenda") or []):
            prefix = f"agenda.{index}"
            enforcement = await _case(
                EnforcementCase,
                input_id(item.enforcement_case_id, expected="EnforcementCase",
                         field=f"{prefix}.enforcementCaseId"),
                f"{prefix}.enforcementCaseId",
            )  # fmt: skip
            bankruptcy = await _case(
                BankruptcyCase,
                input_id(item.bankruptcy_case_id, expected="BankruptcyCase",
                         field=f"{prefix}.bankruptcyCaseId"),
                f"{prefix}.bankruptcyCaseId",
            )  # fmt: skip
            agenda.append(
                AgendaItemInput(
                    title=item.title,
                    enforcement_case=enforcement,  # type: ignore[arg-type]
                    bankruptcy_case=bankruptcy,  # type: ignore[arg-type]
                )
            )
        meeting = await create_joint_meeting(
            JointMeetingInput(
                level=input.level,
                number=input.number,
                title=input.title,
                held_on=input.held_on,
                convener=required_id(input.convener_id, expected="Unit", field="convenerId"),
                attending_units=attending,
                minutes_number=input.minutes_number,
                agenda=agenda,
            ),
            today=info.context.today,
            created_by=viewer,
            idempotency=key,
            files=await files_to_attach(
                input.file_ids, viewer, field="fileIds", idempotency_key=input.idempotency_key
            ),
        )
        return CreateJointMeetingPayload(
            joint_meeting=JointMeetingType.from_model(meeting), errors=[]
        )

    return await mutate(info, CreateJointMeetingPayload, perform)


@strawberry.input(description="A decision (议定事项) of a meeting, assigned as a task.")
class RecordMeetingDecisionInput:
    meeting_id: strawberry.ID = strawberry.field(description="The JointMeeting that decided.")
    title: str = strawberry.field(description="What was decided must be done.")
    description: str = strawberry.field(default="", description="Details.")
    responsible_unit_id: strawberry.ID = strawberry.field(description="责任单位.")
    assisting_unit_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="配合单位 (at most 500)."
    )
    due_on: dt.date | None = strawberry.field(default=None, description="办结时限.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The result of recordMeetingDecision.")
class RecordMeetingDecisionPayload:
    task: TaskType | None = strawberry.field(
        description="The task that carries the decision out; null when refused."
    )
    errors: list[UserError] = errors_field()


async def resolve_record_meeting_decision(
    info: Info, input: MutationInput[RecordMeetingDecisionInput]
) -> RecordMeetingDecisionPayload:
    async def perform(viewer: Account) -> RecordMeetingDecisionPayload:
        key = idempotency(viewer, input, "recordMeetingDecision")
        assisting = required_ids(
            input.assisting_unit_ids, expected="Unit", field="assistingUnitIds"
        )
        meeting_id = required_id(input.meeting_id, expected="JointMeeting", field="meetingId")
        meeting = await JointMeeting.get_or_none(id=meeting_id)
        if meeting is None:
            raise NotFound("meetingId", "joint meeting", input.meeting_id)
        task = await create_task(
            TaskInput(
                kind=TaskKind.MEETING_DECISION,
                title=input.title,
                description=input.description,
                meeting=meeting,
                responsible_unit=required_id(
                    input.responsible_unit_id, expected="Unit", field="responsibleUnitId"
                ),
                assisting_units=assisting,
                due_on=input.due_on,
            ),
            created_by=viewer,
            idempotency=key,
        )
        return RecordMeetingDecisionPayload(task=TaskType.from_model(task), errors=[])

    return await mutate(info, RecordMeetingDecisionPayload, perform)
