"""Settings from the environment (api/settings.py): the clocks' limits (issue 14)."""

from __future__ import annotations

import pytest

from api.settings import Settings, SettingsError
from workflow.clocks import ClockLimits


def test_the_clock_limits_default_to_two_and_five_working_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FUYUAN_ACCEPT_WITHIN_WORKING_DAYS", raising=False)
    monkeypatch.delenv("FUYUAN_REVIEW_WARN_WORKING_DAYS", raising=False)
    settings = Settings.from_env(make_secret=False)
    assert settings.clock_limits == ClockLimits(
        accept_within_working_days=2, review_warn_working_days=5
    )


def test_the_clock_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUYUAN_ACCEPT_WITHIN_WORKING_DAYS", "3")
    monkeypatch.setenv("FUYUAN_REVIEW_WARN_WORKING_DAYS", " 10 ")
    settings = Settings.from_env(make_secret=False)
    assert settings.clock_limits == ClockLimits(
        accept_within_working_days=3, review_warn_working_days=10
    )


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        pytest.param("FUYUAN_ACCEPT_WITHIN_WORKING_DAYS", "two", "not a number", id="words"),
        pytest.param("FUYUAN_REVIEW_WARN_WORKING_DAYS", "-1", "between 0 and 60", id="negative"),
        pytest.param("FUYUAN_REVIEW_WARN_WORKING_DAYS", "61", "between 0 and 60", id="too-many"),
    ],
)
def test_a_bad_clock_limit_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=problem) as raised:
        Settings.from_env(make_secret=False)
    assert variable in str(raised.value)
