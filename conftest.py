"""The examples in the docstrings of the engine and the store's helpers, run as tests.

``make test`` collects them with the rest (``testpaths`` in pyproject.toml
reaches workflow/ and store/): a docstring's example that stops being true
fails like any other test.

Not ``--doctest-modules``: that imports every module pytest visits, the test
modules too, and doctest's search for examples asks each module-level object
for ``__wrapped__`` — which tortoise's ``connections`` proxy answers, outside
a database context, with a RuntimeError. So the modules are named here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _pytest.doctest import DoctestModule

ROOT = Path(__file__).parent

DOCTESTED = (
    ROOT / "workflow",
    ROOT / "store" / "inputs.py",
    ROOT / "store" / "money.py",
    ROOT / "store" / "intervals.py",
    ROOT / "store" / "warning_sql.py",
    ROOT / "store" / "identifiers.py",
)
"""The modules (or packages) whose docstring examples are tests."""


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DoctestModule | None:
    if file_path.suffix == ".py" and any(file_path.is_relative_to(path) for path in DOCTESTED):
        return DoctestModule.from_parent(parent, path=file_path)
    return None
