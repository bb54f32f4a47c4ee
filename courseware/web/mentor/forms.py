"""Forms of the mentor blueprint: notes, feedback on attempts, grants and resets."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ...services.attempt_grants import MAX_REASON
from ...services.follow_up import MAX_FEEDBACK
from ...services.notes import MAX_NOTE


class NoteForm(FlaskForm):
    """A private note on a mentee, in Markdown."""

    body = TextAreaField(
        "New note",
        validators=[DataRequired(message="Write something first."),
                    Length(max=MAX_NOTE, message=f"Keep a note under {MAX_NOTE:,} characters.")],
    )


class FeedbackForm(FlaskForm):
    """Feedback on a mentee's attempt, which the mentee reads (plain text)."""

    body = TextAreaField(
        "Your feedback",
        validators=[DataRequired(message="Write your feedback first."),
                    Length(max=MAX_FEEDBACK, message=f"Keep feedback under {MAX_FEEDBACK:,} characters.")],
    )


class GrantForm(FlaskForm):
    """One more attempt, or a fresh start, at one quiz: the reason is required (the learner and the audit log see it)."""

    reason = TextAreaField(
        "Reason",
        validators=[DataRequired(message="Give a reason: the learner and the audit log see it."),
                    Length(max=MAX_REASON, message=f"Keep the reason under {MAX_REASON:,} characters.")],
    )
