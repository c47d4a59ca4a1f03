"""Tasks (交办事项) with their history, progress, warning and available actions."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Self, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from schema.context import Info
from schema.relay import (
    MAX_PAGE_SIZE,
    After,
    Connection,
    Count,
    Edge,
    PageInfo,
    encode_cursor,
    paginate,
)
from schema.types.base import ModelNode, fk, fk_or_none, local_time
from schema.types.cases import BankruptcyCaseType, EnforcementCaseType
from schema.types.files import AttachmentType, load_attachments
from schema.types.imports import ImportBatchType, load_import_batch
from schema.types.meetings import JointMeetingType
from schema.types.units import AccountType, UnitType, load_account, load_unit
from store import models
from store.enums import FINISHED_STATES, MatterType, SupervisionLevel, TaskKind, TaskState
from store.operations.transitions import ASSIGNING_ACTIONS
from store.snapshots import enforcement_facts, task_snapshot
from workflow.calendar import default_calendar
from workflow.clocks import PAUSED_STATES, accepted_late
from workflow.definition import Definition, SideAction, Transition
from workflow.engine import (
    INPUT_NAMES,
    LISTING_INPUT,
    Actor,
    EnforcementFacts,
    TaskSnapshot,
    available_actions,
    unavailable_actions,
)
from workflow.errors import CalendarUnavailable
from workflow.progress import progress as task_progress
from workflow.registry import definition_for, get_definition
from workflow.warnings import Judgement, is_overdue, judge_warning


@strawberry.enum(name="TaskWarning", description="三色预警: how close a task is to being late.")
class TaskWarning(Enum):
    NONE = strawberry.enum_value("NONE", description="No warning.")
    BLUE = strawberry.enum_value("BLUE", description="蓝: due within 3 working days.")
    YELLOW = strawberry.enum_value(
        "YELLOW",
        description="黄: behind schedule — over two thirds of the allotted time gone, not started.",
    )
    RED = strawberry.enum_value("RED", description="红: overdue and not closed.")
    UNKNOWN = strawberry.enum_value(
        "UNKNOWN",
        description="无法判定: the colour depends on a year whose official holidays are not "
        "entered yet (Task.warningUnknownReason names it); every other task keeps its colour.",
    )


def definition_of(row: models.Task) -> Definition:
    """The definition the task runs on: the version it started on, or was moved to."""
    return get_definition(row.workflow_key, row.workflow_version)


def judgement_of(row: models.Task, today: dt.date) -> Judgement:
    """The engine's judgement of the task's warning: a colour, or the missing years."""
    return judge_warning(
        row.state.value,
        row.assigned_on,
        row.due_on,
        today,
        default_calendar(),
        definition=definition_of(row),
    )


def warning_of(row: models.Task, today: dt.date) -> TaskWarning:
    """The engine's colour of the task; UNKNOWN where it depends on a missing year."""
    colour = judgement_of(row, today).colour
    return TaskWarning.UNKNOWN if colour is None else TaskWarning[colour.value]


@strawberry.type(name="TaskProgress", description="How far a task has come towards 销号.")
class TaskProgress:
    percent: int = strawberry.field(description="0 at the start, 100 when closed.")
    steps_remaining: int | None = strawberry.field(
        description="Workflow steps still needed to close; null when it can no longer close."
    )


@strawberry.type(name="AvailableAction", description="An action the viewer can take on a task now.")
class AvailableAction:
    action: str = strawberry.field(description="Pass as `action` to transitionTask.")
    label: str = strawberry.field(description="The action's Chinese name, for the button.")
    requires: list[str] = strawberry.field(
        description="Inputs the action needs: comment, evidence, dueOn."
    )


@strawberry.type(
    name="UnavailableAction",
    description="An action the viewer's role could take from the task's state, but a "
    "condition refuses now: shown disabled, with the reason.",
)
class UnavailableAction:
    action: str = strawberry.field(description="The action, as transitionTask spells it.")
    label: str = strawberry.field(description="The action's Chinese name, for the button.")
    reason: str = strawberry.field(
        description="Why not now, in the request's language (Accept-Language): the message "
        "transitionTask would refuse it with, e.g. 「销号」需要法院确认履行情况：…"
    )


