"""Deciding transitions: who may do what to a task, and what it changes.

The engine never touches a database. The persistence layer loads a
:class:`TaskSnapshot`, asks :func:`decide` for a :class:`Decision`, and applies
it (state, due date, supervision level, and an event holding
:attr:`Decision.payload`) in one transaction.

:func:`decide` checks, in this order, and raises the first failure:

1. the action exists and is possible from the task's state — InvalidTransition;
2. the actor may take it on this task — Forbidden;
3. the inputs it requires are there and usable — MissingInput / InvalidInput;
4. its guards pass — GuardFailed.

Event payload keys are spelled as in the API (camelCase): ``comment``,
``evidence``, ``dueOn``, ``previousDueOn``, ``requestedDueOn``,
``supervisionLevel``, ``previousSupervisionLevel``, ``performanceConfirmed``;
a closure step's ``closureMethod``, ``grounds``, ``settlementAmountFen``,
``rulingNumber`` and ``confirmedClosureMethod``; leaving a paused state
(resume, reject_closure) also records ``pausedSince`` and
``pausedWorkingDays`` beside ``previousDueOn`` and ``dueOn`` (``workflow.clocks``).
改派 (reassign) records ``previousResponsibleUnitId`` and
``responsibleUnitId``, and, when the assisting units change,
``previousAssistingUnitIds`` and ``assistingUnitIds``; 不予延期
(refuse_extension) and 延期 (extend) answering a request record
``requestedDueOn``; 约谈 (summon) ``summonedOn`` and ``summonedUnitId`` (the
responsible unit whose leader is summoned).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from workflow.calendar import WorkingCalendar
from workflow.clocks import paused_due_on
from workflow.definition import GUARDS, Definition, SideAction, Transition
from workflow.errors import (
    Forbidden,
    GuardFailed,
    InconsistentHistory,
    InvalidInput,
    InvalidTransition,
    MissingInput,
    word,
)
from workflow.i18n import Text, _, field_label, term
from workflow.money import format_fen
from workflow.warnings import PAUSED_STATES, SupervisionLevel, escalate

__all__ = [
    "ASSIGN_ACTION",
    "CLOSURE_METHODS",
    "CLOSURE_METHOD_LABELS",
    "CREATE_ACTION",
    "DEFAULT_CLOSURE_METHOD",
    "DUE_ON_ACTIONS",
    "EXTENSION_ANSWERS",
    "FACTS",
    "FACT_COURT",
    "FACT_ENFORCEMENT",
    "FACT_OPEN_DEPENDENCIES",
    "FACT_PAUSED_SINCE",
    "FACT_PENDING_EXTENSION",
    "GUARD_CHECKS",
    "GUARD_FACTS",
    "INPUT_NAMES",
    "LISTING_INPUT",
    "ORGAN_KINDS",
    "REASSIGN_ACTION",
    "REQUEST_CLOSURE_ACTION",
    "RULING_METHODS",
    "Actor",
    "ClosureRequest",
    "Decision",
    "EnforcementFacts",
    "Reassignment",
    "TaskSnapshot",
    "actor_roles",
    "applied",
    "available_actions",
    "decide",
    "facts_needed",
    "replay",
    "unavailable_actions",
]

#: 结案方式, as the API spells them: FULL_PERFORMANCE 执行完毕; SETTLEMENT
#: 执行和解履行完毕; TERMINATION 终结执行; NOT_ENFORCED 不予执行; WITHDRAWN
#: 撤回执行申请; TERMINATION_THIS_ROUND 终结本次执行 (never for an organ).
CLOSURE_METHODS = (
    "FULL_PERFORMANCE",
    "SETTLEMENT",
    "TERMINATION",
    "NOT_ENFORCED",
    "WITHDRAWN",
    "TERMINATION_THIS_ROUND",
)

#: The method a request for closure names when it names none.
DEFAULT_CLOSURE_METHOD = "FULL_PERFORMANCE"

#: Labels of the methods, for the guards' words.
CLOSURE_METHOD_LABELS = {
    "FULL_PERFORMANCE": "执行完毕",
    "SETTLEMENT": "执行和解履行完毕",
    "TERMINATION": "终结执行",
    "NOT_ENFORCED": "不予执行",
    "WITHDRAWN": "撤回执行申请",
    "TERMINATION_THIS_ROUND": "终结本次执行",
}

#: Methods resting on a ruling of the court, whose 案号 the request gives.
RULING_METHODS = frozenset({"TERMINATION", "NOT_ENFORCED"})

#: Kinds of respondent that are party or government organs (store.enums.UnitKind):
#: never treated as unable to pay, so never closed by 终结本次执行.
ORGAN_KINDS = frozenset({"PARTY_GOV_ORGAN", "DEPARTMENT", "DISTRICT_GOV", "OFFICE"})

#: The action that asks for closure, with the 结案方式 and its grounds.
REQUEST_CLOSURE_ACTION = "request_closure"

#: The action of a task's creation event, accepted by :func:`replay` as a
#: first event ``(CREATE_ACTION, None, start)``.
CREATE_ACTION = "create"

#: The action that hands a task out (交办); it may fix the due date.
ASSIGN_ACTION = "assign"

#: Actions that may be given a due date: assign fixes the 办结时限 (optional),
#: extend moves it, request_extension asks for a new one (both required).
DUE_ON_ACTIONS = (ASSIGN_ACTION, "extend", "request_extension")

#: The actions that answer a request for extension: 延期 grants it, 不予延期 refuses it.
EXTENSION_ANSWERS = frozenset({"extend", "refuse_extension"})

#: 改派: the action that may hand a returned task to another responsible unit.
REASSIGN_ACTION = "reassign"

#: The input that a supervise needs only when it lists the task 挂牌 (LISTED):
#: 挂牌督办 is a leadership decision, recorded with the office's words.
LISTING_INPUT = "listing_comment"

#: Every input a definition may require (``workflow.definition.INPUTS``), as the
#: API spells it: a 挂牌 step's comment is a comment.
INPUT_NAMES = {
    "comment": "comment",
    "evidence": "evidence",
    "due_on": "dueOn",
    "summoned_on": "summonedOn",
    LISTING_INPUT: "comment",
}

#: Field names of the inputs, as the API spells them, in the order they are
#: checked: the input that is the point of the action before the comment.
_INPUT_FIELDS = {
    "due_on": "dueOn",
    "summoned_on": "summonedOn",
    "evidence": "evidence",
    "comment": "comment",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: an account, its role and its unit."""

    account_id: int
    role: str
    unit_id: int | None


