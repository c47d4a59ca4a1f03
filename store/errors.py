"""The exceptions of store/: one base, one subclass per kind of failure.

``code`` (an :class:`~workflow.errors.ErrorCode`) is what the API puts in
``UserError.code``; ``field`` is the input path the error is about, so a
liaison is told exactly which box is wrong. Every store exception is here,
whichever operation raises it, so the API has one module to read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

from workflow.clock import SHANGHAI
from workflow.errors import ErrorCode, StateMapError, WorkflowError
from workflow.i18n import N_, _, join, term

__all__ = [
    "AccountInactive",
    "AuthError",
    "BriefingIssued",
    "CaseClosed",
    "DependencyCycle",
    "Duplicate",
    "FileAlreadyAttached",
    "FileTooLarge",
    "FileTypeRefused",
    "IdempotencyKeyReused",
    "InvalidCalendar",
    "ListenerLost",
    "LoginFailed",
    "LoginThrottled",
    "NotFound",
    "RecordError",
    "StateMapRefused",
    "StoreError",
    "SubscriberLagged",
    "SubscriptionEnded",
    "ValidationError",
    "VersionConflict",
    "WorkflowRefusal",
]


class StoreError(Exception):
    """Base of every expected failure raised by store/."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def failures(self) -> tuple[StoreError, ...]:
        """The failures this error reports, one UserError each: itself, or several
        (:class:`InvalidCalendar`, one per date at fault)."""
        return (self,)


class ValidationError(StoreError):
    """An input broke a rule; ``rule`` names it (e.g. ``case_number.court_code``)."""

    code = ErrorCode.VALIDATION

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(
            _("{field}: {message} [{rule}]", field=field, message=message, rule=rule), field=field
        )
        self.rule = rule
        self.reason = message


class RecordError(StoreError):
    """A failure about one record, named by the input ``field``, its kind ``what``
    (``task``, ``unit`` …) and its ``key``; ``template`` words the message."""

    template: ClassVar[str]

    def __init__(self, field: str, what: str, key: object) -> None:
        zh = _RECORD_WORDS.get(what)
        named = term(zh, what) if zh else term(what, what)
        super().__init__(_(self.template, field=field, what=named, key=key), field=field)
        self.what = what
        self.key = key


#: The records a NotFound or Duplicate names, as a liaison calls them.
_RECORD_WORDS = {
    "account": "账号",
    "bankruptcy case": "破产案件",
    "briefing": "工作通报",
    "case": "案件",
    "dependency": "前置事项",
    "enforcement case": "执行案件",
    "joint meeting": "联席会议",
    "ledger file": "台账文件",
    "ledger file or case of it": "台账文件或其中的案件",
    "minutes number": "纪要号",
    "record": "记录",
    "reversal of performance record": "履行记录的冲正",
    "task": "交办事项",
    "unit": "单位",
    "workflow definition": "流程定义",
    "meeting decision": "会议议定事项",
    "performance record": "履行记录",
    "attachment": "附件",
    "file": "文件",
}

#: What a closed case refuses (CaseClosed's ``what``), as a liaison calls it.
_CLOSED_WORDS = {
    "a payment": "登记履行",
    "a reversal": "冲正",
    "reversing a payment": "冲正履行记录",
}


class NotFound(RecordError):
    """A record named by the input does not exist."""

    code = ErrorCode.NOT_FOUND
    template = N_("{field}: no {what} {key!r}")


class Duplicate(RecordError):
    """A record with the same unique key exists already."""

    code = ErrorCode.DUPLICATE
    template = N_("{field}: {what} {key!r} exists already")


class IdempotencyKeyReused(StoreError):
    """An idempotency key already went with another request.

    The message says only that: the other request may have been another
    unit's, and what it did (a task's number, an action) is not this
    caller's to learn.
    """

    code = ErrorCode.DUPLICATE

    def __init__(self, key: str) -> None:
        super().__init__(
            _(
                "idempotencyKey {key!r} was already used for another request; "
                "send a new key with every new request",
                key=key,
            ),
            field="idempotencyKey",
        )
        self.key = key


class CaseClosed(StoreError):
    """The enforcement case is closed (结案): no payment or reversal is recorded on it."""

    code = ErrorCode.CASE_CLOSED

    def __init__(self, case_number: str, closed_on: object, what: str) -> None:
        super().__init__(
            _(
                "enforcement case {case_number} was closed on {closed_on}: {what} is refused, "
                "its payments are final",
                case_number=case_number,
                closed_on=closed_on,
                what=term(_CLOSED_WORDS.get(what, what), what),
            ),
            field="caseId",
        )
        self.case_number = case_number


