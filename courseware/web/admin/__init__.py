"""Admin pages: people, cohorts, mentorships, assignments, settings and the overview."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import (  # noqa: E402,F401
    assignment_views,
    audit_views,
    certificate_views,
    cohort_views,
    flag_views,
    invitation_views,
    lookup_views,
    mentorship_views,
    outbox_views,
    overview_views,
    placement_views,
    settings_views,
    user_views,
)
