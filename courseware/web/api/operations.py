"""Each API operation declared once: its route, who may call it, its input and output models.

``operation`` registers the view on the blueprint and records it for the OpenAPI document
(``openapi.py``), so the document cannot drift from the routes.  The wrapper runs the fixed order
of every view: authenticate the bearer token, check the token's scope and the owner's access
role, validate the body with pydantic (422 on failure), call the view, serialise its result with
the declared model, and answer a read with an ``ETag`` (304 for a matching ``If-None-Match``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import g, json, request
from pydantic import BaseModel, ValidationError
from werkzeug.wrappers import Response

from ...persistence.base import utcnow
from ...persistence.models import ApiToken
from ...services import api_tokens
from ..db import get_db, side_write
from . import bp
from .problems import ApiProblem

EVERYONE = ("learner", "mentor", "manager", "admin")
REALM = 'Bearer realm="courseware"'


@dataclass(frozen=True)
class QueryParam:
    """A query-string parameter, for the document (the view reads and checks it)."""

    name: str
    description: str
    schema: dict[str, Any]
    required: bool = False


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the OpenAPI document describes it."""

    method: str
    rule: str
    endpoint: str
    summary: str
    description: str
    roles: tuple[str, ...]
    write: bool
    response: type[BaseModel] | None
    status: int
    body: type[BaseModel] | None
    query: tuple[QueryParam, ...] = field(default_factory=tuple)
    tag: str = ""

    @property
    def path(self) -> str:
        """The OpenAPI path: ``/users/<int:user_id>`` → ``/users/{user_id}``."""
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", self.rule)

    @property
    def path_params(self) -> list[str]:
        """The names of the path's parameters (ids)."""
        return re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", self.rule)


OPERATIONS: list[Operation] = []


def bearer() -> api_tokens.Bearer:
    """The request's authenticated bearer (set by the wrapper)."""
    return g.api_bearer  # type: ignore[no-any-return]


def _unauthorized(detail: str, error: str | None = "invalid_token") -> ApiProblem:
    challenge = REALM + (f', error="{error}"' if error else "")
    return ApiProblem(401, detail, headers={"WWW-Authenticate": challenge})


def authenticate() -> api_tokens.Bearer:
    """The token's bearer from ``Authorization: Bearer …``; a 401 problem when absent or not valid (cookies never count)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise _unauthorized("Send a personal access token: Authorization: Bearer <token>.", error=None)
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("The Authorization header must be: Bearer <token>.", error="invalid_request")
    now = utcnow()
    found = api_tokens.authenticate(get_db(), token.strip(), now)
    if found is None:
        raise _unauthorized("The token is unknown, revoked or expired, or its account is deactivated.")
    if api_tokens.needs_touch(found.token, now):
        _touch(found.token.id, now)
    return found


def _touch(token_id: int, now: Any) -> None:
    """Record when the token was last used (a short transaction of its own, at most every five minutes)."""
    touch = ApiToken.__table__.update().where(ApiToken.id == token_id).values(last_used_at=now)
    if request.method in ("GET", "HEAD"):
        with side_write() as session:
            session.execute(touch)
            session.commit()
    else:  # the request already holds the write lock; this lands when the view commits
        get_db().execute(touch)


def _body(model: type[BaseModel]) -> BaseModel:
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(422, "Send a JSON object (Content-Type: application/json).",
                         errors=[{"name": "body", "reason": "not JSON"}])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{"name": ".".join(str(p) for p in e["loc"]) or "body", "reason": e["msg"]}
                  for e in exc.errors(include_url=False, include_input=False)]
        raise ApiProblem(422, "The request body is not valid.", errors=errors) from exc


def _respond(result: Any, status: int) -> Response:
    if result is None:
        return Response(status=204)
    data = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    response = Response(json.dumps(data), status=status, mimetype="application/json")
    if request.method == "GET":
        response.headers["Cache-Control"] = "private, no-cache"
        response.add_etag()
        response.make_conditional(request)
    return response


def operation(
    rule: str, method: str, *, summary: str, response: type[BaseModel] | None, roles: Collection[str] = EVERYONE,
    body: type[BaseModel] | None = None, query: tuple[QueryParam, ...] = (), status: int = 200, description: str = "",
    tag: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Register an API view: GET reads need any token; other methods a ``write`` token. Only ``roles`` get through."""
    write = method != "GET"
    known = {q.name for q in query}

    def decorator(view: Callable[..., Any]) -> Callable[..., Response]:
        @wraps(view)
        def wrapped(**kwargs: Any) -> Response:
            who = authenticate()
            g.api_bearer = who
            if write and not who.may_write:
                raise ApiProblem(403, "This token may only read; make a write token to change things.",
                                 headers={"WWW-Authenticate": REALM + ', error="insufficient_scope", scope="write"'})
            if not who.user.access_roles.intersection(roles):
                raise ApiProblem(403, "Your account does not have access to this resource.")
            unknown = sorted(set(request.args) - known)
            if unknown:  # a mistyped parameter is an error, not a silent no-op
                raise ApiProblem(422, "Unknown query parameter: " + ", ".join(unknown[:5]) + ".",
                                 errors=[{"name": name[:64], "reason": "unknown parameter"} for name in unknown[:5]])
            if body is not None:
                kwargs["payload"] = _body(body)
            return _respond(view(**kwargs), status)

        bp.add_url_rule(rule, view.__name__, wrapped, methods=[method])
        OPERATIONS.append(Operation(method=method, rule=rule, endpoint=f"api.{view.__name__}", summary=summary,
                                    description=description or (view.__doc__ or "").strip(), roles=tuple(roles),
                                    write=write, response=response, status=status, body=body, query=query, tag=tag))
        return wrapped

    return decorator


CURSOR = QueryParam("cursor", "Where the page starts: the `cursor` of the previous page's `next` link.",
                    {"type": "string", "maxLength": 200})
LIMIT = QueryParam("limit", "Items per page (1 to 200, default 50).", {"type": "integer", "minimum": 1, "maximum": 200})
PAGED = (CURSOR, LIMIT)
