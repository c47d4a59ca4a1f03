"""GraphQL over HTTP: graphql-http's server audits pass against the served app."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

AUDIT = Path(__file__).with_name("audit.mjs")

SUMMARY = re.compile(
    r"^graphql-http audit: (?P<ok>\d+) ok, (?P<notice>\d+) notice, "
    r"(?P<warn>\d+) warn, (?P<error>\d+) error",
    re.MULTILINE,
)


def test_the_served_api_passes_every_graphql_http_audit(
    run_node: Callable[..., subprocess.CompletedProcess[str]], graphql_url: str
) -> None:
    # given a live `fuyuan serve` on a migrated database
    # when graphql-http audits it
    audit = run_node(str(AUDIT), graphql_url)
    # then no audit ends in an error (MUST) or a warning (SHOULD)
    summary = SUMMARY.search(audit.stdout)
    assert summary is not None, f"no audit summary:\n{audit.stdout}\n{audit.stderr}"
    failing = "\n".join(
        line for line in audit.stdout.splitlines() if line.startswith(("WARN ", "ERROR "))
    )
    assert (summary["warn"], summary["error"]) == ("0", "0"), f"{summary[0]}\n{failing}"
    assert int(summary["ok"]) > 50, summary[0]  # the audits ran: graphql-http has 61
    assert audit.returncode == 0, audit.stderr