@dataclass(frozen=True)
class ClosureRequest:
    """What a request for closure of an enforcement task names (money in fen).

    Attributes:
        method: the 结案方式 (:data:`CLOSURE_METHODS`).
        grounds: why; required for every method but FULL_PERFORMANCE.
        settlement_amount_fen: what the 执行和解 requires (SETTLEMENT).
        ruling_number: the 案号 of the court's ruling (TERMINATION,
            NOT_ENFORCED), already validated by the caller.
    """

    method: str = DEFAULT_CLOSURE_METHOD
    grounds: str | None = None
    settlement_amount_fen: int | None = None
    ruling_number: str | None = None


@dataclass(frozen=True)
class EnforcementFacts:
    """What an enforcement task's guards need to know of its case (money in fen).

    ``closure_method`` and the fields after it are what the latest request for
    closure recorded (or the final method, once closed); ``confirmed_method``
    the method the court confirmed; ``respondent_kind`` the kind of the
    respondent unit (None when not loaded).
    """

    amount_due_fen: int
    amount_performed_fen: int
    closure_method: str | None = None
    closure_grounds: str | None = None
    performance_confirmed: bool = False
    settlement_amount_fen: int | None = None
    ruling_number: str | None = None
    confirmed_method: str | None = None
    respondent_kind: str | None = None

    @property
    def fully_performed(self) -> bool:
        """Whether the amount performed covers the amount due."""
        return self.amount_performed_fen >= self.amount_due_fen

    @property
    def confirmed_method_or_legacy(self) -> str | None:
        """The method the court confirmed; a confirmation recorded without one
        (before methods were confirmed) confirmed full performance."""
        if not self.performance_confirmed:
            return None
        return self.confirmed_method or DEFAULT_CLOSURE_METHOD

    @property
    def method(self) -> str:
        """The method asked for, or full performance when none is recorded."""
        return self.closure_method or DEFAULT_CLOSURE_METHOD

    def requested(self, request: ClosureRequest) -> EnforcementFacts:
        """These facts once ``request`` is recorded."""
        return replace(
            self,
            closure_method=request.method,
            closure_grounds=request.grounds,
            settlement_amount_fen=request.settlement_amount_fen,
            ruling_number=request.ruling_number,
        )


@dataclass(frozen=True)
class Reassignment:
    """What a 改派 (reassign) names: the new responsible unit and, optionally, the
    new assisting units (None: they stay), already checked by the caller (known,
    active, of a kind that takes tasks). ``previous_assisting_unit_ids`` are the
    assisting units before, for the event."""

    responsible_unit_id: int
    assisting_unit_ids: tuple[int, ...] | None = None
    previous_assisting_unit_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class TaskSnapshot:
    """A task as the engine sees it, loaded by the persistence layer."""

    id: int | None
    code: str
    kind: str
    state: str
    version: int
    responsible_unit_id: int
    court_unit_id: int | None = None
    due_on: datetime.date | None = None
    supervision_level: str = "NORMAL"
    open_dependencies: tuple[str, ...] = ()
    enforcement: EnforcementFacts | None = None
    paused_since: datetime.date | None = None
    #: The due date a request for extension asks for, while nobody has answered it
    #: (延期 grants it, 不予延期 refuses it); None when no request is pending.
    pending_extension_due_on: datetime.date | None = None


