"""Applying workflow decisions to tasks: transitions and their history.

The engine (``workflow.engine``) decides; this module loads what it needs to
decide (the facts the step's guards and roles read), and writes what it
decided through ``store.operations.commit.commit_change``: the conditional
``UPDATE task … WHERE id = ? AND version = ?`` that proves nobody changed the
task since the caller read it (``expectedVersion``), the side effects on the
subject (an enforcement case's closure and the court's confirmation of
performance) and the event carrying the idempotency key, in one transaction.
A second writer with the same expected version matches no row and gets
VERSION_CONFLICT. Inside one process tortoise's SQLite client runs every
transaction on its single connection under an ``asyncio.Lock``, so
concurrent coroutines queue rather than fail.

Event payload keys are camelCase, as the engine spells them. The comment is
stored in the event's ``comment`` column, not repeated in the payload;
evidence is kept in the payload as a list of strings.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum
from tortoise.models import Model

from store.enums import FINISHED_STATES, ClosureMethod, TaskKind, TaskState
from store.errors import (
    AccountInactive,
    IdempotencyKeyReused,
    NotFound,
    StoreError,
    ValidationError,
    VersionConflict,
    WorkflowRefusal,
)
from store.identifiers import parse_case_number
from store.inputs import (
    IDEMPOTENCY_KEY_LENGTH,
    bounded_list,
    column_length,
    identifier,
    money,
    multi_line,
    optional_single_line,
)
from store.models import (
    Account,
    BankruptcyCase,
    EnforcementCase,
    PerformanceRecord,
    Task,
    TaskDependency,
    TaskEvent,
    Unit,
)
from store.operations.commit import AfterEvent, commit_change, decided_changes, decided_event
from store.operations.common import (
    Checks,
    UnitRef,
    check_date,
    parse_enum,
    resolve_unit,
    resolve_units,
)
from store.operations.files import Attach
from store.operations.tasks import TASK_UNIT_KINDS, check_task_units
from store.snapshots import enforcement_facts, task_snapshot
from workflow.calendar import default_calendar
from workflow.clock import local_today, utcnow
from workflow.definition import Definition
from workflow.engine import (
    ASSIGN_ACTION,
    DUE_ON_ACTIONS,
    FACT_COURT,
    FACT_ENFORCEMENT,
    FACT_OPEN_DEPENDENCIES,
    FACT_PAUSED_SINCE,
    FACT_PENDING_EXTENSION,
    REASSIGN_ACTION,
    REQUEST_CLOSURE_ACTION,
    RULING_METHODS,
    Actor,
    ClosureRequest,
    Decision,
    EnforcementFacts,
    Reassignment,
    TaskSnapshot,
    decide,
    facts_needed,
    replay,
)
from workflow.errors import (
    Forbidden,
    InconsistentHistory,
    InvalidInput,
    InvalidTransition,
    WorkflowError,
    word,
)
from workflow.i18n import Text, _, field_label, message_of, term
from workflow.money import format_fen
from workflow.registry import get_definition

__all__ = [
    "EXTENSION_ACTIONS",
    "MIGRATE_ACTION",
    "SUMMON_ACTION",
    "URGE_ACTION",
    "ClosureInput",
    "ReassignInput",
    "TransitionResult",
    "pending_extensions",
    "replay_task",
    "task_state_at",
    "transition_task",
]


#: The actions that take evidence files (issue 19): 申请销号, 报告进展 and 申请延期.
FILE_ACTIONS = (REQUEST_CLOSURE_ACTION, "report", "request_extension")

#: The longest line of evidence (a voucher's file name, a document number).
EVIDENCE_ITEM_LENGTH = 300

#: The event recorded when a task is moved to another version of its
#: workflow (``store.operations.workflow_versions``). It jumps outside the
#: graph; its payload holds ``fromVersion`` and ``toVersion``.
MIGRATE_ACTION = "migrate_workflow"

#: 催办: a reminder from the office, recorded with its text; Task.urgeCount counts them.
URGE_ACTION = "urge"

#: 约谈: the office summons the leader of the task's responsible unit.
SUMMON_ACTION = "summon"

#: The events that ask for an extension (the first) or answer the request
#: (延期 grants it, 不予延期 refuses it): the latest of them says whether a
#: request is pending (:func:`pending_extensions`).
EXTENSION_ACTIONS = ("request_extension", "extend", "refuse_extension")


# --------------------------------------------------------------------------- helpers


def _fk(row: Model, name: str) -> Any:
    """The raw id of foreign key ``name`` (tortoise adds ``<name>_id`` at runtime)."""
    return getattr(row, f"{name}_id")


def _utc(value: dt.datetime, field: str) -> dt.datetime:
    """``value`` in UTC; a naive time is refused rather than guessed.

    Converting matters beyond storage: on SQLite tortoise stores an aware time
    with the offset it was given, and compares times as text.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            field, "datetime.aware", _("give the time with its zone, e.g. 2026-11-26T09:00+08:00")
        )
    return value.astimezone(dt.UTC)


