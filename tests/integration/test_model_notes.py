"""The note kept with an operating model: set by the diagnostic, kept while the model stays, gone when it changes."""

from __future__ import annotations

from datetime import date

from courseware.services import cohorts, organisation


def test_the_organisations_note_stays_with_its_model_and_goes_with_a_change(db) -> None:  # type: ignore[no-untyped-def]
    organisation.update_organisation(db, name="Agency", default_model="hybrid", model_note="Dedicated PMs for: builds.")
    organisation.update_organisation(db, name="Agency renamed", default_model="hybrid")  # the settings form
    assert organisation.get_organisation(db).model_note == "Dedicated PMs for: builds."
    organisation.update_organisation(db, name="Agency renamed", default_model="separate")
    assert organisation.get_organisation(db).model_note is None
    db.commit()


def test_a_cohorts_note_behaves_the_same(db) -> None:  # type: ignore[no-untyped-def]
    cohort = cohorts.create_cohort(db, name="Spring", start_date=date(2026, 3, 2), operating_model=None)
    cohorts.update_cohort(db, cohort, name="Spring", start_date=date(2026, 3, 2), operating_model="hybrid",
                          model_note="Dedicated PMs for: shoots.")
    cohorts.update_cohort(db, cohort, name="Spring 2026", start_date=date(2026, 3, 9), operating_model="hybrid")
    assert cohort.model_note == "Dedicated PMs for: shoots."
    cohorts.update_cohort(db, cohort, name="Spring 2026", start_date=date(2026, 3, 9), operating_model=None)
    assert cohort.model_note is None
    db.commit()
