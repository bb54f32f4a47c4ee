"""Throttling of password guessing: one decorator for every form that checks a secret.

Two limits, both refused at once with a 429 page and ``Retry-After`` (nothing ever sleeps in a worker):

- **per address**: every POST from one address counts (``THROTTLE_PER_ADDRESS``, 20 a minute);
  Flask-Limiter's own limit, per route;
- **per account and address**: only failed POSTs count (``THROTTLE_FAILURES``, 10 in 15 minutes);
  past that the pair is refused for a window of ``THROTTLE_FIRST_BLOCK`` seconds (1 minute); each
  failure after a window has passed starts the next one, twice as long, up to ``THROTTLE_MAX_BLOCK``
  (15 minutes).  A success clears it all; so does a day without any failure.

The account is always paired with the address, so nobody can lock a person out of their account
from every address by guessing wrong on purpose: the right password from another address works.

The counts live in Flask-Limiter's storage: in memory (one count per server process) unless
``COURSEWARE_REDIS_URL`` is set, when every app server shares them.  ``RATELIMIT_ENABLED = False``
turns throttling off (the tests do, except those about throttling).

How to apply it to a route — one line, under ``@bp.route``::

    @bp.route("/password/forgot", methods=["GET", "POST"])
    @throttle.guard("password-forgot", account=throttle.form_field("email"))
    def forgot(): ...

    @bp.route("/invite/<token>", methods=["GET", "POST"])
    @throttle.guard("invite", account=throttle.view_arg("token"))
    def accept(token): ...

Only POSTs are counted.  A POST answered with a redirect (post/redirect/get) is a success; any other
answer (the form shown again with an error) is a failed attempt.  ``account=None`` keeps only the
per-address limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from math import ceil
from typing import Any, TypeVar

from flask import Flask, current_app, make_response, render_template, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

F = TypeVar("F", bound=Callable[..., Any])
SUCCESS = frozenset({301, 302, 303})
LEVEL_MEMORY = 24 * 3600  # how long a pair's doubling level is remembered without a success


def client_address() -> str:
    """The address a request came from (behind a proxy, set ``COURSEWARE_TRUSTED_PROXIES``)."""
    return request.remote_addr or "unknown"


# One Flask-Limiter per process, bound by init_app: the last app bound sets its storage and whether it is
# enabled (a server or command builds one app; the tests build one at a time).
READS = frozenset({"GET", "HEAD", "OPTIONS"})
_READS_LIMITED: set[str] = set()  # blueprints whose limits count reads too (the API's per-token budget)


def limit_reads_of(blueprint: str) -> None:
    """Let the limiter see this blueprint's reads (its limit counts every request, not only POSTs)."""
    _READS_LIMITED.add(blueprint)


def _unlimited_read() -> bool:
    """Whether this request is a read the limiter never counts (asked by several hooks: kept on the request)."""
    current = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup, not four
    found: bool | None = getattr(current, "_courseware_unlimited", None)
    if found is None:
        found = current.method in READS and (current.blueprint or "").partition(".")[0] not in _READS_LIMITED
        current._courseware_unlimited = found
    return found


class _PostLimiter(Limiter):
    """The sign-in and form limits are on POSTs (``guard``); only the blueprints named by ``limit_reads_of`` limit
    reads.  Any other read returns before the limiter's per-request bookkeeping (endpoint identification, limit
    filtering, exemption scopes), which cost about as much as the rest of a cached page even with a
    ``request_filter`` (the filters run last)."""

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if _unlimited_read():
            return
        super()._check_request_limit(callable_name, in_middleware)

    def _Limiter__release_context(self, exc: BaseException | None = None) -> None:  # noqa: N802 - overrides the private hook
        """Nothing to release after a read the limiter never looked at (its context is created on first use)."""
        if not _unlimited_read():
            super()._Limiter__release_context(exc)  # type: ignore[misc]

    def inject_headers(self, response: Response) -> Response:
        """The limiter's after-request hook (rate-limit headers, conditional deductions), skipped after a read the
        limiter never looked at."""
        if _unlimited_read():
            return response
        return self._Limiter__inject_headers(response)  # type: ignore[attr-defined,no-any-return]


limiter = _PostLimiter(key_func=client_address)


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    """Reads outside the read-limited blueprints are never limited (for the limiter's paths that consult filters)."""
    return _unlimited_read()


class Throttled(TooManyRequests):
    """Too many failed attempts for one account from one address: refused for ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = max(1, retry_after)


def form_field(name: str) -> Callable[[], str]:
    """The account is this form field's value (an email, trimmed and lower-cased)."""
    return lambda: (request.form.get(name) or "").strip().lower()[:254]


