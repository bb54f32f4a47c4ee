"""Forms of the LTI tool: the deep-linking choice and an admin's platform registration."""

from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms_common import Form

URL_MAX = 500


class DeepLinkForm(Form):
    """The module or quiz a course builder puts on the platform."""

    item = RadioField("Module or quiz", validators=[DataRequired(message="Choose a module or a quiz.")])


class PlatformForm(Form):
    """A platform's registration, as its administrator gives it."""

    name = StringField("Name", validators=[Length(max=120)])
    issuer = StringField("Issuer", validators=[DataRequired(message="Enter the platform's issuer."), Length(max=255)])
    client_id = StringField("Client id", validators=[DataRequired(message="Enter the client id."), Length(max=255)])
    key_set_url = StringField("Key set URL", validators=[DataRequired(message="Enter the key set URL."),
                                                         Length(max=URL_MAX)])
    auth_login_url = StringField("Authentication (login) URL",
                                 validators=[DataRequired(message="Enter the login URL."), Length(max=URL_MAX)])
    auth_token_url = StringField("Access token URL", validators=[DataRequired(message="Enter the token URL."),
                                                                 Length(max=URL_MAX)])
    deployment_ids = TextAreaField("Deployment ids (one a line)",
                                   validators=[DataRequired(message="Enter at least one deployment id."),
                                               Length(max=4000)])
