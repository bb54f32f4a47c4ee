"""Quizzes: the list, the intro page, taking an attempt and its results."""

from flask import Blueprint

bp = Blueprint("quiz", __name__)

from . import draft_views, views  # noqa: E402,F401
