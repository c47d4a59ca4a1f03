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
with 405 and ``Allow: POST``: GET must be safe.

:class:`GraphQLOverHTTP` applies these rules through strawberry's view hooks;
the app's view (``api.app.FuyuanGraphQL``) derives from it.
"""

from __future__ import annotations

from collections.abc import Mapping

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.typevars import Context as ContextT
from strawberry.http.typevars import RootValue as RootValueT
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
SUPPORTED = (GRAPHQL_RESPONSE_JSON, JSON)


class HTTPError(HTTPException):
    """An HTTP error answered in plain text, with extra response headers."""

    def __init__(self, status_code: int, reason: str, headers: Mapping[str, str]) -> None:
        super().__init__(status_code, reason)
        self.headers = dict(headers)


class NotAcceptable(HTTPError):
    """406: the Accept header admits none of the media types GraphQL answers in."""

    def __init__(self, accept: str) -> None:
        super().__init__(
            406,
            f"Not Acceptable: {accept!r} admits neither {GRAPHQL_RESPONSE_JSON} nor {JSON}",
            {"Accept": f"{GRAPHQL_RESPONSE_JSON}, {JSON}"},
        )


class MutationOverGet(HTTPError):
    """405: a mutation (or other non-query operation) sent with GET."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            405, f"Method Not Allowed: {reason}; send mutations with POST", {"Allow": "POST"}
        )


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
        name, _, value = param.partition("=")
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


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type == GRAPHQL_RESPONSE_JSON else media_type


class GraphQLOverHTTP(GraphQL[ContextT, RootValueT]):
    """strawberry's ASGI view, answering as the GraphQL-over-HTTP spec asks."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as err:
            # As strawberry's own __call__, but keeping the headers 405/406 need.
            headers = err.headers if isinstance(err, HTTPError) else None
            response = PlainTextResponse(err.reason, status_code=err.status_code, headers=headers)
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

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: ContextT,
        root_value: RootValueT | None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as err:
            if request_adapter.method == "GET" and isinstance(
                err.__cause__, InvalidOperationTypeError
            ):
                raise MutationOverGet(err.reason) from err
            raise

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response_data = await super().process_result(request, result)
        if is_request_error(result):
            response_data.pop("data", None)
        return response_data

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = sub_response.media_type or JSON
        response.headers["content-type"] = content_type(media_type)
        if not sub_response.status_code:  # a resolver's own status stands
            response.status_code = status_code(media_type, response_data)
        return response