Subject = Annotated[
    EnforcementCaseType | BankruptcyCaseType | JointMeetingType,
    strawberry.union("TaskSubject", description="What a task belongs to."),
]

_INPUT_NAMES = INPUT_NAMES


def _requires(step: Transition | SideAction, snapshot: TaskSnapshot) -> list[str]:
    """The API names of the inputs ``step`` needs on ``snapshot`` now: a supervise asks
    for a comment only when it would list the task 挂牌 (from 重点)."""
    names = set()
    for name in step.requires:
        if name == LISTING_INPUT and snapshot.supervision_level != SupervisionLevel.KEY.value:
            continue
        names.add(_INPUT_NAMES[name])
    return sorted(names)


@strawberry.type(name="TaskEvent", description="流转记录: one line of a task's history.")
class TaskEventType(ModelNode):
    model = models.TaskEvent
    row: strawberry.Private[models.TaskEvent]
    id: relay.NodeID[int]
    seq: int = strawberry.field(description="1, 2, 3 … within the task.")
    action: str = strawberry.field(description="What was done, e.g. accept, approve_closure.")
    from_state: TaskState | None = strawberry.field(description="State before.")
    to_state: TaskState | None = strawberry.field(description="State after.")
    comment: str = strawberry.field(description="What the actor wrote.")
    payload: JSON = strawberry.field(
        description="Details of the action: evidence, old and new due date, levels …"
    )

    @classmethod
    def from_model(cls, row: models.TaskEvent) -> Self:
        return cls(
            row=row,
            id=row.id,
            seq=row.seq,
            action=row.action,
            from_state=row.from_state,
            to_state=row.to_state,
            comment=row.comment,
            payload=cast(JSON, row.payload),
        )

    @strawberry.field(description="The evidence files given with this action (evidenceFileIds).")
    async def attachments(self, info: Info) -> list[AttachmentType]:
        return await load_attachments(info.context.loaders.attachments_by_event_id, self.row.id)

    @strawberry.field(description="When it happened, in Beijing time.")
    def occurred_at(self) -> dt.datetime:
        moment = local_time(self.row.occurred_at)
        assert moment is not None
        return moment

    @strawberry.field(description="The action's Chinese name.")
    async def action_label(self, info: Info) -> str:
        task = await info.context.loaders.task_by_id.load(fk(self.row, "task"))
        return action_label(task, self.row.action)

    @strawberry.field(description="Who did it; null for the system (the overdue sweep).")
    async def actor(self, info: Info) -> AccountType | None:
        return await load_account(info, fk_or_none(self.row, "actor"))

    @strawberry.field(description="The unit of who did it.")
    async def actor_unit(self, info: Info) -> UnitType | None:
        unit_id = fk_or_none(self.row, "actor_unit")
        return await load_unit(info, unit_id) if unit_id is not None else None

    @strawberry.field(description="The task the event belongs to.")
    async def task(self, info: Info) -> TaskType:
        task = await info.context.loaders.task_by_id.load(fk(self.row, "task"))
        assert task is not None
        return TaskType.from_model(task)