@dataclass(frozen=True)
class Decision:
    """What an action does to a task.

    Attributes:
        action: the action taken.
        from_state: the state before.
        to_state: the state after (equal to ``from_state`` for side actions and
            self-loops such as ``report``).
        state_changed: whether the state changes.
        due_on: the new due date, if the action moves it (``extend``).
        supervision_level: the new supervision level, if the action raises it.
        responsible_unit_id: the new responsible unit, if the action changes it
            (改派 to another unit).
        assisting_unit_ids: the new assisting units, if the action replaces them.
        payload: what the event records (see the module docstring).
    """

    action: str
    from_state: str
    to_state: str
    state_changed: bool
    due_on: datetime.date | None = None
    supervision_level: str | None = None
    responsible_unit_id: int | None = None
    assisting_unit_ids: tuple[int, ...] | None = None
    payload: dict[str, Any] = field(default_factory=dict)


# A guard's check returns None when it passes, else (what the action needs,
# why the task falls short) — GuardFailed words them as "<action> needs <what>: <why>".
_Refusal = tuple[str, str]
_Check = Callable[[TaskSnapshot], "_Refusal | None"]

#: Facts of a :class:`TaskSnapshot` beyond the task's own row, which the
#: persistence layer loads only when the step being decided reads them
#: (:func:`facts_needed`); named after the snapshot's fields.
FACT_OPEN_DEPENDENCIES = "open_dependencies"
FACT_ENFORCEMENT = "enforcement"
FACT_COURT = "court_unit_id"
#: The day the task entered the paused state it is in (``workflow.clocks``).
FACT_PAUSED_SINCE = "paused_since"
#: The due date an unanswered request for extension asks for.
FACT_PENDING_EXTENSION = "pending_extension_due_on"
FACTS = frozenset(
    {
        FACT_OPEN_DEPENDENCIES,
        FACT_ENFORCEMENT,
        FACT_COURT,
        FACT_PAUSED_SINCE,
        FACT_PENDING_EXTENSION,
    }
)

#: The guards, by the name definitions use.
GUARD_CHECKS: dict[str, _Check] = {}

#: The facts each guard reads, by guard name (see :func:`_guard`).
GUARD_FACTS: dict[str, frozenset[str]] = {}


def _guard(name: str, *reads: str) -> Callable[[_Check], _Check]:
    """Register a guard's check under ``name``, with the snapshot facts it reads."""
    unknown = set(reads) - FACTS
    assert not unknown, f"guard {name} reads unknown facts {sorted(unknown)}"

    def register(check: _Check) -> _Check:
        GUARD_CHECKS[name] = check
        GUARD_FACTS[name] = frozenset(reads)
        return check

    return register


def _no_facts() -> Text:
    return _("no enforcement facts are recorded for this task")


def _method_words(method: str) -> Text:
    """A 结案方式 as the guards name it: 执行完毕 (FULL_PERFORMANCE)."""
    return term(
        f"「{CLOSURE_METHOD_LABELS.get(method, method)}」",
        f"{CLOSURE_METHOD_LABELS.get(method, method)} ({method})",
    )


@_guard("dependencies_closed", FACT_OPEN_DEPENDENCIES)
def _dependencies_closed(task: TaskSnapshot) -> _Refusal | None:
    if task.open_dependencies:
        return (
            _("every dependency closed"),
            _("still open: {tasks}", tasks=", ".join(task.open_dependencies)),
        )
    return None


