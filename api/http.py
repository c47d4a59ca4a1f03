"""GraphQL over HTTP: media-type negotiation and status codes, as the spec asks.

The GraphQL-over-HTTP specification (https://graphql.github.io/graphql-over-http/)
defines two response media types. With ``application/json`` (the legacy one, and
what a client gets when its Accept header is missing or only wildcards) every
well-formed request is answered 200, errors included. With
``application/graphql-response+json`` the status says what happened: a request
error — a document that does not parse or validate, variables that do not
coerce — is 400, and an executed operation is 200 even with field errors.

In both, a request error's body holds ``errors`` and no ``data`` entry (the
GraphQL spec: "If an error was raised before execution begins, the data entry
should not be present in the result"). Mutations sent with GET are refused
with 405 and ``Allow: POST``: GET must be safe. Subscriptions are served over
the websocket only: over HTTP, GET or POST, they are refused with 400.

A request the server cannot read — a body that is not UTF-8 or not JSON, JSON
nested thousands deep or holding a number of thousands of digits (which
Python's ``json`` refuses with RecursionError and ValueError), a body that is a
JSON string rather than an object — is 400 with a GraphQL error whose
``extensions.code`` is ``BAD_REQUEST`` and whose message names what is wrong,
in the negotiated media type. So is every other HTTP error but 406 (which
answers a client that accepts no JSON, so in plain text). A client that hangs
up before its request is read is logged in one line, not as a server error.

:class:`GraphQLOverHTTP` applies these rules through strawberry's view hooks;
the app's view (``api.app.FuyuanGraphQL``) derives from it.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.typevars import Context as ContextT
from strawberry.http.typevars import RootValue as RootValueT
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from workflow.i18n import _

logger = logging.getLogger("fuyuan.http")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
SUPPORTED = (GRAPHQL_RESPONSE_JSON, JSON)


CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
"""``extensions.code`` of an HTTP error by its status (strawberry's own raise plain 400s)."""


class HTTPError(HTTPException):
    """An HTTP error with a code and extra response headers."""

    def __init__(
        self, status_code: int, reason: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status_code, reason)
        self.headers = dict(headers or {})


class BadRequest(HTTPError):
    """400: a request the server cannot read as a GraphQL request; the reason says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(400, reason)


class SubscriptionOverHTTP(BadRequest):
    """400: a subscription sent with GET or POST; it is served over the websocket."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "subscriptions are served over a websocket at /graphql (the "
                "graphql-transport-ws protocol), not over HTTP"
            )
        )


class NotAcceptable(HTTPError):
    """406, in plain text: the Accept header admits none of the media types GraphQL answers in."""

    def __init__(self, accept: str) -> None:
        super().__init__(
            406,
            _(
                "Not Acceptable: {accept!r} admits neither {graphql_json} nor {json}",
                accept=accept,
                graphql_json=GRAPHQL_RESPONSE_JSON,
                json=JSON,
            ),
            {"Accept": f"{GRAPHQL_RESPONSE_JSON}, {JSON}"},
        )


class MutationOverGet(HTTPError):
    """405: a mutation (or other non-query operation) sent with GET."""

    def __init__(self, operation_type: OperationType) -> None:
        self.operation_type = operation_type
        super().__init__(
            405,
            _("Method Not Allowed: a mutation cannot be sent with GET; send mutations with POST"),
            {"Allow": "POST"},
        )


def decode_body(data: str | bytes) -> Any:
    """A request's JSON (its body, or a GET's ``variables``), or :class:`BadRequest` saying why not.

    JSON in HTTP is UTF-8 (RFC 8259 §8.1; a byte order mark is ignored). Python's
    ``json`` gives up on arrays or objects nested about a thousand deep with
    RecursionError, and on an integer of more than 4,300 digits with ValueError
    (its guard against quadratic int parsing); both are the client's doing.
    """
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as err:
        byte = data[err.start : err.start + 1]
        raise BadRequest(
            _(
                "the request body is not UTF-8 (byte {start} is {byte!r})",
                start=err.start,
                byte=byte,
            )
        ) from err
    try:
        decoded = json.loads(text)
    except RecursionError as err:
        raise BadRequest(_("the JSON nests arrays or objects too deeply to be read")) from err
    except json.JSONDecodeError as err:
        raise BadRequest(
            _(
                "the request is not JSON: {msg} at line {lineno} column {colno}",
                msg=err.msg,
                lineno=err.lineno,
                colno=err.colno,
            )
        ) from err
    except ValueError as err:
        raise BadRequest(
            _(
                "a number in the JSON has more than {get_int_max_str_digits} digits",
                get_int_max_str_digits=sys.get_int_max_str_digits(),
            )
        ) from err
    if not isinstance(decoded, dict | list):
        raise BadRequest(
            _(
                "the JSON is {json_kind}; a GraphQL request and its variables are "
                'objects, e.g. {{"query": "{{ viewer {{ id }} }}", "variables": {{}}}}',
                json_kind=_json_kind(decoded),
            )
        )
    return decoded


def _json_kind(value: object) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number"


