"""Organisation settings, the operating model that applies to a learner, and the organisation's today."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput
from ..core.operating_model import DEFAULT_MODEL, check_model, resolve_model
from ..core.schedule import DEFAULT_TIME_ZONE, check_time_zone, today_in
from ..core.xapi import ACTOR_KINDS
from ..persistence.models import Cohort, Organisation, User
from ..persistence.queries import Reader
from . import audit

ORGANISATION_ID = 1  # the settings live in a single row
DEFAULT_NAME = "Our agency"


def get_organisation(session: Session) -> Organisation:
    """The organisation row, created with defaults when missing."""
    org = session.get(Organisation, ORGANISATION_ID)
    if org is None:
        org = Organisation(id=ORGANISATION_ID, name=DEFAULT_NAME, default_model=DEFAULT_MODEL,
                           time_zone=DEFAULT_TIME_ZONE, xapi_actor="mbox")
        session.add(org)
        session.flush()
    return org


def read_organisation(session: Session) -> Organisation:
    """The organisation's settings for display; a transient default when the row does not exist (a read never writes)."""
    return session.get(Organisation, ORGANISATION_ID) or Organisation(
        id=ORGANISATION_ID, name=DEFAULT_NAME, default_model=DEFAULT_MODEL, time_zone=DEFAULT_TIME_ZONE,
        xapi_actor="mbox")


def _settings(org: Organisation) -> dict[str, str | None]:
    return {"name": org.name, "default_model": org.default_model, "time_zone": org.time_zone,
            "model_note": org.model_note, "xapi_actor": org.xapi_actor}


def update_organisation(
    session: Session, *, name: str, default_model: str, time_zone: str = DEFAULT_TIME_ZONE, actor_id: int | None = None,
    model_note: str | None = None, reason: str | None = None, xapi_actor: str | None = None,
) -> Organisation:
    """Change the organisation's name, default operating model and time zone (audited: what changed, and why).

    ``model_note`` says what the model was applied with ('' clears it); left out, the note stays while the
    model does, and goes when the model changes.  ``xapi_actor`` ('mbox' or 'account'; left out: unchanged) is
    how xAPI statements name learners.
    """
    if xapi_actor is not None and xapi_actor not in ACTOR_KINDS:
        raise InvalidInput("Choose how statements name learners: by email or by account.", field="xapi_actor")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Enter the organisation's name.", field="name")
    model = check_model(default_model, field="default_model")
    zone = check_time_zone(time_zone)
    org = get_organisation(session)
    before = _settings(org)
    if model_note is not None or model != org.default_model:
        org.model_note = (model_note or "").strip()[:500] or None
    org.name = name[:120]
    org.default_model = model  # type: ignore[assignment]
    org.time_zone = zone
    if xapi_actor is not None:
        org.xapi_actor = xapi_actor
    session.flush()
    old, new = audit.changes(before, _settings(org))
    if new:
        audit.record(session, actor_id=actor_id, kind="organisation.update",
                     target=audit.Target("organisation", org.id, org.name), before=old, after=new, reason=reason)
    return org


_TIME_ZONE = select(Organisation.time_zone).where(Organisation.id == ORGANISATION_ID)


def organisation_time_zone(session: Reader) -> str | None:
    """The organisation's time zone (None: the default), for times shown to people ("Saved at 14:02")."""
    return session.scalar(_TIME_ZONE)


def organisation_today(session: Reader, now: datetime | None = None) -> date:
    """Today's date in the organisation's time zone: the clock every due date is compared against."""
    return today_in(session.scalar(_TIME_ZONE), now)


def effective_model(session: Session, user_id: int) -> str:
    """The learner's own model, else their cohort's, else the organisation's default — one query."""
    row = session.execute(
        select(User.operating_model, Cohort.operating_model, Organisation.default_model)
        .select_from(User)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .outerjoin(Organisation, Organisation.id == ORGANISATION_ID)
        .where(User.id == user_id)
    ).first()
    if row is None:
        return DEFAULT_MODEL
    return resolve_model(*row)
