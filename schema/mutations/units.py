"""createUnit, updateUnit, deactivateUnit: the units an administrator keeps."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.mutations.base import MutationInput, errors_field, input_id, mutate, required_id
from schema.types.units import UnitType
from store.enums import UnitKind
from store.errors import ValidationError
from store.models import Account
from store.operations.units import create_unit, deactivate_unit, update_unit
from workflow.i18n import _

KIND_DESCRIPTION = "Kind of unit; a COURT needs its court code, other kinds have none."
REGION_DESCRIPTION = (
    "县区 of the unit: a six-digit administrative division code (GB/T 2260, e.g. 610926 for "
    "a court outside 开封) or the name of a 县区 (龙亭区, 杞县) or 市直单位."
)
PARENT_DESCRIPTION = "The unit this one belongs to (上级单位): an active unit."
COURT_CODE_DESCRIPTION = (
    "法院代字 of a court, as its 案号 carry it: 最高法, 豫 (high court), 豫02 (intermediate), "
    "豫0202 or 陕0926 (basic)."
)


@strawberry.input(description="A new unit (单位).")
class CreateUnitInput:
    code: str = strawberry.field(
        description="Stable code of the unit, e.g. SX-PLFY: letters, digits, - and _; never "
        "changes."
    )
    name: str = strawberry.field(description="Full name (单位名称), unique.")
    kind: UnitKind = strawberry.field(description=KIND_DESCRIPTION)
    region: str | None = strawberry.field(default=None, description=REGION_DESCRIPTION)
    parent_id: strawberry.ID | None = strawberry.field(default=None, description=PARENT_DESCRIPTION)
    court_code: str | None = strawberry.field(default=None, description=COURT_CODE_DESCRIPTION)


@strawberry.input(
    description="What to change of a unit: a field left out is kept; region, parentId and "
    "courtCode given as null are cleared."
)
class UpdateUnitInput:
    id: strawberry.ID = strawberry.field(description="The unit.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")
    kind: UnitKind | None = strawberry.field(
        default=strawberry.UNSET,
        description="A new kind; refused for a unit with accounts or cases. " + KIND_DESCRIPTION,
    )
    region: str | None = strawberry.field(default=strawberry.UNSET, description=REGION_DESCRIPTION)
    parent_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description=PARENT_DESCRIPTION
    )
    court_code: str | None = strawberry.field(
        default=strawberry.UNSET, description=COURT_CODE_DESCRIPTION
    )


@strawberry.input(description="The unit to deactivate.")
class DeactivateUnitInput:
    id: strawberry.ID = strawberry.field(description="The unit.")


@strawberry.type(description="The result of createUnit, updateUnit or deactivateUnit.")
class UnitPayload:
    unit: UnitType | None = strawberry.field(description="The unit as stored; null when refused.")
    errors: list[UserError] = errors_field()


async def resolve_create_unit(info: Info, input: MutationInput[CreateUnitInput]) -> UnitPayload:
    async def perform(viewer: Account) -> UnitPayload:
        unit = await create_unit(
            code=input.code,
            name=input.name,
            kind=input.kind,
            region=input.region,
            parent=input_id(input.parent_id, expected="Unit", field="parentId"),
            court_code=input.court_code,
            actor=viewer,
        )
        return UnitPayload(unit=UnitType.from_model(unit), errors=[])

    return await mutate(info, UnitPayload, perform)


def _changes(input: UpdateUnitInput) -> dict[str, Any]:
    """The fields ``input`` gives, by their store names (``store.operations.units``)."""
    changes: dict[str, Any] = {}
    for field, name in (("name", "name"), ("kind", "kind")):
        value = getattr(input, field)
        if value is None:
            raise ValidationError(name, "required", _("{name} cannot be cleared", name=name))
        if value is not strawberry.UNSET:
            changes[field] = value
    if input.region is not strawberry.UNSET:
        changes["region"] = input.region
    if input.court_code is not strawberry.UNSET:
        changes["court_code"] = input.court_code
    if input.parent_id is not strawberry.UNSET:
        changes["parent"] = input_id(input.parent_id, expected="Unit", field="parentId")
    return changes


async def resolve_update_unit(info: Info, input: MutationInput[UpdateUnitInput]) -> UnitPayload:
    async def perform(viewer: Account) -> UnitPayload:
        unit_id = required_id(input.id, expected="Unit", field="id")
        unit = await update_unit(unit_id, _changes(input), actor=viewer)
        return UnitPayload(unit=UnitType.from_model(unit), errors=[])

    return await mutate(info, UnitPayload, perform)


async def resolve_deactivate_unit(
    info: Info, input: MutationInput[DeactivateUnitInput]
) -> UnitPayload:
    async def perform(viewer: Account) -> UnitPayload:
        unit_id = required_id(input.id, expected="Unit", field="id")
        unit = await deactivate_unit(unit_id, actor=viewer)
        return UnitPayload(unit=UnitType.from_model(unit), errors=[])

    return await mutate(info, UnitPayload, perform)
