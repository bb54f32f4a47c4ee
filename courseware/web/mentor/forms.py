"""Forms of the mentor blueprint: notes, feedback on attempts, grants and resets."""

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ...services.attempt_grants import MAX_REASON
from ...services.follow_up import MAX_FEEDBACK
from ...services.notes import MAX_NOTE
from ..forms_common import Form


class NoteForm(Form):
    """A private note on a mentee, in Markdown (a new one, or an edit of the author's own)."""

    body = TextAreaField(
        "New note",
        validators=[DataRequired(message="Write something first."),
                    Length(max=MAX_NOTE, message=f"Keep a note under {MAX_NOTE:,} characters.")],
    )


class FeedbackForm(Form):
    """Feedback on a mentee's attempt, which the mentee reads (plain text)."""

    body = TextAreaField(
        "Your feedback",
        validators=[DataRequired(message="Write your feedback first."),
                    Length(max=MAX_FEEDBACK, message=f"Keep feedback under {MAX_FEEDBACK:,} characters.")],
    )


class GrantForm(Form):
    """One more attempt, or a fresh start, at one quiz: the reason is required (the learner and the audit log see it)."""

    reason = TextAreaField(
        "Reason",
        validators=[DataRequired(message="Give a reason: the learner and the audit log see it."),
                    Length(max=MAX_REASON, message=f"Keep the reason under {MAX_REASON:,} characters.")],
    )
