"""The Kaifeng demo data: complete, consistent with the workflow, deterministic."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter as Tally
from typing import cast

from argon2 import PasswordHasher
from tortoise import Tortoise
from tortoise.functions import Sum

from store.demo import COURTS, DEMO_PASSWORD, DEMO_TODAY, database_is_empty, seed_demo
from store.enums import OPEN_STATES, Role, TaskKind, TaskState, UnitKind
from store.identifiers import parse_case_number, validate_uscc
from store.models import (
    Account,
    BankruptcyCase,
    EnforcementCase,
    JointMeeting,
    PerformanceRecord,
    Task,
    TaskDependency,
    TaskEvent,
    Unit,
)
from store.operations.commit import decided_event
from store.operations.transitions import actor_of
from store.snapshots import task_snapshot
from tests.conftest import open_database
from workflow.engine import EnforcementFacts, applied, decide, replay
from workflow.registry import definition_for, get_definition


async def test_demo_has_kaifeng_courts_and_every_kind_of_record(db: str) -> None:
    assert await database_is_empty()
    summary = await seed_demo()
    assert not await database_is_empty()
    courts = {u.court_code: u.name for u in await Unit.filter(kind=UnitKind.COURT)}
    assert courts == {code: name for _, name, code, _ in COURTS}
    assert courts["豫0225"] == "兰考县人民法院"
    assert await Unit.filter(kind=UnitKind.DEPARTMENT).count() >= 20
    assert await Unit.filter(kind=UnitKind.DISTRICT_GOV).count() == 9
    assert 55 <= await EnforcementCase.all().count() <= 65
    assert await BankruptcyCase.all().count() == 8
    assert await JointMeeting.all().count() == 6
    assert summary.tasks == await Task.all().count()
    # cast: tortoise types the rows of values_list(..., flat=True) as tuples.
    kinds = Tally(cast("list[TaskKind]", await Task.all().values_list("kind", flat=True)))
    assert set(kinds) == {
        TaskKind.ENFORCEMENT,
        TaskKind.BANKRUPTCY_MATTER,
        TaskKind.MEETING_DECISION,
    }


async def test_demo_tasks_are_in_every_state_with_histories_the_workflow_accepts(db: str) -> None:
    await seed_demo()
    states = Tally(cast("list[TaskState]", await Task.all().values_list("state", flat=True)))
    assert set(states) == set(TaskState)
    for task in await Task.all():
        events = await TaskEvent.filter(task=task).order_by("seq")
        # sequence numbers without gaps, times never going backwards
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
        # replaying the history through the engine gives the stored state
        definition = definition_for(task.kind.value)
        log = [(e.action, e.from_state, e.to_state) for e in events]
        assert replay(definition, log) == task.state.value, task.code
        assert task.version == len(events), task.code


async def test_every_demo_event_is_one_the_engine_decides(db: str) -> None:
    # Given the demo data
    await seed_demo()
    accounts = {account.id: account for account in await Account.all()}
    tasks = await Task.all().order_by("code").prefetch_related("enforcement_case")
    for task in tasks:
        definition = get_definition(task.workflow_key, task.workflow_version)
        events = await TaskEvent.filter(task=task).order_by("seq")
        case = task.enforcement_case
        facts = None
        if case is not None:
            # cast: tortoise types the rows of values_list(..., flat=True) as tuples.
            paid = cast(
                "list[int | None]",
                await PerformanceRecord.filter(case_id=case.id)
                .annotate(total=Sum("amount_fen"))
                .values_list("total", flat=True),
            )
            facts = EnforcementFacts(case.amount_due_fen, int(paid[0] or 0) if paid else 0)
        # a draft, as the task was created (the demo never moves a due date)
        snapshot = dataclasses.replace(
            task_snapshot(
                task,
                court_unit_id=case.court_id if case is not None else None,  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
                enforcement=facts,
            ),
            state=definition.start,
            version=1,
            supervision_level="NORMAL",
        )
        assert (events[0].action, events[0].to_state) == ("create", TaskState.DRAFT), task.code

        # When every later event is decided again by the engine, as its actor
        for event in events[1:]:
            actor = accounts[event.actor_id]  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
            evidence = [str(item) for item in event.payload.get("evidence", [])]
            decision = decide(
                definition,
                snapshot,
                event.action,
                actor_of(actor),
                comment=event.comment or None,
                evidence="\n".join(evidence) or None,
            )
            # Then the engine makes exactly the event the demo recorded …
            recorded = (event.from_state, event.to_state, event.comment, event.payload)
            comment, payload = decided_event(decision, evidence)
            expected = (decision.from_state, decision.to_state, comment, payload)
            assert recorded == expected, (task.code, event.seq)
            if event.action == "confirm_performance":
                # and the case holds the moment the court confirmed
                assert case is not None, task.code
                assert case.performance_confirmed_at == event.occurred_at, task.code
            snapshot = applied(snapshot, decision)

        # … and ends where the task row stands: state, version, supervision level
        stored = (task.state.value, task.version, task.supervision_level.value)
        assert (snapshot.state, snapshot.version, snapshot.supervision_level) == stored, task.code


async def test_demo_identifiers_are_valid_and_money_adds_up(db: str) -> None:
    await seed_demo()
    for case in await EnforcementCase.all().prefetch_related("court"):
        number = parse_case_number(case.case_number, today=DEMO_TODAY)
        assert number.court_code == case.court.court_code
        parse_case_number(case.basis, today=DEMO_TODAY)
    for bankruptcy in await BankruptcyCase.all():
        validate_uscc(bankruptcy.debtor_uscc)
    # a closed enforcement task means the case was performed in full
    closed = await Task.filter(kind=TaskKind.ENFORCEMENT, state=TaskState.CLOSED).prefetch_related(
        "enforcement_case"
    )
    assert closed
    for task in closed:
        paid_case = task.enforcement_case
        assert paid_case is not None, task.code  # every enforcement task has its case
        paid = (
            await PerformanceRecord.filter(case_id=paid_case.id)
            .annotate(total=Sum("amount_fen"))
            .values_list("total", flat=True)
        )
        assert paid[0] == paid_case.amount_due_fen, task.code
        assert paid_case.closure_method is not None


async def test_demo_has_overdue_tasks_and_matters_waiting_for_others(db: str) -> None:
    await seed_demo()
    overdue = await Task.filter(due_on__lt=DEMO_TODAY, state__in=list(OPEN_STATES)).count()
    assert 3 <= overdue <= 25
    links = await TaskDependency.all().prefetch_related("task", "depends_on")
    assert links
    for link in links:
        # a matter that has started never waits for an open one
        if link.task.state in {TaskState.IN_PROGRESS, TaskState.CLOSED}:
            assert link.depends_on.state is TaskState.CLOSED


async def test_demo_accounts_sign_in_with_the_demo_password(db: str) -> None:
    await seed_demo()
    roles = dict(await Account.filter(username__startswith="demo-").values_list("username", "role"))
    assert roles == {
        "demo-coordinator": Role.COORDINATOR,
        "demo-court": Role.COURT_LIAISON,
        "demo-unit": Role.UNIT_LIAISON,
        "demo-unit2": Role.UNIT_LIAISON,
        "demo-leader": Role.LEADER,
        "demo-admin": Role.ADMIN,
    }
    hasher = PasswordHasher()
    unit, unit2 = await Account.filter(username__in=["demo-unit", "demo-unit2"]).order_by(
        "username"
    )
    assert hasher.verify(unit.password_hash, DEMO_PASSWORD)
    assert unit.unit_id != unit2.unit_id  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
    for account in (unit, unit2):
        mine = Task.filter(responsible_unit_id=account.unit_id)  # type: ignore[attr-defined]  # tortoise adds <fk>_id at run time
        assert await mine.filter(state__in=list(OPEN_STATES)).count() >= 2
        assert await mine.filter(state=TaskState.CLOSED).count() >= 1


async def _fingerprint() -> list[tuple[object, ...]]:
    tasks = (
        await Task.all()
        .order_by("code")
        .values_list("code", "state", "due_on", "responsible_unit__code", "version")
    )
    events = (
        await TaskEvent.all()
        .order_by("task__code", "seq")
        .values_list("task__code", "seq", "action", "occurred_at")
    )
    cases = (
        await EnforcementCase.all()
        .order_by("case_number")
        .values_list("case_number", "amount_due_fen", "applicant_name")
    )
    return [*tasks, *events, *cases]


async def test_demo_is_deterministic(database_url: str, tmp_path: object) -> None:
    # given two fresh databases, one seeded now …
    await open_database(database_url)
    try:
        await seed_demo()
        first = await _fingerprint()
    finally:
        await Tortoise.close_connections()
    # … and one seeded later from the same template
    from store.setup import migrate

    other = f"sqlite://{tmp_path}/other.sqlite3"
    await migrate(other)
    await open_database(other)
    try:
        await seed_demo()
        second = await _fingerprint()
    finally:
        await Tortoise.close_connections()
    # then both hold the same tasks, events and cases
    assert first == second


async def test_demo_cases_are_believable_courts_numbers_and_titles(db: str) -> None:
    """Issue 18: an organ is sued where it is, each court numbers its own cases, and a
    task's title tells the enforcement case (执) from the judgment it enforces."""
    await seed_demo()
    city_courts = {"豫02", "豫0202", "豫0203", "豫0204", "豫0205"}
    serials: dict[str, set[int]] = {}
    for case in await EnforcementCase.all().prefetch_related("court", "respondent"):
        court, respondent = case.court, case.respondent
        if respondent.kind is UnitKind.DISTRICT_GOV and "行初" in case.basis:
            # an administrative case against a county government: the intermediate court's
            assert court.court_code == "豫02"
            assert case.basis.startswith(f"（{case.filed_on.year - 1}）豫02行初")
        elif respondent.region == "市直单位":
            assert court.court_code in city_courts, (case.case_number, respondent.name)
        else:
            assert court.region == respondent.region, (case.case_number, respondent.name)
        number = parse_case_number(case.case_number)
        assert number.court_code == court.court_code
        serials.setdefault(court.court_code or "", set()).add(number.serial)
        task = await Task.get(enforcement_case_id=case.id)
        assert task.title.startswith(f"{case.case_number}：督促{respondent.name}履行{case.basis}")
        assert task.title.endswith(("民事判决", "行政判决"))
        assert "执" not in task.title[len(case.case_number) :]
    # not the same run of numbers in every court
    runs = [frozenset(numbers) for numbers in serials.values()]
    assert len(set(runs)) == len(runs)
    shared = set.intersection(*serials.values())
    assert not shared


async def test_demo_closes_some_tasks_late_beside_the_overdue_ones(db: str) -> None:
    await seed_demo()
    closed = await Task.filter(state=TaskState.CLOSED)
    late = 0
    for task in closed:
        request = await TaskEvent.filter(task_id=task.id, action="request_closure").order_by(
            "-seq").first()  # fmt: skip
        assert request is not None
        assert task.due_on is not None
        late += _present_date(request.occurred_on) > task.due_on
    assert 0 < late < len(closed) // 2
    assert await Unit.filter(region="市本级").count() == 0
    assert await Unit.filter(kind=UnitKind.DEPARTMENT).exclude(region="市直单位").count() == 0


def _present_date(day: dt.date | None) -> dt.date:
    assert day is not None
    return day
