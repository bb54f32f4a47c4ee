"""Views of the mentor blueprint: the mentee table and its CSV, one mentee's page and notes, the cohort page.

A mentor sees only their own mentees; an admin sees every learner.  The scope is applied inside
each query (``mentor_id`` below); anything outside it is a 404, exactly like a missing id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...core.access import ATTEMPT_ROLES, DASHBOARD_ROLES, NOTE_ROLES, ORGANISATION_ROLES
from ...core.errors import InvalidInput
from ...persistence import dashboards, follow_up
from ...persistence.base import utcnow
from ...services import attempts as attempt_service
from ...services import notes
from ..csv_export import csv_response
from ..db import catalog, completion, get_db, quiz_bank, reader, today
from ..forms_common import ButtonForm, field_error
from ..page_cache import render_cached
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp
from .forms import GrantForm, NoteForm
from .presenters import confusion_tables, hard_questions, heatmap_cells, mentee_view, module_columns, quiz_lines

# (sort key, heading, first direction when chosen): numbers sort largest first.
COLUMNS = [
    ("name", "Mentee", "asc"),
    ("cohort", "Cohort", "asc"),
    ("completed", "Completion", "desc"),
    ("passed", "Quizzes passed", "desc"),
    ("score", "Average best score", "desc"),
    ("activity", "Last activity", "desc"),
    ("overdue", "Overdue", "desc"),
    ("rule_breaks", "RACI rule breaks", "desc"),
]
CSV_HEADER = ["Name", "Email", "Cohort", "Modules completed", "Modules in the course", "Quizzes passed",
              "Average best score", "Last activity (UTC)", "Overdue assignments", "RACI rule breaks"]


def viewer() -> int | None:
    """The mentor id that scopes every query, or None for an admin or a manager (who see every learner)."""
    return None if current_user.has_access_role(*ORGANISATION_ROLES) else int(current_user.id)


@dataclass(frozen=True)
class TableArgs:
    """The mentee table's sort, direction and cohort filter, read from the query string."""

    sort: str
    direction: str
    cohort: str  # '' (all), 'none' (no cohort) or a cohort id

    @property
    def cohort_id(self) -> int | None | Literal["all"]:
        """The filter for the query: a cohort's id, None for learners without a cohort, or every cohort."""
        if self.cohort == "none":
            return None
        return int(self.cohort) if self.cohort else dashboards.EVERY_COHORT

    def query(self, **overrides: object) -> dict[str, object]:
        """The query-string arguments that reproduce this view (empty ones left out)."""
        values: dict[str, object] = {"sort": self.sort, "dir": self.direction, "cohort": self.cohort or None}
        values.update(overrides)
        return {k: v for k, v in values.items() if v not in (None, "")}


def table_args() -> TableArgs:
    """Read ?sort=&dir=&cohort=, falling back to name order, ascending, every cohort."""
    sort = request.args.get("sort", "name")
    if sort not in dashboards.SORT_KEYS:
        sort = "name"
    direction = "desc" if request.args.get("dir") == "desc" else "asc"
    cohort = request.args.get("cohort", "")
    if cohort != "none" and not (cohort.isascii() and cohort.isdigit() and len(cohort) < 10):
        cohort = ""
    return TableArgs(sort, direction, cohort)


def _mentee_table(args: TableArgs, page: int, per_page: int | None) -> dashboards.MenteeTable:
    return dashboards.mentor_mentees(
        reader(), viewer(), rule=completion(), today=today(), cohort_id=args.cohort_id,
        sort=args.sort, direction=args.direction, page=page, per_page=per_page,
    )


@bp.route("/")
@access_role_required(*DASHBOARD_ROLES)
def home() -> str:
    """The mentee table: sortable, filterable by cohort, paginated, with a CSV of exactly these rows; and the
    mentees' requests for another attempt.

    A mentor's page is cached under their data version (bumped by every write to a mentee's data), the
    organisation's, the date and the query (``services/versions.py``); an admin's or a manager's (every learner)
    is rendered each time."""
    args = table_args()
    number = page_arg()
    per_page = page_size()
    mentor_id = viewer()

    def context() -> dict[str, object]:
        table = _mentee_table(args, number, per_page)
        requests = follow_up.pending_attempt_requests(reader(), mentor_id, limit=per_page)
        return {"page": Page(table.rows, number, per_page, table.total), "table": table, "args": args,
                "columns": COLUMNS, "modules": len(catalog().path_modules), "requests": requests}

    if mentor_id is None:
        return render_template("mentor/home.html", **context())
    principal = current_user.user
    return render_cached((mentor_id, principal.data_version, principal.organisation_version, today(), args, number,
                          per_page), "mentor/home.html", context)


@bp.route("/export.csv")
@access_role_required(*DASHBOARD_ROLES)
def export() -> Response:
    """The mentee table as CSV: the same filter and order as the page, every page."""
    args = table_args()
    table = _mentee_table(args, 1, None)
    modules = len(catalog().path_modules)
    rows = (
        [r.name, r.email, r.cohort or "", r.modules_completed, modules, r.quizzes_passed,
         "" if r.average_best is None else f"{r.average_best:.1f}",
         r.last_activity.strftime("%Y-%m-%d %H:%M") if r.last_activity else "", r.overdue, r.rule_breaks]
        for r in table.rows
    )
    return csv_response(f"mentees-{today().isoformat()}.csv", CSV_HEADER, rows)