def view_arg(name: str) -> Callable[[], str]:
    """The account is this URL part (e.g. an invitation or reset token)."""
    return lambda: str((request.view_args or {}).get(name, ""))[:254]


EMAIL = form_field("email")


def guard(scope: str, *, account: Callable[[], str] | None = EMAIL) -> Callable[[F], F]:
    """Throttle POSTs to this view per address and, when ``account`` is given, per account-and-address pair."""

    def decorator(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if request.method != "POST" or not limiter.enabled or account is None:
                return view(*args, **kwargs)
            pair = (current_app.config.get("RATELIMIT_KEY_PREFIX") or "courseware", scope, client_address(), account())
            _refuse_if_blocked(pair)
            response = make_response(view(*args, **kwargs))
            if response.status_code in SUCCESS:
                _clear(pair)
            else:
                _fail(pair)
            return response

        per_address = limiter.limit(lambda: current_app.config["THROTTLE_PER_ADDRESS"], methods=["POST"],
                                    key_func=client_address, scope=scope)
        limited = per_address(guarded)

        @wraps(view)
        def entry(*args: Any, **kwargs: Any) -> Any:
            # Only POSTs are limited: a GET (the form, or a signed-in visitor sent on) skips the limiter's wrapper
            # and its per-request bookkeeping.  Same name as the view, so the limiter still knows it as decorated.
            if request.method != "POST":
                return view(*args, **kwargs)
            return limited(*args, **kwargs)

        return entry  # type: ignore[return-value]

    return decorator


def backoff_seconds(level: int, first: int, most: int) -> int:
    """The refusal window after the ``level``-th block in a row: ``first``, doubled each time, at most ``most``."""
    return min(most, first * 2 ** max(0, level - 1))


def _keys(pair: tuple[str, ...]) -> tuple[str, str]:
    joined = "/".join(pair)
    return f"block/{joined}", f"level/{joined}"


def _failures() -> tuple[MovingWindowRateLimiter, Any]:
    return MovingWindowRateLimiter(limiter.storage), parse(current_app.config["THROTTLE_FAILURES"])


def _refuse_if_blocked(pair: tuple[str, ...]) -> None:
    block, _ = _keys(pair)
    if limiter.storage.get(block):
        raise Throttled(ceil(limiter.storage.get_expiry(block) - time.time()))


def _fail(pair: tuple[str, ...]) -> None:
    """Count a failure; the 10th in 15 minutes blocks the pair, and so does any failure after a block until a success."""
    block, level_key = _keys(pair)
    if not limiter.storage.get(level_key):
        strategy, item = _failures()
        strategy.hit(item, *pair)
        if strategy.test(item, *pair):
            return
    level = limiter.storage.get(level_key) + 1
    for key in (level_key, block):
        limiter.storage.clear(key)
    limiter.storage.incr(level_key, LEVEL_MEMORY, amount=level)  # remembered for a day from this failure
    config = current_app.config
    limiter.storage.incr(block, backoff_seconds(level, int(config["THROTTLE_FIRST_BLOCK"]),
                                                int(config["THROTTLE_MAX_BLOCK"])))


def _clear(pair: tuple[str, ...]) -> None:
    strategy, item = _failures()
    strategy.clear(item, *pair)
    for key in _keys(pair):
        limiter.storage.clear(key)


def _retry_after(error: TooManyRequests) -> int:
    if isinstance(error, Throttled):
        return error.retry_after
    if isinstance(error, RateLimitExceeded) and limiter.current_limit is not None:
        return max(1, ceil(limiter.current_limit.window.reset_time - time.time()))
    return 60


def _wait(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _too_many(error: TooManyRequests) -> Response:
    seconds = _retry_after(error)
    what = ("Too many failed attempts for this account from your address" if isinstance(error, Throttled)
            else "Too many attempts from your address")
    body = render_template("errors/error.html", code=429, title="Too many attempts",
                           message=f"{what}. Wait {_wait(seconds)}, then try again.",
                           back=(request.path, "Try again") if request.method == "POST" else None)
    response = make_response(body, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def init_app(app: Flask) -> None:
    """Bind Flask-Limiter (memory, or Redis when ``REDIS_URL`` is set) and the 429 page."""
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    limiter.init_app(app)
    # Flask-Limiter registers its after-request hook as partial(Limiter.__inject_headers, limiter), which no
    # subclass can override: put the read-skipping one in its place.
    hooks = app.after_request_funcs.setdefault(None, [])
    for i, hook in enumerate(hooks):
        if getattr(hook, "func", None) is getattr(Limiter, "_Limiter__inject_headers", None):
            hooks[i] = limiter.inject_headers
    app.register_error_handler(TooManyRequests, _too_many)
