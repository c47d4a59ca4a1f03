"""The records of DESIGN.md §2 as tortoise models.

Conventions kept by every model here:

* money is integer fen (``*_fen``, BigInt, never negative);
* datetimes are UTC (tortoise ``use_tz``), dates are calendar dates;
* foreign keys that history depends on are ``RESTRICT``: a unit, account or
  task that has records pointing at it cannot be deleted from under them;
* ``TaskEvent`` rows are append-only; the migrations add triggers that refuse
  UPDATE and DELETE on them;
* CHECK rules (amounts never negative, a task's subject matching its kind …)
  live in migration 0002: tortoise does not emit ``Meta.constraints`` when it
  creates a table, so they are declared there once, as CHECK constraints on
  PostgreSQL and as triggers on SQLite (which cannot add a CHECK to a table).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise import fields
from tortoise.expressions import RawSQL
from tortoise.indexes import Index
from tortoise.models import Model
from tortoise.validators import MinValueValidator

from store.enums import (
    FINISHED_STATES,
    BankruptcyProcedure,
    BriefingStatus,
    CalendarOrigin,
    CaseSource,
    ClosureMethod,
    DeliveryState,
    MatterType,
    MeetingLevel,
    NotificationChannel,
    NotificationKind,
    NotificationMode,
    PartyKind,
    PaymentMethod,
    Role,
    SupervisionLevel,
    TaskKind,
    TaskState,
    UnitChangeAction,
    UnitKind,
)

NON_NEGATIVE = MinValueValidator(0)


class Unit(Model):
    """单位: a court, organ, department, district government or the office."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True, description="stable code, e.g. KF-RSJ")
    name = fields.CharField(max_length=100, unique=True)
    kind = fields.CharEnumField(UnitKind, max_length=20)
    region = fields.CharField(max_length=20, null=True, db_index=True, description="县区")
    parent: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    court_code = fields.CharField(
        max_length=16, unique=True, null=True, description="法院代字, e.g. 豫0202"
    )
    is_active = fields.BooleanField(
        default=True,
        db_default=True,  # the units that exist when the column is added are active
        description="False once deactivated: it keeps its history, takes no new task",
    )
    deactivated_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "unit"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class UnitChange(Model):
    """An administrator's creation, change or deactivation of a unit, with who did it.

    Append-only, like ``task_event``: ``changes`` maps each field changed to its
    value before and after (``{"name": ["旧名", "新名"]}``; before is null on
    creation). ``changed_by`` is null for the command line.
    """

    id = fields.BigIntField(primary_key=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="changes", on_delete=fields.RESTRICT
    )
    action = fields.CharEnumField(UnitChangeAction, max_length=12)
    changes: dict[str, list[Any]] = fields.JSONField(default=dict)
    changed_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="unit_changes", null=True, on_delete=fields.RESTRICT
    )
    changed_at = fields.DatetimeField()

    class Meta:
        table = "unit_change"
        ordering = ["unit_id", "id"]
        indexes = (Index(fields=("unit_id", "id")),)