def _method_condition(facts: EnforcementFacts) -> _Refusal | None:
    """The condition of the method ``facts`` record: None when it holds."""
    method = facts.method
    label = _method_words(method)
    if method == "FULL_PERFORMANCE":
        if facts.fully_performed:
            return None
        return (
            _("full performance"),
            _(
                "{due} due, {performed} performed",
                due=format_fen(facts.amount_due_fen),
                performed=format_fen(facts.amount_performed_fen),
            ),
        )
    if method == "SETTLEMENT":
        if facts.settlement_amount_fen is None:
            return (
                _("the settlement amount for {method}", method=label),
                _("no settlement amount is recorded"),
            )
        if facts.amount_performed_fen >= facts.settlement_amount_fen:
            return None
        return (
            _("the settlement paid in full for {method}", method=label),
            _(
                "{agreed} agreed, {performed} performed",
                agreed=format_fen(facts.settlement_amount_fen),
                performed=format_fen(facts.amount_performed_fen),
            ),
        )
    if method in RULING_METHODS:
        if facts.ruling_number and facts.ruling_number.strip():
            return None
        return (
            _("the court's ruling number (a 案号) for {method}", method=label),
            _("no ruling number is recorded"),
        )
    if method == "TERMINATION_THIS_ROUND" and facts.respondent_kind in ORGAN_KINDS:
        return (
            _("a respondent that is not a party or government organ for {method}", method=label),
            _(
                "the respondent is a party or government organ, which is never treated as "
                "unable to pay: it must perform, settle, or the court must rule"
            ),
        )
    return None


@_guard("enforcement_closure_grounds", FACT_ENFORCEMENT)
def _enforcement_closure_grounds(task: TaskSnapshot) -> _Refusal | None:
    facts = task.enforcement
    if facts is None:
        return (_("full performance"), _no_facts())
    if facts.method != DEFAULT_CLOSURE_METHOD and _blank(facts.closure_grounds):
        return (
            _("the grounds of {method}", method=_method_words(facts.method)),
            _("no grounds are recorded"),
        )
    return _method_condition(facts)


@_guard("performance_confirmed", FACT_ENFORCEMENT)
def _performance_confirmed(task: TaskSnapshot) -> _Refusal | None:
    facts = task.enforcement
    if facts is None:
        return (_("the court's confirmation of performance"), _no_facts())
    method = facts.method
    if method == DEFAULT_CLOSURE_METHOD:
        requirement, unconfirmed = (
            _("the court's confirmation of performance"),
            _("the court has not confirmed performance"),
        )
    else:
        requirement = _("the court's confirmation of {method}", method=_method_words(method))
        unconfirmed = _("the court has not confirmed it")
    confirmed = facts.confirmed_method_or_legacy
    if confirmed is None:
        return (requirement, unconfirmed)
    if confirmed != method:
        return (
            requirement,
            _("the court confirmed {method} instead", method=_method_words(confirmed)),
        )
    return _method_condition(facts)


@_guard("performance_complete", FACT_ENFORCEMENT)
def _performance_complete(task: TaskSnapshot) -> _Refusal | None:
    facts = task.enforcement
    if facts is None:
        return (_("full performance or a performed settlement"), _no_facts())
    return _method_condition(facts)


@_guard("not_yet_confirmed", FACT_ENFORCEMENT)
def _not_yet_confirmed(task: TaskSnapshot) -> _Refusal | None:
    facts = task.enforcement
    if facts is not None and facts.confirmed_method_or_legacy == facts.method:
        return (
            _("{method} not yet confirmed", method=_method_words(facts.method)),
            _("the court has already confirmed it"),
        )
    return None


@_guard("below_listed")  # the supervision level comes with the task row
def _below_listed(task: TaskSnapshot) -> _Refusal | None:
    if task.supervision_level == SupervisionLevel.LISTED:
        return (
            _("a supervision level below 挂牌 (LISTED)"),
            _("the task is already 挂牌 (LISTED), the highest level"),
        )
    return None


@_guard("extension_pending", FACT_PENDING_EXTENSION)
def _extension_pending(task: TaskSnapshot) -> _Refusal | None:
    if task.pending_extension_due_on is None:
        return (
            _("a pending request for extension (申请延期) to answer"),
            _("the responsible unit has asked for no extension, or it has been answered"),
        )
    return None


assert set(GUARD_CHECKS) == GUARDS, "every guard a definition may name must be checkable"


def facts_needed(definition: Definition, state: str, action: str) -> frozenset[str]:
    """The facts (:data:`FACTS`) deciding ``action`` from ``state`` reads beyond the task row.

    Those its guards read, and the task's court when the court may take the
    action (to tell whether the actor is that court's liaison). An action not
    possible from ``state`` needs none: :func:`decide` refuses it first.

    Example:
        >>> from workflow.builtin import enforcement_definition
        >>> enforcement = enforcement_definition()
        >>> sorted(facts_needed(enforcement, "CLOSURE_REQUESTED", "approve_closure"))
        ['enforcement']
        >>> sorted(facts_needed(enforcement, "CLOSURE_REQUESTED", "reject_closure"))
        ['court_unit_id', 'paused_since']
    """
    step = definition.step(state, action)
    if step is None:
        return frozenset()
    facts: set[str] = set().union(*(GUARD_FACTS[name] for name in step.guards))
    if "COURT" in step.roles:
        facts.add(FACT_COURT)
    if isinstance(step, Transition) and _ends_pause(definition, step):
        facts.add(FACT_PAUSED_SINCE)
    if action in EXTENSION_ANSWERS:
        # the event of an answer names the request it answers
        facts.add(FACT_PENDING_EXTENSION)
    return frozenset(facts)


