"""What every mutation shares: a StoreError becomes the payload's errors with its own code."""

from __future__ import annotations

import pytest

from schema.errors import UserError
from schema.mutations.base import answer, user_errors
from schema.mutations.tasks import TransitionTaskPayload
from store.errors import (
    InvalidCalendar,
    StateMapRefused,
    StoreError,
    ValidationError,
    WorkflowRefusal,
)
from workflow.errors import ErrorCode, InconsistentHistory, StateMapError


@pytest.mark.parametrize(
    ("error", "code"),
    [
        pytest.param(
            WorkflowRefusal(
                InconsistentHistory(2, "accept", "DRAFT", "ASSIGNED", "recorded ASSIGNED"),
                "task FY-2023-0001: history does not replay",
            ),
            ErrorCode.INCONSISTENT_HISTORY,
            id="history",
        ),
        pytest.param(
            WorkflowRefusal(StateMapError(missing=["SUSPENDED"]), "no map"),
            ErrorCode.INVALID_STATE_MAP,
            id="state-map",
        ),
        pytest.param(StoreError("something broke"), ErrorCode.INTERNAL, id="internal"),
        pytest.param(
            StateMapRefused("default", 2, {1: StateMapError(missing=["SUSPENDED"])}),
            ErrorCode.VALIDATION,
            id="refused-map",
        ),
    ],
)
def test_a_user_error_keeps_the_code_of_its_exception(error: StoreError, code: ErrorCode) -> None:
    # Given an expected failure of the store or the engine
    # When it becomes a payload's errors
    [shown] = user_errors(error)

    # Then the client reads the exception's own code, never a VALIDATION stand-in
    assert shown.code is code
    assert shown.message == error.message


async def test_a_refused_operation_answers_its_errors_and_nothing_else() -> None:
    # Given an operation that fails on purpose
    async def refuse() -> TransitionTaskPayload:
        raise StoreError("no", field="taskId")

    # When its payload is asked for
    payload = await answer(TransitionTaskPayload, refuse())

    # Then the payload holds only the error, naming the input field
    assert (payload.task, payload.event) == (None, None)
    assert payload.errors == [
        UserError(field=["input", "taskId"], code=ErrorCode.INTERNAL, message="no")
    ]


def test_an_error_of_several_failures_becomes_one_user_error_each() -> None:
    # given a calendar refused for two dates
    error = InvalidCalendar(
        [
            ValidationError("holidays.3", "calendar.outside_year", "2028-01-03 is not in 2027"),
            ValidationError(
                "workdays.0", "calendar.workday_not_weekend", "2027-02-17 is a Wednesday"
            ),
        ]
    )
    # then the payload lists each, with its field and the date in its message
    errors = user_errors(error)
    assert [(e.field, e.code) for e in errors] == [
        (["input", "holidays", "3"], ErrorCode.VALIDATION),
        (["input", "workdays", "0"], ErrorCode.VALIDATION),
    ]
    assert "2028-01-03" in errors[0].message
    assert "2027-02-17" in errors[1].message
