"""The person's own account: name, time zone, password, email preferences; one-click unsubscribe."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from . import token_views, views  # noqa: E402,F401
