"""The exceptions of store/: one base, one subclass per kind of failure.

``code`` is what the API puts in ``UserError.code``; ``field`` is the input
path the error is about, so a liaison is told exactly which box is wrong.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every expected failure raised by store/."""

    code = "INTERNAL"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(StoreError):
    """An input broke a rule; ``rule`` names it (e.g. ``case_number.court_code``)."""

    code = "VALIDATION"

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(f"{field}: {message} [{rule}]", field=field)
        self.rule = rule
        self.reason = message


class NotFound(StoreError):
    """A record named by the input does not exist."""

    code = "NOT_FOUND"

    def __init__(self, field: str, what: str, key: object) -> None:
        super().__init__(f"{field}: no {what} {key!r}", field=field)
        self.what = what
        self.key = key


class Duplicate(StoreError):
    """A record with the same unique key exists already."""

    code = "DUPLICATE"

    def __init__(self, field: str, what: str, key: object) -> None:
        super().__init__(f"{field}: {what} {key!r} exists already", field=field)
        self.what = what
        self.key = key


class IdempotencyKeyReused(StoreError):
    """An idempotency key already went with another request.

    The message says only that: the other request may have been another
    unit's, and what it did (a task's number, an action) is not this
    caller's to learn.
    """

    code = "DUPLICATE"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"idempotencyKey {key!r} was already used for another request; "
            "send a new key with every new request",
            field="idempotencyKey",
        )
        self.key = key


class BriefingIssued(StoreError):
    """The briefing is issued (印发): it is numbered and never changes again."""

    code = "INVALID_TRANSITION"

    def __init__(self, field: str, number: str) -> None:
        super().__init__(
            f"{field}: briefing {number} is issued; an issued briefing never changes "
            "(generate a new one instead)",
            field=field,
        )
        self.number = number
