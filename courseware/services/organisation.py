"""Organisation settings and the operating model that applies to a learner."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput
from ..core.operating_model import DEFAULT_MODEL, check_model, resolve_model
from ..persistence.models import Cohort, Organisation, User


def get_organisation(session: Session) -> Organisation:
    """The organisation row, created with defaults when missing."""
    org = session.get(Organisation, 1)
    if org is None:
        org = Organisation(id=1, name="Our agency", default_model=DEFAULT_MODEL)
        session.add(org)
        session.flush()
    return org


def update_organisation(session: Session, *, name: str, default_model: str) -> Organisation:
    """Change the organisation's name and default operating model."""
    org = get_organisation(session)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Enter the organisation's name.", field="name")
    org.name = name[:120]
    org.default_model = check_model(default_model, field="default_model")  # type: ignore[assignment]
    session.flush()
    return org


def effective_model(session: Session, user_id: int) -> str:
    """The learner's own model, else their cohort's, else the organisation's default — one query."""
    row = session.execute(
        select(User.operating_model, Cohort.operating_model, Organisation.default_model)
        .select_from(User)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .outerjoin(Organisation, Organisation.id == 1)
        .where(User.id == user_id)
    ).first()
    if row is None:
        return DEFAULT_MODEL
    return resolve_model(*row)
