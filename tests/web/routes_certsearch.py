"""Route table rows for search, certificates (a learner's own, the public verification page) and their admin pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from courseware.persistence.models import Certificate
from courseware.state import state_of
from tests.web.routes_foundation import LOGIN, SIGNED_IN

VERIFY_CODE = "ABCDEFGHJKLM"  # the route table's certificate, printed ABCD-EFGH-JKLM


def _signed_in(status: int) -> dict[str, int]:
    return {"anonymous": LOGIN, **{role: status for role in SIGNED_IN}}


def _public(status: int) -> dict[str, int]:
    return {"anonymous": status, **{role: status for role in SIGNED_IN}}


def _owner(status: int) -> dict[str, int]:
    """Only the learner holds the certificate; anyone else's id is a 404, like a missing one."""
    return {**_signed_in(404), "learner": status}


def _admin(status: int) -> dict[str, int]:
    return {**_signed_in(403), "admin": status}


def certificate_ids(app: Flask, people: dict[str, Any]) -> dict[str, int]:
    """A certificate of the learner's, with a known code."""
    with state_of(app).sessions() as session:
        found = Certificate(user_id=people["learner"].id, scope="path", code=VERIFY_CODE, holder_name="Learner",
                            course_title="The whole path", issued_on=date(2026, 11, 1))
        session.add(found)
        session.commit()
        return {"learner_certificate": found.id}


ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/search?q=scope", "search.results", _signed_in(200)),
    ("GET", "/search?q=%22%28*+NEAR", "search.results", _signed_in(200)),  # FTS syntax: a friendly page
    ("GET", "/certificates", "certificates.mine", _signed_in(200)),
    ("GET", "/certificates/{learner_certificate}", "certificates.show", _owner(200)),
    ("GET", "/certificates/{learner_certificate}.pdf", "certificates.pdf", _owner(200)),
    ("GET", "/certificates/999999", "certificates.show", _owner(404)),
    ("GET", "/verify", "certificates.verify_form", _public(200)),
    ("GET", "/verify?code=nope", "certificates.verify_form", _public(200)),  # not a code: the form again
    ("GET", "/verify/ABCD-EFGH-JKLM", "certificates.verify", _public(200)),
    ("GET", "/verify/NOPE", "certificates.verify", _public(404)),
    ("GET", "/admin/certificates", "admin.certificates_list", _admin(200)),
    ("GET", "/admin/certificates/{learner_certificate}/revoke", "admin.revoke_certificate", _admin(200)),
    ("POST", "/admin/certificates/{learner_certificate}/revoke", "admin.revoke_certificate", _admin(200)),  # no reason
    ("GET", "/admin/certificates/999999/revoke", "admin.revoke_certificate", _admin(404)),
]


def _dashboard(mentor: int, admin: int) -> dict[str, int]:
    """Notes: the author (mentor or admin) or a 404; learners and managers 403."""
    return {**_signed_in(403), "mentor": mentor, "admin": admin}


def _organisation(status: int) -> dict[str, int]:
    return {**_signed_in(403), "manager": status, "admin": status}


ROUTES += [
    ("GET", "/admin/users/{learner}/active", "admin.set_active", _admin(200)),  # the confirmation page
    ("POST", "/admin/users/{learner}/details", "admin.user_details", _admin(200)),  # empty: the form again
    ("POST", "/admin/users/999999/details", "admin.user_details", _admin(404)),
    ("GET", "/admin/assignments/999999/delete", "admin.delete_assignment", _admin(404)),
    # The table deletes both fixture notes before these rows run; the confirmation page: test_admin_forms.py.
    ("GET", "/mentor/notes/999999/delete", "mentor.delete_note", _dashboard(404, 404)),
    ("GET", "/admin/people/lookup?q=lea&role=learner", "admin.people_lookup", _organisation(200)),
    ("GET", "/admin/people/lookup?q=lea&role=nope", "admin.people_lookup", _organisation(400)),
]
