"""Form pieces shared by several blueprints, and the base class every form inherits."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice

from ..core.access import ACCESS_ROLE_LABELS, ACCESS_ROLES
from ..core.errors import InvalidInput
from ..core.text import CONTROL_MESSAGE, has_control_characters

ACCESS_ROLE_CHOICES = [SelectChoice(role, ACCESS_ROLE_LABELS[role]) for role in ACCESS_ROLES]


class Form(FlaskForm):
    """The base of every form: no field may carry NUL or other control characters.

    Checked on what was sent (``raw_data``), for every field at once, so no view and no database
    sees such text: a NUL reached PostgreSQL and failed there (a 500), the sign-in form included.
    Text areas, and fields marked ``multiline`` in their render_kw, keep line breaks and tabs.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own checks, then the control-character check on every field."""
        ok = super().validate(extra_validators)
        for field in self:
            multiline = isinstance(field, TextAreaField) or bool((field.render_kw or {}).get("data-multiline"))
            sent = [v for v in (getattr(field, "raw_data", None) or []) if isinstance(v, str)]
            if any(has_control_characters(value, multiline=multiline) for value in sent):
                field.errors = [*field.errors, CONTROL_MESSAGE]
                ok = False
        return ok


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def field_error(form: FlaskForm, exc: InvalidInput, default: str) -> None:
    """Put a domain error on the form field it names (``exc.field``), else on ``default``."""
    field = getattr(form, exc.field or default, None) or getattr(form, default)
    field.errors = [*field.errors, str(exc)]


class ButtonForm(Form):
    """A form with only a CSRF token, behind a single button."""
