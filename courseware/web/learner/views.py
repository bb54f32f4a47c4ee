"""Views of the learner blueprint."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ...core.access import landing, may_open_track
from ...core.catalog import Module, Track
from ...core.errors import NotYetAvailable
from ...core.progress import LearnerPath, Status, assignment_lock, is_new, learner_path, module_state
from ...persistence import follow_up, queries
from ...services import progress
from ...services.assignments import LearnerAssignment, learner_assignments
from ...services.welcome import welcome_facts
from ..db import catalog, get_db, may_open_module, own_completion, quiz_bank, read_rows, reader, side_write, today
from ..forms_common import ButtonForm
from ..page_cache import memo, render_cached
from . import bp

WELCOME_DISMISSED = "welcome_dismissed"  # session key: the learner closed the first-visit welcome
STATUS_LABELS = {"complete": "Complete", "in_progress": "In progress", "available": "Not started", "locked": "Locked"}


# A template global (not a context processor) so that imported macros see it too.
bp.record_once(lambda state: state.app.jinja_env.globals.update(status_labels=STATUS_LABELS))


@bp.app_template_global()
def module_url(module_id: str) -> str:
    """The URL of a module page; My path lists every module, and url_for is 15 µs a call."""
    return f"{request.script_root}/modules/{quote(module_id)}"


@bp.app_template_global()
def track_url(track_id: str) -> str:
    """The URL of a track page (see module_url)."""
    return f"{request.script_root}/tracks/{quote(track_id)}"


def _load_module(module_id: str) -> Module:
    module = catalog().get(module_id)
    if module is None or not may_open_module(module.id):  # a track for mentors is not there for a learner
        abort(404)
    return module


def _load_track(track_id: str) -> Track:
    found = catalog().track(track_id)
    if found is None or not may_open_track(found.audience, current_user.access_roles):
        abort(404)
    return found


@bp.route("/")
@login_required
def home() -> str | Response:
    """Where each person lands (``core/access.landing``): managers and admins the overview, mentors their mentees,
    learners My path."""
    page = landing(current_user.access_roles)
    if page == "overview":
        return redirect(url_for("admin.overview"))
    if page == "mentees":
        return redirect(url_for("mentor.home"))
    return my_path()


@bp.route("/path")
@login_required
def my_path() -> str:
    """My path: what is assigned, what mentors and admins said, every track with its progress, and the next module.

    Completion is the course's rule (``core/progress.py``): a module with a quiz counts once the quiz is passed;
    the path holds the tracks open to the person (the mentoring track for mentors, managers and admins).
    Cached per person under their data version and the organisation's (``services/versions.py``), the date and
    whether the welcome was dismissed in this sign-in (the access roles are in every cache key).
    """
    user_id = current_user.id
    dismissed = bool(session.get(WELCOME_DISMISSED))
    is_learner = current_user.has_access_role("learner")

    def context() -> dict[str, object]:
        db = reader()
        cat, rule = catalog(), own_completion()
        standing = queries.learner_standing(db, user_id)
        path = learner_path(cat, rule, standing)
        assigned = learner_assignments(db, user_id, cat, today(), quizzes=quiz_bank(), rule=rule)
        # What unlocks each assigned module or quiz that is still locked: "Finish “A”, “B” first."
        locks = {(a.kind, a.item_id): lock for a in assigned
                 if a.exists and not a.done and (lock := assignment_lock(a.kind, a.item_id, cat, rule, standing))}
        notices = follow_up.learner_notices(db, user_id)
        welcome = welcome_facts(db, user_id) if is_new(standing) and is_learner and not dismissed else None
        return {"path": path, "assignments": assigned, "today": today(), "notices": notices, "locks": locks,
                "welcome": welcome, "start": _where_to_start(assigned, locks, path), "dismiss_form": ButtonForm()}

    principal = current_user.user
    return render_cached((user_id, principal.data_version, principal.organisation_version, today(), dismissed),
                         "learner/home.html", context)


def _where_to_start(assigned: list[LearnerAssignment], locks: dict[tuple[str, str], str],
                    path: LearnerPath) -> Module | None:
    """The first assigned module that is open and not done, else the path's next module."""
    for a in assigned:
        if a.kind == "module" and a.exists and not a.done and (a.kind, a.item_id) not in locks:
            return catalog().get(a.item_id)
    return path.next_module.module if path.next_module else None


