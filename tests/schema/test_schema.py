"""The committed schema/schema.graphql is the schema the server serves."""

from __future__ import annotations

from schema.schema import SCHEMA_FILE, export_sdl


def test_exported_schema_is_up_to_date() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == export_sdl(), "schema/schema.graphql is stale: run `make schema`"


def test_the_fixed_public_names_are_in_the_schema() -> None:
    sdl = export_sdl()
    for name in ("units(", "enforcementCases(", "tasks(", "node(", "totalCount", "pageInfo"):
        assert name in sdl, name
