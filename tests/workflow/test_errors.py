from __future__ import annotations

import pytest

from workflow.errors import (
    CalendarUnavailable,
    CycleError,
    DefinitionError,
    ErrorCode,
    Forbidden,
    GuardFailed,
    InconsistentHistory,
    InvalidInput,
    InvalidTransition,
    MissingInput,
    StateMapError,
    UnknownTask,
    WorkflowError,
)


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        pytest.param(
            DefinitionError("unreachable", ["ORPHAN"], start="DRAFT"),
            "INVALID_DEFINITION",
            "states unreachable from DRAFT: ORPHAN",
            id="definition",
        ),
        pytest.param(
            InvalidTransition("accept", "CLOSED", []),
            "INVALID_TRANSITION",
            "accept is not possible from CLOSED; nothing is possible from CLOSED",
            id="transition",
        ),
        pytest.param(
            GuardFailed(
                "start",
                "dependencies_closed",
                "every dependency closed",
                "still open: FY-1",
            ),
            "GUARD_FAILED",
            "start needs every dependency closed: still open: FY-1",
            id="guard",
        ),
        pytest.param(
            Forbidden("assign", "LEADER", None, ["COORDINATOR"]),
            "FORBIDDEN",
            "LEADER may not assign: only the coordinator may",
            id="forbidden",
        ),
        pytest.param(
            MissingInput("dueOn", "extend"),
            "VALIDATION",
            "dueOn is required to extend",
            id="missing",
        ),
        pytest.param(
            InvalidInput("dueOn", "dueOn is in the past"),
            "VALIDATION",
            "dueOn is in the past",
            id="invalid",
        ),
        pytest.param(
            CalendarUnavailable(2027, [2004, 2026]),
            "CALENDAR_UNAVAILABLE",
            "no official PRC working-day calendar for 2027; refusing to guess "
            "(official data covers 2004–2026)",
            id="calendar",
        ),
        pytest.param(
            CycleError(["A", "B", "C"]),
            "CYCLE",
            "dependency would close a cycle: A → B → C → A",
            id="cycle",
        ),
        pytest.param(
            StateMapError(missing=["SUSPENDED"]),
            "INVALID_STATE_MAP",
            "open states not mapped: SUSPENDED",
            id="state-map",
        ),
        pytest.param(
            UnknownTask("FY-9"),
            "NOT_FOUND",
            "no task FY-9 in the dependency graph",
            id="unknown-task",
        ),
        pytest.param(
            InconsistentHistory(3, "accept", "DRAFT", "ASSIGNED", "the event records ASSIGNED"),
            "INCONSISTENT_HISTORY",
            "event 3 (accept) does not replay from DRAFT: the event records ASSIGNED",
            id="history",
        ),
    ],
)
def test_every_error_has_its_api_code_and_plain_message(
    error: WorkflowError, code: str, message: str
) -> None:
    assert isinstance(error, WorkflowError)
    assert error.code == code
    assert str(error) == message


def test_every_engine_error_declares_a_code_of_the_one_enum() -> None:
    # Given every exception the engine raises on purpose
    classes: list[type[WorkflowError]] = [WorkflowError]
    for cls in classes:
        classes.extend(cls.__subclasses__())

    # Then each carries an ErrorCode, which the API shows unchanged
    assert all(isinstance(cls.code, ErrorCode) for cls in classes)
    assert {cls.code for cls in classes} >= {
        ErrorCode.INCONSISTENT_HISTORY,
        ErrorCode.INVALID_STATE_MAP,
        ErrorCode.GUARD_FAILED,
    }
