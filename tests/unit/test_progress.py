"""Progress rules on the fixture course (intro -> basics -> scope)."""

from pathlib import Path

from courseware.core.catalog import load_catalog
from courseware.core.progress import Status, learner_path

CATALOG = load_catalog(Path(__file__).parent.parent / "data" / "content")


def statuses(completed: set[str], started: set[str]) -> dict[str, Status]:
    path = learner_path(CATALOG, completed, started)
    return {s.module.id: s.status for t in path.tracks for s in t.modules}


def test_new_learner() -> None:
    path = learner_path(CATALOG, set(), set())
    assert statuses(set(), set()) == {"intro": Status.AVAILABLE, "basics": Status.LOCKED, "scope": Status.LOCKED}
    assert path.next_module is not None and path.next_module.module.id == "intro"
    assert (path.completed, path.total, path.percent) == (0, 3, 0)
    locked = path.tracks[0].modules[1]
    assert locked.locked_reason == "Finish “Introduction” first."


def test_in_progress_comes_before_available() -> None:
    path = learner_path(CATALOG, {"intro"}, {"intro", "basics"})
    assert path.next_module is not None and path.next_module.module.id == "basics"
    assert path.next_module.status is Status.IN_PROGRESS
    assert (path.completed, path.percent) == (1, 33)
    assert [t.percent for t in path.tracks] == [50, 0]


def test_everything_done() -> None:
    path = learner_path(CATALOG, {"intro", "basics", "scope"}, {"intro", "basics", "scope"})
    assert path.next_module is None and path.percent == 100
