"""API views about attempts: one attempt with its graded items."""

from __future__ import annotations

from sqlalchemy import select

from ...persistence.models import Attempt, AttemptItem
from ...services import attempts as attempt_service
from ..db import get_db, quiz_bank
from . import schemas
from .access import not_found, visible_user
from .convert import attempt_out
from .operations import bearer, operation


def _keys_shown(attempt: Attempt) -> bool:
    """Whether the caller sees the keys: staff always (as on the mentor's attempt page); the learner by the
    quiz's reveal policy (as on the result page)."""
    if attempt.user_id != bearer().user.id:
        return True
    quiz = quiz_bank().get(attempt.quiz_id)
    if quiz is None:
        return False
    return attempt_service.standing_on(get_db(), attempt.user_id, quiz.id).keys_visible(quiz)


@operation("/attempts/<int:attempt_id>", "GET", summary="One attempt with its graded items", response=schemas.AttemptDetail,
           tag="Attempts")
def attempt(attempt_id: int) -> schemas.AttemptDetail:
    """An attempt of oneself or of a person the caller may see; its graded items once submitted (an open attempt has
    none, so no key leaves before the answers are in), their keys only where the result page would show them."""
    db = get_db()
    found = db.get(Attempt, attempt_id)
    if found is None:
        raise not_found("attempt")
    visible_user(found.user_id)  # 404 outside the caller's sight
    items: list[schemas.GradedItem] = []
    if found.state != "open":
        keys = _keys_shown(found)
        rows = db.scalars(select(AttemptItem).where(AttemptItem.attempt_id == found.id).order_by(AttemptItem.id))
        items = [schemas.GradedItem(question_id=r.question_id, item_id=r.item_id, kind=r.kind, area=r.area, given=r.given,
                                    expected=r.expected if keys else None, correct=r.correct, points=r.points,
                                    max_points=r.max_points) for r in rows]
    return schemas.AttemptDetail(**attempt_out(found).model_dump(), items=items)

