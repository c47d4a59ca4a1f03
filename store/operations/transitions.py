"""Applying workflow decisions to tasks: transitions and their history.

The engine (``workflow.engine``) decides; this module loads what it needs to
decide, and writes what it decided. Every transition is one transaction:

1. a conditional ``UPDATE task … WHERE id = ? AND version = ?`` that proves
   nobody changed the task since the caller read it (``expectedVersion``);
2. the event (``append_event``), carrying the idempotency key;
3. the side effects on the subject (an enforcement case's closure and the
   court's confirmation of performance).

The UPDATE comes first on purpose. On PostgreSQL it takes the task's row lock,
so a second writer with the same expected version waits for the first to
commit, then matches no row and gets VERSION_CONFLICT; the row lock also
serialises the event sequence numbers. On SQLite a transaction that starts
with a write takes the database's write lock at once (no read-to-write upgrade
that could fail with "database is locked"), and inside one process tortoise's
SQLite client runs every transaction on its single connection under an
``asyncio.Lock``, so concurrent coroutines queue rather than fail.

Event payload keys are camelCase, as the engine spells them. The comment is
stored in the event's ``comment`` column, not repeated in the payload;
evidence is kept in the payload as a list of strings.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum
from tortoise.models import Model
from tortoise.transactions import in_transaction

from store.enums import FINISHED_STATES, ClosureMethod, TaskKind, TaskState
from store.enums import SupervisionLevel as StoredLevel
from store.errors import (
    AccountInactive,
    IdempotencyKeyReused,
    NotFound,
    StoreError,
    ValidationError,
    VersionConflict,
    WorkflowRefusal,
)
from store.inputs import (
    IDEMPOTENCY_KEY_LENGTH,
    bounded_list,
    column_length,
    identifier,
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
from store.operations.tasks import append_event
from workflow.clock import local_today, utcnow
from workflow.definition import Definition, SideAction, Transition, get_definition
from workflow.engine import Actor, Decision, EnforcementFacts, TaskSnapshot, decide, replay
from workflow.errors import (
    Forbidden,
    InconsistentHistory,
    InvalidInput,
    InvalidTransition,
    WorkflowError,
)

__all__ = [
    "MIGRATE_ACTION",
    "TransitionResult",
    "replay_task",
    "task_state_at",
    "transition_task",
]

#: Actions that may carry a due date: assign fixes the 办结时限, extend moves
#: it, request_extension asks for a new one.
_DUE_ON_ACTIONS = ("assign", "extend", "request_extension")

#: Guards that read the enforcement case (amounts, closure, confirmation).
_ENFORCEMENT_GUARDS = frozenset(
    {
        "enforcement_closure_grounds",
        "performance_confirmed",
        "performance_complete",
        "not_yet_confirmed",
    }
)

_WHO = {
    "COORDINATOR": "the joint-meeting office's coordinator",
    "RESPONSIBLE_UNIT": "the responsible unit's liaison",
    "COURT": "the liaison of the task's court",
}

#: The longest line of evidence (a voucher's file name, a document number).
EVIDENCE_ITEM_LENGTH = 300

#: The event recorded when a task is moved to another version of its
#: workflow (``store.operations.workflow_versions``). It jumps outside the
#: graph; its payload holds ``fromVersion`` and ``toVersion``.
MIGRATE_ACTION = "migrate_workflow"


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
            field, "datetime.aware", "give the time with its zone, e.g. 2026-11-26T09:00+08:00"
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


def _step(definition: Definition, state: str, action: str) -> Transition | SideAction | None:
    step: Transition | SideAction | None = definition.transition(state, action)
    if step is None:
        side = definition.side_actions.get(action)
        if side is not None and state in side.sources:
            step = side
    return step


def definition_of(task: Task) -> Definition:
    """The definition ``task`` moves on: the version it records, not the latest.

    Raises:
        WorkflowRefusal: (NOT_FOUND) that version is not registered.
    """
    try:
        return get_definition(task.workflow_key, task.workflow_version)
    except WorkflowError as err:
        raise WorkflowRefusal(err, f"task {task.code}: {err}") from err


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


async def _snapshot(task: Task, step: Transition | SideAction | None) -> TaskSnapshot:
    """The engine's view of ``task``, loading only the facts ``step`` reads.

    Dependencies are read for the ``dependencies_closed`` guard, the
    enforcement case for its guards, the court for actions the court may
    take. An unknown action (``step`` None) needs no facts: the engine
    refuses it before any guard runs.
    """
    guards = frozenset(step.guards) if step is not None else frozenset()
    needs_court = step is not None and "COURT" in step.roles
    open_dependencies: tuple[str, ...] = ()
    if "dependencies_closed" in guards:
        open_dependencies = await _open_dependencies(task.id)
    court_unit_id: int | None = None
    enforcement: EnforcementFacts | None = None
    case_id: int | None = _fk(task, "enforcement_case")
    bankruptcy_id: int | None = _fk(task, "bankruptcy_case")
    if case_id is not None and (needs_court or guards & _ENFORCEMENT_GUARDS):
        case = await EnforcementCase.get(id=case_id)
        court_unit_id = _fk(case, "court")
        performed = await _amount_performed(case_id) if guards & _ENFORCEMENT_GUARDS else 0
        enforcement = EnforcementFacts(
            amount_due_fen=case.amount_due_fen,
            amount_performed_fen=performed,
            closure_method=case.closure_method.value if case.closure_method else None,
            closure_grounds=case.closure_grounds,
            performance_confirmed=case.performance_confirmed_at is not None,
        )
    elif bankruptcy_id is not None and needs_court:
        rows = await BankruptcyCase.filter(id=bankruptcy_id).values("court_id")
        court_unit_id = int(rows[0]["court_id"]) if rows else None
    return TaskSnapshot(
        id=task.id,
        code=task.code,
        kind=task.kind.value,
        state=task.state.value,
        version=task.version,
        responsible_unit_id=_fk(task, "responsible_unit"),
        court_unit_id=court_unit_id,
        due_on=task.due_on,
        supervision_level=task.supervision_level.value,
        open_dependencies=open_dependencies,
        enforcement=enforcement,
    )


async def _refusal(
    error: WorkflowError, task: Task, account: Account, action: str
) -> WorkflowRefusal:
    """Word the engine's refusal for a liaison: name the task and the actor's unit."""
    if isinstance(error, Forbidden):
        unit = await Unit.get_or_none(id=_fk(account, "unit"))
        unit_name = unit.name if unit is not None else "no unit"
        who = " or ".join(_WHO.get(token, token) for token in error.allowed) or "nobody"
        message = (
            f"{account.display_name} ({account.role.label}, {unit_name}) may not {action} "
            f"task {task.code}: only {who} may"
        )
        return WorkflowRefusal(error, message, field=None)
    field: str | None = None
    if isinstance(error, InvalidInput):
        field = error.field
    elif isinstance(error, InvalidTransition):
        field = "action"
    return WorkflowRefusal(error, f"task {task.code}: {error}", field=field)


def _clean_evidence(evidence: list[str] | None) -> list[str]:
    """The non-blank lines of evidence, each one line of at most :data:`EVIDENCE_ITEM_LENGTH`."""
    items = bounded_list(evidence, field="evidence") or []
    cleaned = (
        optional_single_line(item, field=f"evidence.{index}", max_length=EVIDENCE_ITEM_LENGTH)
        for index, item in enumerate(items)
    )
    return [item for item in cleaned if item is not None]


def _check_inputs(
    action: str, due_on: dt.date | None, idempotency_key: str | None
) -> tuple[str, str | None]:
    """The action and idempotency key, checked; refuses a due date the action does not take."""
    action = identifier(action, field="action", max_length=column_length(TaskEvent, "action"))
    if due_on is not None and action not in _DUE_ON_ACTIONS:
        raise ValidationError(
            "dueOn",
            "due_on.unused",
            f"{action} does not take a due date; only {', '.join(_DUE_ON_ACTIONS)} do",
        )
    key = (
        identifier(idempotency_key, field="idempotencyKey", max_length=IDEMPOTENCY_KEY_LENGTH)
        if idempotency_key is not None
        else None
    )
    return action, key


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


class _Stale(Exception):
    """Raised inside the transaction when the conditional UPDATE matched no row."""


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
    action, key = _check_inputs(action, due_on, idempotency_key)
    text = multi_line(comment, field="comment")
    items = _clean_evidence(evidence)
    try:
        return await _transition(
            task_id, action, actor, expected_version, text, items, due_on, key, now
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
) -> TransitionResult:
    today = local_today(now)
    task = await _load_task(task_id)
    actor_ = actor_of(actor)
    if task.version != expected_version:
        raise VersionConflict(task.code, expected_version, task.version)
    definition = definition_of(task)
    snapshot = await _snapshot(task, _step(definition, task.state.value, action))
    try:
        decision = decide(
            definition,
            snapshot,
            action,
            actor_,
            comment=comment,
            evidence="\n".join(items) or None,
            due_on=due_on,
            today=today,
        )
    except WorkflowError as err:
        raise await _refusal(err, task, actor, action) from err
    if action == "assign" and due_on is not None and due_on < today:
        raise ValidationError("dueOn", "date.range", f"dueOn {due_on.isoformat()} is in the past")
    try:
        event = await _apply(
            task, decision, actor, expected_version, now, today, items, due_on, key
        )
    except _Stale:
        current = await Task.filter(id=task_id).values("version")
        raise VersionConflict(
            task.code, expected_version, int(current[0]["version"]), while_saving=True
        ) from None
    return TransitionResult(task=task, event=event, replayed=False)


async def _apply(
    task: Task,
    decision: Decision,
    actor: Account,
    expected_version: int,
    now: dt.datetime,
    today: dt.date,
    evidence: list[str],
    due_on: dt.date | None,
    idempotency_key: str | None,
) -> TaskEvent:
    """Write ``decision`` in one transaction; update ``task`` in memory to match.

    Raises:
        _Stale: the conditional UPDATE matched no row (rolled back, nothing written).
    """
    payload = dict(decision.payload)
    comment = str(payload.pop("comment", ""))
    if evidence:
        payload["evidence"] = evidence
    changes: dict[str, Any] = {"updated_at": now}
    if decision.state_changed:
        changes["state"] = TaskState(decision.to_state)
    if decision.supervision_level is not None:
        changes["supervision_level"] = StoredLevel(decision.supervision_level)
    if decision.due_on is not None:
        changes["due_on"] = decision.due_on
    if decision.action == "assign":
        changes["assigned_on"] = today
        changes["assigned_by_id"] = actor.id
        if due_on is not None:
            changes["due_on"] = due_on
            payload["dueOn"] = due_on.isoformat()
            if task.due_on is not None:
                payload["previousDueOn"] = task.due_on.isoformat()
    if decision.to_state == TaskState.CLOSED and decision.state_changed:
        changes["closed_at"] = now

    async with in_transaction() as conn:
        if not await _update_if_version(conn, task.id, expected_version, changes):
            raise _Stale
        await _side_effects(task, decision, now, today, conn)
        event = await append_event(
            task,
            action=decision.action,
            from_state=TaskState(decision.from_state),
            to_state=TaskState(decision.to_state),
            actor=actor,
            at=now,
            using_db=conn,
            comment=comment,
            payload=payload,
            idempotency_key=idempotency_key,
            due_on=changes.get("due_on", task.due_on),
        )
    for name, value in changes.items():
        setattr(task, name, value)
    task.version = expected_version + 1
    return event


#: Columns of ``task`` a transition may set (the only names that reach the SQL).
_TASK_COLUMNS = frozenset(
    {
        "state",
        "supervision_level",
        "due_on",
        "assigned_on",
        "assigned_by_id",
        "closed_at",
        "updated_at",
    }
)


async def _update_if_version(
    conn: BaseDBAsyncClient, task_id: int, expected_version: int, changes: dict[str, Any]
) -> bool:
    """``UPDATE task SET …, version = version + 1 WHERE id = ? AND version = ?``.

    Returns whether the row matched. Written as SQL rather than through
    ``QuerySet.update``: tortoise's query builder spends about half a
    millisecond of CPU composing this one statement, a sixth of the time a
    whole transition may take (DESIGN.md §8, 300 per second on SQLite).
    Column names come from :data:`_TASK_COLUMNS`, values are parameters.
    """
    unknown = set(changes) - _TASK_COLUMNS
    if unknown:
        raise ValueError(f"not a column a transition sets: {', '.join(sorted(unknown))}")
    sqlite = conn.capabilities.dialect == "sqlite"

    def slot(index: int) -> str:
        return "?" if sqlite else f"${index}"

    columns = list(changes)
    assignments = ", ".join(f'"{name}" = {slot(i)}' for i, name in enumerate(columns, 1))
    n = len(columns)
    sql = (
        f'UPDATE "task" SET {assignments}, "version" = "version" + 1 '
        f'WHERE "id" = {slot(n + 1)} AND "version" = {slot(n + 2)}'
    )
    values = [value.value if isinstance(value, Enum) else value for value in changes.values()]
    rows, _ = await conn.execute_query(sql, [*values, task_id, expected_version])
    return bool(rows)


async def _side_effects(
    task: Task, decision: Decision, now: dt.datetime, today: dt.date, conn: BaseDBAsyncClient
) -> None:
    """Changes to the subject: an enforcement case's closure and confirmation."""
    case_id = _fk(task, "enforcement_case")
    if case_id is None or task.kind is not TaskKind.ENFORCEMENT:
        return
    cases = EnforcementCase.filter(id=case_id).using_db(conn)
    if decision.action == "approve_closure":
        await cases.update(closed_on=today)
        # A settlement or termination keeps the method recorded with its grounds.
        await cases.filter(closure_method__isnull=True).update(
            closure_method=ClosureMethod.FULL_PERFORMANCE
        )
    elif decision.action == "confirm_performance":
        await cases.update(performance_confirmed_at=now)


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
        raise WorkflowRefusal(err, f"task {task.code}: history does not replay: {err}") from err


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
        return replay(definition, [*lead, *((a, f, t) for _, a, f, t in events)])
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
    _, state = await _history(task_id, _utc(moment, "moment"))
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
        raise WorkflowRefusal(error, f"task {task.code}: {error}")
    return state