class Account(Model):
    """联络员 or other user of the platform."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=64)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="accounts", db_index=True, on_delete=fields.RESTRICT
    )
    role = fields.CharEnumField(Role, max_length=20)
    phone = fields.CharField(max_length=20, null=True, description="personal data")
    email = fields.CharField(max_length=254, null=True, description="personal data")
    notify_channels: list[str] = fields.JSONField(
        default=list,
        db_default="[]",
        description="the channels it is reminded on: EMAIL, WEBHOOK (SMS)",
    )
    notify_mode = fields.CharEnumField(
        NotificationMode,
        max_length=10,
        default=NotificationMode.IMMEDIATE,
        db_default=NotificationMode.IMMEDIATE.value,
        description="each reminder at once, or one daily digest",
    )
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True)
    token_generation = fields.IntField(
        default=0, description="bumped on deactivation or password reset to revoke tokens"
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "account"
        ordering = ["id"]


class EnforcementCase(Model):
    """涉党政机关执行案件: a judgment an organ must perform."""

    id = fields.IntField(primary_key=True)
    case_number = fields.CharField(max_length=64, unique=True, description="案号")
    court: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit",
        related_name="enforcement_cases_as_court",
        db_index=True,
        on_delete=fields.RESTRICT,
    )
    applicant_name = fields.CharField(max_length=100, description="申请执行人")
    applicant_kind = fields.CharEnumField(PartyKind, max_length=12)
    respondent: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit",
        related_name="enforcement_cases_as_respondent",
        db_index=True,
        on_delete=fields.RESTRICT,
    )
    basis = fields.CharField(max_length=64, description="执行依据: case number of the judgment")
    cause = fields.CharField(max_length=100, description="案由")
    amount_due_fen = fields.BigIntField(validators=[NON_NEGATIVE], description="执行标的 (分)")
    filed_on = fields.DateField(description="立案日期")
    source = fields.CharEnumField(CaseSource, max_length=20)
    batch = fields.CharField(max_length=64, null=True, db_index=True, description="交办批次")
    closure_method = fields.CharEnumField(
        ClosureMethod, max_length=24, null=True, description="结案方式: asked for, then final"
    )
    closure_grounds = fields.TextField(null=True, description="grounds of a settlement/termination")
    settlement_amount_fen = fields.BigIntField(
        null=True, description="执行和解: the amount the settlement requires (分)"
    )
    closure_ruling_number = fields.CharField(
        max_length=64, null=True, description="案号 of the court's ruling (终结执行, 不予执行)"
    )
    closure_confirmed_method = fields.CharEnumField(
        ClosureMethod, max_length=24, null=True, description="the 结案方式 the court confirmed"
    )
    performance_confirmed_at = fields.DatetimeField(null=True, description="法院确认履行")
    closed_on = fields.DateField(null=True)
    created_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account",
        related_name="created_enforcement_cases",
        null=True,
        on_delete=fields.RESTRICT,
        description="who registered it (null for the command line and demo data)",
    )
    import_batch: fields.ForeignKeyNullableRelation[ImportBatch] = fields.ForeignKeyField(
        "models.ImportBatch",
        related_name="enforcement_cases",
        null=True,
        on_delete=fields.RESTRICT,
        description="the ledger import (清单式交办) that created it, null otherwise",
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "enforcement_case"
        ordering = ["id"]
        indexes = (Index(fields=("filed_on",)), Index(fields=("source", "batch")))


class PerformanceRecord(Model):
    """履行记录: one payment or delivery towards an enforcement case."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[EnforcementCase] = fields.ForeignKeyField(
        "models.EnforcementCase",
        related_name="performance_records",
        db_index=True,
        on_delete=fields.RESTRICT,
    )
    paid_on = fields.DateField()
    # 分: positive for a payment, the negative of it for its reversal (冲正);
    # migration 0009's rule ck_performance_amount ties the sign to ``reverses``.
    amount_fen = fields.BigIntField()
    method = fields.CharEnumField(PaymentMethod, max_length=20)
    note = fields.TextField(default="")
    reverses: fields.ForeignKeyNullableRelation[PerformanceRecord] = fields.ForeignKeyField(
        "models.PerformanceRecord",
        related_name="reversals",
        null=True,
        unique=True,
        on_delete=fields.RESTRICT,
        description="冲正: the record this entry reverses (each at most once)",
    )
    reason = fields.TextField(
        default="",
        db_default="",  # the records that exist when the column is added have none
        description="why: an excess payment confirmed, or a reversal",
    )
    recorded_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="performance_records", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "performance_record"
        ordering = ["paid_on", "id"]


class BankruptcyCase(Model):
    """破产案件 with the enterprise it concerns."""

    id = fields.IntField(primary_key=True)
    case_number = fields.CharField(max_length=64, unique=True, description="案号")
    debtor_name = fields.CharField(max_length=200)
    debtor_uscc = fields.CharField(max_length=18, db_index=True, description="统一社会信用代码")
    court: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="bankruptcy_cases", db_index=True, on_delete=fields.RESTRICT
    )
    administrator = fields.CharField(max_length=200, description="管理人")
    procedure = fields.CharEnumField(BankruptcyProcedure, max_length=20)
    accepted_on = fields.DateField(description="受理日期")
    employees_affected = fields.IntField(default=0, validators=[NON_NEGATIVE])
    claims_total_fen = fields.BigIntField(default=0, validators=[NON_NEGATIVE])
    assets_total_fen = fields.BigIntField(default=0, validators=[NON_NEGATIVE])
    created_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account",
        related_name="created_bankruptcy_cases",
        null=True,
        on_delete=fields.RESTRICT,
        description="who registered it (null for the command line and demo data)",
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "bankruptcy_case"
        ordering = ["id"]