def _ends_pause(definition: Definition, step: Transition) -> bool:
    """Whether ``step`` restarts a stopped clock: from a paused state to an open one.

    Resume (SUSPENDED → IN_PROGRESS) and reject_closure (CLOSURE_REQUESTED →
    IN_PROGRESS) do; approving a closure or cancelling ends the task instead.
    """
    return (
        step.source in PAUSED_STATES
        and step.target not in PAUSED_STATES
        and not definition.is_terminal(step.target)
    )


def actor_roles(task: TaskSnapshot, actor: Actor) -> frozenset[str]:
    """The role tokens ``actor`` holds on ``task``.

    COORDINATOR for a coordinator; RESPONSIBLE_UNIT for a UNIT_LIAISON of the
    task's responsible unit; COURT for a COURT_LIAISON of the task's court.
    LEADER and ADMIN accounts hold none: they never act on tasks.
    """
    tokens = set()
    if actor.role == "COORDINATOR":
        tokens.add("COORDINATOR")
    if actor.role == "UNIT_LIAISON" and actor.unit_id == task.responsible_unit_id:
        tokens.add("RESPONSIBLE_UNIT")
    if (
        actor.role == "COURT_LIAISON"
        and actor.unit_id is not None
        and actor.unit_id == task.court_unit_id
    ):
        tokens.add("COURT")
    return frozenset(tokens)


def _first_refusal(guards: Iterable[str], task: TaskSnapshot) -> tuple[str, _Refusal] | None:
    for name in guards:
        refusal = GUARD_CHECKS[name](task)
        if refusal is not None:
            return name, refusal
    return None


def available_actions(
    definition: Definition, task: TaskSnapshot, actor: Actor
) -> list[Transition | SideAction]:
    """The actions ``actor`` can take on ``task`` now (for the buttons).

    An action is listed if it is possible from the task's state, the actor holds
    one of its roles and its guards pass. Inputs are not checked: the button
    asks for them. So a guard that judges the inputs themselves
    (:data:`_INPUT_GUARDS`: the closure method a request names) passes when the
    facts it reads are known — some method may be asked for (a withdrawal needs
    only its grounds). State-changing actions come first, in definition order.
    """
    roles = actor_roles(task, actor)
    if not roles:
        return []
    candidates: list[Transition | SideAction] = [
        *definition.transitions_from(task.state),
        *definition.side_actions_from(task.state),
    ]
    return [c for c in candidates if c.roles & roles and _offered(c.guards, task)]


def unavailable_actions(
    definition: Definition, task: TaskSnapshot, actor: Actor
) -> list[tuple[Transition | SideAction, GuardFailed]]:
    """The actions ``actor``'s roles could take from the task's state but a guard refuses
    now, each with the refusal :func:`decide` would raise (for a disabled button and
    its reason).

    The same guards as :func:`decide` and :func:`available_actions`, judged the same
    way: an action is here exactly when its state and roles fit and it is not offered.
    In definition order, state-changing actions first.

    Example:
        >>> from workflow.builtin import enforcement_definition
        >>> facts = EnforcementFacts(amount_due_fen=100, amount_performed_fen=100)
        >>> task = TaskSnapshot(id=1, code="FY-2026-0001", kind="ENFORCEMENT",
        ...     state="CLOSURE_REQUESTED", version=5, responsible_unit_id=2, enforcement=facts)
        >>> coordinator = Actor(account_id=1, role="COORDINATOR", unit_id=None)
        >>> [(step.action, refusal.guard)
        ...  for step, refusal in unavailable_actions(enforcement_definition(), task, coordinator)]
        [('approve_closure', 'performance_confirmed'), ('refuse_extension', 'extension_pending')]
    """
    roles = actor_roles(task, actor)
    if not roles:
        return []
    candidates: list[Transition | SideAction] = [
        *definition.transitions_from(task.state),
        *definition.side_actions_from(task.state),
    ]
    refused: list[tuple[Transition | SideAction, GuardFailed]] = []
    for step in candidates:
        if not step.roles & roles or _offered(step.guards, task):
            continue
        judged = [g for g in step.guards if g not in _INPUT_GUARDS or task.enforcement is None]
        refusal = _first_refusal(judged, task)
        if refusal is not None:
            guard, (requirement, reason) = refusal
            refused.append((step, GuardFailed(step.action, guard, requirement, reason)))
    return refused


#: Guards that judge what the action's inputs name, not only the task.
_INPUT_GUARDS = frozenset({"enforcement_closure_grounds"})