def actor_of(account: Account) -> Actor:
    if not account.is_active:
        raise AccountInactive(account.username)
    return Actor(account_id=account.id, role=str(account.role.value), unit_id=_fk(account, "unit"))


@dataclass(frozen=True)
class TransitionResult:
    """What :func:`transition_task` did.

    Attributes:
        task: the task after the transition (for a replay: as it is now).
        event: the event the transition recorded (for a replay: the first one).
        replayed: True if the idempotency key had been used for this very
            transition already and nothing was written this time.
    """

    task: Task
    event: TaskEvent
    replayed: bool


def definition_of(task: Task) -> Definition:
    """The definition ``task`` moves on: the version it records, not the latest.

    Raises:
        WorkflowRefusal: (NOT_FOUND) that version is not registered.
    """
    try:
        return get_definition(task.workflow_key, task.workflow_version)
    except WorkflowError as err:
        raise WorkflowRefusal(err, _on_task(task.code, err)) from err


async def _load_task(task_id: int) -> Task:
    """The task row alone; its subject is read only if the action needs it.

    ``Model.raw`` skips tortoise's query builder, which costs more CPU than the
    query itself; ``raw`` takes no parameters, and the id is an ``int`` by
    construction, so nothing but digits reaches the SQL.
    """
    rows: list[Task] = await Task.raw(f'SELECT * FROM "task" WHERE "id" = {int(task_id)}')
    if not rows:
        raise NotFound("taskId", "task", task_id)
    return rows[0]


ASSIGNING_ACTIONS = frozenset({ASSIGN_ACTION, "reassign"})
"""The actions that hand a task to its responsible unit: refused for a deactivated unit."""


async def _check_responsible_unit_active(task: Task) -> None:
    """A deactivated unit is assigned no task (it keeps the ones it has)."""
    unit = await Unit.get(id=_fk(task, "responsible_unit"))
    if not unit.is_active:
        raise ValidationError(
            "action",
            "unit.inactive",
            _(
                "task {code}: {name} ({code2}) is deactivated and is assigned no task; "
                "give the task another responsible unit or cancel it",
                code=task.code,
                name=unit.name,
                code2=unit.code,
            ),
        )


async def pending_extensions(task_ids: list[int]) -> dict[int, dt.date]:
    """The due date each task's unanswered request for extension asks for, by task id.

    A request is pending while it is the latest of the task's
    :data:`EXTENSION_ACTIONS` events: 延期 (extend) and 不予延期
    (refuse_extension) answer it. One query for all the tasks (the task page's
    loader, ``schema.loaders``, and a transition's snapshot).
    """
    if not task_ids:
        return {}
    rows = (
        await TaskEvent.filter(task_id__in=task_ids, action__in=EXTENSION_ACTIONS)
        .order_by("task_id", "seq")
        .values_list("task_id", "action", "payload")
    )
    latest: dict[int, tuple[str, object]] = {}
    for task_id, action, payload in rows:
        latest[int(task_id)] = (str(action), payload)
    pending: dict[int, dt.date] = {}
    for task_id, (action, payload) in latest.items():
        if action != "request_extension":
            continue
        data = json.loads(payload) if isinstance(payload, str | bytes) else payload
        requested = data.get("requestedDueOn") if isinstance(data, dict) else None
        if requested:
            pending[task_id] = dt.date.fromisoformat(str(requested))
    return pending


@dataclass(frozen=True)
class ReassignInput:
    """What a 改派 (reassign) names, as given: the new responsible unit and, if they
    change, the assisting units (a row, an id or a code each)."""

    responsible_unit: UnitRef | None = None
    assisting_units: list[UnitRef] | None = None

    @property
    def given(self) -> bool:
        return self.responsible_unit is not None or self.assisting_units is not None


