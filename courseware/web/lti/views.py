"""The LTI 1.3 protocol endpoints: login initiation, launch, deep linking, and the tool's key set.

Login initiation, launch and the key set are public (the platform's browser redirect and form post carry no
Courseware session); a refused launch gets a 4xx page that says why.  The launch signs the person in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, jsonify, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem
from werkzeug.wrappers import Response

from ...services import lti, lti_grades
from ..db import get_db, state
from ..headers import CONTENT_SECURITY_POLICY
from ..mailing import sign_in_as
from ..security import csrf
from . import bp
from .adapter import DbLaunchStorage, DbToolConf
from .forms import DeepLinkForm

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEEP_LINK_KEY = "lti_deep_link"


def _refused(reason: str, status: int = 403) -> tuple[str, int]:
    get_db().rollback()
    return render_template("lti/refused.html", reason=reason), status


def _request() -> FlaskRequest:
    return FlaskRequest(request_is_secure=request.is_secure)


@bp.route("/lti/login", methods=["GET", "POST"])
@csrf.exempt
def login() -> Response | tuple[str, int]:
    """OIDC login initiation: the platform names itself; the browser goes back to it with a state and a nonce."""
    db = get_db()
    target = request.values.get("target_link_uri") or url_for("lti.launch", _external=True)
    if urlsplit(target).netloc not in ("", request.host):
        return _refused("The launch address does not belong to this site.", 400)
    try:
        oidc = FlaskOIDCLogin(_request(), DbToolConf(db), launch_data_storage=DbLaunchStorage(db))
        response = oidc.get_redirect_object(url_for("lti.launch", _external=True)).do_redirect()
    except (OIDCException, LtiException) as exc:
        return _refused(f"The platform's login request was refused: {exc}.", 400)
    db.commit()
    return response  # type: ignore[no-any-return]


def _person(data: dict[str, Any]) -> lti.LaunchPerson:
    mentees = data.get(CLAIM + "role_scope_mentor") or []
    return lti.LaunchPerson(
        subject=str(data.get("sub") or ""), email=data.get("email") if data.get("email_verified", True) else None,
        name=str(data.get("name") or " ".join(p for p in (data.get("given_name"), data.get("family_name")) if p) or ""),
        roles=tuple(str(r) for r in data.get(CLAIM + "roles") or []),
        mentees=tuple(str(m) for m in mentees if isinstance(m, str)))


@bp.route("/lti/launch", methods=["POST"])
@csrf.exempt
def launch() -> Response | tuple[str, int]:
    """The platform's signed launch (a module or quiz, or a deep-linking request): checked, then the person is signed in."""
    db = get_db()
    conf = DbToolConf(db)
    message = FlaskMessageLaunch(_request(), conf, launch_data_storage=DbLaunchStorage(db))
    try:
        data: dict[str, Any] = dict(message.get_launch_data())
    except LtiException as exc:
        return _refused(f"The launch was refused: {exc}.")
    platform = conf.platform(message.get_iss(), message.get_client_id())
    if platform is None or not data.get("sub"):
        return _refused("The launch names no registered platform or no user.")
    user = lti.sign_in_user(db, platform, _person(data))
    app_state = state()
    if message.is_deep_link_launch():
        if "manager" not in user.access_roles and "admin" not in user.access_roles:
            db.commit()
            return _refused("Only an instructor or an administrator of the platform may choose content.")
        destination = url_for("lti.deep_link")
    else:
        custom = data.get(CLAIM + "custom") or {}
        quiz_id, module_id = str(custom.get("quiz") or ""), str(custom.get("module") or "")
        if quiz_id and app_state.quizzes.get(quiz_id) is not None:
            ags = data.get(AGS_CLAIM) or {}
            scopes = [str(s) for s in ags.get("scope") or []]
            if ags.get("lineitem") and lti_grades.SCORE_SCOPE in scopes:
                lti_grades.remember_link(db, platform_id=platform.id, user_id=user.id, quiz_id=quiz_id,
                                         subject=str(data["sub"]), lineitem_url=str(ags["lineitem"]), scopes=scopes)
            destination = url_for("quiz.intro", quiz_id=quiz_id)
        elif module_id and app_state.catalog.get(module_id) is not None:
            destination = url_for("learner.module", module_id=module_id)
        else:
            destination = url_for("learner.home")
    db.commit()
    sign_in_as(user)
    if message.is_deep_link_launch():
        session[DEEP_LINK_KEY] = message.get_launch_id()
    return redirect(destination)


@bp.route("/lti/jwks")
def jwks() -> Response:
    """The tool's public key set, which platforms use to check what the tool signs."""
    db = get_db()
    keys = DbToolConf(db).jwks()
    db.commit()  # the key is made on first use
    return jsonify(keys)


def _choices() -> list[tuple[str, str]]:
    app_state = state()
    modules = [(f"module:{m.id}", f"Module · {m.title}") for m in app_state.catalog.modules]
    quizzes = [(f"quiz:{q.id}", f"Quiz · {q.title}") for q in app_state.quizzes]
    return modules + quizzes


@bp.route("/lti/deep-link", methods=["GET", "POST"])
@login_required
def deep_link() -> str | Response | tuple[str, int]:
    """A course builder on the platform picks a module or a quiz; the answer is a signed JWT posted back to it."""
    launch_id = session.get(DEEP_LINK_KEY)
    if not launch_id:
        abort(404)
    db = get_db()
    conf = DbToolConf(db)
    try:
        message = FlaskMessageLaunch.from_cache(launch_id, _request(), conf, launch_data_storage=DbLaunchStorage(db))
    except LtiException:
        session.pop(DEEP_LINK_KEY, None)
        return _refused("This content choice has expired; start it again from the platform.", 410)
    form = DeepLinkForm()
    form.item.choices = _choices()
    if form.validate_on_submit():
        kind, _, item_id = (form.item.data or "").partition(":")
        title = dict(_choices()).get(form.item.data or "", item_id).split(" · ", 1)[-1]
        resource = (DeepLinkResource().set_url(url_for("lti.launch", _external=True)).set_title(title)
                    .set_custom_params({kind: item_id}))
        if kind == "quiz":
            resource.set_lineitem(LineItem().set_score_maximum(100).set_label(title).set_resource_id(f"quiz:{item_id}"))
        deep = message.get_deep_link()
        token = deep.get_response_jwt([resource])
        return_url = deep._deep_link_settings["deep_link_return_url"]  # noqa: SLF001 - PyLTI1p3 keeps it there
        session.pop(DEEP_LINK_KEY, None)
        db.commit()
        response = make_response(render_template("lti/deep_link_return.html", return_url=return_url, jwt=token))
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(return_url))
        # The answer goes to the platform: this page alone may post a form there.
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {origin}")
        return response
    data = message.get_launch_data()
    settings = data.get("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings") or {}
    return render_template("lti/deep_link.html", form=form, platform_title=settings.get("title") or "",
                           user=current_user)
