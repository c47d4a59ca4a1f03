"""The store's exceptions: all in store/errors.py, each with its ErrorCode."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import TypeVar

import store
import store.errors
from store.errors import StoreError
from workflow.errors import ErrorCode

E = TypeVar("E", bound=Exception)


def _subclasses(base: type[E]) -> list[type[E]]:
    found: list[type[E]] = []
    pending = [base]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_store_exception_lives_in_store_errors_and_declares_its_code() -> None:
    # Given every exception any module of the store defines
    for module in pkgutil.walk_packages(store.__path__, "store."):
        importlib.import_module(module.name)
    store_classes = [cls for cls in _subclasses(StoreError) if cls.__module__.startswith("store")]

    # Then each is defined in store/errors.py, with a code of the one enum
    assert {cls.__module__ for cls in store_classes} == {"store.errors"}
    defined = {name for name, cls in inspect.getmembers(store.errors, inspect.isclass)}
    assert {cls.__name__ for cls in store_classes} <= defined
    assert all(isinstance(cls.code, ErrorCode) for cls in store_classes)
