"""The API's error handlers (problem+json) and its rate limit per token."""

from __future__ import annotations

import hashlib
import time
from math import ceil

from flask import current_app, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from ...core.errors import InvalidInput, NotFound
from ..throttle import client_address, limit_reads_of, limiter
from . import bp
from .problems import ApiProblem, from_exception, problem


def token_key() -> str:
    """The rate-limit key: a hash of the bearer token (each token its own budget), else the address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api-token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return "api-address:" + client_address()


def _exempt() -> bool:
    return request.endpoint in ("api.openapi_json", "api.reference")


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=token_key, exempt_when=_exempt)(bp)
limit_reads_of(bp.name)  # the per-token budget counts GETs too


@bp.errorhandler(ApiProblem)
def _api_problem(error: ApiProblem) -> Response:
    return from_exception(error)


@bp.errorhandler(NotFound)
def _not_found(error: NotFound) -> Response:
    return problem(404, "There is nothing with this id that you can see.")


@bp.errorhandler(InvalidInput)
def _invalid(error: InvalidInput) -> Response:
    return problem(422, str(error), errors=[{"name": error.field or "body", "reason": str(error)}])


@bp.errorhandler(TooManyRequests)
def _too_many(error: TooManyRequests) -> Response:
    seconds = 60
    if isinstance(error, RateLimitExceeded) and limiter.current_limit is not None:
        seconds = max(1, ceil(limiter.current_limit.window.reset_time - time.time()))
    return problem(429, f"Too many requests with this token. Wait {seconds} seconds.", headers={"Retry-After": str(seconds)})
