"""Forms of the auth blueprint."""

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms_common import Form


class LoginForm(Form):
    """Email and password, with remember-me."""

    email = EmailField("Email", validators=[DataRequired(message="Enter your email."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")


class NewPasswordForm(Form):
    """A new password, typed twice (the rule itself is checked by the service)."""

    password = PasswordField("New password", validators=[DataRequired(message="Choose a password."), Length(max=200)])
    confirm = PasswordField("Type it again", validators=[
        DataRequired(message="Type the password again."), EqualTo("password", message="The two passwords differ.")])


class AcceptInvitationForm(NewPasswordForm):
    """The invitee's name and password."""

    name = StringField("Your name", validators=[DataRequired(message="Enter your name."), Length(max=120)])


class ForgotPasswordForm(Form):
    """The email of the account to recover."""

    email = EmailField("Email", validators=[DataRequired(message="Enter your email."), Length(max=254)])
