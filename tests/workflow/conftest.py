"""Shared fixtures for the workflow engine tests."""

from __future__ import annotations

import pytest

from workflow.calendar import WorkingCalendar, default_calendar


@pytest.fixture
def calendar() -> WorkingCalendar:
    """The official PRC calendar, without local adjustments."""
    return default_calendar()
