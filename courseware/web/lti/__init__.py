"""The LTI 1.3 tool (login initiation, launch, deep linking, key set) and its admin pages."""

from flask import Blueprint

bp = Blueprint("lti", __name__)

from . import admin_views, views  # noqa: E402,F401