def mentee_page(user_id: int, form: NoteForm | None = None, grant_form: GrantForm | None = None,
                grant_quiz: str | None = None, status: int = 200) -> tuple[str, int]:
    """The mentee page, with a note form or a grant form (``grant_quiz``) shown again with its errors."""
    number = page_arg()
    db = get_db()
    detail = dashboards.mentee_detail(db, user_id, viewer(), rule=completion(), today=today(),
                                      notes_page=number, notes_per_page=page_size("notes"),
                                      min_group=int(current_app.config["COHORT_MIN_GROUP"]))
    if detail is None:
        abort(404)
    view = mentee_view(detail, catalog(), quiz_bank(), today=today(), now=utcnow(), rule=completion())
    notes_page = Page(view.notes, number, page_size("notes"), view.notes_total)
    quizzes = quiz_lines(quiz_bank(), attempt_service.standings(db, user_id))
    return render_template("mentor/mentee.html", view=view, form=form or NoteForm(), notes_page=notes_page,
                           may_write=current_user.has_access_role(*NOTE_ROLES), button=ButtonForm(),
                           scoped=viewer() is not None, min_group=current_app.config["COHORT_MIN_GROUP"],
                           may_grant=current_user.has_access_role(*ATTEMPT_ROLES), quizzes=quizzes,
                           grant_form=grant_form, grant_quiz=grant_quiz, blank_grant=GrantForm(formdata=None),
                           total_modules=len(catalog().path_modules)), status


@bp.route("/mentees/<int:user_id>")
@access_role_required(*DASHBOARD_ROLES)
def mentee(user_id: int) -> tuple[str, int]:
    """One mentee: module timeline, attempts, quizzes (grant and reset), area profile, misroutes, assignments, notes."""
    return mentee_page(user_id)


@bp.route("/mentees/<int:user_id>/notes", methods=["POST"])
@access_role_required(*NOTE_ROLES)
def add_note(user_id: int) -> tuple[str, int] | Response:
    """Add a private note on a mentee (Markdown); a bad note shows the page again with the error."""
    db = get_db()
    form = NoteForm()
    if form.validate_on_submit():
        try:  # NotFound (not this mentor's mentee) becomes the 404 page
            notes.add_note(db, mentee_id=user_id, author_id=current_user.id, body=form.body.data or "")
        except InvalidInput as exc:
            field_error(form, exc, "body")
        else:
            db.commit()
            flash("Note saved.", "success")
            return redirect(url_for("mentor.mentee", user_id=user_id) + "#notes")
    return mentee_page(user_id, form)


@bp.route("/notes/<int:note_id>/edit", methods=["GET", "POST"])
@access_role_required(*NOTE_ROLES)
def edit_note(note_id: int) -> str | Response:
    """Edit one's own note (rendered again when saved); anyone else's is a 404."""
    db = get_db()
    note = notes.own_note(db, note_id, current_user.id)
    form = NoteForm(formdata=None, data={"body": note.body}) if request.method == "GET" else NoteForm()
    form.body.label.text = "Note"
    if request.method == "POST" and form.validate_on_submit():
        try:
            notes.edit_note(db, note.id, author_id=current_user.id, body=form.body.data or "")
        except InvalidInput as exc:
            field_error(form, exc, "body")
        else:
            db.commit()
            flash("Note saved.", "success")
            return redirect(url_for("mentor.mentee", user_id=note.mentee_id) + "#notes")
    return render_template("mentor/note_edit.html", note=note, form=form, button=ButtonForm())


@bp.route("/notes/<int:note_id>/delete", methods=["GET", "POST"])
@access_role_required(*NOTE_ROLES)
def delete_note(note_id: int) -> str | Response:
    """GET: confirm deleting one's own note; POST: delete it.  Anyone else's is a 404."""
    db = get_db()
    note = notes.own_note(db, note_id, current_user.id)
    if request.method == "GET":
        return render_template("confirm.html", question="Delete this note?",
                               details=[f"Your note of {note.created_at.strftime('%-d %B %Y %H:%M')} UTC. "
                                        "A deleted note cannot be brought back."],
                               action=url_for("mentor.delete_note", note_id=note.id), button_label="Delete the note",
                               cancel=url_for("mentor.mentee", user_id=note.mentee_id) + "#notes")
    if ButtonForm().validate_on_submit():
        notes.delete_note(db, note.id, author_id=current_user.id)
        db.commit()
        flash("Note deleted.", "success")
    return redirect(url_for("mentor.mentee", user_id=note.mentee_id) + "#notes")


@bp.route("/cohorts/<int:cohort_id>")
@access_role_required(*DASHBOARD_ROLES)
def cohort(cohort_id: int) -> str:
    """A cohort: heatmap, per-module numbers, confusion matrices and hardest questions (a mentor: their mentees)."""
    number = page_arg()
    cat = catalog()
    found = dashboards.cohort_page(get_db(), cohort_id, viewer(), rule=completion(), page=number,
                                   per_page=page_size("heatmap"))
    if found is None:
        abort(404)
    bank = quiz_bank()
    return render_template(
        "mentor/cohort.html", cohort=found.header, modules=module_columns(cat, bank, found.modules, found.quizzes),
        heatmap=heatmap_cells(cat, found.heatmap),
        page=Page(found.heatmap, number, page_size("heatmap"), found.header.learners),
        confusion=confusion_tables(cat, found.confusion), hardest=hard_questions(bank, found.hardest.questions),
        hardest_meta=found.hardest,
        scoped=viewer() is not None,
    )
