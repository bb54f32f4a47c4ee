"""Forms of the admin blueprint."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..forms_common import ACCESS_ROLE_CHOICES, MultiCheckboxField


class UserCreateForm(FlaskForm):
    """A new user's details and roles."""

    email = EmailField("Email", validators=[DataRequired(message="Enter an email."), Length(max=254)])
    display_name = StringField("Name", validators=[DataRequired(message="Enter a name."), Length(max=120)])
    password = PasswordField(
        "Initial password", validators=[DataRequired(message="Enter a password."), Length(min=8, max=200)]
    )
    roles = MultiCheckboxField("Roles", choices=ACCESS_ROLE_CHOICES, default=["learner"])


class RolesForm(FlaskForm):
    """The roles a user holds."""

    roles = MultiCheckboxField("Roles", choices=ACCESS_ROLE_CHOICES)
