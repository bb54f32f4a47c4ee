"""`courseware import-users FILE.csv` through the CLI runner."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.persistence import queries
from courseware.persistence.models import OutboxMessage, User
from courseware.services import accounts, cohorts
from tests.conftest import make_user


def test_import_users_invites_the_new_people_and_prints_no_password(app: Flask, db: Session, tmp_path: Path) -> None:
    make_user(db, "mentor@example.com", ("mentor",))
    make_user(db, "lee@example.com", name="Lee")
    csv_file = tmp_path / "people.csv"
    csv_file.write_text(
        "email,name,roles,cohort,mentor\n"
        "ana@example.com,Ana Silva,learner,Autumn 2026,mentor@example.com\n"
        "lee@example.com,Lee Learner,,Autumn 2026,\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["import-users", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert f"Imported {csv_file}: 1 created, 1 updated, 0 unchanged, 1 mentor assignment(s) set." in result.output
    assert "new cohort: Autumn 2026" in result.output
    assert "updated lee@example.com: name, cohort" in result.output
    assert "Invitations queued for the 1 new people (each link works once, for 7 days):\n  ana@example.com\n" in result.output
    assert f"writes them to {app.config['MAIL_DIR']} as .eml files" in result.output
    db.rollback()
    ana = queries.user_by_email(db, "ana@example.com")
    assert ana is not None and not accounts.has_password(ana)
    invitation = db.scalars(select(OutboxMessage)).one()
    assert (invitation.kind, invitation.to_address, invitation.user_id) == ("invite", "ana@example.com", ana.id)
    assert ana is not None and ana.cohort is not None and ana.cohort.name == "Autumn 2026"
    assert [m.email for m in cohorts.mentors_of(db, ana.id)] == ["mentor@example.com"]


def test_bad_file_exits_1_with_each_problem_and_imports_nothing(app: Flask, db: Session, tmp_path: Path) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text(
        "email,name,roles,cohort,mentor\n"
        "ana@example.com,Ana,learner,Autumn,\n"
        "bad-email,Bob,learner,,\n"
        "cy@example.com,Cy,learner,,ghost@example.com\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["import-users", str(csv_file)])
    assert result.exit_code == 1
    assert f"{csv_file}:3: invalid email 'bad-email'" in result.stderr
    assert "Traceback" not in result.output
    assert "nothing was imported" in result.stderr
    # The file fails at parsing; once the email is fixed the database checks report the mentor.
    csv_file.write_text(csv_file.read_text().replace("bad-email", "bob@example.com"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-users", str(csv_file)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{csv_file}:4: unknown mentor ghost@example.com: not in the database nor earlier in this file")
    db.rollback()
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_file_that_is_not_utf8_is_refused(app: Flask, tmp_path: Path) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_bytes("email,name,roles,cohort,mentor\nzoé@example.com,Zoé,,,\n".encode("latin-1"))
    result = app.test_cli_runner().invoke(args=["import-users", str(csv_file)])
    assert result.exit_code == 1
    assert f"{csv_file}:1: the file is not UTF-8 text" in result.stderr
