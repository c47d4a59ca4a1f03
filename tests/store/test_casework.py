"""Casework as the office really does it (issue 15): 改派 to another unit, 催办, 不予延期,
约谈, and 挂牌 as a coordinator's decision.

Every test runs on SQLite and on PostgreSQL (the ``db`` fixture).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reports.progress import Scope, compute_progress
from store.enums import SupervisionLevel, TaskState, UnitKind
from store.errors import StoreError
from store.models import Task, TaskEvent, Unit
from store.operations.transitions import ReassignInput, pending_extensions, transition_task
from store.visibility import task_scope
from tests.store.factories import TODAY, World, at, other_task, world

YESTERDAY = TODAY - dt.timedelta(days=1)


async def _returned(w: World) -> Task:
    """A task the finance bureau was assigned on TODAY and returned (退回) at 10:00."""
    task = await other_task(w, "核实欠款情况", due_on=dt.date(2026, 12, 31))
    steps: list[tuple[str, Any, dict[str, Any]]] = [
        ("assign", w.coordinator, {}),
        ("return", w.finance_liaison, {"comment": "不属于本单位职责"}),
    ]
    for hour, (action, account, extra) in enumerate(steps, start=9):
        result = await transition_task(
            task.id, action, account, expected_version=task.version, now=at(TODAY, hour), **extra
        )
        task = result.task
    return task


async def _in_progress(w: World) -> Task:
    task = await other_task(w, "落实会议纪要", due_on=dt.date(2026, 12, 31))
    for hour, (action, account) in enumerate(
        [("assign", w.coordinator), ("accept", w.finance_liaison), ("start", w.finance_liaison)],
        start=9,
    ):
        task = (
            await transition_task(
                task.id, action, account, expected_version=task.version, now=at(TODAY, hour)
            )
        ).task
    return task


async def _units(w: World) -> dict[str, Any]:
    """Units a 改派 may name, good and bad, by the name the table uses."""
    closed = await Unit.create(
        code="KF-JXW", name="开封市经济和信息化委员会", kind=UnitKind.DEPARTMENT
    )
    await Unit.filter(id=closed.id).update(is_active=False)
    return {
        "hrss": w.hrss.id,
        "hrss-code": w.hrss.code,
        "deactivated": closed.id,
        "unknown": 987654,
        "finance": w.finance.id,
    }


# --------------------------------------------------------------------------- 改派


@pytest.mark.parametrize(
    ("unit", "assisting", "code", "rule"),
    [
        pytest.param("hrss", None, None, None, id="another-unit"),
        pytest.param(
            "hrss-code", ["finance"], None, None, id="by-code-with-the-old-unit-assisting"
        ),
        pytest.param("finance", None, None, None, id="back-to-the-same-unit"),
        pytest.param("deactivated", None, "VALIDATION", "unit.inactive", id="deactivated-unit"),
        pytest.param("unknown", None, "NOT_FOUND", None, id="unknown-unit"),
        pytest.param("hrss", ["hrss"], "VALIDATION", "assisting.responsible", id="also-assisting"),
        pytest.param("hrss", ["deactivated"], "VALIDATION", "unit.inactive", id="assisting-closed"),
    ],
)
async def test_reassign_hands_the_task_to_an_active_unit_only(
    db: str, unit: str, assisting: list[str] | None, code: str | None, rule: str | None
) -> None:
    # Given a task the finance bureau returned
    w = await world()
    units = await _units(w)
    task = await _returned(w)
    given = ReassignInput(
        responsible_unit=units[unit],
        assisting_units=[units[a] for a in assisting] if assisting is not None else None,
    )

    # When the office reassigns it (改派) to ``unit``
    async def reassign() -> Any:
        return await transition_task(
            task.id,
            "reassign",
            w.coordinator,
            expected_version=task.version,
            comment="改由人社局牵头办理",
            reassignment=given,
            now=at(TODAY, 14),
        )

    if code is not None:
        # Then a bad unit is refused, naming the box, and nothing changes
        with pytest.raises(StoreError) as caught:
            await reassign()
        assert caught.value.code == code
        assert caught.value.field is not None
        assert caught.value.field.split(".")[0] in {"responsibleUnitId", "assistingUnitIds"}
        if rule is not None:
            assert getattr(caught.value, "rule", None) == rule
        row = await Task.get(id=task.id)
        assert (row.state, row.version) == (TaskState.RETURNED, task.version)
        assert row.responsible_unit_id == w.finance.id  # type: ignore[attr-defined]
        return
    result = await reassign()
    # Then the task is the new unit's, back in 已交办, and the event names both units
    row = await Task.get(id=task.id)
    new_unit = w.finance.id if unit == "finance" else w.hrss.id
    assert row.responsible_unit_id == new_unit  # type: ignore[attr-defined]
    assert row.state is TaskState.ASSIGNED
    assert result.event.payload["previousResponsibleUnitId"] == w.finance.id
    assert result.event.payload["responsibleUnitId"] == new_unit
    if assisting is not None:
        assert result.event.payload["previousAssistingUnitIds"] == []
        assert result.event.payload["assistingUnitIds"] == [units[a] for a in assisting]
        assert [u.id for u in await row.assisting_units.all()] == [units[a] for a in assisting]


async def test_after_reassign_the_new_unit_sees_the_task_and_the_old_one_no_longer(
    db: str,
) -> None:
    # Given a task the finance bureau returned
    w = await world()
    task = await _returned(w)
    assert await Task.filter(task_scope(w.finance_liaison)).count() == 1

    # When the office hands it to the human resources bureau
    await transition_task(
        task.id,
        "reassign",
        w.coordinator,
        expected_version=task.version,
        reassignment=ReassignInput(responsible_unit=w.hrss.id),
        now=at(TODAY, 14),
    )

    # Then its liaisons see it and may accept it; the finance bureau's no longer see it
    assert [t.id for t in await Task.filter(task_scope(w.hrss_liaison))] == [task.id]
    assert await Task.filter(task_scope(w.finance_liaison)).count() == 0
    with pytest.raises(StoreError) as caught:
        await transition_task(
            task.id, "accept", w.finance_liaison, expected_version=task.version + 1
        )
    assert caught.value.code == "FORBIDDEN"
    accepted = await transition_task(
        task.id, "accept", w.hrss_liaison, expected_version=task.version + 1, now=at(TODAY, 15)
    )
    assert accepted.task.state is TaskState.ACCEPTED


@pytest.mark.parametrize(
    ("action", "state_maker"),
    [
        pytest.param("accept", "assigned", id="accept"),
        pytest.param("assign", "draft", id="assign"),
        pytest.param("cancel", "assigned", id="cancel"),
    ],
)
async def test_only_reassign_takes_a_responsible_unit(
    db: str, action: str, state_maker: str
) -> None:
    w = await world()
    task = await other_task(w)
    if state_maker == "assigned":
        task = (
            await transition_task(task.id, "assign", w.coordinator, expected_version=task.version)
        ).task
    with pytest.raises(StoreError) as caught:
        await transition_task(
            task.id,
            action,
            w.coordinator if action != "accept" else w.finance_liaison,
            expected_version=task.version,
            comment="重复交办",
            reassignment=ReassignInput(responsible_unit=w.hrss.id),
        )
    assert (caught.value.code, caught.value.field) == ("VALIDATION", "responsibleUnitId")
    assert "改派" in caught.value.message


async def test_progress_as_of_attributes_a_reassigned_task_to_the_unit_of_the_moment(
    db: str,
) -> None:
    # Given a task the finance bureau was assigned at 09:00 and returned at 10:00,
    # reassigned to the human resources bureau at 14:00
    w = await world()
    task = await _returned(w)
    await transition_task(
        task.id,
        "reassign",
        w.coordinator,
        expected_version=task.version,
        reassignment=ReassignInput(responsible_unit=w.hrss.id),
        now=at(TODAY, 14),
    )

    def by_unit(report: Any) -> dict[str, tuple[int, int]]:
        return {group.key: (group.total, group.returned) for group in report.by_unit}

    # When progress is read as of 11:00 and as of 15:00
    before = await compute_progress(Scope(as_of=at(TODAY, 11)))
    after = await compute_progress(Scope(as_of=at(TODAY, 15)))

    # Then at 11:00 the task is the finance bureau's (returned, not yet reassigned)
    assert by_unit(before) == {w.finance.code: (1, 0)}
    # and at 15:00 it is the human resources bureau's; the finance bureau's ranking
    # line counts it as 退回 (returned), not in its total
    assert by_unit(after) == {w.hrss.code: (1, 0), w.finance.code: (0, 1)}
    assert before.total == after.total == 1
    # and the ranking keeps a unit with only returned tasks (no rate) last
    assert [group.key for group in after.by_unit] == [w.hrss.code, w.finance.code]
    # and a scope of the finance bureau alone still shows what it returned
    finance_only = await compute_progress(Scope(unit_ids=(w.finance.id,), as_of=at(TODAY, 15)))
    assert by_unit(finance_only) == {w.finance.code: (0, 1)}


# --------------------------------------------------------------------------- 催办


@pytest.mark.parametrize(
    ("comment", "who", "code"),
    [
        pytest.param("请于本周内报送办理进展", "coordinator", None, id="urged"),
        pytest.param("", "coordinator", "VALIDATION", id="without-text"),
        pytest.param("   ", "coordinator", "VALIDATION", id="blank-text"),
        pytest.param("请尽快办理", "finance_liaison", "FORBIDDEN", id="unit-cannot-urge"),
        pytest.param("请尽快办理", "leader", "FORBIDDEN", id="leader-writes-nothing"),
    ],
)
async def test_urge_records_a_reminder_with_its_text_and_changes_no_state(
    db: str, comment: str, who: str, code: str | None
) -> None:
    w = await world()
    task = await _in_progress(w)
    account = getattr(w, who)

    async def urge() -> Any:
        return await transition_task(
            task.id, "urge", account, expected_version=task.version, comment=comment
        )

    if code is not None:
        with pytest.raises(StoreError) as caught:
            await urge()
        assert caught.value.code == code
        assert await TaskEvent.filter(task_id=task.id, action="urge").count() == 0
        return
    first = await urge()
    second = await transition_task(
        task.id, "urge", account, expected_version=first.task.version, comment="再次催办"
    )
    assert second.task.state is TaskState.IN_PROGRESS
    assert [e.comment for e in await TaskEvent.filter(task_id=task.id, action="urge")] == [
        comment,
        "再次催办",
    ]
    assert (second.event.from_state, second.event.to_state) == (
        TaskState.IN_PROGRESS,
        TaskState.IN_PROGRESS,
    )


# --------------------------------------------------------------------------- 不予延期


@pytest.mark.parametrize(
    ("requested", "answer", "who", "code"),
    [
        pytest.param(True, "refuse_extension", "coordinator", None, id="refused"),
        pytest.param(True, "extend", "coordinator", None, id="granted"),
        pytest.param(False, "refuse_extension", "coordinator", "GUARD_FAILED", id="none-pending"),
        pytest.param(True, "refuse_extension", "finance_liaison", "FORBIDDEN", id="unit-cannot"),
    ],
)
async def test_a_pending_request_for_extension_is_answered_either_way(
    db: str, requested: bool, answer: str, who: str, code: str | None
) -> None:
    # Given a task in progress, due 2026-12-31, and perhaps a request to move it
    w = await world()
    task = await _in_progress(w)
    if requested:
        task = (
            await transition_task(
                task.id,
                "request_extension",
                w.finance_liaison,
                expected_version=task.version,
                due_on=dt.date(2027, 1, 29),
                comment="需等待审计结果",
                now=at(TODAY, 13),
            )
        ).task
        assert await pending_extensions([task.id]) == {task.id: dt.date(2027, 1, 29)}
    extra: dict[str, Any] = {"comment": "理由不充分，按原时限办结"}
    if answer == "extend":
        extra = {"due_on": dt.date(2027, 1, 29)}

    # When the office answers it
    async def respond() -> Any:
        return await transition_task(
            task.id,
            answer,
            getattr(w, who),
            expected_version=task.version,
            now=at(TODAY, 14),
            **extra,
        )

    if code is not None:
        with pytest.raises(StoreError) as caught:
            await respond()
        assert caught.value.code == code
        if code == "GUARD_FAILED":
            assert "no extension" in caught.value.message
        return
    result = await respond()
    # Then the request is no longer pending, the event names what was asked for,
    # and the due date moves only when granted
    assert await pending_extensions([task.id]) == {}
    assert result.event.payload["requestedDueOn"] == "2027-01-29"
    expected_due = dt.date(2027, 1, 29) if answer == "extend" else dt.date(2026, 12, 31)
    assert (await Task.get(id=task.id)).due_on == expected_due
    # and a second refusal finds nothing to answer
    with pytest.raises(StoreError) as again:
        await transition_task(
            task.id,
            "refuse_extension",
            w.coordinator,
            expected_version=result.task.version,
            comment="不予延期",
        )
    assert again.value.code == "GUARD_FAILED"


# --------------------------------------------------------------------------- 约谈


@pytest.mark.parametrize(
    ("action", "summoned_on", "comment", "code", "field"),
    [
        pytest.param("summon", YESTERDAY, "约谈财政局分管负责同志", None, None, id="summoned"),
        pytest.param("summon", TODAY, "当日约谈", None, None, id="today"),
        pytest.param("summon", None, "约谈", "VALIDATION", "summonedOn", id="without-date"),
        pytest.param("summon", YESTERDAY, "", "VALIDATION", "comment", id="without-note"),
        pytest.param(
            "summon", TODAY + dt.timedelta(days=1), "约谈", "VALIDATION", "summonedOn", id="future"
        ),
        pytest.param(
            "summon", dt.date(1989, 6, 1), "约谈", "VALIDATION", "summonedOn", id="before-1990"
        ),
        pytest.param("urge", YESTERDAY, "催办", "VALIDATION", "summonedOn", id="date-on-urge"),
    ],
)
async def test_summon_records_the_day_and_the_unit_summoned(
    db: str,
    action: str,
    summoned_on: dt.date | None,
    comment: str,
    code: str | None,
    field: str | None,
) -> None:
    w = await world()
    task = await _in_progress(w)

    async def summon() -> Any:
        return await transition_task(
            task.id,
            action,
            w.coordinator,
            expected_version=task.version,
            comment=comment,
            summoned_on=summoned_on,
            now=at(TODAY, 16),
        )

    if code is not None:
        with pytest.raises(StoreError) as caught:
            await summon()
        assert (caught.value.code, caught.value.field) == (code, field)
        return
    result = await summon()
    assert result.event.payload["summonedOn"] == summoned_on.isoformat()  # type: ignore[union-attr]
    assert result.event.payload["summonedUnitId"] == w.finance.id
    assert result.event.comment == comment
    assert result.task.state is TaskState.IN_PROGRESS


# --------------------------------------------------------------------------- 挂牌


@pytest.mark.parametrize(
    ("level", "comment", "code", "after"),
    [
        pytest.param("NORMAL", None, None, "KEY", id="to-key-needs-no-comment"),
        pytest.param("KEY", "经市领导批示，挂牌督办", None, "LISTED", id="listed-with-comment"),
        pytest.param("KEY", None, "VALIDATION", "KEY", id="listed-without-comment"),
        pytest.param("KEY", "  ", "VALIDATION", "KEY", id="listed-with-blank-comment"),
        pytest.param("LISTED", "再次挂牌", "GUARD_FAILED", "LISTED", id="already-listed"),
    ],
)
async def test_only_a_coordinator_with_a_comment_lists_a_task(
    db: str, level: str, comment: str | None, code: str | None, after: str
) -> None:
    w = await world()
    task = await _in_progress(w)
    await Task.filter(id=task.id).update(supervision_level=SupervisionLevel(level))

    async def supervise() -> Any:
        return await transition_task(
            task.id, "supervise", w.coordinator, expected_version=task.version, comment=comment
        )

    if code is not None:
        with pytest.raises(StoreError) as caught:
            await supervise()
        assert caught.value.code == code
        if code == "VALIDATION":
            assert caught.value.field == "comment"
            assert "挂牌" in caught.value.message
    else:
        await supervise()
    assert (await Task.get(id=task.id)).supervision_level is SupervisionLevel(after)