class BriefingIssued(StoreError):
    """The briefing is issued (印发): it is numbered and never changes again."""

    code = ErrorCode.INVALID_TRANSITION

    def __init__(self, field: str, number: str) -> None:
        super().__init__(
            _(
                "{field}: briefing {number} is issued; an issued briefing never changes "
                "(generate a new one instead)",
                field=field,
                number=number,
            ),
            field=field,
        )
        self.number = number


class BriefingNotDeletable(StoreError):
    """Only a draft briefing is deleted; an issued one is an official document."""

    code = ErrorCode.INVALID_TRANSITION

    def __init__(self, field: str, number: str) -> None:
        super().__init__(
            _(
                "briefing {number} is issued and cannot be deleted: an issued briefing is an "
                "official document, numbered without gaps, and never changes",
                number=number,
            ),
            field=field,
        )
        self.number = number


# --------------------------------------------------------------------------- tasks


class VersionConflict(StoreError):
    """The task changed since the caller read it (a stale ``expectedVersion``).

    Attributes:
        task_code: the task concerned.
        expected: the version the caller sent.
        current: the version the task is at now.
        while_saving: True if the change was detected by the conditional UPDATE
            (someone wrote between this call's read and its write), False if
            the version read at the start was already different.
    """

    code = ErrorCode.VERSION_CONFLICT

    def __init__(
        self, task_code: str, expected: int, current: int, *, while_saving: bool = False
    ) -> None:
        when = _("while your change was being saved") if while_saving else _("since you loaded it")
        super().__init__(
            _(
                "task {task_code} was changed by someone else {when}: it is at version "
                "{current}, you sent expectedVersion {expected}; reload the task and try again",
                task_code=task_code,
                when=when,
                current=current,
                expected=expected,
            ),
            field="expectedVersion",
        )
        self.task_code = task_code
        self.expected = expected
        self.current = current
        self.while_saving = while_saving


class AccountInactive(StoreError):
    """A deactivated account tried to act."""

    code = ErrorCode.FORBIDDEN

    def __init__(self, username: str) -> None:
        super().__init__(
            _("account {username} is deactivated and may not act on tasks", username=username)
        )
        self.username = username