class JointMeeting(Model):
    """联席会议: a numbered meeting of the mechanism at some level."""

    id = fields.IntField(primary_key=True)
    level = fields.CharEnumField(MeetingLevel, max_length=10)
    number = fields.IntField(validators=[MinValueValidator(1)], description="第N次")
    title = fields.CharField(max_length=200)
    held_on = fields.DateField()
    convener: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="convened_meetings", db_index=True, on_delete=fields.RESTRICT
    )
    attending_units: fields.ManyToManyRelation[Unit] = fields.ManyToManyField(
        "models.Unit", related_name="attended_meetings", through="joint_meeting_unit"
    )
    minutes_number = fields.CharField(max_length=64, null=True, unique=True, description="纪要号")
    created_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account",
        related_name="created_meetings",
        null=True,
        on_delete=fields.RESTRICT,
        description="who registered it (null for the command line and demo data)",
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "joint_meeting"
        ordering = ["held_on", "id"]
        unique_together = (("level", "convener", "number"),)


class AgendaItem(Model):
    """议题 of a joint meeting, which may name the cases it discusses."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[JointMeeting] = fields.ForeignKeyField(
        "models.JointMeeting", related_name="agenda_items", on_delete=fields.RESTRICT
    )
    seq = fields.IntField()
    title = fields.CharField(max_length=300)
    enforcement_case: fields.ForeignKeyNullableRelation[EnforcementCase] = fields.ForeignKeyField(
        "models.EnforcementCase", related_name="agenda_items", null=True, on_delete=fields.RESTRICT
    )
    bankruptcy_case: fields.ForeignKeyNullableRelation[BankruptcyCase] = fields.ForeignKeyField(
        "models.BankruptcyCase", related_name="agenda_items", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "agenda_item"
        ordering = ["meeting_id", "seq"]
        unique_together = (("meeting", "seq"),)


def open_first_sql(table: str | None = None) -> str:
    """``1`` for a finished task (已销号, 已撤销), else ``0``: the first key of the
    default order of task lists, open work first (``schema.filters.tasks.order_tasks``)
    and of the index that serves it (``idx_task_open_first``, migration 0015)."""
    column = f'"{table}"."state"' if table else '"state"'
    names = ", ".join(f"'{state.value}'" for state in sorted(FINISHED_STATES, key=str))
    return f"CASE WHEN {column} IN ({names}) THEN 1 ELSE 0 END"


class Task(Model):
    """交办事项: the unit of work the workflow moves from 交办 to 销号.

    The subject is the enforcement case, bankruptcy case or meeting the task
    belongs to (exactly one for the first three kinds; OTHER may have none).
    """

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True, description="FY-2023-0001")
    kind = fields.CharEnumField(TaskKind, max_length=20)
    title = fields.CharField(max_length=300)
    description = fields.TextField(default="")
    enforcement_case: fields.ForeignKeyNullableRelation[EnforcementCase] = fields.ForeignKeyField(
        "models.EnforcementCase",
        related_name="tasks",
        db_index=True,
        null=True,
        on_delete=fields.RESTRICT,
    )
    bankruptcy_case: fields.ForeignKeyNullableRelation[BankruptcyCase] = fields.ForeignKeyField(
        "models.BankruptcyCase",
        related_name="matters",
        db_index=True,
        null=True,
        on_delete=fields.RESTRICT,
    )
    meeting: fields.ForeignKeyNullableRelation[JointMeeting] = fields.ForeignKeyField(
        "models.JointMeeting",
        related_name="decisions",
        db_index=True,
        null=True,
        on_delete=fields.RESTRICT,
    )
    matter_type = fields.CharEnumField(MatterType, max_length=24, null=True)
    responsible_unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="responsible_tasks", on_delete=fields.RESTRICT
    )
    assisting_units: fields.ManyToManyRelation[Unit] = fields.ManyToManyField(
        "models.Unit", related_name="assisting_tasks", through="task_assisting_unit"
    )
    assigned_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="assigned_tasks", null=True, on_delete=fields.RESTRICT
    )
    assigned_on = fields.DateField(null=True, description="交办日期")
    due_on = fields.DateField(null=True, description="办结时限")
    state = fields.CharEnumField(TaskState, max_length=20, default=TaskState.DRAFT)
    version = fields.IntField(default=1)
    supervision_level = fields.CharEnumField(
        SupervisionLevel, max_length=10, default=SupervisionLevel.NORMAL
    )
    workflow_key = fields.CharField(max_length=32, default="default")
    workflow_version = fields.IntField(default=1)
    closed_at = fields.DatetimeField(null=True)
    import_batch: fields.ForeignKeyNullableRelation[ImportBatch] = fields.ForeignKeyField(
        "models.ImportBatch",
        related_name="tasks",
        null=True,
        on_delete=fields.RESTRICT,
        description="the ledger import (清单式交办) that created it, null otherwise",
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "task"
        ordering = ["id"]
        indexes = (
            Index(fields=("state", "due_on")),
            Index(fields=("responsible_unit_id", "state")),
            Index(fields=("kind", "state")),
            Index(fields=("due_on",)),
            # The default order of task lists, open work first (schema.filters.tasks.
            # order_tasks sorts by the same expression; migration 0015).
            Index(
                RawSQL(open_first_sql()),
                RawSQL('"due_on"'),
                RawSQL('"id"'),
                name="idx_task_open_first",
            ),
        )


class TaskDependency(Model):
    """``task`` cannot start until ``depends_on`` is closed."""

    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="dependency_links", on_delete=fields.RESTRICT
    )
    depends_on: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="dependent_links", db_index=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "task_dependency"
        unique_together = (("task", "depends_on"),)


class TaskEvent(Model):
    """流转记录: one append-only line of the history of a task."""

    id = fields.BigIntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="events", on_delete=fields.RESTRICT
    )
    seq = fields.IntField(description="1, 2, 3 … within the task, without gaps")
    action = fields.CharField(max_length=32)
    from_state = fields.CharEnumField(TaskState, max_length=20, null=True)
    to_state = fields.CharEnumField(TaskState, max_length=20, null=True)
    actor: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    actor_unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    occurred_at = fields.DatetimeField()
    occurred_on = fields.DateField(
        null=True, description="the Asia/Shanghai date of occurred_at (reports/progress.py)"
    )
    due_on = fields.DateField(
        null=True, description="the task's 办结时限 after this event (reports/progress.py)"
    )
    comment = fields.TextField(default="")
    payload: dict[str, Any] = fields.JSONField(default=dict)
    idempotency_key = fields.CharField(max_length=128, null=True, unique=True)

    class Meta:
        table = "task_event"
        ordering = ["task_id", "seq"]
        unique_together = (("task", "seq"),)
        indexes = (
            Index(fields=("occurred_at",)),
            Index(fields=("action", "occurred_at")),
            Index(fields=("task_id", "occurred_at")),
        )


OPEN_END = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
"""``TaskStateInterval.valid_to`` of a task's current interval: the far future,
so that "in force at T" is ``valid_from <= T < valid_to`` with no NULL case."""


class TaskStateInterval(Model):
    """One span of a task's history: what held from one event until the next change.

    Derived from ``task_event`` by the database itself: a trigger on every
    insert into ``task_event`` (migrations 0006, 0011) closes the task's current
    interval at the event's moment and opens the next one, when the event
    changes the state, the due date, the assignment, closure request or
    closing date, or the responsible unit. The application never writes these rows; they let
    ``reports.progress`` read every task "as of T" as one row each
    (``valid_from <= T < valid_to``) instead of replaying the event log.
    """

    id = fields.BigIntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="state_intervals", on_delete=fields.RESTRICT
    )
    seq = fields.IntField(description="the event that opened the interval")
    valid_from = fields.DatetimeField(description="that event's moment")
    valid_to = fields.DatetimeField(description="the next change's moment, or OPEN_END")
    unit_id = fields.IntField(description="the responsible unit (task.responsible_unit_id)")
    kind = fields.CharEnumField(TaskKind, max_length=20)
    case_id = fields.IntField(null=True, description="task.enforcement_case_id")
    state = fields.CharEnumField(TaskState, max_length=20)
    due_on = fields.DateField(null=True, description="办结时限 in force")
    created_on = fields.DateField(description="the Asia/Shanghai date of the first event")
    assigned_on = fields.DateField(null=True, description="date of the latest assign event")
    closed_on = fields.DateField(null=True, description="date of the latest move into CLOSED")
    requested_on = fields.DateField(
        null=True, description="date of the latest request_closure event"
    )

    class Meta:
        table = "task_state_interval"
        ordering = ["task_id", "seq"]
        unique_together = (("task", "seq"),)
        indexes = (
            # Covers every statement of reports.progress: the intervals in force
            # at T are a range of it, read without touching the table.
            Index(
                fields=(
                    "valid_to",
                    "valid_from",
                    "unit_id",
                    "state",
                    "kind",
                    "due_on",
                    "created_on",
                    "assigned_on",
                    "closed_on",
                    "case_id",
                    "requested_on",
                    "task_id",
                )
            ),
            # The closed tasks as of T (handling time, tasks closed per day).
            Index(
                fields=(
                    "state",
                    "closed_on",
                    "valid_to",
                    "valid_from",
                    "assigned_on",
                    "created_on",
                    "unit_id",
                    "kind",
                    "requested_on",
                    "task_id",
                )
            ),
            # The tasks created within a period as of T (the trend, a month's briefing).
            Index(fields=("created_on", "valid_to", "valid_from", "unit_id", "kind", "task_id")),
        )


class Briefing(Model):
    """工作通报: a numbered coordination briefing for a period."""

    id = fields.IntField(primary_key=True)
    year = fields.IntField()
    serial = fields.IntField(null=True, description="第N期, given when issued")
    title = fields.CharField(max_length=200)
    period_start = fields.DateField()
    period_end = fields.DateField()
    as_of = fields.DatetimeField()
    status = fields.CharEnumField(BriefingStatus, max_length=10, default=BriefingStatus.DRAFT)
    generated_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="generated_briefings", null=True, on_delete=fields.RESTRICT
    )
    generated_at = fields.DatetimeField(auto_now_add=True)
    issued_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="issued_briefings", null=True, on_delete=fields.RESTRICT
    )
    issued_at = fields.DatetimeField(null=True)
    statistics: dict[str, Any] = fields.JSONField(default=dict)
    next_steps = fields.TextField(default="", description="下一步工作要求")
    report_to = fields.CharField(
        max_length=500, default="", db_default="", description="版记 报：the offices above"
    )
    send_to = fields.CharField(
        max_length=500, default="", db_default="", description="版记 送：the offices beside"
    )
    distribute_to = fields.CharField(
        max_length=500, default="", db_default="", description="版记 发：the offices below"
    )
    markdown = fields.TextField(null=True)
    html = fields.TextField(null=True)
    docx = fields.BinaryField(null=True)

    class Meta:
        table = "briefing"
        ordering = ["-year", "-serial", "-id"]
        unique_together = (("year", "serial"),)


class CalendarDay(Model):
    """One day of the PRC official calendar, for working-day arithmetic in SQL.

    Filled by ``store.calendar_days.fill_calendar_days`` (run by ``fuyuan
    migrate`` and when an administrator enters a year) for every year of
    ``official_calendar``.
    ``working_seq`` counts the working days up to and including ``day``, so the
    working days in ``(a, b]`` are ``working_seq(b) - working_seq(a)``, as
    ``WorkingCalendar.working_days_between`` counts them.
    """

    day = fields.DateField(primary_key=True)
    is_working = fields.BooleanField()
    working_seq = fields.IntField(description="working days from the first day up to this one")
    week_start = fields.DateField(description="the Monday of this day's week")

    class Meta:
        table = "calendar_day"
        ordering = ["day"]


class OfficialCalendar(Model):
    """One year of the PRC official working-day calendar (国务院办公厅 notice).

    Seeded from the ``chinese_calendar`` package for the years it knows
    (``origin`` PACKAGE, refreshed by ``fuyuan migrate`` when the package
    changes); entered by an administrator for a new year (``origin`` ADMIN,
    never overwritten by the package). ``store/calendars.py`` builds the
    process's working calendar and ``calendar_day`` from these rows.
    ``holidays`` and ``workdays`` are ISO dates, sorted.
    """

    year = fields.IntField(primary_key=True, generated=False)
    source = fields.CharField(max_length=200, description="e.g. 国办发明电〔2025〕7号")
    holidays: list[str] = fields.JSONField(default=list, description="days off, ISO dates")
    workdays: list[str] = fields.JSONField(
        default=list, description="make-up working days (调休上班), ISO dates"
    )
    origin = fields.CharEnumField(CalendarOrigin, max_length=10)
    entered_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="entered_calendars", null=True, on_delete=fields.RESTRICT
    )
    entered_at = fields.DatetimeField()

    class Meta:
        table = "official_calendar"
        ordering = ["year"]


class OfficialCalendarChange(Model):
    """An administrator's entry or replacement of a year: the lists before and after.

    Append-only, like ``task_event``: the history of the calendar itself.
    ``tasks_counted`` is how many tasks had a date in the year when it changed.
    """

    id = fields.BigIntField(primary_key=True)
    year = fields.IntField()
    old_source = fields.CharField(max_length=200, null=True)
    old_holidays: list[str] | None = fields.JSONField(null=True)
    old_workdays: list[str] | None = fields.JSONField(null=True)
    new_source = fields.CharField(max_length=200)
    new_holidays: list[str] = fields.JSONField()
    new_workdays: list[str] = fields.JSONField()
    tasks_counted = fields.IntField(default=0)
    changed_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="calendar_changes", null=True, on_delete=fields.RESTRICT
    )
    changed_at = fields.DatetimeField()

    class Meta:
        table = "official_calendar_change"
        ordering = ["year", "id"]
        indexes = (Index(fields=("year", "id")),)


class ImportBatch(Model):
    """One ledger import (清单式交办): who imported which file, and what it created.

    Written in the transaction that stores the file's rows, so a batch exists
    exactly when its rows do; ``sha256`` is unique, so the same file is never
    imported twice. Each case and task the import created points at it.
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16, description="cases, matters or decisions")
    file_name = fields.CharField(max_length=255)
    sha256 = fields.CharField(max_length=64, unique=True, description="of the file's bytes")
    rows = fields.IntField(description="data rows in the file")
    created = fields.IntField(description="records created (cases and tasks)")
    imported_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account",
        related_name="import_batches",
        null=True,
        on_delete=fields.RESTRICT,
        description="null for the command line",
    )
    imported_at = fields.DatetimeField()

    class Meta:
        table = "import_batch"
        ordering = ["id"]