async def _reassignment(task: Task, given: ReassignInput) -> Reassignment:
    """The 改派 ``given`` names, checked: known units, active, of a kind that takes tasks.

    Without a responsible unit the task goes back to the one it had (which must
    still be active); assisting units without one keep that unit too.
    """
    current = _fk(task, "responsible_unit")
    responsible = await resolve_unit(
        given.responsible_unit if given.responsible_unit is not None else current,
        field="responsibleUnitId",
        kinds=TASK_UNIT_KINDS,
    )
    previous: list[object] = list(
        await Task.filter(id=task.id).values_list("assisting_units__id", flat=True)
    )
    previous_ids = tuple(sorted(unit for unit in previous if isinstance(unit, int)))
    assisting = (
        await resolve_units(given.assisting_units, field="assistingUnitIds")
        if given.assisting_units is not None
        else await Unit.filter(id__in=previous_ids)
    )
    check_task_units(responsible, assisting, checks=Checks())
    return Reassignment(
        responsible_unit_id=responsible.id,
        assisting_unit_ids=(
            tuple(unit.id for unit in assisting) if given.assisting_units is not None else None
        ),
        previous_assisting_unit_ids=previous_ids,
    )


async def _open_dependencies(task_id: int) -> tuple[str, ...]:
    codes = (
        await TaskDependency.filter(task_id=task_id)
        .exclude(depends_on__state__in=list(FINISHED_STATES))
        .order_by("depends_on__code")
        .values_list("depends_on__code", flat=True)
    )
    return tuple(str(code) for code in codes)


async def _amount_performed(case_id: int) -> int:
    # Summed in SQL on integer fen; PostgreSQL returns SUM(bigint) as numeric.
    rows = (
        await PerformanceRecord.filter(case_id=case_id)
        .annotate(total=Sum("amount_fen"))
        .values("total")
    )
    return int(rows[0]["total"] or 0) if rows else 0


async def _paused_since(task: Task) -> dt.date | None:
    """The day ``task`` entered the state it is in: its latest event that moved it there."""
    rows = (
        await TaskEvent.filter(task_id=task.id, to_state=task.state)
        .exclude(from_state=task.state)
        .order_by("-seq")
        .limit(1)
        .values_list("occurred_on", flat=True)
    )
    day = rows[0] if rows else None
    return day if isinstance(day, dt.date) else None


async def _snapshot(task: Task, facts: frozenset[str]) -> TaskSnapshot:
    """The engine's view of ``task``, loading only the ``facts`` the step reads.

    ``facts`` come from ``workflow.engine.facts_needed``: the open
    dependencies, the enforcement case (its amounts, closure and
    confirmation), the task's court, the day a pause began. The rest comes
    with the task row.
    """
    open_dependencies: tuple[str, ...] = ()
    if FACT_OPEN_DEPENDENCIES in facts:
        open_dependencies = await _open_dependencies(task.id)
    needs_court = FACT_COURT in facts
    court_unit_id: int | None = None
    enforcement: EnforcementFacts | None = None
    case_id: int | None = _fk(task, "enforcement_case")
    bankruptcy_id: int | None = _fk(task, "bankruptcy_case")
    if case_id is not None and (needs_court or FACT_ENFORCEMENT in facts):
        case = await EnforcementCase.get(id=case_id)
        court_unit_id = _fk(case, "court")
        performed, kind = 0, None
        if FACT_ENFORCEMENT in facts:
            performed = await _amount_performed(case_id)
            kinds = await Unit.filter(id=_fk(case, "respondent")).values_list("kind", flat=True)
            kind = _state_value(kinds[0]) if kinds else None
        enforcement = enforcement_facts(case, performed, kind)
    elif bankruptcy_id is not None and needs_court:
        rows = await BankruptcyCase.filter(id=bankruptcy_id).values("court_id")
        court_unit_id = int(rows[0]["court_id"]) if rows else None
    paused_since = await _paused_since(task) if FACT_PAUSED_SINCE in facts else None
    pending = (
        (await pending_extensions([task.id])).get(task.id)
        if FACT_PENDING_EXTENSION in facts
        else None
    )
    return task_snapshot(
        task,
        court_unit_id=court_unit_id,
        open_dependencies=open_dependencies,
        enforcement=enforcement,
        paused_since=paused_since,
        pending_extension_due_on=pending,
    )


