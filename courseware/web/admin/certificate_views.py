"""Admin pages for certificates: every certificate issued, and revoking one (a confirmation page with a reason)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...core.errors import InvalidInput, NotFound
from ...persistence.models import Certificate
from ...services import certificates
from ..db import get_db, today
from ..forms_common import field_error
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp
from .forms import RevokeCertificateForm


@bp.route("/certificates")
@access_role_required("admin")
def certificates_list() -> str:
    """Every certificate issued, newest first, with its status today and a link to revoke it."""
    number = page_arg()
    rows, total = certificates.certificates_page(get_db(), page=number, per_page=page_size())
    items = [(row, certificates.status_of(row.certificate, today())) for row in rows]
    return render_template("admin/certificates.html", page=Page(items, number, page_size(), total))


def _certificate(certificate_id: int) -> Certificate:
    try:
        return certificates.get_certificate(get_db(), certificate_id)
    except NotFound:
        abort(404)


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@access_role_required("admin")
def revoke_certificate(certificate_id: int) -> str | Response:
    """GET: what will be revoked, and a reason to give; POST: revoke it (audited)."""
    found = _certificate(certificate_id)
    form = RevokeCertificateForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            changed = certificates.revoke(db, found.id, reason=form.reason.data or "", actor_id=current_user.id)
        except InvalidInput as exc:
            field_error(form, exc, "reason")
        else:
            db.commit()
            flash("Certificate revoked." if changed else "That certificate was already revoked.", "success")
            return redirect(url_for("admin.certificates_list"))
    return render_template("admin/certificate_revoke.html", certificate=found, form=form,
                           status=certificates.status_of(found, today()))
