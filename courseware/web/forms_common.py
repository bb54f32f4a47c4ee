"""Form pieces shared by several blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice

from ..core.access import ACCESS_ROLE_LABELS, ACCESS_ROLES

ACCESS_ROLE_CHOICES = [SelectChoice(role, ACCESS_ROLE_LABELS[role]) for role in ACCESS_ROLES]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ButtonForm(FlaskForm):
    """A form with only a CSRF token, behind a single button."""
