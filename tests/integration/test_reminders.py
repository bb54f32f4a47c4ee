"""Reminders (due in 3 days, due today, overdue: each once) and the mentors' weekly digest, through a real SMTP server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.jobs import run_reminders
from courseware.mail.delivery import deliver_due
from courseware.persistence.models import Attempt, AttemptRequest, ModuleProgress, SentNotice, User
from courseware.services import assignments, cohorts
from courseware.state import state_of
from tests.conftest import make_user
from tests.smtp_peer import SmtpPeer, html_of, link_path, text_of

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the organisation's zone is UTC: today is 2026-11-30


def _assign(app: Flask, db: Session, item: str, due: date, *, user: User | None = None, cohort_id: int | None = None,
            kind: str = "module") -> int:
    state = state_of(app)
    row = assignments.create_assignment(db, kind=kind, item_id=item, due_on=due, catalog=state.catalog,
                                        quizzes=state.quizzes, user_id=user.id if user else None, cohort_id=cohort_id)
    db.commit()
    return row.id


def _arrange(app: Flask, db: Session) -> dict[str, User]:
    learner = make_user(db, "lee@example.com", name="Lee")
    stalled = make_user(db, "sam@example.com", name="Sam")
    failing = make_user(db, "fay@example.com", name="Fay")
    fine = make_user(db, "finn@example.com", name="Finn")
    tokyo = make_user(db, "tomo@example.com", name="Tomo")
    mentor = make_user(db, "mentor@example.com", ("mentor",), name="Mia")
    cohort = cohorts.create_cohort(db, name="Winter", start_date=date(2026, 11, 1))
    cohorts.set_cohort(db, learner, cohort.id)
    for mentee in (learner, stalled, failing, fine):
        cohorts.assign_mentor(db, mentor, mentee)
    tokyo.time_zone = "Asia/Tokyo"
    for person in (learner, failing, fine, tokyo):
        person.created_at = MONDAY - timedelta(days=3)
    stalled.created_at = MONDAY - timedelta(days=20)
    mentor.created_at = MONDAY - timedelta(days=30)
    db.add(ModuleProgress(user_id=learner.id, module_id="basics", started_at=MONDAY - timedelta(days=1),
                          completed_at=MONDAY - timedelta(days=1)))
    db.add(ModuleProgress(user_id=fine.id, module_id="intro", started_at=MONDAY - timedelta(days=1)))
    db.add(Attempt(user_id=failing.id, quiz_id="scope-check", number=1, state="submitted", model="separate", seed=1,
                   layout={}, started_at=MONDAY - timedelta(days=2), submitted_at=MONDAY - timedelta(days=2),
                   points=2, max_points=4, score=50.0, passed=False))
    db.commit()
    _assign(app, db, "intro", date(2026, 12, 3), user=learner)  # due in 3 days
    _assign(app, db, "scope-check", date(2026, 11, 30), user=learner, kind="quiz")  # due today
    _assign(app, db, "scope", date(2026, 11, 28), cohort_id=cohort.id)  # overdue, through the cohort
    _assign(app, db, "intro", date(2026, 12, 10), user=fine)  # not yet
    _assign(app, db, "basics", date(2026, 11, 29), user=learner)  # past due but done: nothing
    _assign(app, db, "intro", date(2026, 12, 1), user=tokyo)  # due tomorrow; Tokyo's morning comes later
    return {"learner": learner, "mentor": mentor, "tokyo": tokyo}


def test_each_reminder_once_across_two_runs_and_the_next_day(mail_app: Flask, smtp: SmtpPeer, db: Session) -> None:
    people = _arrange(mail_app, db)
    plan, queued = run_reminders(mail_app, MONDAY)
    assert queued == 2  # Lee's reminder and Mia's digest; Tomo's morning is at 23:00 UTC
    assert plan.later == 1
    deliver_due(mail_app, MONDAY)
    (reminder,) = smtp.mailbox.to("lee@example.com")
    assert reminder["Subject"] == "3 assignments need your attention"
    text = text_of(reminder)
    assert "- Overdue: Scope (module, due 2026-11-28)" in text
    assert "- Due today: Scope: who owns it? (quiz, due 2026-11-30)" in text
    assert "- Due soon: Introduction (module, due 2026-12-03)" in text
    assert "The basics" not in text
    html = html_of(reminder)
    assert ">overdue</span>\n<strong>Scope</strong>" in html and ">due soon</span>\n<strong>Introduction</strong>" in html

    assert run_reminders(mail_app, MONDAY + timedelta(minutes=15))[1] == 0  # a second run sends nothing new
    assert run_reminders(mail_app, MONDAY)[0].messages == []

    # 23:00 UTC is 08:00 in Tokyo: Tomo's reminder (due 1 December: due soon on the organisation's 30 November).
    _plan, queued = run_reminders(mail_app, MONDAY.replace(hour=23))
    deliver_due(mail_app, MONDAY.replace(hour=23))
    (tomo,) = smtp.mailbox.to("tomo@example.com")
    assert queued == 1 and tomo["Subject"] == "Due soon: Introduction"

    # The next morning the quiz due yesterday is overdue: one new reminder, for it alone.
    tuesday = MONDAY + timedelta(days=1)
    _plan, queued = run_reminders(mail_app, tuesday)
    deliver_due(mail_app, tuesday)
    assert queued == 1
    assert smtp.mailbox.to("lee@example.com")[-1]["Subject"] == "Overdue: Scope: who owns it?"
    assert len(smtp.mailbox.to("lee@example.com")) == 2
    kinds = sorted(db.execute(select(SentNotice.kind, SentNotice.subject)
                              .where(SentNotice.user_id == people["learner"].id)).all())
    assert [k for k, _s in kinds] == ["due_soon", "due_today", "overdue", "overdue"]


def test_a_request_for_another_attempt_joins_the_mentor_digest(mail_app: Flask, smtp: SmtpPeer, db: Session) -> None:
    _arrange(mail_app, db)
    fay = db.scalars(select(User).where(User.email == "fay@example.com")).one()
    db.add(AttemptRequest(user_id=fay.id, quiz_id="scope-check", message="One more go, please", created_at=MONDAY))
    db.commit()
    run_reminders(mail_app, MONDAY)
    deliver_due(mail_app, MONDAY)
    (digest,) = smtp.mailbox.to("mentor@example.com")
    assert ("- Fay <fay@example.com>: failed the last attempt at Scope: who owns it? (50 %); "
            "asked for another attempt at Scope: who owns it?\n") in text_of(digest)


def test_the_mentor_digest_names_who_is_overdue_stalled_or_failing(mail_app: Flask, smtp: SmtpPeer,
                                                                    db: Session) -> None:
    _arrange(mail_app, db)
    run_reminders(mail_app, MONDAY)
    deliver_due(mail_app, MONDAY)
    (digest,) = smtp.mailbox.to("mentor@example.com")
    assert digest["Subject"] == "Your mentees this week: 3 need attention"
    text = text_of(digest)
    assert "(week 2026-W49)" in text
    assert "- Fay <fay@example.com>: failed the last attempt at Scope: who owns it? (50 %)\n" in text
    assert "- Lee <lee@example.com>: 1 overdue assignment\n" in text
    assert "- Sam <sam@example.com>: no activity since joining 20 days ago" in text
    assert "Finn" not in text
    assert "/mentor/mentees/" in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Once a week: the rest of the week sends no other digest, the next Monday does.
    assert run_reminders(mail_app, MONDAY + timedelta(days=2))[1] == 1  # (Lee's overdue quiz, not a digest)
    assert run_reminders(mail_app, MONDAY + timedelta(days=7))[0].messages[-1].kind == "digest"


def test_unsubscribe_link_stops_reminders_and_the_account_page_turns_them_back_on(
        mail_app: Flask, smtp: SmtpPeer, db: Session) -> None:
    people = _arrange(mail_app, db)
    run_reminders(mail_app, MONDAY)
    deliver_due(mail_app, MONDAY)
    (reminder,) = smtp.mailbox.to("lee@example.com")
    path = link_path(reminder, "/unsubscribe/")
    assert reminder["List-Unsubscribe"].endswith(path + ">")
    anonymous = mail_app.test_client()
    assert "Stop assignment reminders?" in anonymous.get(path).data.decode()  # a GET (a link scanner) changes nothing
    db.rollback()
    db.expire_all()
    assert db.get(User, people["learner"].id).email_reminders is True  # type: ignore[union-attr]
    done = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})  # what a mail program sends (no CSRF token)
    assert "You are unsubscribed" in done.data.decode()
    assert run_reminders(mail_app, MONDAY + timedelta(days=1))[1] == 0  # the overdue quiz: not sent

    signed_in = mail_app.test_client()
    signed_in.post("/login", data={"email": "lee@example.com", "password": "correct-horse-battery"})
    signed_in.post("/account/preferences", data={"reminders": "y"})
    assert run_reminders(mail_app, MONDAY + timedelta(days=1))[1] == 1


def test_dry_run_writes_nothing_and_a_deactivated_or_invited_person_gets_nothing(mail_app: Flask, db: Session) -> None:
    people = _arrange(mail_app, db)
    plan, queued = run_reminders(mail_app, MONDAY, dry_run=True)
    assert queued == 0 and [m.email for m in plan.messages] == ["lee@example.com", "mentor@example.com"]
    assert db.scalars(select(SentNotice)).all() == []
    learner = db.get(User, people["learner"].id)
    assert learner is not None
    learner.active = False
    db.commit()
    assert [m.email for m in run_reminders(mail_app, MONDAY, dry_run=True)[0].messages] == ["mentor@example.com"]
