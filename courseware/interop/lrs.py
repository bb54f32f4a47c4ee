"""A small client for a Learning Record Store's statements resource (xAPI 1.0.3), over the standard library.

A batch is POSTed as a JSON list; the LRS ignores statements it already holds with the same content, so a
batch sent again is harmless.  When it answers 409 (it holds a different statement with one of the ids), the
batch is sent again one statement at a time with PUT, where a 409 for a known id counts as delivered.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}


class LrsUnavailable(Exception):
    """The LRS could not be reached or answered with a server error: try again later."""


@dataclass
class BatchOutcome:
    """What became of each statement id of a batch: delivered, or refused for good (with why)."""

    delivered: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # delivered, with something to say (a 409)


@dataclass(frozen=True)
class Lrs:
    """An LRS's xAPI endpoint (e.g. ``https://lrs.example.com/xAPI/``) and its Basic credentials ``user:password``."""

    endpoint: str
    auth: str | None = None
    timeout: float = 10.0

    @property
    def statements_url(self) -> str:
        """The statements resource."""
        return self.endpoint.rstrip("/") + "/statements"

    def _request(self, method: str, url: str, body: Any) -> tuple[int, str]:
        headers = {**VERSION_HEADER, "Content-Type": "application/json"}
        if self.auth:
            headers["Authorization"] = "Basic " + base64.b64encode(self.auth.encode()).decode("ascii")
        request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                return int(response.status), response.read(2000).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace")
            if exc.code >= 500 or exc.code in (401, 403, 408, 429):
                raise LrsUnavailable(f"the LRS answered {exc.code}: {detail[:300]}") from None
            return int(exc.code), detail
        except (urllib.error.URLError, OSError) as exc:
            raise LrsUnavailable(f"the LRS could not be reached: {exc}") from None

    def send(self, statements: Sequence[dict[str, Any]]) -> BatchOutcome:
        """Deliver statements; LrsUnavailable when the whole batch should be tried again later."""
        outcome = BatchOutcome()
        if not statements:
            return outcome
        status, detail = self._request("POST", self.statements_url, list(statements))
        if status in (200, 204):
            outcome.delivered = [s["id"] for s in statements]
            return outcome
        if status != 409 and len(statements) == 1:
            outcome.refused[statements[0]["id"]] = f"the LRS answered {status}: {detail[:300]}"
            return outcome
        for statement in statements:  # 409, or a 400 that one statement of the batch may have caused
            self._put(statement, outcome)
        return outcome

    def _put(self, statement: dict[str, Any], outcome: BatchOutcome) -> None:
        sid = statement["id"]
        status, detail = self._request("PUT", f"{self.statements_url}?statementId={quote(sid)}", statement)
        if status in (200, 204):
            outcome.delivered.append(sid)
        elif status == 409:
            outcome.delivered.append(sid)
            outcome.notes[sid] = "The LRS already held a statement with this id (409): counted as delivered."
        else:
            outcome.refused[sid] = f"the LRS answered {status}: {detail[:300]}"
