"""After a view commits mail to the outbox: nudge the worker, and keep unsent mail visible."""

from __future__ import annotations

import time

from flask import current_app, session
from flask_login import login_user

from ..jobs import jobs_of
from ..persistence import queries
from ..persistence.models import User
from .security import SignedInUser


def mail_queued() -> None:
    """Ask the worker to deliver now (the commit already made the message safe; this only saves a minute)."""
    jobs_of(current_app).kick()


def sign_in_as(user: User, *, remember: bool = False) -> None:
    """Start a fresh signed-in session for ``user`` (sign-in, an accepted invitation, a reset, a password change).

    Nothing from before survives it; the id carries the sign-in time, so a remember cookie expires on the server.
    """
    session.clear()
    login_user(SignedInUser(queries.principal_of(user), int(time.time())), remember=remember)  # the sign-in time: see security.py
    session.permanent = True
