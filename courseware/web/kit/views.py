"""Views of the kit: the templates page, each template as Markdown or CSV, and course images."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import abort, current_app, render_template
from flask_login import login_required
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from ...core.raci_markdown import local_image
from ...core.templates_pack import Template
from ..db import state
from . import bp


def _template(template_id: str) -> Template:
    found = state().templates.get(template_id)
    if found is None:
        abort(404)
    return found


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/templates")
@login_required
def templates() -> str:
    """The templates pack: each template with its worked example, to download as Markdown or CSV."""
    return render_template("kit/templates.html", templates=state().templates)


@bp.route("/templates/<template_id>.md")
@login_required
def template_markdown(template_id: str) -> Response:
    """One template as a Markdown document."""
    found = _template(template_id)
    return _download(found.markdown(), "text/markdown", f"{found.id}.md")


@bp.route("/templates/<template_id>.csv")
@login_required
def template_csv(template_id: str) -> Response:
    """One template's table as CSV."""
    found = _template(template_id)
    return _download(found.csv(), "text/csv", f"{found.id}.csv")


@bp.route("/content/images/<name>")
@login_required
def content_image(name: str) -> Response:
    """An image a course module shows (a file in the content directory's images/ folder)."""
    found = safe_join(str(Path(current_app.config["CONTENT_DIR"]) / "images"), name)
    if local_image("images/" + name) is None or found is None or not Path(found).is_file():
        abort(404)
    response = Response(Path(found).read_bytes(), mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    return response  # web/headers.py adds the site's CSP: an SVG opened on its own runs no inline script