class StoredFile(Model):
    """An evidence file (证明材料, issue 19): an upload, and the record it is attached to.

    The bytes are a blob (store/blobs.py) named by ``sha256``; they are stored
    and fsynced before this row commits, so a row never names missing bytes.
    A row starts unattached (every record column null) and is attached once, in
    the transaction that writes its record; there is no way to detach or delete
    an attached file: it is superseded by a newer upload, never replaced.
    """

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255, description="the file's name as uploaded")
    size = fields.BigIntField(description="bytes")
    sha256 = fields.CharField(max_length=64, db_index=True, description="of the bytes: the blob")
    content_type = fields.CharField(max_length=100, description="sniffed from the bytes")
    uploaded_by: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="stored_files", on_delete=fields.RESTRICT
    )
    uploaded_at = fields.DatetimeField()
    attached_at = fields.DatetimeField(null=True)
    task: fields.ForeignKeyNullableRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="files", null=True, on_delete=fields.RESTRICT
    )
    event: fields.ForeignKeyNullableRelation[TaskEvent] = fields.ForeignKeyField(
        "models.TaskEvent", related_name="files", null=True, on_delete=fields.RESTRICT
    )
    performance_record: fields.ForeignKeyNullableRelation[PerformanceRecord] = (
        fields.ForeignKeyField(
            "models.PerformanceRecord", related_name="files", null=True, on_delete=fields.RESTRICT
        )
    )
    enforcement_case: fields.ForeignKeyNullableRelation[EnforcementCase] = fields.ForeignKeyField(
        "models.EnforcementCase", related_name="files", null=True, on_delete=fields.RESTRICT
    )
    bankruptcy_case: fields.ForeignKeyNullableRelation[BankruptcyCase] = fields.ForeignKeyField(
        "models.BankruptcyCase", related_name="files", null=True, on_delete=fields.RESTRICT
    )
    meeting: fields.ForeignKeyNullableRelation[JointMeeting] = fields.ForeignKeyField(
        "models.JointMeeting", related_name="files", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "stored_file"
        ordering = ["id"]


class Counter(Model):
    """A named gapless counter (task codes per year, briefing serials per year).

    Incremented with ``UPDATE … SET value = value + 1`` inside the transaction
    that uses the number, so a rolled-back write leaves no gap.
    """

    key = fields.CharField(max_length=64, primary_key=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "counter"


__all__ = [
    "Account",
    "AgendaItem",
    "BankruptcyCase",
    "Briefing",
    "CalendarDay",
    "Counter",
    "EnforcementCase",
    "IdempotencyKey",
    "ImportBatch",
    "JointMeeting",
    "LoginAttempt",
    "OfficialCalendar",
    "OfficialCalendarChange",
    "PerformanceRecord",
    "StoredFile",
    "Task",
    "TaskDependency",
    "TaskEvent",
    "Unit",
]


class LoginAttempt(Model):
    """One sign-in attempt, kept to throttle guessing (store/auth.py).

    In the database rather than in memory so that the count holds across
    server workers. ``username`` is as typed (it may name no account), so it
    is not a foreign key; ``client`` is the address the request came from.
    """

    id = fields.BigIntField(primary_key=True)
    username = fields.CharField(max_length=64)
    client = fields.CharField(max_length=64, null=True)
    at = fields.DatetimeField()
    succeeded = fields.BooleanField()

    class Meta:
        table = "login_attempt"
        ordering = ["-at", "-id"]
        indexes = (Index(fields=("username", "at")), Index(fields=("client", "at")))


class IdempotencyKey(Model):
    """The idempotency key of a creating mutation and the record it created.

    ``store/idempotency.py`` writes the row in the transaction that creates the
    record, so a retry finds either both or neither. Keys are per account:
    ``(account, key)`` is unique, across every worker, by the database's index.
    ``record_id`` is the id of the operation's record (a PerformanceRecord for
    recordPerformance, a Task for createTask …); records are never deleted.
    """

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="idempotency_keys", on_delete=fields.RESTRICT
    )
    key = fields.CharField(max_length=128)
    operation = fields.CharField(max_length=40, description="the mutation, e.g. createTask")
    fingerprint = fields.CharField(max_length=64, description="SHA-256 of the request")
    record_id = fields.IntField(description="the record the request created")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_key"
        unique_together = (("account", "key"),)


class Notification(Model):
    """提醒: one reminder to one account, written in the transaction of its cause.

    It keeps the facts (``facts``: the task's code and title, the actor's unit,
    the new due date …), not a text: the text is rendered in the reader's
    language when read or delivered (``store.notifications.render``).
    ``dedup_key`` makes the sweep's warnings once per task, colour and due date.
    """

    id = fields.BigIntField(primary_key=True)
    recipient: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="notifications", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(NotificationKind, max_length=24)
    task: fields.ForeignKeyNullableRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="notifications", null=True, on_delete=fields.RESTRICT
    )
    event: fields.ForeignKeyNullableRelation[TaskEvent] = fields.ForeignKeyField(
        "models.TaskEvent", related_name="notifications", null=True, on_delete=fields.RESTRICT
    )
    briefing: fields.ForeignKeyNullableRelation[Briefing] = fields.ForeignKeyField(
        "models.Briefing", related_name="notifications", null=True, on_delete=fields.RESTRICT
    )
    facts: dict[str, Any] = fields.JSONField(default=dict)
    dedup_key = fields.CharField(max_length=120, null=True, unique=True)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        ordering = ["-id"]
        indexes = (Index(fields=("recipient_id", "read_at")),)