def _offered(guards: Iterable[str], task: TaskSnapshot) -> bool:
    """Whether a button for an action with ``guards`` is offered on ``task``."""
    for name in guards:
        if name in _INPUT_GUARDS:
            if task.enforcement is None:
                return False
        elif GUARD_CHECKS[name](task) is not None:
            return False
    return True


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _check_due_on(
    action: str,
    task: TaskSnapshot,
    due_on: datetime.date,
    today: datetime.date | None,
    *,
    later: bool = True,
) -> None:
    """Refuse a due date in the past, or (``later``) not after the current one."""
    if later and task.due_on is not None and due_on <= task.due_on:
        raise InvalidInput(
            "dueOn",
            _(
                "dueOn must be later than the current due date {current} to {action}",
                current=task.due_on,
                action=word(action),
            ),
        )
    if today is not None and due_on < today:
        raise InvalidInput("dueOn", _("dueOn {day} is in the past", day=due_on))


def _with_closure_request(
    task: TaskSnapshot, action: str, closure: ClosureRequest | None
) -> TaskSnapshot:
    """``task`` with the request for closure recorded, for the guards to judge."""
    facts = task.enforcement
    if action != REQUEST_CLOSURE_ACTION or facts is None:
        if closure is not None:
            raise InvalidInput(
                "closureMethod",
                _(
                    "{action} takes no closureMethod: only request_closure of an enforcement task",
                    action=word(action),
                ),
            )
        return task
    if closure is None:
        closure = ClosureRequest(
            method=facts.method,
            grounds=facts.closure_grounds,
            settlement_amount_fen=facts.settlement_amount_fen,
            ruling_number=facts.ruling_number,
        )
    if closure.method not in CLOSURE_METHODS:
        raise InvalidInput(
            "closureMethod",
            _(
                "closureMethod {method!r} is not one of {methods}",
                method=closure.method,
                methods=", ".join(CLOSURE_METHODS),
            ),
        )
    if closure.method != DEFAULT_CLOSURE_METHOD and _blank(closure.grounds):
        raise MissingInput(
            "grounds",
            _(
                "{action} by {method}",
                action=word(action),
                method=term(_method_words(closure.method), closure.method),
            ),
        )
    grounds = closure.grounds.strip() if closure.grounds else None
    return replace(task, enforcement=facts.requested(replace(closure, grounds=grounds)))


def _closure_payload(task: TaskSnapshot, action: str) -> dict[str, Any]:
    """What the event of a closure step records of the method (camelCase keys)."""
    facts = task.enforcement
    if facts is None:
        return {}
    if action == REQUEST_CLOSURE_ACTION:
        payload: dict[str, Any] = {"closureMethod": facts.method}
        if facts.closure_grounds:
            payload["grounds"] = facts.closure_grounds
        if facts.settlement_amount_fen is not None:
            payload["settlementAmountFen"] = facts.settlement_amount_fen
        if facts.ruling_number:
            payload["rulingNumber"] = facts.ruling_number
        return payload
    if action == "approve_closure":
        return {"closureMethod": facts.method}
    if action == "confirm_performance":
        return {"confirmedClosureMethod": facts.method}
    return {}