async def _refusal(
    error: WorkflowError, task: Task, account: Account, action: str
) -> WorkflowRefusal:
    """Word the engine's refusal for a liaison: name the task and the actor's unit."""
    if isinstance(error, Forbidden):
        unit = await Unit.get_or_none(id=_fk(account, "unit"))
        unit_name = unit.name if unit is not None else _("no unit")
        message = _(
            "{name} ({role}, {unit}) may not {action} task {task}: only {who} may",
            name=account.display_name,
            role=term(account.role.label, account.role.value),
            unit=unit_name,
            action=word(action),
            task=task.code,
            who=error.who,
        )
        return WorkflowRefusal(error, message, field=None)
    field: str | None = None
    if isinstance(error, InvalidInput):
        field = error.field
    elif isinstance(error, InvalidTransition):
        field = "action"
    return WorkflowRefusal(error, _on_task(task.code, error), field=field)


def _clean_evidence(evidence: list[str] | None) -> list[str]:
    """The non-blank lines of evidence, each one line of at most :data:`EVIDENCE_ITEM_LENGTH`."""
    items = bounded_list(evidence, field="evidence") or []
    cleaned = (
        optional_single_line(item, field=f"evidence.{index}", max_length=EVIDENCE_ITEM_LENGTH)
        for index, item in enumerate(items)
    )
    return [item for item in cleaned if item is not None]


def _check_inputs(
    action: str,
    due_on: dt.date | None,
    idempotency_key: str | None,
    *,
    summoned_on: dt.date | None = None,
    reassignment: ReassignInput | None = None,
) -> tuple[str, str | None]:
    """The action and idempotency key, checked; refuses a due date, a day of 约谈 or
    units the action does not take."""
    action = identifier(action, field="action", max_length=column_length(TaskEvent, "action"))
    if due_on is not None and action not in DUE_ON_ACTIONS:
        raise ValidationError(
            "dueOn",
            "due_on.unused",
            _(
                "{action} does not take a due date; only {names} do",
                action=action,
                names=", ".join(DUE_ON_ACTIONS),
            ),
        )
    if summoned_on is not None:
        if action != SUMMON_ACTION:
            raise ValidationError(
                "summonedOn",
                "summoned_on.unused",
                _(
                    "{action} does not take summonedOn; only {summon} (约谈) does",
                    action=word(action),
                    summon=word(SUMMON_ACTION),
                ),
            )
        check_date(summoned_on, field="summonedOn")
    if reassignment is not None and reassignment.given and action != REASSIGN_ACTION:
        field = (
            "responsibleUnitId"
            if reassignment.responsible_unit is not None
            else ("assistingUnitIds")
        )
        raise ValidationError(
            field,
            "reassign.unused",
            _(
                "{action} does not take {field}; only {reassign} (改派) hands a task to "
                "another unit",
                action=word(action),
                field=field_label(field),
                reassign=word(REASSIGN_ACTION),
            ),
        )
    key = (
        identifier(idempotency_key, field="idempotencyKey", max_length=IDEMPOTENCY_KEY_LENGTH)
        if idempotency_key is not None
        else None
    )
    return action, key


@dataclass(frozen=True)
class ClosureInput:
    """The 结案方式 of a request for closure and its grounds, as given (unchecked).

    Attributes:
        method: the method (``ClosureMethod`` or its name).
        grounds: why; required for every method but FULL_PERFORMANCE.
        settlement_amount: what the 执行和解 requires, in yuan (SETTLEMENT).
        ruling_number: the 案号 of the court's ruling (TERMINATION, NOT_ENFORCED).
    """

    method: ClosureMethod | str | None = None
    grounds: str | None = None
    settlement_amount: str | int | Decimal | None = None
    ruling_number: str | None = None

    @property
    def given(self) -> list[str]:
        """The API names of the fields given."""
        values = {
            "closureMethod": self.method,
            "grounds": self.grounds,
            "settlementAmount": self.settlement_amount,
            "rulingNumber": self.ruling_number,
        }
        return [name for name, value in values.items() if value is not None]


