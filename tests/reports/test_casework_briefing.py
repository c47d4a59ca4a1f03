"""The briefing's 催办 and 约谈 (issue 15): each overdue task with its reminders, and the
units summoned in the period named.

Every test runs on SQLite and on PostgreSQL (the ``db`` fixture).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reports.markdown_layout import render_markdown
from reports.snapshot import OverdueItem, Snapshot, collect
from reports.words import BriefingText
from store.models import Task
from store.operations.transitions import ReassignInput, transition_task
from tests.store.factories import World, at, other_task, world

NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
TEXT = BriefingText(title="开封市府院联动工作通报", year=2026, serial=None, next_steps="")


async def _step(task: Task, action: str, account: Any, day: dt.date, **extra: Any) -> Task:
    result = await transition_task(
        task.id, action, account, expected_version=task.version, now=at(day, 10), **extra
    )
    return result.task


async def _overdue(w: World, title: str) -> Task:
    """A task the finance bureau has had in hand since 2026-11-02, due 2026-11-10."""
    day = dt.date(2026, 11, 2)
    task = await other_task(w, title, due_on=dt.date(2026, 11, 10), created=at(day, 8))
    task = await _step(task, "assign", w.coordinator, day)
    task = await _step(task, "accept", w.finance_liaison, day)
    return await _step(task, "start", w.finance_liaison, day)


@pytest.mark.parametrize(
    ("urges", "summoned_on", "named"),
    [
        pytest.param(2, dt.date(2026, 11, 24), True, id="urged-twice-summoned-in-period"),
        pytest.param(0, dt.date(2026, 10, 30), False, id="summoned-before-the-period"),
        pytest.param(1, None, False, id="urged-once-never-summoned"),
    ],
)
async def test_the_overdue_list_counts_urges_and_the_briefing_names_units_summoned(
    db: str, urges: int, summoned_on: dt.date | None, named: bool
) -> None:
    # Given an overdue task of the finance bureau, urged and perhaps summoned over
    w = await world()
    task = await _overdue(w, "清偿拖欠工程款")
    for n in range(urges):
        task = await _step(task, "urge", w.coordinator, dt.date(2026, 11, 20 + n), comment="请抓紧")
    if summoned_on is not None:
        task = await _step(
            task,
            "summon",
            w.coordinator,
            dt.date(2026, 11, 26),
            summoned_on=summoned_on,
            comment="约谈分管副局长",
        )
    # and an urge after the period, which November's briefing does not count
    await _step(task, "urge", w.coordinator, dt.date(2026, 12, 1), comment="十二月催办")

    # When November's briefing is collected
    snapshot = await collect(*NOVEMBER)

    # Then the overdue list shows the task with the urges recorded by the period's end
    assert [(item.code, item.urge_count) for item in snapshot.overdue] == [(task.code, urges)]
    markdown = render_markdown(snapshot, TEXT)
    assert "催办次数" in markdown
    # and the units summoned in the period are named, the others not
    if named:
        assert [(s.unit, s.task_code, s.summoned_on) for s in snapshot.summons] == [
            ("开封市财政局", task.code, "2026-11-24")
        ]
        assert f"本期约谈责任单位1家：开封市财政局（{task.code}，2026年11月24日）。" in markdown
    else:
        assert snapshot.summons == []
        assert "本期未约谈责任单位。" in markdown


async def test_the_ranking_of_a_briefing_counts_a_reassigned_task_as_returned(db: str) -> None:
    # Given a task the finance bureau returned and the office reassigned to the HR bureau
    w = await world()
    day = dt.date(2026, 11, 2)
    task = await other_task(w, "职工安置", due_on=dt.date(2026, 12, 31), created=at(day, 8))
    task = await _step(task, "assign", w.coordinator, day)
    task = await _step(task, "return", w.finance_liaison, day, comment="不属于本单位职责")
    await _step(
        task, "reassign", w.coordinator, dt.date(2026, 11, 3),
        reassignment=ReassignInput(responsible_unit=w.hrss.id),
    )  # fmt: skip

    snapshot = await collect(*NOVEMBER)

    rows = {row.name: (row.total, row.returned) for row in snapshot.by_unit}
    assert rows == {"开封市人力资源和社会保障局": (1, 0), "开封市财政局": (0, 1)}
    assert "| 退回 |" in render_markdown(snapshot, TEXT)


def test_a_snapshot_stored_before_issue_15_still_reads() -> None:
    item = OverdueItem("FY-2026-0001", "事项", "其他", "开封市财政局", "", "2026-11-10", 5, "一般")
    data = Snapshot.from_json(
        {
            "period_start": "2026-11-01", "period_end": "2026-11-30", "as_of": "", "scope": "全市",
            "overall": _figures(), "new_in_period": 0, "closed_in_period": 0,
            "enforcement_tasks": _figures(), "bankruptcy": _figures(),
            "meeting_decisions": _figures(), "meetings_held": 0,
            "enforcement": {"cases": 0, "performed": 0, "performance_rate": None,
                            "amount_due_fen": 0, "amount_performed_fen": 0, "amount_rate": None},
            "by_unit": [{"key": "KF-CZJ", "name": "开封市财政局", "total": 1, "closed": 0,
                         "overdue": 1, "closure_rate": 0.0, "on_time_rate": None}],
            "by_region": [],
            "overdue": [{k: v for k, v in item.__dict__.items() if k != "urge_count"}],
        }
    )  # fmt: skip
    assert data.summons == []
    assert data.overdue[0].urge_count == 0
    assert data.by_unit[0].returned == 0


def _figures() -> dict[str, Any]:
    from reports.snapshot import Figures

    return dict.fromkeys(Figures.__dataclass_fields__, 0) | {
        "closure_rate": None, "on_time_rate": None, "average_handling_days": None,
        "unknown_reason": None,
    }  # fmt: skip
