"""Forms around a quiz attempt: asking for another attempt, and flagging a question of a result."""

from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...services.attempt_grants import MAX_MESSAGE
from ...services.follow_up import MAX_FLAG
from ..forms_common import Form


class RequestForm(Form):
    """A learner with no attempt left asks their mentor for another one (a note is optional)."""

    message = TextAreaField(
        "A note for your mentor (optional)",
        validators=[Optional(), Length(max=MAX_MESSAGE, message=f"Keep it under {MAX_MESSAGE:,} characters.")],
    )


class FlagForm(Form):
    """"I think the key is wrong": one question of a result, with a comment."""

    question_id = HiddenField(validators=[DataRequired(message="Choose a question.")])
    comment = TextAreaField(
        "I think the key is wrong because…",
        validators=[DataRequired(message="Say what you think is wrong."),
                    Length(max=MAX_FLAG, message=f"Keep the comment under {MAX_FLAG:,} characters.")],
    )
