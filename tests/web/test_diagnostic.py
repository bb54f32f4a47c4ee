"""/diagnostic: managers and admins take it; only admins apply it, to the organisation or a cohort, audited."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select

from courseware.persistence.models import AuditEntry
from courseware.services import cohorts, organisation
from tests.conftest import make_user

# The fixture diagnostic (tests/data/content/diagnostic.yaml): size small −2 / large 3; work print 0 / shoots 3
# (account type "accounts with shoots"); separate at 4 or more, hybrid with dedicated PMs at 1 or more.
SMALL_WITH_SHOOTS = {"q_size": "small", "q_work": ["print", "shoots"]}  # −2 + 0 + 3 = 1: dedicated PMs
LARGE_WITH_SHOOTS = {"q_size": "large", "q_work": ["shoots"]}  # 3 + 3 = 6: separate


def test_a_manager_gets_the_recommendation_and_its_reasons_but_cannot_apply_it(client: FlaskClient, db, auth) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "boss@example.com", ("manager",))
    auth.login("boss@example.com")
    form = client.get("/diagnostic").get_data(as_text=True)
    assert "How many people work at the agency?" in form and 'type="checkbox"' in form
    page = client.post("/diagnostic", data=SMALL_WITH_SHOOTS).get_data(as_text=True)
    assert "<h1>Hybrid, with dedicated PMs for named account types</h1>" in page
    assert "<li>accounts with shoots</li>" in page
    assert "Score 1:" in page
    # reasons, strongest first, each linked to its module
    assert page.index("Shoots need a dedicated PM.") < page.index("Too few people to keep a project department busy.")
    assert 'href="/modules/intro#who-owns-it"' in page and 'href="/modules/basics#project-management"' in page
    assert "An admin can apply this result" in page and "/diagnostic/apply" not in page
    assert client.post("/diagnostic/apply", data={**SMALL_WITH_SHOOTS, "target": "organisation"}).status_code == 403
    assert organisation.read_organisation(db).default_model == "separate"


def test_an_incomplete_questionnaire_shows_the_form_again_with_errors(client: FlaskClient, db, auth) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "boss@example.com", ("manager",))
    auth.login("boss@example.com")
    page = client.post("/diagnostic", data={"q_size": "large"}).get_data(as_text=True)
    assert page.count("Answer this question.") == 1 and '<input checked id="q_size-1" name="q_size"' in page


def test_an_admin_applies_dedicated_pms_as_hybrid_with_a_note_to_the_organisation(client: FlaskClient, db, auth) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(db, "root@example.com", ("admin",))
    auth.login("root@example.com")
    page = client.post("/diagnostic", data=SMALL_WITH_SHOOTS).get_data(as_text=True)
    assert 'action="/diagnostic/apply"' in page and '<input type="hidden" name="q_work" value="shoots">' in page
    response = client.post("/diagnostic/apply", data={**SMALL_WITH_SHOOTS, "target": "organisation"})
    assert response.status_code == 302
    db.expire_all()
    org = organisation.read_organisation(db)
    assert (org.default_model, org.model_note) == ("hybrid", "Dedicated PMs for: accounts with shoots.")
    entry = db.scalars(select(AuditEntry).where(AuditEntry.kind == "organisation.update")).one()
    assert (entry.actor_id, entry.target_type, entry.before, entry.after) == (
        admin.id, "organisation", {"default_model": "separate", "model_note": None},
        {"default_model": "hybrid", "model_note": "Dedicated PMs for: accounts with shoots."})
    assert entry.reason == "Self-diagnostic: Hybrid, with dedicated PMs for named account types (score 1)"
    assert "Our agency now runs the hybrid model (Dedicated PMs for: accounts with shoots.)." in \
        client.get("/diagnostic").get_data(as_text=True)


def test_an_admin_applies_separate_departments_to_a_cohort_and_the_note_goes(client: FlaskClient, db, auth) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "root@example.com", ("admin",))
    cohort = cohorts.create_cohort(db, name="Spring", start_date=date(2026, 3, 2), operating_model="hybrid")
    cohort.model_note = "Dedicated PMs for: accounts with shoots."
    db.commit()
    auth.login("root@example.com")
    assert client.post("/diagnostic/apply", data={**LARGE_WITH_SHOOTS, "target": str(cohort.id)}).status_code == 302
    db.expire_all()
    assert (cohort.operating_model, cohort.model_note) == ("separate", None)
    assert organisation.read_organisation(db).default_model == "separate"  # the organisation is untouched
    entry = db.scalars(select(AuditEntry).where(AuditEntry.kind == "cohort.update")).one()
    assert (entry.target_type, entry.target_label, entry.before, entry.after) == (
        "cohort", "Spring", {"operating_model": "hybrid", "model_note": "Dedicated PMs for: accounts with shoots."},
        {"operating_model": "separate", "model_note": None})
    assert entry.reason == "Self-diagnostic: Separate departments (score 6)"


def test_a_target_that_is_not_a_cohort_changes_nothing(client: FlaskClient, db, auth) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "root@example.com", ("admin",))
    auth.login("root@example.com")
    page = client.post("/diagnostic/apply", data={**LARGE_WITH_SHOOTS, "target": "999"})
    assert page.status_code == 200 and "Not a valid choice" in page.get_data(as_text=True)
    # nothing was changed, so nothing was recorded beyond the admin's own creation
    assert db.scalars(select(AuditEntry.kind)).all() == ["user.create"]
