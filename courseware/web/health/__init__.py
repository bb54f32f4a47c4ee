"""Health endpoints for load balancers and process managers: /healthz and /readyz (public)."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from . import views  # noqa: E402,F401
