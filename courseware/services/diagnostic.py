"""Applying a self-diagnostic result: the recommended model becomes the organisation's default or a cohort's."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..core.diagnostic import Recommendation
from . import audit, cohorts, organisation

ORGANISATION_TARGET = "organisation"


def apply_recommendation(session: Session, *, actor_id: int | None, recommendation: Recommendation, target: str) -> str:
    """Set the model (and its note) on the organisation (``target`` 'organisation') or a cohort (its id); audited.

    Returns the name of what changed. "Hybrid with dedicated PMs" applies as ``hybrid``, its account types
    kept as the note. NotFound for an unknown cohort.
    """
    if target == ORGANISATION_TARGET:
        org = organisation.get_organisation(session)
        before = {"model": org.default_model, "note": org.model_note}
        organisation.update_organisation(session, name=org.name, default_model=recommendation.model,
                                         time_zone=org.time_zone, model_note=recommendation.note)
        label, kind, target_id = org.name, "organisation", org.id
        after = {"model": org.default_model, "note": org.model_note}
    else:
        cohort = cohorts.get_cohort(session, int(target) if target.isdigit() else 0)
        before = {"model": cohort.operating_model, "note": cohort.model_note}
        cohorts.update_cohort(session, cohort, name=cohort.name, start_date=cohort.start_date,
                              operating_model=recommendation.model, model_note=recommendation.note)
        label, kind, target_id = cohort.name, "cohort", cohort.id
        after = {"model": cohort.operating_model, "note": cohort.model_note}
    audit.record(session, actor_id=actor_id, kind="diagnostic.apply", target=audit.Target(kind, target_id, label),
                 before=before, after=after,
                 reason=f"Self-diagnostic: {recommendation.label} (score {recommendation.score})")
    return label
