from __future__ import annotations

import pytest

from workflow.builtin import default_definition, enforcement_definition
from workflow.errors import DefinitionError
from workflow.progress import Progress, progress, steps_to_closed


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        pytest.param("DRAFT", Progress(0, 5), id="draft"),
        pytest.param("ASSIGNED", Progress(20, 4), id="assigned"),
        pytest.param("ACCEPTED", Progress(40, 3), id="accepted"),
        pytest.param("RETURNED", Progress(0, 5), id="returned-is-back-at-the-start"),
        pytest.param("IN_PROGRESS", Progress(60, 2), id="in-progress"),
        pytest.param("SUSPENDED", Progress(40, 3), id="suspended"),
        pytest.param("CLOSURE_REQUESTED", Progress(80, 1), id="closure-requested"),
        pytest.param("CLOSED", Progress(100, 0), id="closed"),
        pytest.param("CANCELLED", Progress(0, None), id="cancelled"),
    ],
)
def test_progress_percent(state: str, expected: Progress) -> None:
    assert progress(default_definition(), state) == expected
    assert progress(enforcement_definition(), state) == expected


def test_steps_to_closed() -> None:
    assert steps_to_closed(default_definition(), "DRAFT") == 5
    assert steps_to_closed(default_definition(), "CANCELLED") is None


def test_unknown_state_is_refused() -> None:
    with pytest.raises(DefinitionError, match="unknown states referred to: LIMBO"):
        progress(default_definition(), "LIMBO")
