"""The Query root: every list with its filter and order, node lookup, the viewer."""

from __future__ import annotations

from typing import Annotated, cast

import strawberry
from strawberry import relay

import schema.enums  # noqa: F401  (registers the enums with strawberry)
from reports.progress import compute_progress
from schema.arguments import items
from schema.context import Info
from schema.filters.cases import (
    BankruptcyCaseFilter,
    EnforcementCaseFilter,
    EnforcementCaseOrder,
    filter_bankruptcy_cases,
    filter_enforcement_cases,
    order_enforcement_cases,
)
from schema.filters.meetings import JointMeetingFilter, filter_joint_meetings
from schema.filters.tasks import TaskFilter, TaskOrder, filter_tasks, order_tasks
from schema.filters.units import AccountFilter, UnitFilter, filter_accounts, filter_units
from schema.inbox import Inbox, resolve_inbox
from schema.permissions import IsAdmin, IsAuthenticated, IsCoordinatorOrLeader
from schema.planner import plan_tasks, read_list
from schema.relay import MAX_PAGE_SIZE, After, Before, Connection, First, Last, paginate
from schema.types.base import resolve_global_ids
from schema.types.briefings import BriefingType
from schema.types.calendars import CalendarNoticeType, OfficialCalendarType
from schema.types.cases import BankruptcyCaseType, EnforcementCaseType
from schema.types.meetings import JointMeetingType
from schema.types.notifications import DeliveryType
from schema.types.progress import ProgressScope, ProgressType
from schema.types.supervision import ListingCandidateType
from schema.types.tasks import TaskType
from schema.types.units import AccountType, UnitType
from schema.types.workflow import WorkflowType
from store import models
from store.calendars import calendar_notice
from store.enums import Role, TaskKind
from store.operations.sweep import listing_candidates
from store.outbox import dead_deliveries
from store.visibility import progress_scope, scope_for, sees_personal_data
from workflow.clock import local_today
from workflow.registry import definition_for

# --------------------------------------------------------------------------- query

NOTICE_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})
"""Who sees that a year of the calendar is missing (the dashboard's banner)."""


