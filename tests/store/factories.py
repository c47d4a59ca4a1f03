"""Small builders for store tests: units, accounts, cases and tasks in a few lines.

Accounts get a placeholder password hash (hashing with argon2 would only slow
the tests down; no test here logs in). Times are fixed so that histories are
deterministic: ``at(day, hour)`` is a moment in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict

from store.enums import Role, TaskKind, UnitKind
from store.models import Account, EnforcementCase, Task, Unit
from store.operations.cases import EnforcementCaseInput, create_enforcement_case
from store.operations.tasks import TaskInput, create_task
from workflow.clock import SHANGHAI

#: The day the tests take place (a Thursday; 2026 has an official calendar).
TODAY = dt.date(2026, 11, 26)


class Extras(TypedDict, total=False):
    """What a step passes to ``transition_task`` besides the action, the actor and the version."""

    comment: str
    evidence: list[str]
    due_on: dt.date


Step = tuple[str, Account, Extras]
"""One transition a test takes: the action, who takes it, and its extras."""


def at(day: dt.date = TODAY, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment on ``day`` in Asia/Shanghai, in UTC (as the database keeps it)."""
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)
    return local.astimezone(dt.UTC)


@dataclass
class World:
    """Units and one account per role that the tests act with."""

    office: Unit
    court: Unit
    finance: Unit
    hrss: Unit
    coordinator: Account
    court_liaison: Account
    finance_liaison: Account
    hrss_liaison: Account
    leader: Account


async def account(username: str, role: Role, unit: Unit, *, active: bool = True) -> Account:
    return await Account.create(
        username=username,
        display_name=username,
        role=role,
        unit=unit,
        password_hash="!test-only",
        is_active=active,
    )


async def world() -> World:
    """The joint-meeting office, the intermediate court and two departments."""
    office = await Unit.create(
        code="KF-LXB", name="开封市府院联动联席会议办公室", kind=UnitKind.OFFICE
    )
    court = await Unit.create(
        code="KF-ZY", name="开封市中级人民法院", kind=UnitKind.COURT, court_code="豫02"
    )
    finance = await Unit.create(code="KF-CZJ", name="开封市财政局", kind=UnitKind.DEPARTMENT)
    hrss = await Unit.create(
        code="KF-RSJ", name="开封市人力资源和社会保障局", kind=UnitKind.DEPARTMENT
    )
    return World(
        office=office,
        court=court,
        finance=finance,
        hrss=hrss,
        coordinator=await account("coordinator", Role.COORDINATOR, office),
        court_liaison=await account("court", Role.COURT_LIAISON, court),
        finance_liaison=await account("finance", Role.UNIT_LIAISON, finance),
        hrss_liaison=await account("hrss", Role.UNIT_LIAISON, hrss),
        leader=await account("leader", Role.LEADER, office),
    )


async def other_task(
    w: World,
    title: str = "落实联席会议议定事项",
    *,
    unit: Unit | None = None,
    due_on: dt.date | None = None,
    created: dt.datetime | None = None,
) -> Task:
    """A task of kind OTHER in DRAFT, owned by ``unit`` (default: the finance bureau)."""
    return await create_task(
        TaskInput(
            kind=TaskKind.OTHER, title=title, responsible_unit=unit or w.finance, due_on=due_on
        ),
        created_by=w.coordinator,
        at=created or at(TODAY, 8),
    )


async def enforcement_case(
    w: World, amount_due: str = "1200000.00", *, case_number: str = "(2023)豫02执15号"
) -> EnforcementCase:
    """A case of the intermediate court against the finance bureau (filed in 2023)."""
    return await create_enforcement_case(
        EnforcementCaseInput(
            case_number=case_number,
            court=w.court,
            applicant_name="开封市宏达建筑工程有限公司",
            applicant_kind="ENTERPRISE",
            respondent=w.finance,
            basis="（2022）豫02民终3021号",
            cause="建设工程施工合同纠纷",
            amount_due=amount_due,
            filed_on="2023-02-15",
            source="PROVINCE_ASSIGNED",
        ),
        today=TODAY,
    )


async def enforcement_task(w: World, case: EnforcementCase) -> Task:
    """The task of pushing ``case`` to performance, owned by the respondent."""
    return await create_task(
        TaskInput(kind=TaskKind.ENFORCEMENT, title="督促履行生效判决", enforcement_case=case),
        created_by=w.coordinator,
        at=at(TODAY, 8),
    )
