"""The OpenAPI document and its reference page (rendered in the browser by static/js/api-docs.js), both public."""

from __future__ import annotations

from flask import json, render_template
from werkzeug.wrappers import Response

from . import bp
from .openapi import document

VERSION = "1.0.0"
_cached: dict[str, str] = {}


@bp.route("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 document of the API."""
    if "doc" not in _cached:
        _cached["doc"] = json.dumps(document(VERSION), indent=1)
    response = Response(_cached["doc"], mimetype="application/json")
    response.add_etag()
    return response


@bp.route("/docs")
def reference() -> str:
    """The API reference page: the document, rendered by a script served from static/."""
    return render_template("api/docs.html")
