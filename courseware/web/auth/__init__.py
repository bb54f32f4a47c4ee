"""Sign-in and sign-out, invitations and password recovery."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import recovery_views, views  # noqa: E402,F401