@strawberry.type(description="Everything a liaison can read.")
class Query:
    @strawberry.field(
        description="Any record by its global ID; null for one that does not exist or that "
        "you may not see.",
        permission_classes=[IsAuthenticated],
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The record's ID.")],
    ) -> relay.Node | None:
        (found,) = await resolve_global_ids(info, [id], argument="id")
        return found

    @strawberry.field(
        description="Several records by their global IDs, in the same order; null for each "
        "that does not exist or that you may not see.",
        permission_classes=[IsAuthenticated],
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="The records' IDs (at most 100).")
        ],
    ) -> list[relay.Node | None]:
        wanted = items(ids, argument="ids", max_items=MAX_PAGE_SIZE) or []
        return await resolve_global_ids(info, wanted, argument="ids")

    @strawberry.field(description="The signed-in account; null when signed out.")
    def viewer(self, info: Info) -> AccountType | None:
        viewer = info.context.viewer
        return AccountType.from_model(viewer) if viewer is not None else None

    @strawberry.field(description="Units (单位), by code.", permission_classes=[IsAuthenticated])
    async def units(
        self,
        info: Info,
        filter: Annotated[
            UnitFilter | None,
            strawberry.argument(description="Which units to list; all when not given."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[UnitType]:
        query = models.Unit.all()
        if filter is not None:
            query = filter_units(query, filter)
        return await read_list(
            info, query.order_by("code"), UnitType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="Accounts (联络员), by username.", permission_classes=[IsAuthenticated]
    )
    async def accounts(
        self,
        info: Info,
        filter: Annotated[
            AccountFilter | None,
            strawberry.argument(description="Which accounts to list; all when not given."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AccountType]:
        query = models.Account.filter(scope_for(models.Account, info.context.viewer))
        if filter is not None:
            query = filter_accounts(query, filter)
        return await read_list(
            info, query.order_by("username"), AccountType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="涉党政机关执行案件; newest filing first unless ordered.",
        permission_classes=[IsAuthenticated],
    )
    async def enforcement_cases(
        self,
        info: Info,
        filter: Annotated[
            EnforcementCaseFilter | None,
            strawberry.argument(description="Which cases to list; all when not given."),
        ] = None,
        order_by: Annotated[
            EnforcementCaseOrder | None, strawberry.argument(description="How to sort the cases.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[EnforcementCaseType]:
        query = models.EnforcementCase.filter(
            scope_for(models.EnforcementCase, info.context.viewer)
        )
        if filter is not None:
            query = filter_enforcement_cases(
                query, filter, personal_data=sees_personal_data(info.context.viewer)
            )
        query = order_enforcement_cases(query, order_by)
        return await read_list(
            info, query, EnforcementCaseType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="破产案件; most recently accepted first.", permission_classes=[IsAuthenticated]
    )
    async def bankruptcy_cases(
        self,
        info: Info,
        filter: Annotated[
            BankruptcyCaseFilter | None,
            strawberry.argument(description="Which cases to list; all when not given."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[BankruptcyCaseType]:
        query = models.BankruptcyCase.filter(scope_for(models.BankruptcyCase, info.context.viewer))
        if filter is not None:
            query = filter_bankruptcy_cases(query, filter)
        return await read_list(
            info, query.order_by("-accepted_on", "-id"), BankruptcyCaseType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="联席会议; most recent first.", permission_classes=[IsAuthenticated]
    )
    async def joint_meetings(
        self,
        info: Info,
        filter: Annotated[
            JointMeetingFilter | None,
            strawberry.argument(description="Which meetings to list; all when not given."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[JointMeetingType]:
        query = models.JointMeeting.filter(scope_for(models.JointMeeting, info.context.viewer))
        if filter is not None:
            query = filter_joint_meetings(query, filter)
        return await read_list(
            info, query.order_by("-held_on", "-id"), JointMeetingType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="交办事项; soonest due first unless ordered.",
        permission_classes=[IsAuthenticated],
    )
    async def tasks(
        self,
        info: Info,
        filter: Annotated[
            TaskFilter | None,
            strawberry.argument(description="Which tasks to list; all when not given."),
        ] = None,
        order_by: Annotated[
            TaskOrder | None, strawberry.argument(description="How to sort the tasks.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[TaskType]:
        query = models.Task.filter(scope_for(models.Task, info.context.viewer))
        if filter is not None:
            query = await filter_tasks(
                query,
                filter,
                info.context.today,
                personal_data=sees_personal_data(info.context.viewer),
            )
        query = order_tasks(query, order_by)
        plan = plan_tasks(info, query)
        if plan is not None:
            # the page with its units and subjects in one statement, shaped directly
            planned = await plan.run(query, first=first, after=after, last=last, before=before)
            return cast(Connection[TaskType], planned)
        return await paginate(
            query, TaskType.from_model, first=first, after=after, last=last, before=before
        )

    @strawberry.field(
        description="Closure progress (闭环进度) of the tasks you may see, as of a moment: "
        "totals, rates, warnings, rankings by unit and region, a weekly trend.",
        permission_classes=[IsAuthenticated],
    )
    async def progress(
        self,
        info: Info,
        scope: Annotated[
            ProgressScope | None,
            strawberry.argument(description="What to count; everything as of now if not given."),
        ] = None,
    ) -> ProgressType:
        spec = (scope or ProgressScope()).to_scope()
        report = await compute_progress(
            spec, visible=progress_scope(info.context.viewer), limits=info.context.clock_limits
        )
        return ProgressType.from_report(report)

    @strawberry.field(
        description="Deliveries that failed every try (dead letters), newest first, each "
        "with its last error; send one again with resendDelivery. Administrators only.",
        permission_classes=[IsAdmin],
    )
    async def dead_deliveries(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[DeliveryType]:
        return await paginate(dead_deliveries(), DeliveryType.from_model, first=first, after=after)

    @strawberry.field(
        description="Candidates for 挂牌督办: open tasks overdue by at least 10 working days "
        "and not yet listed, most overdue first, as of today. The sweep raises overdue tasks "
        "to 重点 by itself but never lists one: a coordinator decides, with supervise and a "
        "comment. Coordinators and leaders only.",
        permission_classes=[IsCoordinatorOrLeader],
    )
    async def listing_candidates(self, info: Info) -> list[ListingCandidateType]:
        found = await listing_candidates(info.context.today)
        return [ListingCandidateType.from_candidate(candidate) for candidate in found]

    @strawberry.field(
        description="工作通报, newest first; coordinators and leaders only (others: none).",
        permission_classes=[IsAuthenticated],
    )
    async def briefings(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[BriefingType]:
        query = models.Briefing.filter(scope_for(models.Briefing, info.context.viewer))
        return await read_list(
            info, query.order_by("-generated_at", "-id"), BriefingType.from_model,
            first=first, after=after, last=last, before=before,
        )  # fmt: skip

    @strawberry.field(
        description="The official working-day calendar of a year (节假日安排): its days off, "
        "make-up working days and source; null when nobody has entered that year.",
        permission_classes=[IsAuthenticated],
    )
    async def official_calendar(
        self, year: Annotated[int, strawberry.argument(description="The year, e.g. 2027.")]
    ) -> OfficialCalendarType | None:
        row = await models.OfficialCalendar.filter(year=year).prefetch_related("entered_by").first()
        return OfficialCalendarType.from_model(row) if row is not None else None

    @strawberry.field(
        description="Every year of the official calendar that is entered, oldest first "
        "(without a gap: a year is entered after the one before it).",
        permission_classes=[IsAuthenticated],
    )
    async def official_calendars(self) -> list[OfficialCalendarType]:
        rows = await models.OfficialCalendar.all().order_by("year").prefetch_related("entered_by")
        return [OfficialCalendarType.from_model(row) for row in rows]

    @strawberry.field(
        description="The year of the official calendar that open tasks need and nobody has "
        "entered (this year, or from 1 November next year), with how many tasks wait on it; "
        "null when none is missing. Coordinators and administrators only (null for others).",
        permission_classes=[IsAuthenticated],
    )
    async def calendar_notice(self, info: Info) -> CalendarNoticeType | None:
        viewer = info.context.viewer
        if viewer is None or viewer.role not in NOTICE_ROLES:
            return None
        notice = await calendar_notice(local_today())
        return CalendarNoticeType.from_notice(notice) if notice is not None else None

    @strawberry.field(
        description="The workflow a kind of task follows: states, actions, diagram.",
        permission_classes=[IsAuthenticated],
    )
    def workflow(
        self,
        kind: Annotated[TaskKind, strawberry.argument(description="The kind of task.")],
    ) -> WorkflowType:
        return WorkflowType.from_definition(definition_for(kind.value))

    inbox: Inbox = strawberry.field(
        resolver=resolve_inbox,
        description="待办: what waits on you now, by section (待签收, 被驳回 … for a unit "
        "liaison; 待审核销号, 待审批延期, 已超期 for the office), within what you may see.",
        permission_classes=[IsAuthenticated],
    )
