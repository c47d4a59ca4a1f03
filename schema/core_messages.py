"""graphql-core's own messages in the reader's language: its syntax, validation and
variable errors ("Cannot query field 'taks' on type 'Query'. Did you mean 'tasks'?").

graphql-core writes them in English with f-strings, so they are translated by
pattern: :data:`TEMPLATES` holds each message as graphql-core writes it, with
``{named}`` fields where it fills something in; the template is both the regular
expression that recognises the message (a field matches any text) and the
message id of its translation (``make messages`` extracts it). A field named
``reason`` is itself a message of graphql-core's and is translated in turn
("Variable '$n' has invalid value: Int cannot represent …"). "Did you mean
'tasks'?" is taken off first and translated on its own. A message no template
matches keeps its English.

:class:`TranslateErrors` applies the table where the errors leave the server:
after the operation, to every error whose message was not made with ``_()`` (ours
are translated where they are made), and to the masked "Unexpected error.". The
English stays the error's :class:`~workflow.i18n.Text` English, so the log line is
the same in both languages.

To add a pattern: copy the message as graphql-core writes it (its source, or the
answer to a request), replace what varies by ``{field}`` names, add it to
:data:`TEMPLATES` with ``N_()``, then ``make messages`` and translate it in
``zh_CN/messages.po``; tests/schema/test_core_messages.py shows how to test it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from workflow.i18n import N_, Templates, Text, _, current_language, english

__all__ = ["TEMPLATES", "TranslateErrors", "translate"]

#: graphql-core's messages (3.3), as it writes them; fields named ``reason`` are
#: messages of its own, translated in turn.
TEMPLATES: tuple[str, ...] = (
    # what MaskErrors says of a bug (the log keeps the traceback)
    N_("Unexpected error."),
    # the parser and the lexer
    N_("Syntax Error: {reason}"),
    N_("Expected {expected}, found {found}."),
    N_("Unexpected variable '${variable}' in constant value."),
    N_("Unexpected character: {character}."),
    N_("Unexpected {token}."),
    N_("Unterminated string."),
    N_("Document contains more than {count} tokens. Parsing aborted."),
    N_("Document is nested too deeply. Parsing aborted."),
    # the validation rules
    N_("Cannot query field '{field}' on type '{type}'."),
    N_("Unknown argument '{argument}' on field '{field}'."),
    N_("Unknown argument '{argument}' on directive '@{directive}'."),
    N_("Argument '{argument}' of type '{type}' is required, but it was not provided."),
    N_("Field '{field}' of type '{type}' must have a selection of subfields."),
    N_("Field '{field}' must not have a selection since type '{type}' has no subfields."),
    N_("Unknown type '{type}'."),
    N_("Unknown fragment '{fragment}'."),
    N_("Fragment '{fragment}' is never used."),
    N_("Cannot spread fragment '{fragment}' within itself."),
    N_("Cannot spread fragment '{fragment}' within itself via {path}."),
    N_(
        "Fragment cannot be spread here as objects of type '{type}' can never be of type "
        "'{fragment_type}'."
    ),
    N_(
        "Fragment '{fragment}' cannot be spread here as objects of type '{type}' can never be "
        "of type '{fragment_type}'."
    ),
    N_("Unknown directive '@{directive}'."),
    N_("This anonymous operation must be the only defined operation."),
    N_("There can be only one operation named '{name}'."),
    N_("There can be only one fragment named '{name}'."),
    N_("There can be only one argument named '{name}'."),
    N_("There can be only one variable named '${name}'."),
    N_("There can be only one input field named '{name}'."),
    N_(
        "Fields '{field}' conflict because {reason}. Use different aliases on the fields to "
        "fetch both if this was intentional."
    ),
    N_("'{first}' and '{second}' are different fields"),
    N_("The {operation} operation is not supported by the schema."),
    N_("Variable '${variable}' is never used."),
    N_("Variable '${variable}' is never used in operation '{operation}'."),
    N_("Variable '${variable}' is not defined."),
    N_("Variable '${variable}' is not defined by operation '{operation}'."),
    N_("Variable '${variable}' cannot be non-input type '{type}'."),
    N_("Variable '${variable}' of type '{type}' used in position expecting type '{expected}'."),
    # values: literals in the document and the variables' values
    N_("Variable '${variable}' has invalid value: {reason}"),
    N_("Variable '${variable}' has invalid value at {path}: {reason}"),
    N_("Variable '${variable}' of required type '{type}' was not provided."),
    N_("Variable '${variable}' of non-null type '{type}' must not be null."),
    N_("Expected a value of non-null type '{type}' to be provided."),
    N_("Expected value of non-null type '{type}' not to be None."),
    N_("Expected value of non-null type '{type}' not to be null."),
    N_("Expected value of type '{type}' to be an object, found: {value}."),
    N_("Expected value of type '{type}' to include required field '{field}', found: {value}."),
    N_("Expected value of type '{type}' not to include unknown field '{field}', found: {value}."),
    N_("Expected value of type '{type}' not to include unknown field '{field}'. Found: {value}."),
    N_("Value '{value}' does not exist in '{type}' enum."),
    N_("{type} cannot represent non-integer value: {value}"),
    N_("{type} cannot represent non 32-bit signed integer value: {value}"),
    N_("{type} cannot represent a non string value: {value}"),
    N_("{type} cannot represent a non boolean value: {value}"),
    N_("{type} cannot represent non numeric value: {value}"),
)

_SUGGESTION = re.compile(r" Did you mean (?P<enum>the enum value )?(?P<names>[^?]+)\?")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


#: Fields that may hold any text (a value, a token, another message); every other field
#: is a name (of a type, a field, a variable …): no space, no quote.
_FREE_FIELDS = frozenset({"reason", "value", "found", "expected", "token", "character", "path"})


@lru_cache(maxsize=1)
def _table() -> Templates:
    return Templates(TEMPLATES, free=_FREE_FIELDS)


def _suggestion(names: str, enum: bool) -> Text:
    quoted = _QUOTED.findall(names) or [names]
    listed = Text("、".join(f"`{name[1:-1]}`" for name in quoted), names)
    if enum:
        return _("Did you mean the enum value {names}?", names=listed)
    return _("Did you mean {names}?", names=listed)


def translate(message: str) -> str:
    """``message`` (graphql-core's English) in the current language, keeping its English;
    as it is when no template matches.

    Example:
        >>> from workflow.i18n import language
        >>> with language("zh_CN"):
        ...     print(translate("Cannot query field 'taks' on type 'Query'. Did you mean 'tasks'?"))
        类型 `Query` 没有字段 `taks`；是否要写 `tasks`？
    """
    if current_language() == "en":
        return message  # graphql-core's own words, as they were
    text = english(message)
    suggestion = _SUGGESTION.search(text)
    if suggestion is not None:
        text = text[: suggestion.start()] + text[suggestion.end() :]
    translated = _translated(text)
    if translated is None:
        return message
    if suggestion is not None:
        advice = _suggestion(suggestion["names"], bool(suggestion["enum"]))
        return _("{message} {suggestion}", message=translated, suggestion=advice)
    return translated


def _translated(text: str) -> Text | None:
    return _table().translate(text)


class TranslateErrors(SchemaExtension):
    """Put graphql-core's messages of a request in its language (see the module)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            # A message made with _() (a Text: ours, strawberry's permission messages are
            # made so too) is in the request's language already.
            if isinstance(error, GraphQLError) and not isinstance(error.message, Text):
                error.message = translate(error.message)
