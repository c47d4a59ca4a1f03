"""The JSON of a planned page's nodes, as PostgreSQL writes it: each field a SQL expression
whose value is the field's JSON text.

Only the fields in :data:`COLUMNS` and :data:`MONEY` are written this way: each shows one
stored column through one rule, and the rule is the field's GraphQL type's:

- a ``String``, ``ID``, ``Int`` or ``Boolean`` column as PostgreSQL's ``to_json`` writes it;
- a ``Date`` as ``date.isoformat`` writes it (``2026-03-01``);
- a ``DateTime`` in Beijing time as ``datetime.isoformat`` writes the moment that
  ``schema.types.base.local_time`` makes of it (``2026-03-01T09:30:00.250000+08:00``, no
  fraction when it has none);
- an enum by the name its GraphQL type serialises the stored member as (the table is
  made from the type's own ``serialize``, not written out);
- an amount in fen as ``workflow.money.format_fen`` writes it, in yuan with two decimals;
- a global id as strawberry's ``to_base64`` writes it.

That is a second place for each of these rules. tests/schema/test_json_sql.py holds them
to the first: every field of these tables, over every row of the test data and rows made
for the edges (a quote, a control character, a moment without a fraction, a summer of
1988's daylight saving, a negative amount), gives the same JSON as the field's own
Python. One difference is left on purpose: an ``Int`` beyond 32 bits, which graphql-core
refuses to serialise, is written as it is (no such column holds one: versions, sequence
numbers, meeting numbers, head counts).

A field whose value is not one column through one rule (a masked name, a
closure method shown only once closed, a payload) is not in the tables, and a page
selecting it is shaped in Python (schema/planner.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLNamedType,
    GraphQLString,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter

Rule = Callable[[str], str]
"""From a SQL expression of a stored value to a SQL expression of its JSON text."""

COLUMNS: dict[str, dict[str, str]] = {
    "Task": {
        "code": "code",
        "title": "title",
        "description": "description",
        "kind": "kind",
        "state": "state",
        "version": "version",
        "assignedOn": "assigned_on",
        "dueOn": "due_on",
        "supervisionLevel": "supervision_level",
        "matterType": "matter_type",
    },
    "Unit": {
        "code": "code",
        "name": "name",
        "kind": "kind",
        "region": "region",
        "courtCode": "court_code",
        "active": "is_active",
    },
    "EnforcementCase": {
        "caseNumber": "case_number",
        "applicantKind": "applicant_kind",
        "basis": "basis",
        "cause": "cause",
        "filedOn": "filed_on",
        "source": "source",
        "batch": "batch",
        "closedOn": "closed_on",
    },
    "BankruptcyCase": {
        "caseNumber": "case_number",
        "debtorName": "debtor_name",
        "debtorUscc": "debtor_uscc",
        "administrator": "administrator",
        "procedure": "procedure",
        "acceptedOn": "accepted_on",
        "employeesAffected": "employees_affected",
    },
    "JointMeeting": {
        "level": "level",
        "number": "number",
        "title": "title",
        "heldOn": "held_on",
        "minutesNumber": "minutes_number",
    },
    "TaskEvent": {
        "seq": "seq",
        "action": "action",
        "fromState": "from_state",
        "toState": "to_state",
        "comment": "comment",
        "occurredAt": "occurred_at",
    },
    "Account": {
        "username": "username",
        "displayName": "display_name",
        "role": "role",
        "active": "is_active",
    },
}
"""By GraphQL type and field: the column the field shows as it is stored, through its
GraphQL type's rule."""

MONEY: dict[str, dict[str, str]] = {
    "EnforcementCase": {"amountDue": "amount_due_fen"},
    "BankruptcyCase": {"claimsTotal": "claims_total_fen", "assetsTotal": "assets_total_fen"},
}
"""By GraphQL type and field: the column of fen the field shows in yuan."""

_DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


def _or_null(expression: str) -> str:
    return f"COALESCE({expression}, 'null')"


def as_json(expression: str) -> str:
    """A text, integer or boolean as JSON; null as null."""
    return _or_null(f"to_json({expression})::text")


def _quoted(expression: str) -> str:
    """A text that needs no escaping (digits, dashes, base64) as a JSON string."""
    return _or_null(f"'\"' || {expression} || '\"'")


def as_date(expression: str) -> str:
    return _quoted(f"to_char({expression}, 'YYYY-MM-DD')")


def as_moment(expression: str) -> str:
    """A stored UTC moment in Beijing time, as ``local_time(moment).isoformat()``."""
    local = f"({expression} AT TIME ZONE 'Asia/Shanghai')"
    offset = f"({local} - ({expression} AT TIME ZONE 'UTC'))"
    text = (
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN EXTRACT(MICROSECONDS FROM {expression})::bigint % 1000000 = 0"
        f" THEN '' ELSE to_char({local}, '.US') END"
        f" || CASE WHEN {offset} < INTERVAL '0' THEN '-' ELSE '+' END"
        f" || to_char(abs(EXTRACT(EPOCH FROM {offset}))::int / 3600, 'FM00')"
        f" || ':' || to_char(abs(EXTRACT(EPOCH FROM {offset}))::int % 3600 / 60, 'FM00')"
    )
    return _quoted(text)


def as_money(expression: str) -> str:
    """Fen in yuan with two decimals, as ``format_fen``; ``expression`` evaluated once."""
    text = (
        "CASE WHEN fen.v < 0 THEN '-' ELSE '' END || (abs(fen.v) / 100)::text"
        " || '.' || lpad((abs(fen.v) % 100)::text, 2, '0')"
    )
    return f"(SELECT {_quoted(text)} FROM (SELECT ({expression})::bigint AS v) AS fen)"


def global_id(typename: str) -> Rule:
    """A record's id as its global id, as strawberry's ``to_base64(typename, id)``."""
    return lambda expression: _quoted(
        f"translate(encode(convert_to('{typename}:' || {expression}::text, 'UTF8'), 'base64'),"
        " E'\\n', '')"
    )


def _literal(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"an enum stored as {type(value).__name__}")
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


@functools.cache
def _enum(type_: GraphQLEnumType) -> Rule:
    """An enum stored as its members' values, by the names ``type_`` serialises them as."""
    definition = type_.extensions[_DEFINITION]
    whens = " ".join(
        f"WHEN {_literal(member.value)} THEN '\"{type_.serialize(member)}\"'"
        for member in definition.wrapped_cls
    )
    return lambda expression: f"(CASE {expression} {whens} ELSE 'null' END)"


_LEAVES: dict[str, Rule] = {
    GraphQLString.name: as_json,
    GraphQLID.name: as_json,
    GraphQLInt.name: as_json,
    GraphQLBoolean.name: as_json,
    "Date": as_date,
    "DateTime": as_moment,
}


def rule_of(type_: GraphQLNamedType) -> Rule | None:
    """The rule writing a stored value of a field of ``type_``; None for a type without one."""
    if isinstance(type_, GraphQLEnumType):
        return _enum(type_)
    return _LEAVES.get(type_.name)
