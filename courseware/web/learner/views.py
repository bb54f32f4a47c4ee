"""Views of the learner blueprint."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ...core.catalog import Module
from ...core.errors import NotYetAvailable
from ...core.progress import Status, learner_path, module_state
from ...persistence import follow_up, queries
from ...services import progress
from ...services.assignments import learner_assignments
from ..db import catalog, completion, get_db, quiz_bank, side_write, today
from ..forms_common import ButtonForm
from . import bp

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
    if module is None:
        abort(404)
    return module


@bp.route("/")
@login_required
def home() -> str:
    """My path: what is assigned, what mentors and admins said, every track with its progress, and the next module.

    Completion is the course's rule (``core/progress.py``): a module with a quiz counts once the quiz is passed.
    """
    db = get_db()
    path = learner_path(catalog(), completion(), queries.learner_standing(db, current_user.id))
    assigned = learner_assignments(db, current_user.id, catalog(), today(), quizzes=quiz_bank(), rule=completion())
    notices = follow_up.learner_notices(db, current_user.id)
    return render_template("learner/home.html", path=path, assignments=assigned, today=today(), notices=notices)


@bp.route("/tracks/<track_id>")
@login_required
def track(track_id: str) -> str:
    """One track's modules and their states."""
    cat = catalog()
    found = cat.track(track_id)
    if found is None:
        abort(404)
    path = learner_path(cat, completion(), queries.learner_standing(get_db(), current_user.id))
    progress_of = next((t for t in path.tracks if t.track.id == track_id), None)
    return render_template("learner/track.html", track=found, progress=progress_of)


@bp.route("/modules/<module_id>")
@login_required
def module(module_id: str) -> str:
    """A module: cached HTML, table of contents, previous/next, and the complete button."""
    found = _load_module(module_id)
    cat = catalog()
    state = module_state(found, cat, completion(), queries.learner_standing(get_db(), current_user.id))
    if state.status is Status.AVAILABLE:
        with side_write() as session:
            progress.record_start(session, current_user.id, found.id)
            session.commit()
        # Opening it started it: the page says so at once (the standing above was read before the write).
        state = replace(state, status=Status.IN_PROGRESS)
    previous, following = cat.neighbours(found.id)
    return render_template(
        "learner/module.html", module=found, state=state, previous=previous, following=following,
        track=cat.track(found.track), form=ButtonForm(),
    )


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
        newly = progress.complete_module(db, catalog(), current_user.id, found.id, rule=completion())
    except NotYetAvailable as exc:
        flash(str(exc), "warning")
        return redirect(url_for("learner.module", module_id=found.id))
    gate = completion().gates.get(found.id)
    if newly and gate:
        titles = ", ".join(f"“{q.title}”" for q in quiz_bank().for_module(found.id))
        flash(f"“{found.title}” is marked read; it is complete once you pass {titles}.", "success")
    elif newly:
        flash(f"“{found.title}” is complete.", "success")
    db.commit()
    if gate:  # the quiz completes it: that is the next step
        return redirect(url_for("quiz.intro", quiz_id=gate[0]))
    _, following = catalog().neighbours(found.id)
    return redirect(url_for("learner.module", module_id=following.id) if following else url_for("learner.home"))
