"""The outbox with a real SMTP server: down for a while loses nothing; back up, each message goes out exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.mail.delivery import deliver_due
from courseware.persistence.models import OutboxMessage
from courseware.services import invitations, outbox
from tests.smtp_peer import SmtpPeer, text_of

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _invite(db: Session, app: Flask, *emails: str) -> list[int]:
    users = [invitations.invite(db, email=e, secret=app.secret_key, now=T0) for e in emails]
    db.commit()
    return [u.id for u in users]


def _rows(db: Session) -> dict[str, OutboxMessage]:
    db.rollback()  # a new snapshot: the worker wrote in its own transactions
    db.expire_all()
    return {r.to_address: r for r in db.scalars(select(OutboxMessage))}


def test_server_down_keeps_messages_pending_and_back_up_sends_each_once(mail_app: Flask, smtp: SmtpPeer,
                                                                        db: Session) -> None:
    _invite(db, mail_app, "a@example.com", "b@example.com", "c@example.com")
    smtp.stop()

    first = deliver_due(mail_app, T0)
    assert first.sent == [] and first.failed == []
    rows = _rows(db)
    assert {r.status for r in rows.values()} == {"pending"}
    assert {r.attempts for r in rows.values()} == {1}
    # The first retry waits 30 s (MAIL_RETRY_SECONDS), the next twice as long.
    assert {r.next_attempt_at for r in rows.values()} == {T0 + timedelta(seconds=30)}
    assert all("ConnectionRefusedError" in (r.last_error or "") for r in rows.values())

    assert deliver_due(mail_app, T0 + timedelta(seconds=29)).sent == []  # not due yet: nothing tried
    deliver_due(mail_app, T0 + timedelta(seconds=30))  # still down: second try, next one 60 s later
    rows = _rows(db)
    assert {(r.attempts, r.next_attempt_at) for r in rows.values()} == {(2, T0 + timedelta(seconds=90))}

    smtp.start()
    assert deliver_due(mail_app, T0 + timedelta(seconds=60)).sent == []  # back, but no message is due yet
    back = deliver_due(mail_app, T0 + timedelta(seconds=90))
    assert len(back.sent) == 3
    assert deliver_due(mail_app, T0 + timedelta(hours=5)).sent == []  # nothing is sent twice
    assert sorted(str(m["To"]) for m in smtp.mailbox.messages) == ["a <a@example.com>", "b <b@example.com>",
                                                                   "c <c@example.com>"]
    rows = _rows(db)
    assert {r.status for r in rows.values()} == {"sent"}
    assert {r.sent_at for r in rows.values()} == {T0 + timedelta(seconds=90)}


def test_two_workers_at_once_send_each_message_once(mail_app: Flask, smtp: SmtpPeer, db: Session) -> None:
    _invite(db, mail_app, *(f"p{i}@example.com" for i in range(8)))
    barrier = threading.Barrier(2)
    reports = []

    def worker() -> None:
        barrier.wait()
        reports.append(deliver_due(mail_app, T0))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r.sent) for r in reports)[-1] >= 1
    assert sum(len(r.sent) for r in reports) == 8
    assert len(smtp.mailbox.messages) == 8
    assert sorted(str(m["To"]).split("<")[1] for m in smtp.mailbox.messages) == sorted(
        f"p{i}@example.com>" for i in range(8))


def test_a_refused_message_is_retried_then_failed_then_retried_by_an_admin(mail_app: Flask, smtp: SmtpPeer,
                                                                           db: Session) -> None:
    mail_app.config["MAIL_MAX_ATTEMPTS"] = 3
    _invite(db, mail_app, "a@example.com")
    smtp.mailbox.refuse = True
    now = T0
    for attempt, wait in ((1, 30), (2, 60)):
        report = deliver_due(mail_app, now)
        assert list(report.retry_at.values()) == [now + timedelta(seconds=wait)], attempt
        now += timedelta(seconds=wait)
    report = deliver_due(mail_app, now)  # the third and last try
    assert report.failed and not report.retry_at
    row = _rows(db)["a@example.com"]
    assert (row.status, row.attempts) == ("failed", 3)
    assert "554" in (row.last_error or "")
    assert deliver_due(mail_app, now + timedelta(days=1)).sent == []  # failed stays failed

    smtp.mailbox.refuse = False
    outbox.retry(db, row.id, now=now)
    db.commit()
    assert len(deliver_due(mail_app, now).sent) == 1
    assert len(smtp.mailbox.messages) == 1
    assert _rows(db)["a@example.com"].status == "sent"


def test_a_message_left_half_sent_by_a_dead_worker_is_failed_not_sent_again(mail_app: Flask, smtp: SmtpPeer,
                                                                            db: Session) -> None:
    (user_id,) = _invite(db, mail_app, "a@example.com")
    row = db.scalars(select(OutboxMessage)).one()
    assert outbox.claim(db, row.id, T0)  # a worker took it, then died before recording the outcome
    db.commit()
    assert deliver_due(mail_app, T0 + timedelta(minutes=9)).sent == []  # maybe still sending: left alone
    deliver_due(mail_app, T0 + timedelta(minutes=11))
    row = _rows(db)["a@example.com"]
    assert row.status == "failed" and "may or may not have gone out" in (row.last_error or "")
    assert smtp.mailbox.messages == []


def test_every_message_has_a_text_and_an_html_part(mail_app: Flask, smtp: SmtpPeer, db: Session) -> None:
    _invite(db, mail_app, "a@example.com")
    deliver_due(mail_app, T0)
    (message,) = smtp.mailbox.messages
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert "/invite/" in text_of(message)
    assert message["From"] == "Courseware <courseware@localhost>"


def test_without_a_mail_url_messages_are_eml_files_listed_in_the_log(app: Flask, db: Session, caplog) -> None:  # type: ignore[no-untyped-def]
    import email
    import logging
    from email import policy
    from pathlib import Path

    assert not app.config.get("MAIL_URL")
    _invite(db, app, "a@example.com")
    with caplog.at_level(logging.INFO, logger="courseware.mail"):
        assert len(deliver_due(app, T0).sent) == 1
    (path,) = Path(app.config["MAIL_DIR"]).glob("*.eml")
    row = db.scalars(select(OutboxMessage)).one()
    assert path.name.endswith(f"-{row.id}-a@example.com.eml")  # when, which outbox row, to whom
    assert f"written to {path}" in caplog.text
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "a <a@example.com>" and "/invite/" in text_of(message)  # type: ignore[arg-type]
