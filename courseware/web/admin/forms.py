"""Forms of the admin blueprint: people, cohorts, mentorships, assignments, placement and settings."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ...core.operating_model import INHERIT_LABEL, LABELS, MODELS
from ...core.schedule import DEFAULT_TIME_ZONE, time_zone_names
from ..forms_common import ACCESS_ROLE_CHOICES, Form, MultiCheckboxField


class UserCreateForm(Form):
    """A new user's details and roles."""

    email = EmailField("Email", validators=[DataRequired(message="Enter an email."), Length(max=254)])
    display_name = StringField("Name", validators=[DataRequired(message="Enter a name."), Length(max=120)])
    password = PasswordField(
        "Initial password", validators=[DataRequired(message="Enter a password."), Length(min=8, max=200)]
    )
    roles = MultiCheckboxField("Roles", choices=ACCESS_ROLE_CHOICES, default=["learner"])


class RolesForm(Form):
    """The roles a user holds."""

    roles = MultiCheckboxField("Roles", choices=ACCESS_ROLE_CHOICES)


MODEL_CHOICES = [SelectChoice(model, LABELS[model]) for model in MODELS]
INHERIT_MODEL_CHOICES = [SelectChoice("", INHERIT_LABEL), *MODEL_CHOICES]
EMAIL = [DataRequired(message="Enter an email."), Length(max=254)]


class CohortForm(Form):
    """A cohort's name, start date and operating model."""

    name = StringField("Name", validators=[DataRequired(message="Enter a name."), Length(max=120)])
    start_date = DateField("Start date", validators=[DataRequired(message="Enter a start date (YYYY-MM-DD).")])
    operating_model = SelectField("Operating model", choices=INHERIT_MODEL_CHOICES, default="")


class AddMemberForm(Form):
    """A learner to put in the cohort, by email."""

    email = EmailField("Learner's email", validators=EMAIL)


class MentorshipForm(Form):
    """A mentor and a mentee, by email."""

    mentor_email = EmailField("Mentor's email", validators=EMAIL)
    mentee_email = EmailField("Mentee's email", validators=EMAIL)


class AssignmentForm(Form):
    """A module or quiz, a learner or a cohort, and a due date."""

    item = SelectField("Module or quiz", choices=[], validate_choice=True)
    learner_email = EmailField("Learner's email", validators=[Optional(), Length(max=254)])
    cohort_id = SelectField("or a whole cohort", choices=[SelectChoice("", "—")], default="")
    due_on = DateField("Due on", validators=[DataRequired(message="Enter a due date (YYYY-MM-DD).")])

    def validate(self, extra_validators: Any = None) -> bool:
        """The usual checks, then: exactly one of a learner and a cohort."""
        ok = super().validate(extra_validators)
        has_learner, has_cohort = bool((self.learner_email.data or "").strip()), bool(self.cohort_id.data)
        if has_learner == has_cohort:
            message = "Give a learner's email or choose a cohort (one of the two)."
            self.learner_email.errors = [*self.learner_email.errors, message]
            return False
        return ok


class PlacementForm(Form):
    """A learner's cohort and own operating model."""

    cohort_id = SelectField("Cohort", choices=[SelectChoice("", "No cohort")], default="")
    operating_model = SelectField(
        "Operating model",
        choices=[SelectChoice("", "Inherit (the cohort's, else the organisation's)"), *MODEL_CHOICES],
        default="",
    )


class SettingsForm(Form):
    """The organisation's name and default operating model."""

    name = StringField("Organisation name", validators=[DataRequired(message="Enter a name."), Length(max=120)])
    default_model = SelectField("Default operating model", choices=MODEL_CHOICES)
    time_zone = SelectField(
        "Time zone", default=DEFAULT_TIME_ZONE,
        description="Due dates are calendar days in this zone: an assignment is overdue the day after it is due.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [SelectChoice(name, name.replace("_", " ")) for name in time_zone_names()]
