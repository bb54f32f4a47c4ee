"""Applying a self-diagnostic result: the recommended model becomes the organisation's default or a cohort's."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..core.diagnostic import Recommendation
from . import cohorts, organisation

ORGANISATION_TARGET = "organisation"


def apply_recommendation(session: Session, *, actor_id: int | None, recommendation: Recommendation, target: str) -> str:
    """Set the model (and its note) on the organisation (``target`` 'organisation') or a cohort (its id).

    Returns the name of what changed. "Hybrid with dedicated PMs" applies as ``hybrid``, its account types kept
    as the note. Goes through the organisation and cohort services, which record the change in the audit log
    with the diagnostic as its reason. NotFound for an unknown cohort.
    """
    reason = f"Self-diagnostic: {recommendation.label} (score {recommendation.score})"
    if target == ORGANISATION_TARGET:
        org = organisation.get_organisation(session)
        organisation.update_organisation(session, name=org.name, default_model=recommendation.model,
                                         time_zone=org.time_zone, actor_id=actor_id, model_note=recommendation.note,
                                         reason=reason)
        return org.name
    cohort = cohorts.get_cohort(session, int(target) if target.isdigit() else 0)
    cohorts.update_cohort(session, cohort, name=cohort.name, start_date=cohort.start_date,
                          operating_model=recommendation.model, actor_id=actor_id, model_note=recommendation.note,
                          reason=reason)
    return cohort.name
