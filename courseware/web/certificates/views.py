"""A learner's certificates (list, printable page, PDF) and the public ``/verify`` pages."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ...core.certificates import format_code, normalise_code
from ...core.errors import NotFound
from ...persistence.models import Certificate
from ...services import certificates
from ...services.organisation import read_organisation
from ..db import catalog, get_db, today
from . import bp
from .pdf import certificate_pdf


def _own(certificate_id: int) -> Certificate:
    try:
        return certificates.own_certificate(get_db(), certificate_id, current_user.id)
    except NotFound:
        abort(404)


@bp.app_template_filter("certificate_code")
def certificate_code(code: str) -> str:
    """A stored code as printed: XXXX-XXXX-XXXX."""
    return format_code(code)


@bp.route("/certificates")
@login_required
def mine() -> str:
    """The person's certificates, each with its status today."""
    rows = [(c, certificates.status_of(c, today())) for c in certificates.certificates_of(get_db(), current_user.id)]
    tracks = " or ".join(f"“{t.title}”" for t in catalog().registry.tracks if t.certificate)
    return render_template("certificates/mine.html", rows=rows, certificate_tracks=tracks)


@bp.route("/certificates/<int:certificate_id>")
@login_required
def show(certificate_id: int) -> str:
    """One certificate as a printable page (the print stylesheet leaves only the certificate)."""
    found = _own(certificate_id)
    return render_template("certificates/show.html", certificate=found,
                           status=certificates.status_of(found, today()),
                           organisation=read_organisation(get_db()).name,
                           verify_url=url_for("certificates.verify", code=format_code(found.code), _external=True))


@bp.route("/certificates/<int:certificate_id>.pdf")
@login_required
def pdf(certificate_id: int) -> Response:
    """One certificate as a PDF download."""
    found = _own(certificate_id)
    body = certificate_pdf(
        holder=found.holder_name, course=found.course_title, organisation=read_organisation(get_db()).name,
        issued_on=found.issued_on, expires_on=found.expires_on, code=format_code(found.code),
        verify_url=url_for("certificates.verify", code=format_code(found.code), _external=True))
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="certificate-{found.issued_on.isoformat()}.pdf"'
    return response


@bp.route("/verify")
def verify_form() -> str | Response:
    """Public: type a verification code (``?code=`` goes to its page)."""
    typed = request.args.get("code", "", type=str)
    if typed:
        code = normalise_code(typed)
        if code is not None:
            return redirect(url_for("certificates.verify", code=format_code(code)))
    return render_template("certificates/verify.html", certificate=None, typed=typed[:40], asked=bool(typed))


@bp.route("/verify/<code>")
def verify(code: str) -> tuple[str, int] | str:
    """Public: whether the certificate with this code is valid, expired or revoked, its course and dates — and
    nothing about the person (no name, no email): the code's holder can show their certificate themselves."""
    found = certificates.by_code(get_db(), code)
    if found is None:
        return render_template("certificates/verify.html", certificate=None, typed=code[:40], asked=True), 404
    return render_template("certificates/verify.html", certificate=found,
                           status=certificates.status_of(found, today()), typed="", asked=True)