class UnitRobot(Model):
    """A unit's group robot (企业微信 or 钉钉 群机器人), set by the administrator."""

    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="robots", on_delete=fields.RESTRICT
    )
    channel = fields.CharEnumField(NotificationChannel, max_length=10)
    url = fields.CharField(max_length=500, description="the robot's webhook address")
    secret = fields.CharField(max_length=200, default="", description="钉钉 加签 secret")

    class Meta:
        table = "unit_robot"
        unique_together = (("unit", "channel"),)


class Delivery(Model):
    """One sending of a notification on one channel: the outbox row the worker claims.

    ``delivery_id`` travels with the message (Message-ID, header, JSON field):
    the receiver deduplicates on it, since a worker killed between sending and
    marking sent sends again (docs/operations.md: at least once, with an id).
    """

    id = fields.BigIntField(primary_key=True)
    notification: fields.ForeignKeyRelation[Notification] = fields.ForeignKeyField(
        "models.Notification", related_name="deliveries", on_delete=fields.RESTRICT
    )
    channel = fields.CharEnumField(NotificationChannel, max_length=10)
    target = fields.CharField(max_length=500, description="address, phone or robot id")
    delivery_id = fields.UUIDField(unique=True)
    state = fields.CharEnumField(DeliveryState, max_length=10, default=DeliveryState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.TextField(default="")
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "delivery"
        ordering = ["id"]
        indexes = (Index(fields=("state", "next_attempt_at")),)