def _check_closure(
    action: str, closure: ClosureInput | None, today: dt.date
) -> ClosureRequest | None:
    """The request for closure, checked (``store.inputs``, ``store.identifiers``).

    Refuses closure fields given to another action. Whether the method needs
    the grounds, the amount or the ruling is the engine's to say.
    """
    if closure is None or not closure.given:
        return None
    if action != REQUEST_CLOSURE_ACTION:
        field = closure.given[0]
        raise ValidationError(
            field,
            "closure.unused",
            _(
                "{action} does not take {field}; only request_closure does",
                action=action,
                field=field,
            ),
        )
    method = (
        parse_enum(ClosureMethod, closure.method, field="closureMethod")
        if closure.method is not None
        else ClosureMethod.FULL_PERFORMANCE
    )
    grounds = multi_line(closure.grounds, field="grounds") or None
    settlement = (
        money(closure.settlement_amount, field="settlementAmount", allow_zero=False)
        if closure.settlement_amount is not None
        else None
    )
    ruling = (
        parse_case_number(closure.ruling_number, field="rulingNumber", today=today).canonical()
        if closure.ruling_number is not None
        else None
    )
    for field, value, methods in (
        ("settlementAmount", settlement, ("SETTLEMENT",)),
        ("rulingNumber", ruling, tuple(RULING_METHODS)),
    ):
        if value is not None and method.value not in methods:
            raise ValidationError(
                field,
                "closure.unused",
                _(
                    "{value} ({label}) takes no {field}; only {names} do",
                    value=method.value,
                    label=method.label,
                    field=field,
                    names=", ".join(sorted(methods)),
                ),
            )
    return ClosureRequest(
        method=method.value,
        grounds=grounds,
        settlement_amount_fen=settlement,
        ruling_number=ruling,
    )


def _check_closure_fits(task: Task, snapshot: TaskSnapshot, closure: ClosureRequest) -> None:
    """A closure method only for an enforcement task; a settlement not above the amount due."""
    if task.kind is not TaskKind.ENFORCEMENT:
        raise ValidationError(
            "closureMethod",
            "closure.not_enforcement",
            _("task {code} is not an enforcement task: it takes no closureMethod", code=task.code),
        )
    facts = snapshot.enforcement
    if facts is None:  # request_closure is not possible now: the engine says so
        return
    due = facts.amount_due_fen
    if closure.settlement_amount_fen is not None and closure.settlement_amount_fen > due:
        raise ValidationError(
            "settlementAmount",
            "settlement.above_due",
            _(
                "a settlement of {format_fen} is more than the {format_fen2} due: close "
                "by FULL_PERFORMANCE instead",
                format_fen=format_fen(closure.settlement_amount_fen),
                format_fen2=format_fen(due),
            ),
        )


async def _replayed(key: str, task_id: int, action: str) -> TransitionResult | None:
    """The first result of a transition already recorded under ``key``, if any.

    Raises:
        IdempotencyKeyReused: the key recorded another task's or action's event.
    """
    event = await TaskEvent.get_or_none(idempotency_key=key)
    if event is None:
        return None
    if _fk(event, "task") != task_id or event.action != action:
        raise IdempotencyKeyReused(key)
    task = await Task.get(id=task_id)
    return TransitionResult(task=task, event=event, replayed=True)


# --------------------------------------------------------------------------- transitions


