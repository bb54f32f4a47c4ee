"""The audit log (admins only): every staff action, filtered, paginated and exported as CSV; read-only.

Managers do not see it: it is a record about the staff themselves (who changed whose roles, who
deactivated whom, who wrote notes on which learner), beyond the completion figures managers track.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import render_template, request
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...core.schedule import day_starts_at, local_time
from ...services import audit, organisation
from ..csv_export import csv_response
from ..db import get_db, today
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp
from .forms import AuditFilterForm

CSV_HEADER = ["When (UTC)", "Who", "Action", "Kind", "Target type", "Target id", "Target", "Before", "After", "Reason"]


def _filters() -> tuple[AuditFilterForm, audit.AuditFilter, str]:
    """The filter form from the query string, the filter it describes (bad parts ignored), and the time zone."""
    db = get_db()
    form = AuditFilterForm(request.args)
    kinds = audit.kinds_in_use(db)
    form.kind.choices = [SelectChoice("", "Any action")] + [
        SelectChoice(family, f"Any {family[:-1]} action") for family in sorted({k.split(".")[0] + "." for k in kinds})
    ] + [SelectChoice(kind, audit.KINDS.get(kind, kind)) for kind in kinds]
    form.validate()
    zone = organisation.read_organisation(db).time_zone
    good = {name: field.data for name, field in form._fields.items() if not field.errors}
    date_from, date_to = good.get("date_from"), good.get("date_to")
    return form, audit.AuditFilter(
        actor=(good.get("actor") or "").strip(), target=(good.get("target") or "").strip(), kind=good.get("kind") or "",
        since=day_starts_at(date_from, zone) if date_from else None,
        until=day_starts_at(date_to + timedelta(days=1), zone) if date_to else None,
    ), zone


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def change_lines(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[tuple[str, str | None, str | None]]:
    """(what, before, after) for each key of an entry, in words; None where that side has nothing."""
    before, after = before or {}, after or {}
    keys = list(before) + [key for key in after if key not in before]
    return [(key.replace("_", " "), _shown(before[key]) if key in before else None,
             _shown(after[key]) if key in after else None) for key in keys]


def _query_args(form: AuditFilterForm) -> dict[str, Any]:
    """The filters as query arguments, for the pager and the CSV link (only those given)."""
    return {name: request.args[name] for name in form._fields if request.args.get(name)}


@bp.route("/audit")
@access_role_required("admin")
def audit_log() -> str:
    """Staff actions, newest first, narrowed by who, target, action and dates; paginated."""
    form, filters, zone = _filters()
    number = page_arg()
    rows, total = audit.entries_page(get_db(), filters, page=number, per_page=page_size())
    entries = [(entry, local_time(entry.at, zone), change_lines(entry.before, entry.after)) for entry in rows]
    return render_template("admin/audit.html", form=form, page=Page(entries, number, page_size(), total),
                           args=_query_args(form), zone=zone, kinds=audit.KINDS)


@bp.route("/audit.csv")
@access_role_required("admin")
def audit_csv() -> Response:
    """Every entry the filters match, as CSV (times in UTC, before/after as JSON)."""
    import json

    _form, filters, _zone = _filters()
    rows, _total = audit.entries_page(get_db(), filters, page=1, per_page=None)
    return csv_response(
        f"audit-{today().isoformat()}.csv", CSV_HEADER,
        ([local_time(entry.at, "UTC").strftime("%Y-%m-%d %H:%M:%S"), entry.actor_label,
          audit.KINDS.get(entry.kind, entry.kind), entry.kind, entry.target_type, entry.target_id, entry.target_label,
          json.dumps(entry.before, ensure_ascii=False, sort_keys=True) if entry.before is not None else "",
          json.dumps(entry.after, ensure_ascii=False, sort_keys=True) if entry.after is not None else "",
          entry.reason or ""] for entry in rows),
    )
