"""The search page: the in-memory index (``core/search.py``), filtered to the modules the person may open."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from ...core.progress import Status, learner_path
from ...core.search import MAX_QUERY_CHARS, parse_query
from ...persistence import queries
from ..db import catalog, completion, get_db, state
from . import bp


def openable_modules(user_id: int) -> frozenset[str]:
    """The modules this person may open: every module My path does not show as locked (the progress rule)."""
    path = learner_path(catalog(), completion(), queries.learner_standing(get_db(), user_id))
    return frozenset(s.module.id for t in path.tracks for s in t.modules if s.status is not Status.LOCKED)


@bp.route("/search")
@login_required
def results() -> str:
    """Ranked sections matching every word of ``q``, with highlighted snippets linking to their headings."""
    text = request.args.get("q", "", type=str)
    query = parse_query(text)
    hits = state().search.search(query, openable_modules(current_user.id)) if query.terms else []
    return render_template("search/results.html", text=text[:MAX_QUERY_CHARS], query=query, hits=hits)
