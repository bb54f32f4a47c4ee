"""The audit log, wired everywhere: each staff action through the web records one entry, earlier entries never change."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.persistence.models import Assignment, AuditEntry, AuditLogIsAppendOnly, MentorNote
from tests.conftest import PASSWORD, make_user

Row = tuple[Any, ...]


def snapshot(db: Session) -> list[Row]:
    """Every entry as a plain tuple, oldest first."""
    db.rollback()
    return [(e.id, e.at, e.actor_id, e.actor_label, e.kind, e.target_type, e.target_id, e.target_label, e.before,
             e.after, e.reason) for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]


class Log:
    """Checks, after each action, the entries it added and that every earlier entry is unchanged."""

    def __init__(self, db: Session):
        self.db = db
        self.rows = snapshot(db)

    def added(self, response, *, status: int = 302) -> list[Row]:  # type: ignore[no-untyped-def]
        assert response.status_code == status, response.data[:2000]
        now = snapshot(self.db)
        assert now[: len(self.rows)] == self.rows  # nothing earlier was changed or removed
        new, self.rows = now[len(self.rows):], now
        return [(actor, kind, target_type, label, before, after) for _id, _at, _aid, actor, kind, target_type, _tid,
                label, before, after, _reason in new]


def test_every_staff_action_on_the_web_is_recorded_once(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    admin = "admin@example.com"
    log = Log(db)
    auth.login(admin)
    new = client.post("/admin/users/new", data={"email": "New@Example.com", "display_name": "Nia New",
                                                "password": "long-enough-pw", "roles": ["learner"]})
    nia = int(new.location.rsplit("/", 1)[1])
    assert log.added(new) == [(admin, "user.create", "user", "new@example.com", None,
                               {"name": "Nia New", "roles": ["learner"]})]
    assert log.added(client.post(f"/admin/users/{nia}", data={"roles": ["learner", "mentor"]})) == [
        (admin, "user.roles", "user", "new@example.com", {"roles": ["learner"]}, {"roles": ["learner", "mentor"]})]
    assert log.added(client.post(f"/admin/users/{nia}", data={"roles": ["learner", "mentor"]})) == []  # no change
    assert log.added(client.post(f"/admin/users/{nia}/active", data={"active": "0"})) == [
        (admin, "user.active", "user", "new@example.com", {"active": True}, {"active": False})]
    assert log.added(client.post(f"/admin/users/{nia}/active", data={"active": "1"})) == [
        (admin, "user.active", "user", "new@example.com", {"active": False}, {"active": True})]

    made = client.post("/admin/cohorts/new", data={"name": "Autumn", "start_date": "2026-09-01"})
    autumn = int(made.location.rsplit("/", 1)[1])
    assert log.added(made) == [(admin, "cohort.create", "cohort", "Autumn", None,
                                {"name": "Autumn", "start_date": "2026-09-01", "operating_model": None})]
    assert log.added(client.post(f"/admin/cohorts/{autumn}", data={"name": "Autumn 26", "start_date": "2026-09-01",
                                                                   "operating_model": "hybrid"})) == [
        (admin, "cohort.update", "cohort", "Autumn 26", {"name": "Autumn", "operating_model": None},
         {"name": "Autumn 26", "operating_model": "hybrid"})]
    assert log.added(client.post(f"/admin/cohorts/{autumn}/members", data={"email": "learner@example.com"})) == [
        (admin, "cohort.member_add", "user", "learner@example.com", {"cohort": None}, {"cohort": "Autumn 26"})]
    learner = people["learner"].id
    assert log.added(client.post(f"/admin/cohorts/{autumn}/members/{learner}/remove")) == [
        (admin, "cohort.member_remove", "user", "learner@example.com", {"cohort": "Autumn 26"}, {"cohort": None})]
    assert log.added(client.post(f"/admin/users/{learner}/placement", data={"cohort_id": str(autumn),
                                                                           "operating_model": "separate"})) == [
        (admin, "cohort.member_add", "user", "learner@example.com", {"cohort": None}, {"cohort": "Autumn 26"}),
        (admin, "user.operating_model", "user", "learner@example.com", {"operating_model": None},
         {"operating_model": "separate"})]

    pair = "mentor@example.com → learner@example.com"
    assert log.added(client.post("/admin/mentorships", data={"mentor_email": "mentor@example.com",
                                                             "mentee_email": "learner@example.com"})) == [
        (admin, "mentorship.assign", "mentorship", pair, None,
         {"mentor": "mentor@example.com", "mentee": "learner@example.com"})]

    given = client.post("/admin/assignments", data={"item": "module:intro", "cohort_id": str(autumn),
                                                    "due_on": "2026-12-01"})
    what = {"kind": "module", "item": "intro", "to": "cohort Autumn 26", "due_on": "2026-12-01"}
    assert log.added(given) == [(admin, "assignment.create", "assignment", "module intro → cohort Autumn 26", None, what)]
    assignment = db.scalar(select(Assignment.id))
    assert log.added(client.post(f"/admin/assignments/{assignment}/delete")) == [
        (admin, "assignment.delete", "assignment", "module intro → cohort Autumn 26", what, None)]

    assert log.added(client.post("/admin/settings", data={"name": "Agency", "default_model": "separate",
                                                          "time_zone": "Europe/Paris"})) == [
        (admin, "organisation.update", "organisation", "Agency", {"name": "Our agency", "time_zone": "UTC"},
         {"name": "Agency", "time_zone": "Europe/Paris"})]

    client.post("/logout")
    auth.login("mentor@example.com")
    note = client.post(f"/mentor/mentees/{learner}/notes", data={"body": "Good *week*."})
    added = log.added(note)
    note_id = db.scalar(select(MentorNote.id))
    assert added == [("mentor@example.com", "note.create", "user", "learner@example.com", None,
                      {"note": note_id, "characters": 12})]
    client.post("/logout")
    auth.login(admin)
    assert log.added(client.post(f"/admin/mentorships/{people['mentor'].id}/{learner}/remove")) == [
        (admin, "mentorship.unassign", "mentorship", pair, {"mentor": "mentor@example.com",
                                                            "mentee": "learner@example.com"}, None)]
    # Refused actions record nothing.
    assert log.added(client.post(f"/admin/users/{people['admin'].id}/active", data={"active": "0"})) == []
    assert log.added(client.post("/admin/cohorts/new", data={"name": "autumn 26", "start_date": "2026-10-01"}),
                     status=200) == []
    # Reading the log changes nothing either.
    assert log.added(client.get("/admin/audit"), status=200) == []
    assert log.added(client.get("/admin/audit.csv"), status=200) == []


def test_the_command_line_and_the_importer_record_too(app: Flask, people, db: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = Log(db)
    runner = app.test_cli_runner()
    created = runner.invoke(args=["create-user", "cli@example.com", "--name", "Cli", "--password", "long-password"])
    assert created.exit_code == 0
    assert log.added(type("R", (), {"status_code": 302, "data": b""})()) == [
        ("command line", "user.create", "user", "cli@example.com", None, {"name": "Cli", "roles": ["learner"]})]
    people_csv = tmp_path / "people.csv"
    people_csv.write_text("email,name,roles,cohort,mentor\nlearner@example.com,Lee Renamed,,Spring,mentor@example.com\n"
                          "pat@example.com,Pat,learner,Spring,\n")
    result = runner.invoke(args=["import-users", str(people_csv)])
    assert result.exit_code == 0, result.output
    added = log.added(type("R", (), {"status_code": 302, "data": b""})())
    cli = "command line"
    assert added == [
        (cli, "cohort.create", "cohort", "Spring", None, {"name": "Spring", "start_date": added[0][5]["start_date"],
                                                          "operating_model": None}),
        (cli, "user.name", "user", "learner@example.com", {"name": "Learner"}, {"name": "Lee Renamed"}),
        (cli, "cohort.member_add", "user", "learner@example.com", {"cohort": None}, {"cohort": "Spring"}),
        (cli, "mentorship.assign", "mentorship", "mentor@example.com → learner@example.com", None,
         {"mentor": "mentor@example.com", "mentee": "learner@example.com"}),
        (cli, "user.create", "user", "pat@example.com", None, {"name": "Pat", "roles": ["learner"]}),
        (cli, "cohort.member_add", "user", "pat@example.com", {"cohort": None}, {"cohort": "Spring"}),
        (cli, "import.users", "import", str(people_csv), None,
         {"created": 1, "updated": 1, "unchanged": 0, "cohorts_created": ["Spring"], "mentorships": 1}),
    ]


def test_the_orm_refuses_to_change_or_delete_an_entry(db: Session, people) -> None:  # type: ignore[no-untyped-def]
    entry = db.scalars(select(AuditEntry)).first()
    assert entry is not None
    entry.kind = "user.roles"
    with pytest.raises(AuditLogIsAppendOnly):
        db.flush()
    db.rollback()
    db.delete(db.scalars(select(AuditEntry)).first())
    with pytest.raises(AuditLogIsAppendOnly):
        db.flush()
    db.rollback()
    assert db.scalars(select(AuditEntry.kind)).all() == ["user.create"] * 3  # the people fixture's, unchanged


def test_no_route_writes_to_the_log(app: Flask, auth, people) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    client = auth.client
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for url in ("/admin/audit", "/admin/audit.csv"):
            assert client.open(url, method=method).status_code == 405, (method, url)
        for url in ("/admin/audit/1", "/admin/audit/1/delete", "/admin/audit/1/edit"):
            assert client.open(url, method=method).status_code == 404, (method, url)
    writes = {rule.rule for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/admin/audit") and rule.methods - {"GET", "HEAD", "OPTIONS"}}
    assert writes == set()


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def entries(db: Session, people) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Four entries at chosen times around midnight in Paris (UTC+1 in November), and the organisation in Paris."""
    from courseware.services import organisation

    organisation.update_organisation(db, name="Agency", default_model="separate", time_zone="Europe/Paris")
    admin, mentor = people["admin"], people["mentor"]
    specs = {
        "e1": (admin, "user.roles", "user", "5", "lee@example.com", _utc(2026, 11, 9, 22, 30)),  # Paris: 9 Nov 23:30
        "e2": (admin, "cohort.create", "cohort", "3", "Autumn", _utc(2026, 11, 9, 23, 30)),  # Paris: 10 Nov 00:30
        "e3": (None, "user.create", "user", "7", "kim@example.com", _utc(2026, 11, 10, 22, 59)),  # Paris: 10 Nov 23:59
        "e4": (mentor, "note.create", "user", "5", "lee@example.com", _utc(2026, 11, 10, 23, 0)),  # Paris: 11 Nov 00:00
    }
    ids = {}
    for name, (actor, kind, target_type, target_id, label, at) in specs.items():
        entry = AuditEntry(at=at, actor_id=actor.id if actor else None, actor_label=actor.email if actor else "command line",
                           kind=kind, target_type=target_type, target_id=target_id, target_label=label,
                           before={"roles": ["learner"]} if name == "e1" else None, after={"n": name})
        db.add(entry)
        db.flush()
        ids[name] = entry.id
    db.commit()
    return ids


