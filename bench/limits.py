"""How long a document takes to be judged (DESIGN.md §8: under 10 ms, accepted or refused).

Judging is what happens before anything runs: parsing (with the token limit),
the query limits (``schema.limits.QueryLimits``) and graphql-core's validation
(``schema.validation.CachedValidation``'s rules, suggestions hidden as in
production). This times those three steps, in-process and without the caches
(each run judges the document afresh, as a stream of distinct documents from
an attacker would make the server do), for documents built to be slow to
judge: fragments spread twice in fragments spread twice (the fragment bomb),
wide documents repeating one field, long chains of fragments, the largest
document the limits accept, GraphiQL's introspection query and the dashboard's
task page. It prints, per document, its size, the verdict (the codes of the
refusals, or "accepted"), the median and slowest of ``--runs`` runs in ms, and
the median as a multiple of judging ``{ viewer { id } }``.

Usage::

    .venv/bin/python bench/limits.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from graphql import GraphQLError, GraphQLSyntaxError, get_introspection_query, parse

from schema.limits import MAX_TOKENS, QueryLimits
from schema.schema import schema
from schema.validation import STRAWBERRY_RULES

TARGET_MS = 10.0

TASK_PAGE = """
query TaskPage($first: Int!) {
  tasks(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id code title state kind dueOn warning supervisionLevel version
      responsibleUnit { id name }
      subject {
        __typename
        ... on EnforcementCase { id caseNumber }
        ... on BankruptcyCase { id caseNumber }
        ... on JointMeeting { id title }
      }
      availableActions { action label }
      progress { percent stepsRemaining }
      events(first: 3) { edges { node {
        id action actionLabel occurredAt comment actor { id displayName unit { name } }
      } } }
    } }
  }
}
"""


def fragment_bomb(levels: int) -> str:
    """``query Q{...F0} fragment F0 on Query{...F1 ...F1} … fragment Fn on Query{viewer{id}}``."""
    fragments = "".join(f"fragment F{i} on Query{{...F{i + 1} ...F{i + 1}}}" for i in range(levels))
    return f"query Q{{...F0}}{fragments}fragment F{levels} on Query{{viewer{{id}}}}"


def fragment_chain(levels: int) -> str:
    """Each fragment spreads the next once: few fields, many fragments for validation to follow."""
    fragments = "".join(f"fragment F{i} on Query{{...F{i + 1}}}" for i in range(levels))
    return f"query Q{{...F0}}{fragments}fragment F{levels} on Query{{viewer{{id}}}}"


def repeated(selection: str, times: int) -> str:
    return "{" + " ".join([selection] * times) + "}"


def widest_accepted() -> str:
    """As many different fields as 1,000 tokens hold, none repeated, under every limit."""
    unit = "id code name kind region courtCode"
    task = (
        "id code title kind state version dueOn warning supervisionLevel "
        f"responsibleUnit {{ {unit} }} progress {{ percent stepsRemaining }} "
        "availableActions { action label } "
        "events(first: 2) { nodes { id action actionLabel occurredAt comment "
        f"actor {{ id username displayName role unit {{ {unit} }} }} }} }}"
    )
    parts = [
        f"viewer {{ id username displayName role unit {{ {unit} }} }}",
        f"units(first: 5) {{ totalCount nodes {{ {unit} }} }}",
    ]
    for i in range(20):
        parts.append(f"t{i}: tasks(first: 1) {{ totalCount nodes {{ {task} }} }}")
        document = "{ " + " ".join(parts) + " }"
        if len(list(_tokens(document))) > MAX_TOKENS:
            parts.pop()
            break
    return "{ " + " ".join(parts) + " }"


def _tokens(document: str) -> list[str]:
    from graphql.language import Lexer, Source, TokenKind

    lexer = Lexer(Source(document))
    tokens = []
    while (token := lexer.advance()).kind is not TokenKind.EOF:
        tokens.append(token.kind.value)
    return tokens


def judge(document: str, variables: dict[str, object] | None = None) -> list[GraphQLError]:
    """Parse, limit and validate ``document`` afresh, as the server does for a new document."""
    limits = QueryLimits()
    try:
        parsed = parse(document, max_tokens=limits.max_tokens)
    except GraphQLSyntaxError as err:
        return [err]
    errors: list[GraphQLError] = []
    for judgement in limits.judge(schema._schema, parsed, None, None, variables or {}):
        errors.extend(judgement.errors)
    if errors:
        return errors
    from graphql import specified_rules, validate

    return validate(
        schema._schema, parsed, (*specified_rules, *STRAWBERRY_RULES), hide_suggestions=True
    )


def timed(run: Callable[[], object], runs: int) -> list[float]:
    run()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


DOCUMENTS: list[tuple[str, str, dict[str, object]]] = [
    ("{ viewer { id } }", "{ viewer { id } }", {}),
    ("task page (50)", TASK_PAGE, {"first": 50}),
    ("introspection", get_introspection_query(), {}),
    *((f"fragment bomb {n}", fragment_bomb(n), {}) for n in (16, 20, 40, 90)),
    ("fragment chain 90", fragment_chain(90), {}),
    ("viewer{id} x 16 (30 repeats)", repeated("viewer { id }", 16), {}),
    ("viewer{id} x 240", repeated("viewer { id }", 240), {}),
    ("tasks{nodes{id}} x 140", repeated("tasks { nodes { id } }", 140), {}),
    ("viewer{id x 990}", "{ viewer { " + "id " * 990 + "} }", {}),
    ("widest accepted", widest_accepted(), {}),
]


def main(runs: int) -> bool:
    baseline = statistics.median(timed(lambda: judge("{ viewer { id } }"), runs))
    print(f"{'document':32} {'bytes':>6} {'verdict':34} {'p50 ms':>8} {'max ms':>8} {'x plain':>8}")
    ok = True
    for name, document, variables in DOCUMENTS:
        errors = judge(document, variables)
        codes = sorted({str((e.extensions or {}).get("code", "invalid")) for e in errors})
        times = timed(lambda d=document, v=variables: judge(d, v), runs)  # type: ignore[misc]
        p50 = statistics.median(times)
        ok = ok and max(times) < TARGET_MS
        verdict = ",".join(codes) or "accepted"
        print(
            f"{name:32} {len(document):6} {verdict:34} {p50:8.2f} {max(times):8.2f} "
            f"{p50 / baseline:8.1f}"
        )
    print(f"target: every document judged in under {TARGET_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    return ok


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    arguments = parser.parse_args()
    raise SystemExit(0 if main(arguments.runs) else 1)
