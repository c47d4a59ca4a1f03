"""Migration 0005 rebuilds each old event's due date from the payloads."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

due_dates = importlib.import_module("store.migrations.0005_progress").due_dates


@pytest.mark.parametrize(
    ("events", "current", "expected"),
    [
        pytest.param(
            [(1, "create", {}), (2, "assign", {"dueOn": "2026-03-10"}),
             (3, "extend", {"previousDueOn": "2026-03-10", "dueOn": "2026-03-20"})],
            dt.date(2026, 3, 20),
            [None, dt.date(2026, 3, 10), dt.date(2026, 3, 20)],
            id="created without a date, assigned with one, extended",
        ),
        pytest.param(
            [(1, "create", {}), (2, "assign", {}), (3, "accept", {})],
            dt.date(2026, 4, 1),
            [dt.date(2026, 4, 1)] * 3,
            id="the date never moved: the task's own",
        ),
        pytest.param(
            [(1, "create", {}), (2, "extend", {"previousDueOn": "2026-03-10",
                                               "dueOn": "2026-03-31"})],
            dt.date(2026, 3, 31),
            [dt.date(2026, 3, 10), dt.date(2026, 3, 31)],
            id="created with a date, then extended",
        ),
    ],
)  # fmt: skip
def test_due_dates_after_each_event(
    events: list[tuple[int, str, dict[str, str]]],
    current: dt.date,
    expected: list[dt.date | None],
) -> None:
    assert list(due_dates(events, current).values()) == expected
