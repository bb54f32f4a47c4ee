"""Forms of the mentor blueprint."""

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ...services.notes import MAX_NOTE
from ..forms_common import Form


class NoteForm(Form):
    """A private note on a mentee, in Markdown (a new one, or an edit of the author's own)."""

    body = TextAreaField(
        "New note",
        validators=[DataRequired(message="Write something first."),
                    Length(max=MAX_NOTE, message=f"Keep a note under {MAX_NOTE:,} characters.")],
    )