@bp.route("/welcome/dismiss", methods=["POST"])
@login_required
def dismiss_welcome() -> Response:
    """Hide the first-visit welcome for the rest of this sign-in (it also goes once the learner starts)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    session[WELCOME_DISMISSED] = True
    return redirect(url_for("learner.my_path"))


@bp.route("/tracks/<track_id>")
@login_required
def track(track_id: str) -> str:
    """One track's modules and their states."""
    cat = catalog()
    found = _load_track(track_id)
    path = learner_path(cat, own_completion(), queries.learner_standing(get_db(), current_user.id))
    progress_of = next((t for t in path.tracks if t.track.id == track_id), None)
    return render_template("learner/track.html", track=found, progress=progress_of)


@bp.route("/modules/<module_id>")
@login_required
def module(module_id: str) -> str:
    """A module: cached HTML, table of contents, previous/next, and the complete button."""
    found = _load_module(module_id)
    cat = catalog()
    # The learner's state of the module follows from their standing, which changes only with a write that bumps
    # their data version (services/versions.py): remembered under it, as My path is, and re-read after any write.
    principal = current_user.user
    known = (principal.id, principal.data_version, principal.organisation_version, principal.access_roles, found.id)
    state = memo().get(known)
    if state is None:
        state = module_state(found, cat, own_completion(), queries.standing_from_rows(
            read_rows(queries.STANDING, {"user_id": principal.id})))
        if state.status is not Status.AVAILABLE:  # opening an available module writes: never remembered
            memo().put(known, state)
    if state.status is Status.AVAILABLE:
        with side_write() as session:
            progress.record_start(session, current_user.id, found.id)
            session.commit()
        # Opening it started it: the page says so at once (the standing above was read before the write).
        state = replace(state, status=Status.IN_PROGRESS)

    def context() -> dict[str, object]:
        previous, following = cat.neighbours(found.id, within=own_completion().module_ids)
        return {"module": found, "state": state, "previous": previous, "following": following,
                "track": cat.track(found.track), "form": ButtonForm()}

    # The page is the same for every person in the same state of the module (access roles and name aside: the
    # roles, which decide the tracks a person's path holds, are in every cache key).
    key = (found.id, state.status, tuple(m.id for m in state.missing), state.to_pass, state.read)
    return render_cached(key, "learner/module.html", context)


@bp.route("/modules/<module_id>/complete", methods=["POST"])
@login_required
def complete(module_id: str) -> Response:
    """Mark a module complete (idempotent; read, for a module its quiz completes) and go on to the next one."""
    found = _load_module(module_id)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_db()
    try:
        newly = progress.complete_module(db, catalog(), current_user.id, found.id, rule=own_completion())
    except NotYetAvailable as exc:
        flash(str(exc), "warning")
        return redirect(url_for("learner.module", module_id=found.id))
    gate = own_completion().gates.get(found.id)
    if newly and gate:
        titles = ", ".join(f"“{q.title}”" for q in quiz_bank().for_module(found.id))
        flash(f"“{found.title}” is marked read; it is complete once you pass {titles}.", "success")
    elif newly:
        flash(f"“{found.title}” is complete.", "success")
    db.commit()
    if gate:  # the quiz completes it: that is the next step
        return redirect(url_for("quiz.intro", quiz_id=gate[0]))
    _, following = catalog().neighbours(found.id, within=own_completion().module_ids)
    return redirect(url_for("learner.module", module_id=following.id) if following else url_for("learner.my_path"))
