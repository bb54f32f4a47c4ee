"""Forms of the admin blueprint: people, cohorts, mentorships, assignments, placement and settings."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import DateField, EmailField, HiddenField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms import Form as QueryForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ...core.certificates import MAX_VALIDITY_MONTHS
from ...core.operating_model import INHERIT_LABEL, LABELS, MODELS
from ...core.schedule import DEFAULT_TIME_ZONE, MAX_DAYS_AFTER_START, time_zone_names
from ...services.follow_up import MAX_FLAG
from ..forms_common import ACCESS_ROLE_CHOICES, Form, MultiCheckboxField


class UserCreateForm(Form):
    """A new user's details and roles."""

    email = EmailField("Email", validators=[DataRequired(message="Enter an email."), Length(max=254)])
    display_name = StringField("Name", validators=[DataRequired(message="Enter a name."), Length(max=120)])
    password = PasswordField(
        "Initial password", validators=[DataRequired(message="Enter a password."), Length(max=200)]
    )
    roles = MultiCheckboxField("Roles", choices=ACCESS_ROLE_CHOICES, default=["learner"])


class UserDetailsForm(Form):
    """A person's name and email, as an admin corrects them."""

    display_name = StringField("Name", validators=[DataRequired(message="Enter a name."), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(message="Enter an email."), Length(max=254)],
                       description="What they sign in with; their password stays the same.")


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

    item = SelectField("Module, quiz or whole track", choices=[], validate_choice=True)
    learner_email = EmailField("Learner's email", validators=[Optional(), Length(max=254)])
    cohort_id = SelectField("or a whole cohort", choices=[SelectChoice("", "—")], default="")
    due_on = DateField("Due on", validators=[Optional()])
    due_after_days = IntegerField(
        "or days after starting", validators=[Optional(), NumberRange(min=0, max=MAX_DAYS_AFTER_START)],
        description="Each person's own due date: this many days after their start date (set when invited or "
                    "imported, else the day they first sign in). For a cohort, each member gets their own.")

    def validate(self, extra_validators: Any = None) -> bool:
        """The usual checks, then: exactly one of a learner and a cohort, and one of a date and a number of days."""
        ok = super().validate(extra_validators)
        has_learner, has_cohort = bool((self.learner_email.data or "").strip()), bool(self.cohort_id.data)
        if has_learner == has_cohort:
            message = "Give a learner's email or choose a cohort (one of the two)."
            self.learner_email.errors = [*self.learner_email.errors, message]
            ok = False
        if (self.due_on.data is None) == (self.due_after_days.data is None) and not self.due_on.errors \
                and not self.due_after_days.errors:
            message = "Enter a due date (YYYY-MM-DD) or a number of days after starting (one of the two)."
            self.due_on.errors = [*self.due_on.errors, message]
            ok = False
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
    certificate_months = IntegerField(
        "Certificates valid for (months)", validators=[Optional(), NumberRange(min=1, max=MAX_VALIDITY_MONTHS)],
        description="Leave empty for certificates that never expire; 12 asks people to recertify every year. "
                    "Applies to certificates issued from now on.",
    )
    xapi_actor = SelectField(
        "Learners in xAPI statements", default="mbox",
        choices=[SelectChoice("mbox", "By email address (mbox)"),
                 SelectChoice("account", "By an account on this site (their email stays here)")],
        description="How statements sent to the Learning Record Store name the learner (docs/integrations.md).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [SelectChoice(name, name.replace("_", " ")) for name in time_zone_names()]


class AuditFilterForm(QueryForm):
    """The audit log's filters, read from the query string (a GET form: nothing to protect with a token)."""

    actor = StringField("Who", validators=[Optional(), Length(max=254)], description="Part of an email, or “command line”")
    target = StringField("Target", validators=[Optional(), Length(max=254)],
                         description="Part of an email or a cohort's name, or type:id (user:12)")
    kind = SelectField("Action", default="")
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To (inclusive)", validators=[Optional()])

    def validate_date_to(self, field: Any) -> None:
        """The range must not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end is before the start.")


class InviteForm(Form):
    """Whom to invite, with their roles, cohort and mentor."""

    email = EmailField("Email", validators=[DataRequired(message="Enter an email."), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=120)], description="Optional: they can set it when they join.")
    roles = MultiCheckboxField("Roles", choices=ACCESS_ROLE_CHOICES, default=["learner"])
    cohort_id = SelectField("Cohort", choices=[SelectChoice("", "No cohort")], default="")
    mentor_email = EmailField("Mentor's email", validators=[Optional(), Length(max=254)])


class ImportForm(Form):
    """A CSV file of people to invite; after the preview, the same text comes back to be imported."""

    file = FileField("CSV file (email,name,roles,cohort,mentor)")
    csv_text = HiddenField(render_kw={"data-multiline": "1"})  # the previewed CSV, lines and all
    csv_name = HiddenField()


class ReplyForm(Form):
    """The reply that resolves every open flag on a question (the learners read it)."""

    reply = TextAreaField(
        "Reply to the learners",
        validators=[DataRequired(message="Write the reply the learners will read."),
                    Length(max=MAX_FLAG, message=f"Keep the reply under {MAX_FLAG:,} characters.")],
    )


class RevokeCertificateForm(Form):
    """Why a certificate is revoked (the confirmation step: nothing happens until this is sent)."""

    reason = TextAreaField("Reason", validators=[DataRequired(message="Say why the certificate is revoked."),
                                                 Length(max=500)],
                           description="Kept in the audit log. The verification page will say “revoked”.")
