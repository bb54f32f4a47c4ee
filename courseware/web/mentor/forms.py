"""Forms of the mentor blueprint."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ...services.notes import MAX_NOTE


class NoteForm(FlaskForm):
    """A private note on a mentee, in Markdown."""

    body = TextAreaField(
        "New note",
        validators=[DataRequired(message="Write something first."),
                    Length(max=MAX_NOTE, message=f"Keep a note under {MAX_NOTE:,} characters.")],
    )
