"""Forms of the learner blueprint."""

from flask_wtf import FlaskForm


class CompleteForm(FlaskForm):
    """Mark a module complete: a button and a CSRF token."""
