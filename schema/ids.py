"""Opaque global IDs: decoding them into row ids of an expected type."""

from __future__ import annotations

from strawberry import relay

from schema.errors import BadRequest


def decode_id(value: relay.GlobalID | str, *, expected: str, argument: str) -> int:
    """The row id inside a global ID, which must name a ``expected`` record."""
    try:
        global_id = value if isinstance(value, relay.GlobalID) else relay.GlobalID.from_id(value)
    except Exception as err:  # strawberry raises several kinds for garbage input
        raise BadRequest(f"`{argument}` is not an ID this API gave out") from err
    if global_id.type_name != expected:
        raise BadRequest(f"`{argument}` is the ID of a {global_id.type_name}, not of a {expected}")
    if not global_id.node_id.isdigit():
        raise BadRequest(f"`{argument}` is not an ID this API gave out")
    return int(global_id.node_id)