class WorkflowRefusal(StoreError):
    """The workflow engine refused; ``code`` is the engine's own code.

    ``INVALID_TRANSITION``, ``FORBIDDEN``, ``VALIDATION``, ``GUARD_FAILED``,
    ``CALENDAR_UNAVAILABLE``, ``INCONSISTENT_HISTORY`` … The engine's exception
    is kept in ``error`` (and as ``__cause__``).
    """

    def __init__(self, error: WorkflowError, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.code = error.code
        self.error = error


class DependencyCycle(StoreError):
    """A dependency would close a cycle; ``cycle`` holds the task codes on it."""

    code = ErrorCode.CYCLE

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle = tuple(cycle)
        if len(self.cycle) == 1:
            message = _("task {task} cannot depend on itself", task=self.cycle[0])
        else:
            path = " → ".join((*self.cycle, self.cycle[0]))
            message = _(
                "{task} cannot depend on {other}: that would close the cycle {path}",
                task=self.cycle[0],
                other=self.cycle[1],
                path=path,
            )
        super().__init__(message, field="dependsOnId")


class StateMapRefused(StoreError):
    """The state map cannot move the open tasks; nothing was changed.

    Attributes:
        key: the definitions' key.
        to_version: the version the tasks were to move to.
        problems: by older version, the engine's objection to the map
            (:class:`~workflow.errors.StateMapError`).
        unstorable: targets the new version has but the task table cannot hold.

    Its code is VALIDATION, not the engine's INVALID_STATE_MAP: the map is the
    office's input, and it may break the task table's rule (``unstorable``)
    as well as the engine's.
    """

    code = ErrorCode.VALIDATION

    def __init__(
        self,
        key: str,
        to_version: int,
        problems: Mapping[int, StateMapError],
        unstorable: Iterable[str] = (),
    ) -> None:
        self.key = key
        self.to_version = to_version
        self.problems = dict(problems)
        self.unstorable = tuple(unstorable)
        parts = [
            _("from version {version}: {error}", version=version, error=error.args[0])
            for version, error in sorted(self.problems.items())
        ]
        if self.unstorable:
            parts.append(
                _(
                    "targets a task cannot be stored in (not a TaskState): {states}",
                    states=", ".join(self.unstorable),
                )
            )
        head = _(
            "mapping: cannot move the open {key} tasks to version {to_version}",
            key=key,
            to_version=to_version,
        )
        super().__init__(join([head, *parts]), field="mapping")


class InvalidCalendar(StoreError):
    """A year of the official calendar that breaks the rules (``store.calendars``);
    ``problems`` holds one :class:`ValidationError` per rule broken and date, each
    naming its date, and the API shows each as a UserError."""

    code = ErrorCode.VALIDATION

    def __init__(self, problems: Sequence[ValidationError]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            join(problem.message for problem in self.problems),
            field=self.problems[0].field if len(self.problems) == 1 else None,
        )

    def failures(self) -> tuple[StoreError, ...]:
        return self.problems


# --------------------------------------------------------------------------- signing in


class AuthError(StoreError):
    """Signing in failed, or a token is not (or no longer) good."""

    code = ErrorCode.UNAUTHENTICATED

    def __init__(self, message: str) -> None:
        super().__init__(message)


class LoginFailed(AuthError):
    def __init__(self) -> None:
        super().__init__(_("wrong username or password, or the account is deactivated"))


class LoginThrottled(AuthError):
    """Too many failed sign-ins lately: ``retry_after`` says how long until the next try,
    ``until`` when (the message gives both, the moment in Beijing time and rounded up
    to the minute, so that a try at that minute is checked)."""

    code = ErrorCode.THROTTLED

    def __init__(self, retry_after: dt.timedelta, *, now: dt.datetime) -> None:
        minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
        until = now + retry_after
        shown = until.astimezone(SHANGHAI).replace(second=0, microsecond=0)
        if shown < until:
            shown += dt.timedelta(minutes=1)
        template = (
            N_(
                "too many failed sign-ins; try again in {minutes} minute "
                "(after {time} Beijing time)"
            )
            if minutes == 1
            else N_(
                "too many failed sign-ins; try again in {minutes} minutes "
                "(after {time} Beijing time)"
            )
        )
        super().__init__(_(template, minutes=minutes, time=shown.strftime("%H:%M")))
        self.retry_after = retry_after
        self.until = until
        self.minutes = minutes


# --------------------------------------------------------------------------- subscriptions


class SubscriptionEnded(StoreError):
    """A subscription was ended by the server; subscribe again after reloading."""

    code = ErrorCode.SUBSCRIPTION_ENDED


class SubscriberLagged(SubscriptionEnded):
    """The subscriber did not keep up: more than ``queue_size`` announcements waited."""

    def __init__(self, queue_size: int) -> None:
        super().__init__(
            _(
                "more than {queue_size} task events arrived faster than they were read; "
                "reload and subscribe again",
                queue_size=queue_size,
            )
        )


class ListenerLost(SubscriptionEnded):
    """The connection that listens for events closed (server shutdown, database restart)."""

    def __init__(self, reason: str | None = None) -> None:
        why = reason if reason is not None else _("the server stopped listening for task events")
        super().__init__(_("{reason}; reload and subscribe again", reason=why))


class FileTypeRefused(ValidationError):
    """The bytes of an uploaded file are none of the accepted types."""

    def __init__(self, name: str, found: str) -> None:
        super().__init__(
            "file",
            "file.type",
            _(
                "「{name}」 is {found}: only PDF, JPEG, PNG, OFD, DOCX and XLSX files are accepted",
                name=name,
                found=found,
            ),
        )
        self.name = name
        self.found = found


class FileTooLarge(StoreError):
    """An upload is larger than FUYUAN_MAX_FILE_MB."""

    code = ErrorCode.VALIDATION

    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            _(
                "the file is larger than {megabytes} MiB, the most an upload may be",
                megabytes=max_bytes // (1024 * 1024),
            ),
            field="file",
        )
        self.max_bytes = max_bytes


class FileAlreadyAttached(ValidationError):
    """A file named for attaching belongs to a record already."""

    def __init__(self, field: str, key: object) -> None:
        super().__init__(
            field,
            "file.attached",
            _(
                "the file {key!r} is attached to another record already: upload it again "
                "to attach it here",
                key=key,
            ),
        )
