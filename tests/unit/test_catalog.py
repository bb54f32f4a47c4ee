"""Loading the catalog: a clean course, and every broken case reported as path:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courseware.core.catalog import load_catalog
from courseware.core.errors import ContentError

DATA = Path(__file__).parent.parent / "data" / "content"


def module_text(id_: str, *, track: str = "foundations", order: int = 1, prereqs: str = "[]",
                areas: str = "[scope]", extra: str = "") -> str:
    return (
        f"---\nid: {id_}\ntitle: \"Title {id_}\"\ntrack: {track}\norder: {order}\nsummary: \"S\"\n"
        f"minutes: 2\nareas: {areas}\nprerequisites: {prereqs}\n{extra}---\n\n## Heading\n\nBody.\n"
    )


@pytest.fixture
def course(tmp_path: Path) -> Path:
    shutil.copy(DATA / "registry.yaml", tmp_path / "registry.yaml")
    (tmp_path / "a.md").write_text(module_text("a"))
    return tmp_path


def problems(path: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_catalog(path)
    return [str(p) for p in info.value.problems]


def test_fixture_course_loads_in_path_order() -> None:
    catalog = load_catalog(DATA)
    assert catalog.module_ids == ("intro", "basics", "scope")
    basics = catalog.get("basics")
    assert basics is not None
    assert [h.anchor for h in basics.toc] == ["account-management", "project-management", "change-requests"]
    assert catalog.neighbours("basics")[0].id == "intro"  # type: ignore[union-attr]
    assert catalog.neighbours("scope")[1] is None
    assert {r.id for r in catalog.registry.owner_roles} >= {"am", "pm", "shared", "pmo"}


def test_repository_content_loads() -> None:
    catalog = load_catalog(Path(__file__).parent.parent.parent / "content")
    assert len(catalog.modules) >= 16


def test_broken_front_matter(course: Path) -> None:
    (course / "b.md").write_text("---\nid: b\ntitle: [unclosed\n---\nbody\n")
    [problem] = problems(course)
    assert problem.startswith(f"{course / 'b.md'}:3: front matter: YAML syntax error") or problem.startswith(
        f"{course / 'b.md'}:4: front matter: YAML syntax error"
    )


def test_missing_front_matter(course: Path) -> None:
    (course / "b.md").write_text("# Just markdown\n")
    assert problems(course) == [f"{course / 'b.md'}:1: a module must start with front matter between '---' lines"]


def test_duplicate_id(course: Path) -> None:
    (course / "b.md").write_text(module_text("a", order=2))
    assert problems(course) == [f"{course / 'b.md'}:2: duplicate module id 'a' (also in {course / 'a.md'})"]


def test_unknown_prerequisite(course: Path) -> None:
    (course / "b.md").write_text(module_text("b", prereqs="\n  - a\n  - ghost"))
    assert problems(course) == [f"{course / 'b.md'}:11: unknown prerequisite 'ghost'"]


def test_prerequisite_cycle(course: Path) -> None:
    (course / "b.md").write_text(module_text("b", prereqs="[c]"))
    (course / "c.md").write_text(module_text("c", prereqs="[b]"))
    found = problems(course)
    assert len(found) == 1
    assert "prerequisite cycle: b -> c -> b" in found[0]
    assert found[0].startswith(f"{course / 'b.md'}:9:") or found[0].startswith(f"{course / 'c.md'}:9:")


def test_unknown_track_and_area(course: Path) -> None:
    (course / "b.md").write_text(module_text("b", track="cooking", areas="[scope, vibes]"))
    assert problems(course) == [
        f"{course / 'b.md'}:4: unknown track 'cooking'",
        f"{course / 'b.md'}:8: unknown knowledge area 'vibes'",
    ]


def test_duplicate_key_and_yes_in_front_matter(course: Path) -> None:
    (course / "b.md").write_text(module_text("b", extra="title: \"again\"\n"))
    (course / "c.md").write_text(module_text("c").replace('summary: "S"', "summary: yes"))
    found = problems(course)
    assert found == [
        f"{course / 'b.md'}:10: front matter: duplicate key 'title' (first at line 3)",
        f"{course / 'c.md'}:6: front matter: 'yes' is ambiguous: quote it if it is text, or write true/false",
    ]


def test_missing_and_mistyped_fields(course: Path) -> None:
    (course / "b.md").write_text("---\nid: b\ntitle: \"B\"\ntrack: foundations\norder: first\n---\nbody\n")
    assert problems(course) == [
        f"{course / 'b.md'}:2: missing required field 'minutes'",
        f"{course / 'b.md'}:2: missing required field 'summary'",
        f"{course / 'b.md'}:5: 'order' must be a whole number",
    ]


def test_hostile_markdown_is_reported_not_hung(course: Path) -> None:
    (course / "b.md").write_text(module_text("b") + "\n" + "[" * 3000 + "\n")
    [problem] = problems(course)
    assert problem == f"{course / 'b.md'}:16: more than 200 '[' in one paragraph"


def test_registry_problems(course: Path) -> None:
    (course / "registry.yaml").write_text("tracks:\n  - id: foundations\n    title: F\n    order: 1\nroles: []\nareas: []\n")
    found = problems(course)
    assert f"{course / 'registry.yaml'}:5: 'roles' must include am, pm, shared, pmo" in found
    assert any(p.startswith(f"{course / 'registry.yaml'}:6: 'areas' must include scope, time") for p in found)
    # with no areas declared, the module's area is unknown too
    assert f"{course / 'a.md'}:8: unknown knowledge area 'scope'" in found


def test_completion_read_is_the_only_value(course: Path) -> None:
    (course / "b.md").write_text(module_text("b", extra="completion: read\n"))
    assert load_catalog(course).get("b").completion == "read"  # type: ignore[union-attr]
    (course / "b.md").write_text(module_text("b", extra="completion: quiz\n"))
    assert problems(course) == [
        f"{course / 'b.md'}:10: 'completion' must be 'read' (got 'quiz'); leave it out to complete the module by its quiz"]