async def transition_task(
    task_id: int,
    action: str,
    actor: Account,
    *,
    expected_version: int,
    comment: str | None = None,
    evidence: list[str] | None = None,
    due_on: dt.date | None = None,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    closure: ClosureInput | None = None,
    reassignment: ReassignInput | None = None,
    summoned_on: dt.date | None = None,
    files: Attach | None = None,
) -> TransitionResult:
    """Take ``action`` on a task as ``actor``, if the workflow allows it.

    Args:
        task_id: the task.
        action: the action's name as in DESIGN.md §3 (``accept``, ``extend`` …).
        actor: the account acting; it must be active.
        expected_version: the version the caller saw; anything else is refused.
        comment: the actor's words (required by return, report, cancel …).
        evidence: what proves the work done (required by request_closure);
            kept in the event payload as a list.
        due_on: the due date for assign (optional), extend and
            request_extension (required); refused for any other action.
        idempotency_key: makes a retry of the same call a no-op that returns
            the first result.
        now: the time of the action (default: now); "today" is its date in
            Asia/Shanghai.
        closure: the 结案方式 and its grounds, for request_closure of an
            enforcement task (:class:`ClosureInput`); refused for any other action.
        reassignment: the unit (and assisting units) a 改派 hands the task to
            (:class:`ReassignInput`); a unit unknown, deactivated or of a kind that
            takes no task is refused; refused for any other action. The new
            unit's liaisons see the task from then on, the old unit's no longer.
        summoned_on: the day of a 约谈 (summon, required); refused for any
            other action.
        files: evidence files to attach to the event (and the task), checked
            beforehand (``store.operations.files.check_attachable``); only
            :data:`FILE_ACTIONS` take them. Attached in the event's transaction.

    Returns:
        The task after the transition, its event, and whether this was a replay.

    Raises:
        NotFound: no such task.
        AccountInactive: the account is deactivated (code FORBIDDEN).
        VersionConflict: the task is not (or no longer) at ``expected_version``;
            nothing was written.
        IdempotencyKeyReused: the key recorded another task's or action's event.
        WorkflowRefusal: the engine refused, with its code (INVALID_TRANSITION,
            FORBIDDEN, VALIDATION, GUARD_FAILED …) and the field concerned.
        ValidationError: ``dueOn`` given to an action that does not take one;
            an action, comment, evidence or idempotency key that breaks the
            input rules (``store.inputs``: control characters, lengths, at
            most 500 lines of evidence). Checked before anything is read.
    """
    now = _utc(now, "now") if now is not None else utcnow()
    action, key = _check_inputs(
        action, due_on, idempotency_key, summoned_on=summoned_on, reassignment=reassignment
    )
    text = multi_line(comment, field="comment")
    items = _clean_evidence(evidence)
    request = _check_closure(action, closure, local_today(now))
    if files is not None and files.file_ids and action not in FILE_ACTIONS:
        raise ValidationError(
            files.field,
            "file.action",
            _(
                "only {actions} take evidence files, not {action}",
                actions=", ".join(FILE_ACTIONS),
                action=action,
            ),
        )
    try:
        return await _transition(
            task_id,
            action,
            actor,
            expected_version,
            text,
            items,
            due_on,
            key,
            now,
            request,
            reassignment=reassignment if reassignment is not None and reassignment.given else None,
            summoned_on=summoned_on,
            files=files,
        )
    except (StoreError, IntegrityError):
        # The key is looked up only when the call fails, which spares the
        # common path a query: a retry whose first attempt went through always
        # fails (its expectedVersion is stale), and a key already used on
        # another task fails the event's unique index. Either way the first
        # result, or IdempotencyKeyReused, is the answer.
        if key is not None:
            first = await _replayed(key, task_id, action)
            if first is not None:
                return first
        raise


async def _transition(
    task_id: int,
    action: str,
    actor: Account,
    expected_version: int,
    comment: str,
    items: list[str],
    due_on: dt.date | None,
    key: str | None,
    now: dt.datetime,
    closure: ClosureRequest | None = None,
    *,
    reassignment: ReassignInput | None = None,
    summoned_on: dt.date | None = None,
    files: Attach | None = None,
) -> TransitionResult:
    today = local_today(now)
    task = await _load_task(task_id)
    actor_ = actor_of(actor)
    if task.version != expected_version:
        raise VersionConflict(task.code, expected_version, task.version)
    handed: Reassignment | None = None
    if reassignment is not None and task.state is TaskState.RETURNED:
        # the units are checked only where 改派 is possible: elsewhere the engine
        # refuses the action itself, naming the state
        handed = await _reassignment(task, reassignment)
    elif action in ASSIGNING_ACTIONS:
        await _check_responsible_unit_active(task)
    definition = definition_of(task)
    snapshot = await _snapshot(task, facts_needed(definition, task.state.value, action))
    if closure is not None:
        _check_closure_fits(task, snapshot, closure)
    try:
        decision = decide(
            definition,
            snapshot,
            action,
            actor_,
            comment=comment,
            # the files are evidence too: a closure request may give files alone
            evidence="\n".join(items or (files.names if files else [])) or None,
            due_on=due_on,
            today=today,
            closure=closure,
            calendar=default_calendar(),
            reassignment=handed,
            summoned_on=summoned_on,
        )
    except WorkflowError as err:
        raise await _refusal(err, task, actor, action) from err
    event = await _apply(task, decision, actor, expected_version, now, today, items, key, files)
    if event is None:
        current = await Task.filter(id=task_id).values("version")
        raise VersionConflict(
            task.code, expected_version, int(current[0]["version"]), while_saving=True
        )
    return TransitionResult(task=task, event=event, replayed=False)


