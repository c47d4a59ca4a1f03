"""Who may see which records (DESIGN.md §6, Roles), as filters for every query.

One function per kind of record returns a tortoise ``Q`` that a query is
filtered by. Lists, counts, ``node``/``nodes``, nested fields (through the
DataLoaders) and subscriptions all use these, so a unit liaison never learns
that another unit's record exists: not in a list, not in a total, not by ID.

* COORDINATOR and LEADER see everything (the leader only reads).
* COURT_LIAISON sees the cases of its own court, their tasks and history, and
  the meetings it attended or whose agenda names its cases.
* UNIT_LIAISON sees the tasks its unit is responsible for or assists with, the
  enforcement cases against it, the bankruptcy cases and meetings in which it
  has a task (or, for meetings, attended).
* ADMIN manages accounts and units, and sees no case or task.

Units form a public directory (every signed-in role sees them). Accounts:
coordinators, leaders and admins see all; everyone else sees only their own.

For one task and many viewers at once (a task event fanned out to every
subscriber), :func:`task_audience` reads once what :func:`task_scope` decides
on, and :meth:`TaskAudience.admits` applies the same rules in memory.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tortoise.expressions import Q, Subquery
from tortoise.models import Model

from store.enums import Role
from store.errors import NotFound
from store.models import (
    Account,
    AgendaItem,
    BankruptcyCase,
    Briefing,
    Delivery,
    EnforcementCase,
    JointMeeting,
    Notification,
    PerformanceRecord,
    StoredFile,
    Task,
    TaskEvent,
)

NOTHING = Q(id__lt=0)
EVERYTHING = Q()

SEES_ALL = frozenset({Role.COORDINATOR, Role.LEADER})
SEES_PERSONAL_DATA = frozenset({Role.COORDINATOR, Role.COURT_LIAISON})


def _unit(viewer: Account) -> int:
    unit_id = viewer.unit_id  # type: ignore[attr-defined]
    assert isinstance(unit_id, int)
    return unit_id


def _by_unit(scope: Callable[[Account, int], Q]) -> Callable[[Account | None], Q]:
    """A scope for ``viewer`` from ``scope(viewer, its unit)``, after the rules
    every scope of cases, tasks and meetings shares: a signed-out or deactivated
    viewer sees nothing, a coordinator or leader (``SEES_ALL``) everything."""

    @functools.wraps(scope)
    def scoped(viewer: Account | None) -> Q:
        if viewer is None or not viewer.is_active:
            return NOTHING
        if viewer.role in SEES_ALL:
            return EVERYTHING
        return scope(viewer, _unit(viewer))

    return scoped


@_by_unit
def task_scope(viewer: Account, unit: int) -> Q:
    """The tasks ``viewer`` may see."""
    if viewer.role is Role.UNIT_LIAISON:
        assisted = Task.filter(assisting_units__id=unit).values("id")
        return Q(responsible_unit_id=unit) | Q(id__in=Subquery(assisted))
    if viewer.role is Role.COURT_LIAISON:
        return Q(enforcement_case__court_id=unit) | Q(bankruptcy_case__court_id=unit)
    return NOTHING


@dataclass(frozen=True)
class TaskAudience:
    """What :func:`task_scope` looks at, of one task: who may see it, decided in memory.

    Keep the two in step: tests/store/test_visibility.py checks that they agree
    for every demo account and task.
    """

    responsible_unit_id: int | None
    assisting_unit_ids: frozenset[int]
    court_ids: frozenset[int]
    """The courts of its enforcement case or bankruptcy case."""

    def admits(self, viewer: Account | None) -> bool:
        """Whether ``viewer`` may see the task (and its events)."""
        if viewer is None or not viewer.is_active:
            return False
        if viewer.role in SEES_ALL:
            return True
        unit = _unit(viewer)
        if viewer.role is Role.UNIT_LIAISON:
            return unit == self.responsible_unit_id or unit in self.assisting_unit_ids
        if viewer.role is Role.COURT_LIAISON:
            return unit in self.court_ids
        return False


async def task_audience(task_id: int) -> TaskAudience | None:
    """The audience of a task, in one query; None if there is no such task."""
    rows = await Task.filter(id=task_id).values_list(
        "responsible_unit_id",
        "assisting_units__id",
        "enforcement_case__court_id",
        "bankruptcy_case__court_id",
    )
    if not rows:
        return None
    return TaskAudience(
        responsible_unit_id=rows[0][0],
        assisting_unit_ids=frozenset(row[1] for row in rows if row[1] is not None),
        court_ids=frozenset(court for row in rows for court in row[2:] if court is not None),
    )


def progress_scope(viewer: Account | None) -> Q:
    """The tasks ``viewer``'s closure progress counts (``progress``, reports/progress.py).

    The tasks it may see, except that a unit liaison's progress covers the
    tasks its own unit is responsible for: the tasks it only assists with
    are another unit's to close, and would count twice across units.
    """
    scope = task_scope(viewer)
    if viewer is not None and viewer.role is Role.UNIT_LIAISON and scope is not NOTHING:
        return Q(responsible_unit_id=_unit(viewer))
    return scope


@_by_unit
def enforcement_case_scope(viewer: Account, unit: int) -> Q:
    """The enforcement cases ``viewer`` may see."""
    if viewer.role is Role.UNIT_LIAISON:
        return Q(respondent_id=unit)
    if viewer.role is Role.COURT_LIAISON:
        return Q(court_id=unit)
    return NOTHING


@_by_unit
def bankruptcy_case_scope(viewer: Account, unit: int) -> Q:
    """The bankruptcy cases ``viewer`` may see."""
    if viewer.role is Role.UNIT_LIAISON:
        with_matters = Task.filter(responsible_unit_id=unit, bankruptcy_case_id__isnull=False)
        return Q(id__in=Subquery(with_matters.values("bankruptcy_case_id")))
    if viewer.role is Role.COURT_LIAISON:
        return Q(court_id=unit)
    return NOTHING


@_by_unit
def meeting_scope(viewer: Account, unit: int) -> Q:
    """The joint meetings ``viewer`` may see."""
    attended = Q(id__in=Subquery(JointMeeting.filter(attending_units__id=unit).values("id")))
    if viewer.role is Role.UNIT_LIAISON:
        decided = Task.filter(responsible_unit_id=unit, meeting_id__isnull=False)
        return attended | Q(convener_id=unit) | Q(id__in=Subquery(decided.values("meeting_id")))
    if viewer.role is Role.COURT_LIAISON:
        named = AgendaItem.filter(
            Q(enforcement_case__court_id=unit) | Q(bankruptcy_case__court_id=unit)
        )
        return attended | Q(id__in=Subquery(named.values("meeting_id")))
    return NOTHING


def event_scope(viewer: Account | None) -> Q:
    """The task events ``viewer`` may see: those of the tasks it may see."""
    scope = task_scope(viewer)
    if scope is EVERYTHING or scope is NOTHING:
        return scope
    return Q(task_id__in=Subquery(Task.filter(scope).values("id")))


def account_scope(viewer: Account | None) -> Q:
    """The accounts ``viewer`` may list or open."""
    if viewer is None or not viewer.is_active:
        return NOTHING
    if viewer.role in {Role.COORDINATOR, Role.LEADER, Role.ADMIN}:
        return EVERYTHING
    return Q(id=viewer.id)


def briefing_scope(viewer: Account | None) -> Q:
    """Briefings (工作通报): coordinators and leaders only, drafts included.

    A briefing names every unit's figures and overdue tasks, which a liaison
    may not see; admins see no case or task. docs/access.md says so.
    """
    if viewer is None or not viewer.is_active or viewer.role not in SEES_ALL:
        return NOTHING
    return EVERYTHING


def performance_record_scope(viewer: Account | None) -> Q:
    """Payments: those of the enforcement cases ``viewer`` may see."""
    scope = enforcement_case_scope(viewer)
    if scope is EVERYTHING or scope is NOTHING:
        return scope
    return Q(case_id__in=Subquery(EnforcementCase.filter(scope).values("id")))


def stored_file_scope(viewer: Account | None) -> Q:
    """Evidence files (issue 19): those attached to a record ``viewer`` may see, and
    the unattached uploads of its own unit (a form being filled in)."""
    if viewer is None or not viewer.is_active:
        return NOTHING
    if viewer.role in SEES_ALL:
        return EVERYTHING
    own = Q(
        Q(uploaded_by_id=viewer.id) | Q(uploaded_by__unit_id=_unit(viewer)),
        task_id__isnull=True,
        performance_record_id__isnull=True,
        enforcement_case_id__isnull=True,
        bankruptcy_case_id__isnull=True,
        meeting_id__isnull=True,
    )
    scope = own
    tasks = task_scope(viewer)
    if tasks is not NOTHING:
        scope |= Q(task_id__in=Subquery(Task.filter(tasks).values("id")))
    bankruptcies = bankruptcy_case_scope(viewer)
    if bankruptcies is not NOTHING:
        seen = BankruptcyCase.filter(bankruptcies).values("id")
        scope |= Q(bankruptcy_case_id__in=Subquery(seen))
    meetings = meeting_scope(viewer)
    if meetings is not NOTHING:
        scope |= Q(meeting_id__in=Subquery(JointMeeting.filter(meetings).values("id")))
    cases = enforcement_case_scope(viewer)
    if cases is not NOTHING:
        case_ids = Subquery(EnforcementCase.filter(cases).values("id"))
        paid = PerformanceRecord.filter(case_id__in=case_ids).values("id")
        scope |= Q(enforcement_case_id__in=case_ids) | Q(performance_record_id__in=Subquery(paid))
    return scope


def notification_scope(viewer: Account | None) -> Q:
    """Notifications: the recipient's own, nobody else's (not even an administrator's)."""
    if viewer is None or not viewer.is_active:
        return NOTHING
    return Q(recipient_id=viewer.id)


def delivery_scope(viewer: Account | None) -> Q:
    """Deliveries (the outbox): the administrator's, who keeps the channels."""
    if viewer is None or not viewer.is_active or viewer.role is not Role.ADMIN:
        return NOTHING
    return EVERYTHING


SCOPES: dict[type[Model], Callable[[Account | None], Q]] = {
    Task: task_scope,
    TaskEvent: event_scope,
    EnforcementCase: enforcement_case_scope,
    PerformanceRecord: performance_record_scope,
    BankruptcyCase: bankruptcy_case_scope,
    JointMeeting: meeting_scope,
    Account: account_scope,
    Briefing: briefing_scope,
    StoredFile: stored_file_scope,
    Notification: notification_scope,
    Delivery: delivery_scope,
}
"""The scope of each kind of record; a model not listed (Unit, AgendaItem) is public
to every signed-in account, or reached only through a scoped parent."""


def scope_for(model: type[Model], viewer: Account | None) -> Q:
    """The filter ``viewer`` puts on ``model``; signed-out viewers see nothing."""
    scope = SCOPES.get(model)
    if scope is not None:
        return scope(viewer)
    return EVERYTHING if viewer is not None and viewer.is_active else NOTHING


M = TypeVar("M", bound=Model)


async def visible_or_not_found(
    model: type[M], viewer: Account, row_id: int, *, field: str, what: str, key: object
) -> M:
    """The row ``row_id`` of ``model`` if ``viewer`` may see it, else :class:`NotFound`.

    Another unit's record answers exactly like one that does not exist: the
    same code, the same words (``field``: no ``what`` ``key``), so that a
    liaison cannot learn by trying IDs which records the others hold.
    """
    row = await model.filter(scope_for(model, viewer), id=row_id).first()
    if row is None:
        raise NotFound(field, what, key)
    return row


def sees_personal_data(viewer: Account | None) -> bool:
    """Whether ``viewer`` may read natural persons' names and phone numbers unmasked."""
    return viewer is not None and viewer.role in SEES_PERSONAL_DATA


def mask_name(name: str) -> str:
    """张伟 → 张**: the first character stays; how long the name is does not show."""
    return name.strip()[:1] + "**"


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(email: str) -> str:
    """zhangwei@kaifeng.gov.cn → z***@kaifeng.gov.cn: the domain stays, the name does not."""
    name, at, domain = email.strip().partition("@")
    return (name[:1] + "***" + at + domain) if at else "*" * len(name)
