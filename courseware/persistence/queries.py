"""Query functions; each takes the session first."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import ModuleProgress, User, UserRole


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this email, compared case-insensitively."""
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def user_by_session_token(session: Session, token: str) -> User | None:
    """The active user whose current session token this is."""
    return session.scalar(select(User).where(User.session_token == token, User.active.is_(True)))


def progress_sets(session: Session, user_id: int) -> tuple[set[str], set[str]]:
    """(completed module ids, started module ids) of one user, in one query."""
    rows = session.execute(
        select(ModuleProgress.module_id, ModuleProgress.completed_at).where(ModuleProgress.user_id == user_id)
    ).all()
    return {m for m, done in rows if done is not None}, {m for m, _ in rows}


def progress_for(session: Session, user_id: int, module_id: str) -> ModuleProgress | None:
    """One user's progress row for one module."""
    return session.scalar(
        select(ModuleProgress).where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id)
    )


def count_users(session: Session) -> int:
    """How many users exist."""
    return session.scalar(select(func.count()).select_from(User)) or 0


def users_page(
    session: Session, *, page: int, per_page: int, search: str = "", role: str = ""
) -> tuple[list[User], int]:
    """One page of users ordered by name, with the total matching count."""
    query = select(User)
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(func.lower(User.display_name).like(like) | User.email.like(like))
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = list(
        session.scalars(query.order_by(func.lower(User.display_name), User.id).limit(per_page).offset((page - 1) * per_page))
    )
    return users, total