async def _apply(
    task: Task,
    decision: Decision,
    actor: Account,
    expected_version: int,
    now: dt.datetime,
    today: dt.date,
    evidence: list[str],
    idempotency_key: str | None,
    files: Attach | None = None,
) -> TaskEvent | None:
    """Write ``decision`` (``commit_change``); update ``task`` in memory to match.

    Returns:
        The event, or None if the task is no longer at ``expected_version``
        (nothing was written).
    """
    comment, payload = decided_event(decision, evidence)
    changes = decided_changes(decision, actor_id=actor.id, now=now, today=today)
    changes["updated_at"] = now
    return await commit_change(
        task,
        expected_version=expected_version,
        changes=changes,
        action=decision.action,
        from_state=TaskState(decision.from_state),
        to_state=TaskState(decision.to_state),
        actor=actor,
        at=now,
        comment=comment,
        payload=payload,
        idempotency_key=idempotency_key,
        side_effects=functools.partial(_side_effects, task, decision, now, today),
        after_event=_attacher(files, task, now),
    )


def _attacher(files: Attach | None, task: Task, now: dt.datetime) -> AfterEvent | None:
    """Attach the evidence files to the event (and so to the task), in its transaction."""
    if files is None or not files.file_ids:
        return None
    given = files

    async def attach(conn: BaseDBAsyncClient, event: TaskEvent) -> None:
        await given.to(conn, now, task_id=task.id, event_id=event.id)

    return attach


async def _side_effects(
    task: Task, decision: Decision, now: dt.datetime, today: dt.date, conn: BaseDBAsyncClient
) -> None:
    """Changes to the subject: an enforcement case's closure method as requested, as
    confirmed by the court and as approved (with the day it closed); the assisting
    units a 改派 names."""
    if decision.assisting_unit_ids is not None:
        await task.assisting_units.clear(using_db=conn)
        if decision.assisting_unit_ids:
            units = await Unit.filter(id__in=decision.assisting_unit_ids).using_db(conn)
            await task.assisting_units.add(*units, using_db=conn)
    case_id = _fk(task, "enforcement_case")
    if case_id is None or task.kind is not TaskKind.ENFORCEMENT:
        return
    cases = EnforcementCase.filter(id=case_id).using_db(conn)
    payload = decision.payload
    method = payload.get("closureMethod")
    if decision.action == REQUEST_CLOSURE_ACTION and method is not None:
        await cases.update(
            closure_method=ClosureMethod(method),
            closure_grounds=payload.get("grounds"),
            settlement_amount_fen=payload.get("settlementAmountFen"),
            closure_ruling_number=payload.get("rulingNumber"),
        )
    elif decision.action == "approve_closure":
        await cases.update(closed_on=today)
        # the method approved; without one (a definition whose approval reads
        # no facts) the method recorded, else full performance
        if method is not None:
            await cases.update(closure_method=ClosureMethod(method))
        else:
            await cases.filter(closure_method__isnull=True).update(
                closure_method=ClosureMethod.FULL_PERFORMANCE
            )
    elif decision.action == "confirm_performance":
        confirmed = payload.get("confirmedClosureMethod", ClosureMethod.FULL_PERFORMANCE.value)
        await cases.update(
            performance_confirmed_at=now, closure_confirmed_method=ClosureMethod(confirmed)
        )


# --------------------------------------------------------------------------- history


async def _history(task_id: int, moment: dt.datetime | None = None) -> tuple[Task, str | None]:
    task = await Task.get_or_none(id=task_id)
    if task is None:
        raise NotFound("taskId", "task", task_id)
    query = TaskEvent.filter(task_id=task_id)
    if moment is not None:
        query = query.filter(occurred_at__lte=moment)
    rows = await query.order_by("seq").values_list("seq", "action", "from_state", "to_state")
    if not rows:
        return task, None
    events = [
        (int(seq), str(action), _state_value(from_state), _state_value(to_state))
        for seq, action, from_state, to_state in rows
    ]
    # Migrations are read apart (there are seldom any); even a history cut
    # before the first one needs it, to know the version the task started on.
    migrations: dict[int, tuple[int, int]] = {}
    if moment is not None or any(event[1] == MIGRATE_ACTION for event in events):
        migrated = (
            await TaskEvent.filter(task_id=task_id, action=MIGRATE_ACTION)
            .order_by("seq")
            .values_list("seq", "payload")
        )
        migrations = {int(seq): _versions_moved(payload) for seq, payload in migrated}
    first_version = next(iter(migrations.values()))[0] if migrations else task.workflow_version
    try:
        return task, _replay_versions(task.workflow_key, first_version, events, migrations)
    except WorkflowError as err:
        raise WorkflowRefusal(
            err,
            _(
                "task {task}: history does not replay: {error}",
                task=task.code,
                error=message_of(err),
            ),
        ) from err


