"""graphql-core's parsing and validation of a document, run once per document and quiet in
production.

strawberry's ``ValidationCache`` keys its LRU on (schema, document, rules) and
keeps the errors of invalid documents; this extension keeps less and says less:

* it remembers only that a document *passed* (its text's digest and the rules),
  so the cache holds no document, no error and nothing of any request — an
  invalid document is validated again, which :mod:`schema.limits` has already
  bounded;
* it skips validation when an earlier extension already refused the document
  (``QueryLimits`` runs first: a document over a limit is never handed to
  graphql-core's rules, some of which compare fields pairwise);
* with ``hide_suggestions`` (production) an error says "Cannot query field
  'task' on type 'Query'." without "Did you mean 'tasks'?": with introspection
  off, suggestions would spell the schema out to anyone who guesses.

:class:`CachedParsing` keeps parsed documents, but only those whose text holds nothing
a client typed but the query's structure: queries with no string and no comment (no
``"`` and no ``#`` in the text), so no password, name or search words, and no mutation,
whose inline numbers and enums would be what was written. The dashboard sends its
pages so (the values as variables).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from schema.executor import PlannedExecutor
from schema.limits import MEMO_SIZE, Memo, document_key

STRAWBERRY_RULES: tuple[type[ASTValidationRule], ...] = (
    MaybeNullValidationRule,
    OneOfInputValidationRule,
)
"""The rules strawberry adds to graphql-core's (``strawberry.schema.schema.validate_document``)."""

_ValidKey = tuple[int, bytes, tuple[type[ASTValidationRule], ...], bool]


@dataclass
class CacheInfo:
    """How often a document was found valid already (hits) or had to be validated (misses)."""

    hits: int = 0
    misses: int = 0


_valid: Memo[_ValidKey, bool] = Memo(MEMO_SIZE)
_info = CacheInfo()


def cache_info() -> CacheInfo:
    """Hits and misses of the validation cache since the start (or :func:`cache_clear`)."""
    return CacheInfo(_info.hits, _info.misses)


def cache_clear() -> None:
    _valid.clear()
    _info.hits = _info.misses = 0
    _parsed.clear()
    _parse_info.hits = _parse_info.misses = 0


class CachedValidation(SchemaExtension):
    """Validate each document once; refuse without suggestions when told to."""

    def __init__(self, *, hide_suggestions: bool = False) -> None:
        self.hide_suggestions = hide_suggestions

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            schema: GraphQLSchema = context.schema._schema
            rules = (*context.validation_rules, *STRAWBERRY_RULES)
            key: _ValidKey | None = None
            if context.query is not None:
                key = (id(schema), document_key(context.query), rules, self.hide_suggestions)
            if key is not None and _valid.get(key):
                _info.hits += 1
                context.pre_execution_errors = []
            else:
                _info.misses += 1
                errors = validate(schema, document, rules, hide_suggestions=self.hide_suggestions)
                if not errors and key is not None:
                    _valid.put(key, True)
                context.pre_execution_errors = errors
        yield


_ParsedKey = tuple[bytes, tuple[tuple[str, Any], ...]]
_parsed: Memo[_ParsedKey, DocumentNode] = Memo(MEMO_SIZE)
_parse_info = CacheInfo()


def parse_cache_info() -> CacheInfo:
    """Hits and misses of the parse cache since the start (or :func:`cache_clear`)."""
    return CacheInfo(_parse_info.hits, _parse_info.misses)


def _structure_only(query: str) -> bool:
    """No string (a ``"`` opens every one, block strings too) and no comment in the text."""
    return '"' not in query and "#" not in query


def _queries_only(document: DocumentNode) -> bool:
    return all(
        isinstance(definition, FragmentDefinitionNode)
        or (
            isinstance(definition, OperationDefinitionNode)
            and definition.operation is OperationType.QUERY
        )
        for definition in document.definitions
    )


class CachedParsing(SchemaExtension):
    """Parse each document of a query's structure alone once (see the module's docstring):
    a parsed document is shared by the requests that send the same text, which
    graphql-core and the plans only read."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        key: _ParsedKey | None = None
        if query is not None and context.graphql_document is None and _structure_only(query):
            key = (document_key(query), tuple(sorted(context.parse_options.items())))
            found = _parsed.get(key)
            if found is not None:
                _parse_info.hits += 1
                context.graphql_document = found
                yield
                return
            _parse_info.misses += 1
        yield
        document = context.graphql_document
        if key is not None and document is not None and _queries_only(document):
            _parsed.put(key, document)


class QuietExecutor(PlannedExecutor):
    """graphql-core's executor with suggestions left out of variable coercion errors.

    "Value 'ASIGNED' does not exist in 'TaskState' enum. Did you mean the enum
    value 'ASSIGNED'?" names the schema's values; production says less.
    """

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        kwargs["hide_suggestions"] = True
        return super().build(*args, **kwargs)
