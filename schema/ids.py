"""Opaque global IDs: parsing them without surprises, and decoding them into row ids.

A global ID is base64 of ``"<Type>:<row id>"``. Whatever a client sends as an
ID — garbage, another type's ID, a number too large for the database — gets a
readable answer with a code, never an internal error:

* ID arguments are plain ``strawberry.ID`` strings (strawberry's GlobalID
  arguments fail with an uncoded error on garbage); ``parse_global_id`` reads
  them, an unreadable value becoming a GlobalID with no type, which every
  decoder refuses by name;
* ``decode_id`` (list filters) raises BAD_REQUEST; the mutations' ``input_id``
  answers a VALIDATION user error; ``node``/``nodes`` raise BAD_REQUEST for an
  ID of no record type and answer null for a record that does not exist (or
  that the viewer may not see).
"""

from __future__ import annotations

from strawberry import relay

from schema.errors import BadRequest
from workflow.i18n import _

MAX_ROW_ID = 2**31 - 1
"""Row ids are 32-bit integers (PostgreSQL ``integer``); a larger one names no row."""


def parse_global_id(value: object) -> relay.GlobalID:
    """The ID scalar's parser: a GlobalID, with an empty type name when unreadable."""
    if isinstance(value, str):
        try:
            return relay.GlobalID.from_id(value)
        except Exception:  # strawberry raises several kinds for garbage input
            pass
    return relay.GlobalID(type_name="", node_id=str(value))


def row_id(global_id: relay.GlobalID) -> int | None:
    """The row id inside ``global_id``, or None when it cannot name a row."""
    node_id = global_id.node_id
    if not global_id.type_name or not node_id.isdigit():
        return None
    value = int(node_id)
    return value if 0 < value <= MAX_ROW_ID else None


def decode_id(value: relay.GlobalID | str, *, expected: str, argument: str) -> int:
    """The row id inside a global ID, which must name a ``expected`` record."""
    global_id = value if isinstance(value, relay.GlobalID) else parse_global_id(value)
    if global_id.type_name and global_id.type_name != expected:
        raise BadRequest(
            _(
                "`{argument}` is the ID of a {type_name}, not of a {expected}",
                argument=argument,
                type_name=global_id.type_name,
                expected=expected,
            )
        )
    found = row_id(global_id)
    if found is None:
        raise BadRequest(_("`{argument}` is not an ID this API gave out", argument=argument))
    return found
