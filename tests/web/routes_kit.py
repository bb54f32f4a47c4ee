"""Route table rows for the course kit (templates, course images) and the self-diagnostic."""

from __future__ import annotations

from tests.web.routes_foundation import LOGIN, SIGNED_IN


def _everyone(status: int) -> dict[str, int]:
    """Every signed-in role gets ``status``; anonymous users sign in."""
    return {"anonymous": LOGIN, **{role: status for role in SIGNED_IN}}


def _organisation(status: int, admin: int | None = None) -> dict[str, int]:
    """Managers and admins (ORGANISATION_ROLES) get ``status``; learners and mentors 403."""
    return {"anonymous": LOGIN, "learner": 403, "mentor": 403, "manager": status,
            "admin": status if admin is None else admin}


def _admin(status: int) -> dict[str, int]:
    """Only admins get ``status``."""
    return {**_organisation(403), "admin": status}


ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/templates", "kit.templates", _everyone(200)),
    ("GET", "/templates/contact-sheet.md", "kit.template_markdown", _everyone(200)),
    ("GET", "/templates/nope.md", "kit.template_markdown", _everyone(404)),
    ("GET", "/templates/contact-sheet.csv", "kit.template_csv", _everyone(200)),
    ("GET", "/templates/nope.csv", "kit.template_csv", _everyone(404)),
    ("GET", "/content/images/chart.svg", "kit.content_image", _everyone(200)),
    ("GET", "/content/images/missing.svg", "kit.content_image", _everyone(404)),
    ("GET", "/content/images/..%2Fregistry.yaml", "kit.content_image", {**_everyone(404), "anonymous": 404}),  # no route
    ("GET", "/diagnostic", "diagnostic.questionnaire", _organisation(200)),
    ("POST", "/diagnostic", "diagnostic.questionnaire", _organisation(200)),  # incomplete: the form again
    ("POST", "/diagnostic/apply", "diagnostic.apply", _admin(200)),  # incomplete: the form again
]
