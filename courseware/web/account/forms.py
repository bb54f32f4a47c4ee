"""Forms of the account pages."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from ...core.schedule import time_zone_names
from ..forms_common import Form


class ProfileForm(Form):
    """Display name and own time zone."""

    display_name = StringField("Name", validators=[DataRequired(message="Enter a name."), Length(max=120)])
    time_zone = SelectField("Time zone", default="", description="When your reminder emails arrive (in your morning). "
                            "Due dates follow the organisation's calendar.")

    def __init__(self, *args: Any, organisation_zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [SelectChoice("", f"The organisation's ({organisation_zone.replace('_', ' ')})"),
                                  *(SelectChoice(name, name.replace("_", " ")) for name in time_zone_names())]


class PasswordForm(Form):
    """The current password and a new one, typed twice."""

    current = PasswordField("Current password", validators=[DataRequired(message="Enter your current password.")])
    password = PasswordField("New password", validators=[DataRequired(message="Choose a password."), Length(max=200)])
    confirm = PasswordField("Type it again", validators=[
        DataRequired(message="Type the password again."), EqualTo("password", message="The two passwords differ.")])


class PreferencesForm(Form):
    """Which emails the person gets."""

    reminders = BooleanField("Reminders about my assignments (due in 3 days, due today, overdue)")
    digest = BooleanField("A weekly digest of my mentees who need attention (mentors)")


class TokenForm(Form):
    """A new personal access token: a name, a scope and a lifetime."""

    name = StringField("Name", validators=[DataRequired(message="Name the token, e.g. the tool that will use it."),
                                           Length(max=80)])
    scope = SelectField("Scope", choices=[SelectChoice("read", "Read only"), SelectChoice("write", "Read and write")],
                        default="read")
    expires = SelectField("Expires", choices=[SelectChoice("30", "In 30 days"), SelectChoice("90", "In 90 days"),
                                              SelectChoice("365", "In a year"), SelectChoice("never", "Never")], default="90")
