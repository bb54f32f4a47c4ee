"""Helpers the admin pages share: page size, cohort choices, finding a person by the email typed in a form."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from ...persistence import queries
from ...persistence.models import User
from ...services import cohorts
from ..db import get_db


def cohort_choices(db: Session) -> list[SelectChoice]:
    """Every cohort as a select-box choice (id as text, name), by name."""
    return [SelectChoice(str(cid), name) for cid, name in cohorts.cohort_choices(db)]


def find_person(form: Any, field_name: str) -> User | None:
    """The user whose email the field holds, or None with an error on the field."""
    field = getattr(form, field_name)
    person = queries.user_by_email(get_db(), field.data or "")
    if person is None:
        field.errors = [*field.errors, "No one has this email."]
    return person
