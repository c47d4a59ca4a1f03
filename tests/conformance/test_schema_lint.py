"""schema/schema.graphql passes graphql-schema-linter: Relay conventions, descriptions.

The rules are listed under "graphql-schema-linter" in tests/conformance/package.json.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from schema.schema import SCHEMA_FILE

HERE = Path(__file__).parent
LINTER = HERE / "node_modules" / "graphql-schema-linter" / "lib" / "cli.js"

RunNode = Callable[..., subprocess.CompletedProcess[str]]

# A connection without edges or pageInfo, an undescribed type, field and argument.
NOT_RELAY = """
type Query {
  "All the things."
  things(first: Int): ThingConnection
}

type ThingConnection {
  nodes: [String!]!
}
"""


def lint(run_node: RunNode, *args: str) -> list[dict[str, Any]]:
    linted = run_node(str(LINTER), "--config-directory", str(HERE), "--format", "json", *args)
    try:
        errors: list[dict[str, Any]] = json.loads(linted.stdout)["errors"]
    except (json.JSONDecodeError, KeyError) as err:
        raise AssertionError(f"linter failed:\n{linted.stdout}\n{linted.stderr}") from err
    assert linted.returncode == (1 if errors else 0), linted.stderr
    return errors


def test_the_exported_schema_passes_the_schema_linter(run_node: RunNode) -> None:
    errors = lint(run_node, str(SCHEMA_FILE))
    complaints = "\n".join(
        "{line}:{column} {message} ({rule})".format(
            rule=error["rule"],
            message=error["message"],
            **error["location"],
        )
        for error in errors
    )
    assert len(errors) == 0, f"{len(errors)} complaints about {SCHEMA_FILE.name}:\n{complaints}"


def test_the_linter_is_configured_to_check_relay_connections_and_descriptions(
    run_node: RunNode, tmp_path: Path
) -> None:
    # given a schema that breaks the Relay connection spec and has no descriptions
    schema = tmp_path / "not_relay.graphql"
    schema.write_text(NOT_RELAY, encoding="utf-8")
    # when it is linted with the project's configuration
    rules = {error["rule"] for error in lint(run_node, str(schema))}
    # then both kinds of rule complain
    assert {
        "relay-connection-types-spec",
        "types-have-descriptions",
        "fields-have-descriptions",
        "arguments-have-descriptions",
    } <= rules