def newest_events(
    rows: list[models.TaskEvent], first: int, count: Count, *, any_events: bool
) -> Connection[TaskEventType]:
    """The newest ``first`` events of a task from ``rows``, its newest ``first + 1`` (one
    more says whether more follow; ``any_events`` says it for a page of 0)."""
    edges = [
        Edge(cursor=encode_cursor(index), node=TaskEventType.from_model(row))
        for index, row in enumerate(rows[:first])
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first if first else any_events,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


def action_label(task: models.Task | None, action: str) -> str:
    """The Chinese name of ``action`` in the workflow of ``task``."""
    definition = definition_of(task) if task else definition_for("OTHER")
    return _action_label(definition, action)


def _action_label(definition: Definition, action: str) -> str:
    labels = {"create": "创建", "migrate_workflow": "流程升级"}
    for transition in definition.transitions:
        labels.setdefault(transition.action, transition.label_zh)
    for side in definition.side_actions.values():
        labels.setdefault(side.action, side.label_zh)
    return labels.get(action, action)


#: The foreign keys of a task's subject: at most one is set.
SUBJECT_FIELDS = ("enforcement_case", "bankruptcy_case", "meeting")


@strawberry.type(name="Task", description="交办事项: a piece of work moved from 交办 to 销号.")
class TaskType(ModelNode):
    model = models.Task
    row: strawberry.Private[models.Task]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Task code, e.g. FY-2023-0001.")
    title: str = strawberry.field(description="What must be done.")
    description: str = strawberry.field(description="Details of what must be done.")
    kind: TaskKind = strawberry.field(description="Kind of task.")
    state: TaskState = strawberry.field(description="Where the task is in its workflow.")
    version: int = strawberry.field(
        description="Changes with every write: send it back as expectedVersion."
    )
    assigned_on: dt.date | None = strawberry.field(description="交办日期.")
    due_on: dt.date | None = strawberry.field(description="办结时限: the day the task is due.")
    supervision_level: SupervisionLevel = strawberry.field(description="督办等级.")
    matter_type: MatterType | None = strawberry.field(
        description="Type of a bankruptcy coordination matter."
    )

    @classmethod
    def from_model(cls, row: models.Task) -> Self:
        return cls(
            row=row,
            id=row.id,
            code=row.code,
            title=row.title,
            description=row.description,
            kind=row.kind,
            state=row.state,
            version=row.version,
            assigned_on=row.assigned_on,
            due_on=row.due_on,
            supervision_level=row.supervision_level,
            matter_type=row.matter_type,
        )

    @strawberry.field(
        description="The evidence files of every action in its history, oldest first."
    )
    async def attachments(self, info: Info) -> list[AttachmentType]:
        return await load_attachments(info.context.loaders.attachments_by_task_id, self.row.id)

    @strawberry.field(description="责任单位: the unit that must do the work.")
    async def responsible_unit(self, info: Info) -> UnitType:
        return await load_unit(info, fk(self.row, "responsible_unit"))

    @strawberry.field(description="配合单位: units that help.")
    async def assisting_units(self, info: Info) -> list[UnitType]:
        units = await info.context.loaders.assisting_units_by_task_id.load(self.row.id)
        return [UnitType.from_model(unit) for unit in units]

    @strawberry.field(description="The case or meeting the task belongs to; null for other tasks.")
    async def subject(self, info: Info) -> Subject | None:
        row = self.row
        if all(fk_or_none(row, name) is None for name in SUBJECT_FIELDS):
            return None
        # one statement for the page's subjects, whatever their kinds
        subject = await info.context.loaders.subject_by_task_id.load(row.id)
        if subject.enforcement is not None:
            return EnforcementCaseType.from_model(subject.enforcement)
        if subject.bankruptcy is not None:
            return BankruptcyCaseType.from_model(subject.bankruptcy)
        if subject.meeting is not None:
            return JointMeetingType.from_model(subject.meeting)
        return None

    @strawberry.field(
        description="The ledger import (清单式交办) that created it; null when registered "
        "one at a time."
    )
    async def import_batch(self, info: Info) -> ImportBatchType | None:
        return await load_import_batch(info, self.row)

    @strawberry.field(description="三色预警 as of today (Beijing time).")
    def warning(self, info: Info) -> TaskWarning:
        return warning_of(self.row, info.context.today)

    @strawberry.field(
        description="Why `warning` is UNKNOWN: the years whose official holidays are not "
        "entered yet, e.g. 2027年节假日安排尚未录入; null when the warning is known."
    )
    def warning_unknown_reason(self, info: Info) -> str | None:
        return judgement_of(self.row, info.context.today).reason

    @strawberry.field(description="Whether the task is past its due date and not closed.")
    def overdue(self, info: Info) -> bool:
        row = self.row
        return is_overdue(
            row.state.value, row.due_on, info.context.today, definition=definition_of(row)
        )

    @strawberry.field(
        description="未按时签收: still ASSIGNED, neither accepted nor returned, more than the "
        "签收时限 (FUYUAN_ACCEPT_WITHIN_WORKING_DAYS, default 2) working days after its "
        "assignment, as of today; null when a day involved has no official calendar."
    )
    def accepted_late(self, info: Info) -> bool | None:
        row = self.row
        if row.state is not TaskState.ASSIGNED or row.assigned_on is None:
            return False
        try:
            return accepted_late(
                row.assigned_on, info.context.today, default_calendar(), info.context.clock_limits
            )
        except CalendarUnavailable:
            return None

    @strawberry.field(
        description="Whether the task's clock is stopped: 已中止 (SUSPENDED), or 申请销号 "
        "(CLOSURE_REQUESTED, waiting on the office). A paused task has no warning colour and "
        "is not swept; resuming it, or rejecting the request, moves the due date later by "
        "the working days it was paused."
    )
    def paused(self) -> bool:
        return self.row.state.value in PAUSED_STATES

    @strawberry.field(description="How far the task has come towards 销号.")
    def progress(self) -> TaskProgress:
        result = task_progress(definition_of(self.row), self.row.state.value)
        return TaskProgress(percent=result.percent, steps_remaining=result.steps_remaining)

    @strawberry.field(
        description="What the signed-in viewer can do to the task now (empty when signed out)."
    )
    async def available_actions(self, info: Info) -> list[AvailableAction]:
        viewer = info.context.viewer
        if viewer is None or not viewer.is_active:
            return []
        actor = Actor(account_id=viewer.id, role=viewer.role.value, unit_id=fk(viewer, "unit"))
        definition = definition_of(self.row)
        snapshot = await self.snapshot(info)
        steps = available_actions(definition, snapshot, actor)
        if any(step.action in ASSIGNING_ACTIONS for step in steps):
            # a deactivated unit is assigned no task: the button would only be refused
            unit = await info.context.loaders.unit_by_id.load(fk(self.row, "responsible_unit"))
            if unit is not None and not unit.is_active:
                steps = [step for step in steps if step.action not in ASSIGNING_ACTIONS]
        return [
            AvailableAction(
                action=step.action,
                label=step.label_zh,
                requires=_requires(step, snapshot),
            )
            for step in steps
        ]

    @strawberry.field(
        description="What the viewer's role could do from the task's state but a condition "
        "refuses now (申请销号 before full performance, 销号 before the court's "
        "confirmation …), each with the reason; empty when signed out. availableActions "
        "lists what the viewer can do now."
    )
    async def unavailable_actions(self, info: Info) -> list[UnavailableAction]:
        viewer = info.context.viewer
        if viewer is None or not viewer.is_active:
            return []
        actor = Actor(account_id=viewer.id, role=viewer.role.value, unit_id=fk(viewer, "unit"))
        snapshot = await self.snapshot(info)
        refused = unavailable_actions(definition_of(self.row), snapshot, actor)
        return [
            UnavailableAction(action=step.action, label=step.label_zh, reason=str(error))
            for step, error in refused
        ]

    async def snapshot(self, info: Info) -> TaskSnapshot:
        """The task as the engine sees it, loaded through the request's loaders."""
        loaders = info.context.loaders
        row = self.row
        dependencies = await loaders.dependencies_by_task_id.load(row.id)
        open_codes = tuple(d.code for d in dependencies if d.state not in FINISHED_STATES)
        pending: dt.date | None = None
        viewer = info.context.viewer
        if viewer is not None and viewer.role.value == "COORDINATOR":
            # only the office answers a request for extension (refuse_extension's guard);
            # read before the subject, so every task of a page asks in the same batch
            pending = await loaders.pending_extension_by_task_id.load(row.id)
        court_id: int | None = None
        facts: EnforcementFacts | None = None
        if fk_or_none(row, "enforcement_case") is not None:
            # the page's subjects in one statement, with the amount performed and the
            # respondent (primed into their loaders by subject_by_task_id)
            case = (await loaders.subject_by_task_id.load(row.id)).enforcement
            if case is not None:  # None for an assisting unit: the case is not theirs
                court_id = fk(case, "court")
                performed = await loaders.amount_performed_by_case_id.load(case.id)
                respondent = await loaders.unit_by_id.load(fk(case, "respondent"))
                kind = respondent.kind.value if respondent is not None else None
                facts = enforcement_facts(case, performed, kind)
        elif fk_or_none(row, "bankruptcy_case") is not None:
            # A matter's court is its bankruptcy case's: the court liaison's reject_closure
            # (the COURT role, FACT_COURT of facts_needed) depends on it, as in a transition.
            # The loader is the viewer's: a case hidden from them is never their court's.
            bankruptcy = (await loaders.subject_by_task_id.load(row.id)).bankruptcy
            court_id = fk(bankruptcy, "court") if bankruptcy is not None else None
        return task_snapshot(
            row,
            court_unit_id=court_id,
            open_dependencies=open_codes,
            enforcement=facts,
            pending_extension_due_on=pending,
        )

    @strawberry.field(
        description="催办: how many reminders the office has sent on the task (its urge events)."
    )
    async def urge_count(self, info: Info) -> int:
        return await info.context.loaders.urge_count_by_task_id.load(self.row.id)

    @strawberry.field(
        description="The due date the responsible unit asked for in a request for extension "
        "(申请延期) nobody has answered yet; null when none is pending. 延期 (extend) grants "
        "it, 不予延期 (refuse_extension) refuses it."
    )
    async def pending_extension_due_on(self, info: Info) -> dt.date | None:
        return await info.context.loaders.pending_extension_by_task_id.load(self.row.id)

    @strawberry.field(description="The history of the task, newest first.")
    async def events(
        self,
        info: Info,
        first: Annotated[
            int | None,
            strawberry.argument(description="Return the newest N events (at most 100)."),
        ] = 20,
        after: After = None,
    ) -> Connection[TaskEventType]:
        loaders = info.context.loaders
        if after is None and first is not None and 0 <= first <= MAX_PAGE_SIZE:
            # One row more than the page says whether more follow; the count is
            # read (batched for the whole page of tasks) only if totalCount is selected.
            rows = (
                await loaders.latest_events_by_task_and_count.load((self.row.id, first + 1))
                if first
                else []
            )
            task_id = self.row.id

            async def count() -> int:
                return await loaders.event_count_by_task_id.load(task_id)

            return newest_events(rows, first, count, any_events=first > 0 or await count() > 0)
        query = models.TaskEvent.filter(task_id=self.row.id).order_by("-seq")
        return await paginate(query, TaskEventType.from_model, first=first, after=after)

    @strawberry.field(description="Tasks this one waits for (must close before it can start).")
    async def depends_on(self, info: Info) -> list[TaskType]:
        rows = await info.context.loaders.dependencies_by_task_id.load(self.row.id)
        return [TaskType.from_model(row) for row in rows]

    @strawberry.field(description="Dependencies that are still open: what keeps this task waiting.")
    async def blocked_by(self, info: Info) -> list[TaskType]:
        rows = await info.context.loaders.dependencies_by_task_id.load(self.row.id)
        return [TaskType.from_model(row) for row in rows if row.state not in FINISHED_STATES]

    @strawberry.field(description="When the task was created, in Beijing time.")
    def created_at(self) -> dt.datetime:
        created = local_time(self.row.created_at)
        assert created is not None
        return created

    @strawberry.field(description="When the task was closed (销号), in Beijing time.")
    def closed_at(self) -> dt.datetime | None:
        return local_time(self.row.closed_at)
