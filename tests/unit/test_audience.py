"""Tracks for an audience: off a learner's path and rule, on the path and rule of that audience; landings."""

from __future__ import annotations

import shutil
from pathlib import Path

from courseware.core.access import audiences_of, landing, may_open_track
from courseware.core.catalog import load_catalog
from courseware.core.progress import Standing, completion_rule, learner_path
from courseware.core.quiz import load_quizzes
from tests.conftest import DATA

COACHING = """---
id: coaching
title: "Coaching an AM"
track: mentoring
order: 1
summary: "For mentors."
minutes: 3
areas: [communication]
---

## Check-ins

Weekly.
"""


def _catalog(tmp_path: Path):  # type: ignore[no-untyped-def]
    content = tmp_path / "content"
    shutil.copytree(DATA / "content", content)
    (content / "mentoring").mkdir()
    (content / "mentoring" / "01-coaching.md").write_text(COACHING, encoding="utf-8")
    return load_catalog(content)


def test_the_learners_rule_leaves_the_mentoring_track_out_and_the_mentors_rule_holds_it(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    quizzes = load_quizzes(DATA / "quizzes", catalog)
    learners, mentors = completion_rule(catalog, quizzes), completion_rule(catalog, quizzes, ("mentor",))
    assert catalog.audience_of("coaching") == "mentor" and catalog.audience_of("intro") is None
    assert [m.id for m in catalog.path_modules] == ["intro", "basics", "scope"]
    assert sorted(learners.module_ids) == ["basics", "intro", "scope"]
    assert sorted(mentors.module_ids) == ["basics", "coaching", "intro", "scope"]
    # a module marked read counts only where the rule covers it
    assert learners.completed({"coaching", "intro"}, set()) == {"intro"}
    assert mentors.completed({"coaching", "intro"}, set()) == {"coaching", "intro"}
    path = learner_path(catalog, learners, Standing())
    assert [t.track.id for t in path.tracks] == ["foundations", "knowledge-areas"] and path.total == 3
    assert learner_path(catalog, mentors, Standing()).total == 4
    # Next from the last learners' module never leads into the mentors' track
    assert catalog.neighbours("scope", within=learners.module_ids) == (catalog.get("basics"), None)


def test_who_may_open_an_audience_track_and_where_each_role_lands() -> None:
    assert audiences_of({"learner"}) == () and audiences_of({"manager"}) == ("mentor",)
    assert may_open_track(None, {"learner"}) and not may_open_track("mentor", {"learner"})
    assert all(may_open_track("mentor", {role}) for role in ("mentor", "manager", "admin"))
    assert [landing(r) for r in ({"learner"}, {"mentor"}, {"manager"}, {"admin"}, {"learner", "mentor"},
                                 {"mentor", "admin"})] == ["path", "mentees", "overview", "overview", "mentees",
                                                           "overview"]