def decide(
    definition: Definition,
    task: TaskSnapshot,
    action: str,
    actor: Actor,
    *,
    comment: str | None = None,
    evidence: str | None = None,
    due_on: datetime.date | None = None,
    today: datetime.date | None = None,
    closure: ClosureRequest | None = None,
    calendar: WorkingCalendar | None = None,
    reassignment: Reassignment | None = None,
    summoned_on: datetime.date | None = None,
) -> Decision:
    """Decide what ``actor`` taking ``action`` on ``task`` does.

    Args:
        definition: the workflow the task moves on.
        task: the task as loaded.
        action: the action's name (``accept``, ``supervise`` …).
        actor: who acts.
        comment: the actor's words; required by some actions.
        evidence: what proves the work done (``request_closure``).
        due_on: the new (or requested) due date (``extend``, ``request_extension``;
            optional for ``assign``, which fixes the first one).
        today: the day of the action, to refuse due dates in the past.
        closure: the 结案方式 and its grounds, for ``request_closure`` of an
            enforcement task only; without it the request names the method the
            case records, else FULL_PERFORMANCE. Its guard then checks that
            method's own condition (:func:`_method_condition`).
        calendar: the working-day calendar, to move the due date by the
            working days a pause took when the action ends it (resume,
            reject_closure: see ``workflow.clocks``). Without it, or without
            ``today`` or the snapshot's ``paused_since``, the due date stays.
        reassignment: the unit (and assisting units) a 改派 hands the task to;
            without it the task goes back to the unit it had. Refused for any
            other action.
        summoned_on: the day of a 约谈 (summon, required); not after ``today``.

    Raises:
        InvalidTransition: the action is unknown or not possible from the state.
        Forbidden: the actor may not take it on this task.
        MissingInput: a required input is missing or blank (``grounds`` for
            every method of closure but FULL_PERFORMANCE).
        InvalidInput: an input is unusable (a due date in the past, or one not
            later than the current one to extend; a closure method given to
            another action or task, or unknown).
        GuardFailed: a guard refused, with the reason in plain words.
        CalendarUnavailable: the pause's working days cannot be counted (a
            year without an official calendar): never guessed.
    """
    step = definition.step(task.state, action)
    if step is None:
        raise InvalidTransition(action, task.state, definition.actions_from(task.state))
    if not step.roles & actor_roles(task, actor):
        raise Forbidden(action, actor.role, actor.unit_id, sorted(step.roles))
    if reassignment is not None and action != REASSIGN_ACTION:
        raise InvalidInput(
            "responsibleUnitId",
            _(
                "{action} takes no responsibleUnitId: only {reassign} (改派) hands a task to "
                "another unit",
                action=word(action),
                reassign=word(REASSIGN_ACTION),
            ),
        )
    given = {"comment": comment, "evidence": evidence}
    dates = {"due_on": due_on, "summoned_on": summoned_on}
    for name in (n for n in _INPUT_FIELDS if n in step.requires):
        missing = dates[name] is None if name in dates else _blank(given[name])
        if missing:
            raise MissingInput(_INPUT_FIELDS[name], action)
    if (
        LISTING_INPUT in step.requires
        and task.supervision_level != SupervisionLevel.LISTED  # the guard refuses that
        and escalate(task.supervision_level) == SupervisionLevel.LISTED
        and _blank(comment)
    ):
        raise MissingInput(
            "comment",
            _("{action} to LISTED (挂牌), a leadership decision", action=word(action)),
        )
    if summoned_on is not None and today is not None and summoned_on > today:
        raise InvalidInput(
            "summonedOn",
            _("{field} {day} is in the future", field=field_label("summonedOn"), day=summoned_on),
        )
    task = _with_closure_request(task, action, closure)
    if "due_on" in step.requires and due_on is not None:
        _check_due_on(action, task, due_on, today)
    elif action == ASSIGN_ACTION and due_on is not None:
        # 交办 fixes the 办结时限 (optional): any day from today on, even an
        # earlier one than a draft held.
        _check_due_on(action, task, due_on, today, later=False)
    refusal = _first_refusal(step.guards, task)
    if refusal is not None:
        guard, (requirement, reason) = refusal
        raise GuardFailed(action, guard, requirement, reason)

    payload: dict[str, Any] = {}
    if comment is not None and comment.strip():
        payload["comment"] = comment.strip()
    if evidence is not None and evidence.strip():
        payload["evidence"] = evidence.strip()
    payload.update(_closure_payload(task, action))
    new_due: datetime.date | None = None
    new_level: str | None = None
    if isinstance(step, Transition):
        to_state = step.target
        if action == ASSIGN_ACTION and due_on is not None:
            new_due = due_on
            payload["dueOn"] = due_on.isoformat()
            if task.due_on is not None:
                payload["previousDueOn"] = task.due_on.isoformat()
        elif (
            _ends_pause(definition, step)
            and task.due_on is not None
            and task.paused_since is not None
            and today is not None
            and calendar is not None
        ):
            pause = paused_due_on(task.due_on, task.paused_since, today, calendar)
            if pause.due_on != task.due_on:
                new_due = pause.due_on
            payload["pausedSince"] = pause.since.isoformat()
            payload["pausedWorkingDays"] = pause.working_days
            payload["previousDueOn"] = pause.previous_due_on.isoformat()
            payload["dueOn"] = pause.due_on.isoformat()
    else:
        to_state = task.state
        if action == "supervise":
            new_level = escalate(task.supervision_level).value
            payload["previousSupervisionLevel"] = task.supervision_level
            payload["supervisionLevel"] = new_level
        elif action == "extend" and due_on is not None:
            new_due = due_on
            payload["previousDueOn"] = task.due_on.isoformat() if task.due_on else None
            payload["dueOn"] = due_on.isoformat()
        elif action == "request_extension" and due_on is not None:
            payload["requestedDueOn"] = due_on.isoformat()
            payload["dueOn"] = task.due_on.isoformat() if task.due_on else None
        elif action == "refuse_extension" and task.pending_extension_due_on is not None:
            payload["requestedDueOn"] = task.pending_extension_due_on.isoformat()
            payload["dueOn"] = task.due_on.isoformat() if task.due_on else None
        elif action == "summon" and summoned_on is not None:
            payload["summonedOn"] = summoned_on.isoformat()
            payload["summonedUnitId"] = task.responsible_unit_id
        elif action == "confirm_performance":
            payload["performanceConfirmed"] = True
        if action == "extend" and task.pending_extension_due_on is not None:
            payload["requestedDueOn"] = task.pending_extension_due_on.isoformat()
    new_unit: int | None = None
    new_assisting: tuple[int, ...] | None = None
    if action == REASSIGN_ACTION and reassignment is not None:
        payload["previousResponsibleUnitId"] = task.responsible_unit_id
        payload["responsibleUnitId"] = reassignment.responsible_unit_id
        if reassignment.responsible_unit_id != task.responsible_unit_id:
            new_unit = reassignment.responsible_unit_id
        if reassignment.assisting_unit_ids is not None:
            new_assisting = reassignment.assisting_unit_ids
            payload["previousAssistingUnitIds"] = list(reassignment.previous_assisting_unit_ids)
            payload["assistingUnitIds"] = list(new_assisting)
    return Decision(
        action=action,
        from_state=task.state,
        to_state=to_state,
        state_changed=to_state != task.state,
        due_on=new_due,
        supervision_level=new_level,
        responsible_unit_id=new_unit,
        assisting_unit_ids=new_assisting,
        payload=payload,
    )