def error_response(err: HTTPException, media_type: str) -> Response:
    """An HTTP error as the body of a request error: ``errors`` with a message and a code."""
    headers = err.headers if isinstance(err, HTTPError) else None
    if isinstance(err, NotAcceptable):
        return PlainTextResponse(err.reason, status_code=err.status_code, headers=headers)
    code = CODES.get(err.status_code, "BAD_REQUEST" if err.status_code < 500 else "INTERNAL")
    body = {"errors": [{"message": err.reason, "extensions": {"code": code}}]}
    response = JSONResponse(body, status_code=err.status_code, headers=headers)
    response.headers["content-type"] = content_type(media_type)
    return response


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None when none is acceptable.

    Each media range's ``q`` is honoured and the most specific range matching a
    type decides its quality (RFC 9110 §12.5.1). On a tie a type the client named
    wins over one it reached through a wildcard; between two named types
    ``application/graphql-response+json`` wins, between two wildcard matches
    ``application/json`` does, since clients that send only ``*/*`` predate the
    newer type. A missing or empty header means ``application/json``.

    Example:
        >>> negotiate("application/graphql-response+json, application/json;q=0.9")
        'application/graphql-response+json'
        >>> negotiate("*/*")
        'application/json'
        >>> negotiate("text/html") is None
        True
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = [_media_range(part) for part in accept.split(",") if part.strip()]
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for preference, media_type in enumerate(reversed(SUPPORTED)):
        matches = [
            (specificity, quality)
            for media_range, quality in ranges
            if (specificity := _specificity(media_range, media_type)) >= 0
        ]
        if not matches:
            continue
        specificity, quality = max(matches)
        named = specificity == 2
        key = (quality, specificity, preference if named else -preference)
        if quality > 0 and (best is None or key > best):
            best, chosen = key, media_type
    return chosen


def _media_range(part: str) -> tuple[str, float]:
    media_range, *params = (piece.strip() for piece in part.split(";"))
    quality = 1.0
    for param in params:
        name, _eq, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
    return media_range.lower(), quality


def _specificity(media_range: str, media_type: str) -> int:
    """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``, -1 for no match."""
    if media_range == media_type:
        return 2
    if media_range == media_type.split("/")[0] + "/*":
        return 1
    if media_range == "*/*":
        return 0
    return -1


def is_request_error(result: ExecutionResult) -> bool:
    """Whether execution never began: parse, validation or variable coercion failed.

    Such a result has errors and no data, and none of its errors has a path; an
    error from a resolver always has one, even when it nulls the whole result.
    """
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


def status_code(media_type: str, response_data: object) -> int:
    """200, or 400 for a request error answered as application/graphql-response+json."""
    if (
        media_type == GRAPHQL_RESPONSE_JSON
        and isinstance(response_data, dict)
        and "data" not in response_data
    ):
        return 400
    return 200


def dumps(data: object) -> bytes:
    """``data`` as JSON in UTF-8: orjson's, or the standard library's for what orjson
    refuses — an integer beyond 64 bits, as a refusal of a fragment bomb reports the
    fields it would select (2**91)."""
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type == GRAPHQL_RESPONSE_JSON else media_type


class GraphQLOverHTTP(GraphQL[ContextT, RootValueT]):
    """strawberry's ASGI view, answering as the GraphQL-over-HTTP spec asks."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as err:
            # As strawberry's own __call__, but coded, and keeping the headers 405/406 need.
            response = error_response(err, negotiate(request.headers.get("accept")) or JSON)
        except ClientDisconnect:
            # Nobody is left to answer; the client's doing, not a server error.
            logger.info(
                "%s %s: the client disconnected before sending its whole request",
                request.method,
                request.url.path,
            )
            return
        finally:
            # A multipart request's files (importLedger's upload) are spooled to
            # temporary files: close them whatever the answer was.
            await request.close()
        await response(scope, receive, send)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        # The negotiated type rides on the sub-response to create_response, which
        # is not given the request; a non-acceptable Accept is refused in
        # parse_http_body, after GraphiQL had its chance at the request.
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = negotiate(request.headers.get("accept")) or JSON
        return sub_response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        accept = request.headers.get("accept")
        if negotiate(accept) is None:
            raise NotAcceptable(accept or "")
        return await super().parse_http_body(request)

    def parse_json(self, data: str | bytes) -> Any:
        # Only HTTP requests come here (websocket messages use decode_json).
        return decode_body(data)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: ContextT,
        root_value: RootValueT | None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # As strawberry's, without subscriptions: over plain HTTP (no streaming
        # transport is negotiated here) it would execute one as a query and fail.
        method = request_adapter.method
        allowed = {OperationType.QUERY}
        if method == "POST":
            allowed.add(OperationType.MUTATION)
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as err:
            raise BadRequest(
                _("the document has no operation named {name!r}", name=err.operation_name)
                if err.operation_name is not None
                else _("the operation to run cannot be told: name it in operationName")
            ) from err
        except InvalidOperationTypeError as err:
            if err.operation_type is OperationType.SUBSCRIPTION:
                raise SubscriptionOverHTTP from err
            raise MutationOverGet(err.operation_type) from err
        except MissingQueryError as err:
            raise BadRequest(_("the request has no GraphQL query")) from err

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response_data = await super().process_result(request, result)
        if is_request_error(result):
            response_data.pop("data", None)
        return response_data

    def encode_json(self, data: object) -> str:
        # The websocket's messages (graphql-transport-ws wants text frames).
        return dumps(data).decode()

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        # As strawberry's, with orjson's bytes: UTF-8 as it is (Chinese is not
        # escaped to \uXXXX, a third of the size), several times faster than json.
        media_type = sub_response.media_type or JSON
        response = Response(dumps(response_data), media_type=content_type(media_type))
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        response.status_code = sub_response.status_code or status_code(media_type, response_data)
        return response  # a resolver's own status stands
