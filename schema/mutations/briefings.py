"""Mutations on briefings (工作通报): generateBriefing, updateBriefing, issueBriefing,
deleteBriefing."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import strawberry

from reports.briefings import delete_briefing, generate_briefing, issue_briefing, update_draft
from schema.context import Info
from schema.errors import UserError
from schema.mutations.base import (
    MutationInput,
    errors_field,
    idempotency,
    idempotency_key_field,
    mutate,
    required_id,
    required_ids,
)
from schema.types.briefings import BriefingType
from store.models import Account, Briefing


@strawberry.input(description="Which tasks a briefing covers; all of them when not given.")
class BriefingScope:
    region: str | None = strawberry.field(
        default=None, description="Only the tasks of responsible units in this 县区."
    )
    unit_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only the tasks of these responsible units (责任单位), at most 500.",
    )


@strawberry.input(description="The period of a new briefing.")
class GenerateBriefingInput:
    period_start: dt.date = strawberry.field(description="First day of the period.")
    period_end: dt.date = strawberry.field(
        description="Last day of the period (today at the latest); the figures are as of its end."
    )
    title: str | None = strawberry.field(
        default=None, description="Title; by default <city>府院联动工作通报 of your office."
    )
    scope: BriefingScope | None = strawberry.field(
        default=None, description="Which tasks to cover; all when not given."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(
    description=(
        "New words for a draft briefing: 下一步工作要求 and the 版记; what is not given is kept."
    )
)
class UpdateBriefingInput:
    briefing_id: strawberry.ID = strawberry.field(description="The draft Briefing.")
    next_steps: str | None = strawberry.field(
        default=None,
        description="六、下一步工作要求: plain text, one paragraph a line (required to issue).",
    )
    report_to: str | None = strawberry.field(
        default=None, description="版记 报：the offices above, one line; empty leaves it out."
    )
    send_to: str | None = strawberry.field(
        default=None, description="版记 送：the offices beside, one line; empty leaves it out."
    )
    distribute_to: str | None = strawberry.field(
        default=None, description="版记 发：the offices below, one line; empty leaves it out."
    )


@strawberry.input(description="The draft briefing to issue.")
class IssueBriefingInput:
    briefing_id: strawberry.ID = strawberry.field(description="The draft Briefing.")


@strawberry.input(description="The draft briefing to delete.")
class DeleteBriefingInput:
    briefing_id: strawberry.ID = strawberry.field(description="The draft Briefing.")


@strawberry.type(description="The result of a briefing mutation.")
class BriefingPayload:
    briefing: BriefingType | None = strawberry.field(description="The briefing; null when refused.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The result of generateBriefing: the new draft.")
class GenerateBriefingPayload(BriefingPayload):
    pass


@strawberry.type(description="The result of updateBriefing: the draft with its new text.")
class UpdateBriefingPayload(BriefingPayload):
    pass


@strawberry.type(description="The result of issueBriefing: the briefing with its serial.")
class IssueBriefingPayload(BriefingPayload):
    pass


@strawberry.type(description="The result of deleteBriefing.")
class DeleteBriefingPayload:
    deleted_briefing_id: strawberry.ID | None = strawberry.field(
        description="The ID of the deleted draft; null when refused."
    )
    errors: list[UserError] = errors_field()


P = TypeVar("P", bound=BriefingPayload)


def _payload(payload: type[P], row: Briefing) -> P:
    return payload(briefing=BriefingType.from_model(row), errors=[])


async def resolve_generate_briefing(
    info: Info, input: MutationInput[GenerateBriefingInput]
) -> GenerateBriefingPayload:
    async def perform(viewer: Account) -> GenerateBriefingPayload:
        scope = input.scope or BriefingScope()
        key = idempotency(viewer, input, "generateBriefing")
        unit_ids = (
            tuple(required_ids(scope.unit_ids, expected="Unit", field="scope.unitIds"))
            if scope.unit_ids is not None
            else None
        )
        row = await generate_briefing(
            period_start=input.period_start,
            period_end=input.period_end,
            title=input.title,
            region=scope.region,
            unit_ids=unit_ids,
            generated_by=viewer,
            idempotency=key,
            limits=info.context.clock_limits,
        )
        return _payload(GenerateBriefingPayload, row)

    return await mutate(info, GenerateBriefingPayload, perform)


async def resolve_update_briefing(
    info: Info, input: MutationInput[UpdateBriefingInput]
) -> UpdateBriefingPayload:
    async def perform(viewer: Account) -> UpdateBriefingPayload:
        briefing_id = required_id(input.briefing_id, expected="Briefing", field="briefingId")
        row = await update_draft(
            briefing_id,
            next_steps=input.next_steps,
            report_to=input.report_to,
            send_to=input.send_to,
            distribute_to=input.distribute_to,
        )
        return _payload(UpdateBriefingPayload, row)

    return await mutate(info, UpdateBriefingPayload, perform)


async def resolve_issue_briefing(
    info: Info, input: MutationInput[IssueBriefingInput]
) -> IssueBriefingPayload:
    async def perform(viewer: Account) -> IssueBriefingPayload:
        briefing_id = required_id(input.briefing_id, expected="Briefing", field="briefingId")
        row = await issue_briefing(briefing_id, issued_by=viewer)
        return _payload(IssueBriefingPayload, row)

    return await mutate(info, IssueBriefingPayload, perform)


async def resolve_delete_briefing(
    info: Info, input: MutationInput[DeleteBriefingInput]
) -> DeleteBriefingPayload:
    async def perform(viewer: Account) -> DeleteBriefingPayload:
        briefing_id = required_id(input.briefing_id, expected="Briefing", field="briefingId")
        await delete_briefing(briefing_id)
        return DeleteBriefingPayload(deleted_briefing_id=input.briefing_id, errors=[])

    return await mutate(info, DeleteBriefingPayload, perform)