def applied(task: TaskSnapshot, decision: Decision) -> TaskSnapshot:
    """``task`` as the engine sees it once ``decision`` is written.

    What the persistence layer's write does to the facts the engine reads:
    the state, the version (one more), the due date and supervision level the
    decision sets, the closure method a request records, and the court's
    confirmation of it. Planning a history (the demo
    data, the benchmark's dataset) folds decisions with it.
    """
    enforcement = task.enforcement
    if enforcement is not None and decision.action == REQUEST_CLOSURE_ACTION:
        payload = decision.payload
        enforcement = enforcement.requested(
            ClosureRequest(
                method=str(payload.get("closureMethod", DEFAULT_CLOSURE_METHOD)),
                grounds=payload.get("grounds"),
                settlement_amount_fen=payload.get("settlementAmountFen"),
                ruling_number=payload.get("rulingNumber"),
            )
        )
    if decision.payload.get("performanceConfirmed") and enforcement is not None:
        enforcement = replace(
            enforcement, performance_confirmed=True, confirmed_method=enforcement.method
        )
    pending = task.pending_extension_due_on
    if decision.action == "request_extension" and "requestedDueOn" in decision.payload:
        pending = datetime.date.fromisoformat(str(decision.payload["requestedDueOn"]))
    elif decision.action in EXTENSION_ANSWERS:
        pending = None
    return replace(
        task,
        state=decision.to_state,
        version=task.version + 1,
        due_on=decision.due_on or task.due_on,
        supervision_level=decision.supervision_level or task.supervision_level,
        responsible_unit_id=decision.responsible_unit_id or task.responsible_unit_id,
        enforcement=enforcement,
        paused_since=None,
        pending_extension_due_on=pending,
    )


def replay(definition: Definition, events: Iterable[tuple[str, str | None, str | None]]) -> str:
    """Fold an event log into the state it leads to.

    Each event is ``(action, from_state, to_state)``. State-changing actions
    (and self-loops like ``report``) must be edges of the graph from the state
    reached so far; side actions may record ``None`` or the current state for
    both ends. A first event ``("create", None, start)`` is accepted.

    Returns:
        The final state, to compare with the state the task row holds.

    Raises:
        InconsistentHistory: naming the first event that does not fit.
    """
    state = definition.start
    for index, (action, from_state, to_state) in enumerate(events):
        if index == 0 and action == CREATE_ACTION and from_state is None:
            if to_state != definition.start:
                raise InconsistentHistory(
                    index,
                    action,
                    state,
                    from_state,
                    f"a task starts in {definition.start}",
                )
            continue
        if from_state is not None and from_state != state:
            raise InconsistentHistory(
                index, action, state, from_state, f"the event records {from_state}"
            )
        transition = definition.transition(state, action)
        if transition is not None:
            if to_state is not None and to_state != transition.target:
                raise InconsistentHistory(
                    index,
                    action,
                    state,
                    from_state,
                    f"{action} leads to {transition.target}, the event records {to_state}",
                )
            state = transition.target
            continue
        side = definition.side_actions.get(action)
        if side is not None and state in side.sources and to_state in (None, state):
            continue
        possible = ", ".join(definition.actions_from(state)) or "nothing"
        raise InconsistentHistory(
            index,
            action,
            state,
            from_state,
            f"not possible from {state} (possible: {possible})",
        )
    return state
