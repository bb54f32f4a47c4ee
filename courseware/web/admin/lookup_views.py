"""The people lookup behind the pickers: search as you type for learners and mentors (admins and managers only)."""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.wrappers import Response

from ...core.access import ACCESS_ROLES
from ...core.text import without_control_characters
from ...persistence import queries
from ..db import get_db
from ..security import access_role_required
from . import bp

MIN_CHARS = 2
MAX_CHARS = 100


@bp.route("/people/lookup")
@access_role_required("admin", "manager")
def people_lookup() -> Response | tuple[Response, int]:
    """JSON ``{"people": [{"email", "name"}...]}``: up to ten active people with ``role`` matching ``q``.

    Fewer than two characters give an empty list (no dumping of the whole directory one letter at a time); an
    unknown role is a 400.  Pages work without it: the fields are plain email inputs.
    """
    role = request.args.get("role", "learner")
    if role not in ACCESS_ROLES:
        return jsonify({"error": f"role must be one of {', '.join(ACCESS_ROLES)}"}), 400
    text = without_control_characters(request.args.get("q", "")).strip()[:MAX_CHARS]
    found = queries.people_lookup(get_db(), text, role) if len(text) >= MIN_CHARS else []
    return jsonify({"people": [{"email": email, "name": name} for email, name in found]})
