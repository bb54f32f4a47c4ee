"""Form pieces shared by several blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice

from ..core.access import ACCESS_ROLE_LABELS, ACCESS_ROLES
from ..core.errors import InvalidInput

ACCESS_ROLE_CHOICES = [SelectChoice(role, ACCESS_ROLE_LABELS[role]) for role in ACCESS_ROLES]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def field_error(form: FlaskForm, exc: InvalidInput, default: str) -> None:
    """Put a domain error on the form field it names (``exc.field``), else on ``default``."""
    field = getattr(form, exc.field or default, None) or getattr(form, default)
    field.errors = [*field.errors, str(exc)]


class ButtonForm(FlaskForm):
    """A form with only a CSRF token, behind a single button."""
