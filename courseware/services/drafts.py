"""Drafts: the answers of an open attempt, saved as the learner works and restored when they come back.

A draft holds only the learner's own choices, cleaned by the same rules as a submission (an answer that does not
fit the question is refused, never stored), so nothing read from it can reveal a key.  A submitted or reset
attempt takes no draft: ``DraftRefused``.  Saving is not audited: it happens on every change, and the submission
that follows is the act on record.

When the sign-in expires mid-quiz the submit arrives without a session; the page carries a *draft key*
(``HMAC(secret key, attempt id, user id)``), so those answers can still be kept as the attempt's draft for its
owner and restored after signing in again.  The key grants nothing but writing that one attempt's draft.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput
from ..core.grading import check_answers
from ..core.quiz import Quiz
from ..persistence import driver, queries
from ..persistence.base import utcnow
from ..persistence.models import Attempt, AttemptDraft

_CONTEXT = b"courseware attempt draft\x00"


class DraftRefused(InvalidInput):
    """The attempt no longer takes a draft (submitted or reset)."""


def draft_key(secret_key: str, attempt_id: int, user_id: int) -> str:
    """The key a page carries so answers posted after the sign-in expired can still be kept as this draft."""
    message = _CONTEXT + f"{attempt_id}:{user_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def attempt_for_key(session: Session, secret_key: str, attempt_id: int, key: str) -> Attempt | None:
    """The attempt a draft key was made for (None when the key does not match it or its owner)."""
    attempt = session.get(Attempt, attempt_id) if 0 < attempt_id <= queries.MAX_ID else None
    if attempt is None or not key:
        return None
    return attempt if hmac.compare_digest(draft_key(secret_key, attempt.id, attempt.user_id), key) else None


def _shown(attempt: Attempt) -> list[str]:
    return list((attempt.layout or {}).get("questions") or [])


def save_draft(session: Session, quiz: Quiz, attempt: Attempt, answers: Mapping[str, Any]) -> datetime:
    """Keep ``answers`` as the attempt's draft (replacing the last); the time it was saved.

    Raises DraftRefused for an attempt already submitted or reset, AnswerError for an answer that does not fit.
    """
    if attempt.state == "reset":
        raise DraftRefused("This attempt was reset: start the quiz again.")
    if attempt.state != "open" or attempt.submitted_at is not None:
        raise DraftRefused("This attempt is already submitted: its answers can no longer change.")
    clean = {k: v for k, v in check_answers(quiz, answers, _shown(attempt)).items() if v not in (None, "", [], {}, ())}
    now = utcnow()
    draft = session.get(AttemptDraft, attempt.id)
    if draft is None:
        session.add(AttemptDraft(attempt_id=attempt.id, answers=clean, saved_at=now))
    else:
        draft.answers, draft.saved_at = clean, now
    session.flush()
    return now


def draft_of(session: Session, attempt: Attempt) -> AttemptDraft | None:
    """The saved draft of an open attempt (None for a submitted or reset one, whose answers are on record)."""
    if attempt.state != "open" or attempt.submitted_at is not None:
        return None
    return session.get(AttemptDraft, attempt.id)


_DRAFTS = cast(Table, AttemptDraft.__table__)
_DISCARD = delete(_DRAFTS).where(_DRAFTS.c.attempt_id == bindparam("attempt_id"))


def discard_draft(session: Session, attempt_id: int) -> None:
    """Remove an attempt's draft (once it is submitted, the draft has served): one prebuilt DELETE in the session's
    transaction (no load of the draft first); a draft object this session holds is forgotten with it."""
    held = session.identity_map.get(session.identity_key(AttemptDraft, attempt_id))  # type: ignore[arg-type]
    if held is not None:
        session.expunge(held)
    driver.run(session, _DISCARD, {"attempt_id": attempt_id})
