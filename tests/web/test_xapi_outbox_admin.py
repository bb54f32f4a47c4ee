"""The outbox page's xAPI channel: filtered by status and channel, a page at a time, failed rows retried
(POST with the CSRF token, audited)."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.persistence.models import AuditEntry, IntegrationMessage
from courseware.services import integration_outbox, outbox


def _rows(db: Session) -> dict[str, int]:
    """30 delivered statements, 2 failed, 1 waiting; and one failed email."""
    ids: dict[str, int] = {}
    for n in range(33):
        row = integration_outbox.enqueue(db, channel="xapi", kind="answered", ref=f"stmt-{n:02d}", subject=f"attempt:{n}",
                                         payload={"id": f"stmt-{n:02d}"})
        row.status = "sent" if n < 30 else "failed" if n < 32 else "pending"
        if row.status == "failed":
            row.last_error = "the LRS answered 400: bad statement"
        ids[row.ref] = row.id
    mail = outbox.enqueue(db, kind="invite", to="someone@example.com", payload={})
    mail.status = "failed"
    db.commit()
    return ids


def test_statuses_channels_and_pages(app: Flask, client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    _rows(db)
    auth.login("admin@example.com")
    failed = unescape(client.get("/admin/outbox?channel=xapi").data.decode())
    assert "xAPI statements: 30 delivered · 1 waiting · 2 failed." in failed
    assert "stmt-30" in failed and "stmt-31" in failed and "stmt-00" not in failed
    assert "the LRS answered 400: bad statement" in failed and failed.count(">Retry</button>") == 2
    assert "someone@example.com" not in failed  # email is its own channel
    first = unescape(client.get("/admin/outbox?channel=xapi&show=sent").data.decode())
    assert "Page 1 of 2" in first and "stmt-29" in first and "stmt-04" not in first  # newest first, 25 a page
    second = unescape(client.get("/admin/outbox?channel=xapi&show=sent&page=2").data.decode())
    assert "stmt-04" in second and "stmt-00" in second and "stmt-05" not in second
    waiting = unescape(client.get("/admin/outbox?channel=xapi&show=waiting").data.decode())
    assert "stmt-32" in waiting and "stmt-31" not in waiting
    email = unescape(client.get("/admin/outbox?channel=email").data.decode())
    assert "someone@example.com" in email and "stmt-" not in email


def test_retry_needs_the_csrf_token_and_is_audited(app: Flask, client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    ids = _rows(db)
    auth.login("admin@example.com")
    app.config["WTF_CSRF_ENABLED"] = True
    target = ids["stmt-30"]
    assert client.post(f"/admin/outbox/xapi/{target}/retry").status_code == 400
    page = client.get("/admin/outbox?channel=xapi").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post(f"/admin/outbox/xapi/{target}/retry", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.endswith("/admin/outbox?channel=xapi")
    db.expire_all()
    row = db.get(IntegrationMessage, target)
    assert row is not None and (row.status, row.attempts) == ("pending", 0)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.kind == "outbox.retry"))
    assert entry is not None and entry.actor_id == people["admin"].id and entry.target_id == str(target)
    assert db.get(IntegrationMessage, ids["stmt-31"]).status == "failed"  # type: ignore[union-attr]
