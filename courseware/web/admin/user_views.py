"""Admin pages for people: the list, a new person, one person's access roles and activation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...core.access import ACCESS_ROLE_LABELS, ACCESS_ROLES
from ...core.errors import InvalidInput
from ...core.text import without_control_characters
from ...persistence import queries
from ...persistence.models import User
from ...services import accounts, invitations
from ..db import catalog, get_db
from ..forms_common import ButtonForm, field_error
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp
from .forms import RolesForm, UserCreateForm, UserDetailsForm
from .placement_views import placement_context, placement_form_for


@bp.route("/")
@access_role_required("admin")
def index() -> str:
    """The admin home: counts and links."""
    return render_template("admin/index.html", users=queries.count_users(get_db()), modules=len(catalog().path_modules))


@bp.route("/users")
@access_role_required("admin")
def users() -> str:
    """Every user, searchable, filterable by role and paginated."""
    search = without_control_characters(request.args.get("q", "")).strip()[:100]
    role = request.args.get("role", "")
    if role not in ACCESS_ROLES:
        role = ""
    per_page = page_size()
    number = page_arg()
    rows, total = queries.users_page(get_db(), page=number, per_page=per_page, search=search, role=role)
    page = Page(rows, number, per_page, total)
    return render_template("admin/users.html", page=page, q=search, role=role, role_labels=ACCESS_ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@access_role_required("admin")
def new_user() -> str | Response:
    """Create a user with roles."""
    form = UserCreateForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            user = accounts.create_user(
                db, email=form.email.data or "", display_name=form.display_name.data or "",
                password=form.password.data or "", roles=form.roles.data or [], actor_id=current_user.id,
            )
        except InvalidInput as exc:
            field_error(form, exc, "email")
        else:
            db.commit()
            flash(f"{user.display_name} can now sign in as {user.email}.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@access_role_required("admin")
def user(user_id: int) -> str | Response:
    """One user: details, roles (POST to change them) and activation."""
    db = get_db()
    found = accounts.get_user(db, user_id)
    form = RolesForm(data={"roles": sorted(found.access_roles)} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            accounts.set_roles(db, found, form.roles.data or [], actor_id=current_user.id)
        except InvalidInput as exc:
            field_error(form, exc, "roles")
        else:
            db.commit()
            flash("Roles saved.", "success")
            return redirect(url_for("admin.user", user_id=found.id))
    return _user_page(found, form)


def _user_page(found: User, form: RolesForm, details: UserDetailsForm | None = None) -> str:
    details = details or UserDetailsForm(formdata=None, data={"display_name": found.display_name, "email": found.email})
    return render_template("admin/user.html", user=found, form=form, button=ButtonForm(), details=details,
                           placement=placement_form_for(found), invitation=invitations.status(get_db(), found),
                           **placement_context(found))


@bp.route("/users/<int:user_id>/details", methods=["POST"])
@access_role_required("admin")
def user_details(user_id: int) -> str | Response:
    """Correct a person's name and email (each change audited); a taken email is shown on the form."""
    db = get_db()
    found = accounts.get_user(db, user_id)
    details = UserDetailsForm()
    if details.validate_on_submit():
        try:
            accounts.set_display_name(db, found, details.display_name.data or "", actor_id=current_user.id)
            accounts.set_email(db, found, details.email.data or "", actor_id=current_user.id)
        except InvalidInput as exc:
            db.rollback()
            field_error(details, exc, "email")
            found = accounts.get_user(db, user_id)
        else:
            db.commit()
            flash("Name and email saved.", "success")
            return redirect(url_for("admin.user", user_id=found.id))
    return _user_page(found, RolesForm(formdata=None, data={"roles": sorted(found.access_roles)}), details)


@bp.route("/users/<int:user_id>/active", methods=["GET", "POST"])
@access_role_required("admin")
def set_active(user_id: int) -> str | Response:
    """GET: confirm deactivating (or reactivating); POST: do it (deactivating ends every session)."""
    db = get_db()
    found = accounts.get_user(db, user_id)
    if request.method == "GET":
        verb = "Deactivate" if found.active else "Reactivate"
        details = ([f"{found.display_name} ({found.email}) will be signed out everywhere at once and cannot sign in "
                    "until reactivated. Their progress and history are kept."] if found.active else
                   [f"{found.display_name} ({found.email}) will be able to sign in again."])
        return render_template("confirm.html", question=f"{verb} {found.display_name}?", details=details,
                               action=url_for("admin.set_active", user_id=found.id),
                               hidden={"active": "0" if found.active else "1"}, button_label=verb,
                               danger=found.active, cancel=url_for("admin.user", user_id=found.id))
    form = ButtonForm()
    if form.validate_on_submit():
        activate = request.form.get("active") == "1"
        try:
            accounts.set_active(db, found, activate, actor_id=current_user.id)
        except InvalidInput as exc:
            flash(str(exc), "warning")
        else:
            db.commit()
            flash(f"{found.display_name} is {'active' if activate else 'deactivated'}.", "success")
    return redirect(url_for("admin.user", user_id=found.id))
