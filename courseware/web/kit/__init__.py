"""The course kit: the templates pack (Markdown and CSV downloads) and the images course modules show."""

from flask import Blueprint

bp = Blueprint("kit", __name__)

from . import views  # noqa: E402,F401
