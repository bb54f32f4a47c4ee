"""Data versions: what keys the page caches, bumped in the same transaction as each write.

The rendered My path and mentor home are cached per process (``web/page_cache.py``) under keys that
include versions kept in the database, read with the signed-in user on every request.  A write that
changes what such a page shows calls ``bump`` before its transaction commits, so the next request on
any app server sees a new version, misses the cache and renders from the committed data.

- ``learners``: those people's own pages (My path) and their mentors' (the mentor home): progress,
  attempts, requests, flags, last seen.
- ``everyone=True``: every cached page (the organisation's version).  ``audit.record`` does this for every
  audited write (roles, cohorts, mentorships, assignments, notes, grants, regrades, imports, settings),
  so an administrative write needs nothing more.

Reads never bump; a write that is not sure which pages it touches bumps ``everyone``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from ..persistence import driver
from ..persistence.models import Mentorship, Organisation, User

ORGANISATION_ID = 1
_USERS = cast(Table, User.__table__)
_MENTORSHIPS = cast(Table, Mentorship.__table__)
_BUMP_LEARNERS = (
    update(_USERS)
    .where(or_(_USERS.c.id.in_(bindparam("user_ids", expanding=True)),
               _USERS.c.id.in_(select(_MENTORSHIPS.c.mentor_id)
                               .where(_MENTORSHIPS.c.mentee_id.in_(bindparam("mentees", expanding=True))))))
    .values(data_version=_USERS.c.data_version + 1)
)
_BUMP_ONE = (
    update(_USERS)
    .where(or_(_USERS.c.id == bindparam("user_id"),
               _USERS.c.id.in_(select(_MENTORSHIPS.c.mentor_id).where(_MENTORSHIPS.c.mentee_id == bindparam("mentee")))))
    .values(data_version=_USERS.c.data_version + 1)
)
_ORGANISATION = cast(Table, Organisation.__table__)
_BUMP_EVERYONE = (
    update(_ORGANISATION).where(_ORGANISATION.c.id == ORGANISATION_ID)
    .values(data_version=_ORGANISATION.c.data_version + 1)
)


def bump(session: Session, *, learners: Iterable[int] = (), everyone: bool = False) -> None:
    """Mark what this transaction changes as new for every page cache: the learners' pages and their mentors', or
    (``everyone``) every cached page.  Call it before the commit, in the transaction of the write."""
    ids = sorted(set(learners))
    if len(ids) == 1:  # on the driver cursor of the session's connection (persistence/driver.py)
        driver.run(session, _BUMP_ONE, {"user_id": ids[0], "mentee": ids[0]})
    elif ids:
        session.connection().execute(_BUMP_LEARNERS, {"user_ids": ids, "mentees": ids})
    if everyone and not session.execute(_BUMP_EVERYONE).rowcount:  # type: ignore[attr-defined]
        # No settings row yet: create it (its version, 1, differs from the None read so far).
        session.add(Organisation(id=ORGANISATION_ID, data_version=1))
        session.flush()