def _versions_moved(payload: object) -> tuple[int, int]:
    """``(fromVersion, toVersion)`` of a migration event's payload."""
    data = json.loads(payload) if isinstance(payload, str | bytes) else payload
    if not isinstance(data, dict):
        data = {}
    return int(data.get("fromVersion", 0)), int(data.get("toVersion", 0))


def _replay_versions(
    key: str,
    version: int,
    events: list[tuple[int, str, str | None, str | None]],
    migrations: dict[int, tuple[int, int]],
) -> str:
    """Replay ``events`` (``seq``, action, from, to) version by version.

    The engine replays one definition's graph. A migration event jumps
    outside any graph, from a state of the old version to a state of the
    new: the events before it are replayed on the old definition, and the
    replay goes on from its ``to_state`` on the new one.

    Raises:
        InconsistentHistory: an event does not fit, with its index in ``events``.
        UnknownDefinition: a version the history names is not registered.
    """
    definition = get_definition(key, version)
    resume: str | None = None
    begin = 0
    for index, (seq, action, from_state, to_state) in enumerate(events):
        if action != MIGRATE_ACTION:
            continue
        state = _replay_segment(definition, resume, events[begin:index], begin)
        from_version, to_version = migrations.get(seq, (0, 0))
        if from_state != state or from_version != definition.version:
            recorded = f"{from_state} on version {from_version}"
            raise InconsistentHistory(
                index,
                action,
                state,
                from_state,
                f"the task was in {state} on version {definition.version}, "
                f"the event records {recorded}",
            )
        definition = get_definition(key, to_version)
        if to_state is None or not definition.has_state(to_state):
            raise InconsistentHistory(
                index,
                action,
                state,
                from_state,
                f"{to_state} is not a state of {key} version {to_version}",
            )
        resume, begin = to_state, index + 1
    return _replay_segment(definition, resume, events[begin:], begin)


def _replay_segment(
    definition: Definition,
    resume: str | None,
    events: list[tuple[int, str, str | None, str | None]],
    offset: int,
) -> str:
    """Replay ``events`` on ``definition`` from ``resume`` (None: from the start).

    ``workflow.engine.replay`` always starts at the definition's start state;
    a shortest way from the start to ``resume`` is a history that ends there,
    so folding it first resumes the replay at ``resume`` under the engine's
    own rules. Errors are renumbered to count in the whole history.
    """
    lead = [
        (t.action, t.source, t.target)
        for t in (definition.path_to(resume) if resume is not None else ())
    ]
    try:
        return replay(definition, [*lead, *((a, f, t) for _seq, a, f, t in events)])
    except InconsistentHistory as err:
        raise InconsistentHistory(
            offset + err.index - len(lead),
            err.action,
            err.expected_state,
            err.recorded_state,
            err.reason,
        ) from err


def _state_value(state: object) -> str | None:
    if state is None:
        return None
    return str(getattr(state, "value", state))


async def task_state_at(task_id: int, moment: dt.datetime) -> TaskState | None:
    """The task's state at ``moment``, rebuilt from its events.

    Events recorded at ``moment`` exactly count as done.

    Returns:
        The state, or None if the task had no event yet (it did not exist).

    Raises:
        NotFound: no such task.
        ValidationError: ``moment`` has no time zone.
        WorkflowRefusal: (INCONSISTENT_HISTORY) the events do not replay.
    """
    _events, state = await _history(task_id, _utc(moment, "moment"))
    return TaskState(state) if state is not None else None


async def replay_task(task_id: int) -> str:
    """Replay every event of the task through the engine; returns the final state.

    It should equal the state the task row holds; a difference means the row
    was changed without an event.

    Raises:
        NotFound: no such task.
        WorkflowRefusal: (INCONSISTENT_HISTORY) the events do not replay.
    """
    task, state = await _history(task_id)
    if state is None:
        error = InconsistentHistory(0, "(none)", "DRAFT", None, "the task has no events")
        raise WorkflowRefusal(error, _on_task(task.code, error))
    return state


def _on_task(code: str, error: Exception) -> Text:
    """The engine's refusal ``error``, naming the task: "task FY-2023-0001: …"."""
    return _("task {task}: {error}", task=code, error=message_of(error))
