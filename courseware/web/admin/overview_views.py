"""The manager overview (admins): every cohort's completion and every mentor's caseload, with a CSV export."""

from __future__ import annotations

from flask import render_template
from werkzeug.wrappers import Response

from ...core.access import ORGANISATION_ROLES
from ...persistence import dashboards
from ..csv_export import csv_response
from ..db import completion, get_db, today
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp

CSV_HEADER = ["Type", "Name", "Email", "Start date", "Learners", "Modules completed", "Completion (%)",
              "Finished the path", "Overdue assignments"]


@bp.route("/overview")
@access_role_required(*ORGANISATION_ROLES)
def overview() -> str:
    """Completion per cohort and caseload per mentor, each table paginated."""
    db = get_db()
    rule, day = completion(), today()
    cohorts_number, mentors_number, per_page = page_arg("cohorts"), page_arg("mentors"), page_size()
    cohorts, cohorts_total = dashboards.cohort_summaries(db, rule=rule, today=day, page=cohorts_number,
                                                         per_page=per_page)
    mentors, mentors_total = dashboards.mentor_summaries(db, rule=rule, today=day, page=mentors_number,
                                                         per_page=per_page)
    return render_template(
        "admin/overview.html", headline=dashboards.headline(db),
        cohorts=Page(cohorts, cohorts_number, per_page, cohorts_total),
        mentors=Page(mentors, mentors_number, per_page, mentors_total),
    )


@bp.route("/overview.csv")
@access_role_required(*ORGANISATION_ROLES)
def overview_csv() -> Response:
    """Both tables of the overview as one CSV, every row: cohorts first, then mentors."""
    db = get_db()
    rule, day = completion(), today()
    cohorts, _ = dashboards.cohort_summaries(db, rule=rule, today=day, per_page=None)
    mentors, _ = dashboards.mentor_summaries(db, rule=rule, today=day, per_page=None)
    rows = (
        [kind, group.name, group.email or "", group.start_date.isoformat() if group.start_date else "", group.learners,
         group.modules_completed, f"{group.completion:.1f}", group.finished, group.overdue]
        for kind, groups in (("cohort", cohorts), ("mentor", mentors))
        for group in groups
    )
    return csv_response(f"overview-{day.isoformat()}.csv", CSV_HEADER, rows)