def _csv(client: FlaskClient, query: str) -> list[list[str]]:
    response = client.get("/admin/audit.csv?" + query)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.data.decode())))


def _names(rows: list[list[str]]) -> list[str]:
    """Each row's name (e1...), or its kind for the entries the fixtures made today."""
    return [row[8].split('"n": "')[1][:2] if '"n": "' in row[8] else row[3] for row in rows[1:]]


def test_filters_pages_and_csv(client: FlaskClient, auth, entries, app: Flask) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    day = "date_from=2026-11-10&date_to=2026-11-10"
    assert _names(_csv(client, day)) == ["e3", "e2"]  # the Paris calendar day, newest first
    # From that day on: the settings change and the fixture's three people (made now), then e4, e3, e2.
    assert _names(_csv(client, "date_from=2026-11-10")) == ["organisation.update", "user.create", "user.create",
                                                           "user.create", "e4", "e3", "e2"]
    assert _names(_csv(client, "date_to=2026-11-09")) == ["e1"]
    assert _names(_csv(client, "actor=ADMIN@&" + day)) == ["e2"]
    assert _names(_csv(client, "actor=command+line&date_to=2026-11-20")) == ["e3"]
    assert _names(_csv(client, "target=lee")) == ["e4", "e1"]
    assert _names(_csv(client, "target=user:7")) == ["e3"]
    assert _names(_csv(client, "kind=cohort.")) == ["e2"]
    assert _names(_csv(client, "kind=user.roles")) == ["e1"]
    assert _names(_csv(client, "kind=note.create&target=lee&actor=mentor")) == ["e4"]
    assert _csv(client, "target=nobody")[1:] == []
    rows = _csv(client, "kind=user.roles")
    assert rows[0][:4] == ["When (UTC)", "Who", "Action", "Kind"]
    assert rows[1][:8] == ["2026-11-09 22:30:00", "admin@example.com", "Access roles changed", "user.roles", "user", "5",
                           "lee@example.com", '{"roles": ["learner"]}']

    # A bad date is named and ignored; the rest of the filter still applies.
    page = client.get("/admin/audit?kind=user.roles&date_from=31/12/2026").data.decode()
    assert "Not a valid date value." in page and "1 entry match" in page
    backwards = client.get("/admin/audit?date_from=2026-11-10&date_to=2026-11-09").data.decode()
    assert "The end is before the start." in backwards

    # The page shows times in the organisation's zone, two entries a page here.
    app.config["PAGE_SIZE"] = 2
    first = client.get("/admin/audit?" + day).data.decode()
    assert "2 entries match" in first and "10 Nov 2026 23:59" in first and "10 Nov 2026 00:30" in first
    assert "Page 1 of 1" not in first
    three = client.get("/admin/audit?date_from=2026-11-09&date_to=2026-11-10").data.decode()
    assert "3 entries match" in three and "Page 1 of 2" in three
    second = client.get("/admin/audit?date_from=2026-11-09&date_to=2026-11-10&page=2").data.decode()
    assert "Page 2 of 2" in second and "9 Nov 2026 23:30" in second and "10 Nov 2026 23:59" not in second
    assert "date_from=2026-11-09" in second.split('class="pager"')[1]  # the pager keeps the filters


def test_the_log_is_empty_at_first_and_says_so(client: FlaskClient, db: Session) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "boss@example.com", ("admin",))
    db.execute(AuditEntry.__table__.delete())  # the fixture's own entry, so the page starts empty
    db.commit()
    client.post("/login", data={"email": "boss@example.com", "password": PASSWORD})
    assert "Nothing recorded yet." in client.get("/admin/audit").data.decode()
    assert "No entry matches these filters." in client.get("/admin/audit?actor=x").data.decode()
