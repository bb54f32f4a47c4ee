"""The content catalog: the registry (tracks, owner roles, areas) and the Markdown modules.

Everything is loaded, validated and rendered once; a request only reads from the
frozen ``Catalog``.  Validation collects every problem as ``path:line: message``
rather than stopping at the first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import strict_yaml
from .access import TRACK_AUDIENCES
from .errors import ContentError, Problem
from .master_raci import MasterRaci, load_master_raci
from .near_miss import NearMiss, parse_near_miss
from .rendering import Heading, RenderError, render_content

REGISTRY_FILE = "registry.yaml"
REQUIRED_OWNER_ROLES = ("am", "pm", "shared", "pmo")
REQUIRED_AREAS = ("scope", "time", "risk", "quality", "budget", "communication", "structure")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Track:
    """A sequence of modules on one theme."""

    id: str
    title: str
    order: int
    description: str = ""
    core: bool = False  # the short core path a newcomer reads in week one
    certificate: bool = False  # completing this track alone earns a certificate (the whole path always does)
    audience: str | None = None  # 'mentor': open only to that audience (core/access.TRACK_AUDIENCES), off the path


@dataclass(frozen=True)
class OwnerRole:
    """An owner role (AM, PM, shared, Delivery/PMO) that quiz questions route work to."""

    id: str
    label: str
    description: str


@dataclass(frozen=True)
class Area:
    """A knowledge area that modules and questions are tagged with."""

    id: str
    label: str
    description: str


@dataclass(frozen=True)
class Registry:
    """Tracks, owner roles and areas, each in declared order, and the near-miss credits."""

    tracks: tuple[Track, ...]
    owner_roles: tuple[OwnerRole, ...]
    areas: tuple[Area, ...]
    near_miss: tuple[NearMiss, ...] = ()

    @property
    def near_miss_credits(self) -> dict[tuple[str, str], Fraction]:
        """{(given, key): credit} for every near-miss pair; a pair not listed earns nothing."""
        return {(n.given, n.key): n.credit for n in self.near_miss}

    def owner_role_label(self, role_id: str) -> str:
        """The human label of an owner role id (the id itself when unknown)."""
        return next((r.label for r in self.owner_roles if r.id == role_id), role_id)

    def in_owner_role_order(self, role_ids: Iterable[str]) -> tuple[str, ...]:
        """``role_ids`` in the registry's order (unknown ids last, as given): the one order every answer shows."""
        rank = {r.id: i for i, r in enumerate(self.owner_roles)}
        ids = list(role_ids)
        return tuple(sorted(ids, key=lambda r: (rank.get(r, len(rank)), ids.index(r))))

    def area_label(self, area_id: str) -> str:
        """The human label of an area id (the id itself when unknown)."""
        return next((a.label for a in self.areas if a.id == area_id), area_id)


@dataclass(frozen=True)
class Module:
    """One lesson: front matter plus its rendered, sanitised HTML."""

    id: str
    title: str
    track: str
    order: int
    summary: str
    minutes: int
    areas: tuple[str, ...]
    prerequisites: tuple[str, ...]
    html: str
    toc: tuple[Heading, ...]
    words: int
    path: str
    # None: complete once its quiz is passed (by the click when it has none); "read": always by the click.
    completion: str | None = None

    @property
    def anchors(self) -> frozenset[str]:
        """Heading anchors that links may point to."""
        return frozenset(h.anchor for h in self.toc)


@dataclass(frozen=True)
class Catalog:
    """The whole course, modules in path order (track order, then module order)."""

    registry: Registry
    modules: tuple[Module, ...]
    raci: MasterRaci | None = None  # content/raci.yaml, when the course has one
    _by_id: dict[str, Module] = field(default_factory=dict, compare=False, repr=False)
    _position: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({m.id: m for m in self.modules})
        self._position.update({m.id: i for i, m in enumerate(self.modules)})

    def get(self, module_id: str) -> Module | None:
        """The module with this id, or None."""
        return self._by_id.get(module_id)

    def track(self, track_id: str) -> Track | None:
        """The track with this id, or None."""
        return next((t for t in self.registry.tracks if t.id == track_id), None)

    def modules_in(self, track_id: str) -> tuple[Module, ...]:
        """The modules of one track, in order."""
        return tuple(m for m in self.modules if m.track == track_id)

    def neighbours(self, module_id: str, within: Collection[str] | None = None) -> tuple[Module | None, Module | None]:
        """The previous and next module along the whole path (``within``: only among these module ids)."""
        if within is not None:
            path = [m for m in self.modules if m.id in within or m.id == module_id]
            i = next(n for n, m in enumerate(path) if m.id == module_id)
            return (path[i - 1] if i > 0 else None, path[i + 1] if i + 1 < len(path) else None)
        i = self._position[module_id]
        return (
            self.modules[i - 1] if i > 0 else None,
            self.modules[i + 1] if i + 1 < len(self.modules) else None,
        )

    @property
    def module_ids(self) -> tuple[str, ...]:
        """Every module id in path order."""
        return tuple(m.id for m in self.modules)

    def audience_of(self, module_id: str) -> str | None:
        """The audience of the module's track (None: everyone's path)."""
        module = self.get(module_id)
        track = self.track(module.track) if module is not None else None
        return track.audience if track is not None else None

    def modules_for(self, audiences: Collection[str] = ()) -> tuple[Module, ...]:
        """The modules of the tracks open to everyone and to ``audiences``; none given: the learners' path."""
        closed = {t.id for t in self.registry.tracks if t.audience is not None and t.audience not in audiences}
        return tuple(m for m in self.modules if m.track not in closed)

    @property
    def path_modules(self) -> tuple[Module, ...]:
        """The modules of a learner's path, in order: every track not marked for an audience (what dashboards count)."""
        return self.modules_for()


def display_path(path: Path) -> str:
    """A path as authors want to read it: relative to the working directory when inside it."""
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


class _Checker:
    """Collects problems for one file while reading typed fields out of a mapping."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def field(self, data: Any, key: str, kind: type | tuple[type, ...], *, required: bool = True,
              default: Any = None) -> Any:
        if key not in data:
            if required:
                self.add(strict_yaml.line_of(data), f"missing required field '{key}'")
            return default
        value = data[key]
        ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        if not ok:
            self.add(strict_yaml.line_of(data, key), f"'{key}' must be {_kind_name(kind)}")
            return default
        return value

    def ident(self, data: Any, key: str) -> str | None:
        value = self.field(data, key, str)
        if value is not None and not ID_PATTERN.match(value):
            self.add(
                strict_yaml.line_of(data, key),
                f"'{key}' must be lower-case letters, digits and hyphens (got '{value}')",
            )
            return None
        return value  # type: ignore[no-any-return]

    def id_list(self, data: Any, key: str) -> list[str]:
        value = self.field(data, key, list, required=False, default=[])
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                out.append(item)
            else:
                self.add(strict_yaml.line_of(value, i), f"'{key}' must list ids (text)")
        return out


def _kind_name(kind: type | tuple[type, ...]) -> str:
    if isinstance(kind, tuple):
        return "a number"
    return {str: "text", int: "a whole number", list: "a list", dict: "a mapping", float: "a number", bool: "true or false"}.get(
        kind, kind.__name__
    )


def _read_text(path: Path, check: _Checker) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        check.add(1, f"not UTF-8 text ({exc.reason})")
    except OSError as exc:
        check.add(1, f"cannot read: {exc.strerror}")
    return None


def load_registry(content_dir: Path, problems: list[Problem]) -> Registry:
    """Read ``registry.yaml``; problems are appended, a partial registry is returned."""
    path = content_dir / REGISTRY_FILE
    check = _Checker(display_path(path), problems)
    if not path.is_file():
        check.add(1, "registry file is missing")
        return Registry((), (), ())
    text = _read_text(path, check)
    try:
        data = strict_yaml.load(text or "")
    except strict_yaml.YamlError as exc:
        check.add(exc.line, str(exc))
        return Registry((), (), ())
    if not isinstance(data, dict):
        check.add(1, "the registry must be a mapping with tracks, roles and areas")
        return Registry((), (), ())

    def entries(key: str) -> list[Any]:
        items = check.field(data, key, list, default=[])
        good = []
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            line = strict_yaml.line_of(items, i)
            if not isinstance(item, dict):
                check.add(line, f"each entry of '{key}' must be a mapping")
                continue
            ident = check.ident(item, "id")
            if ident is None:
                continue
            if ident in seen:
                check.add(line, f"duplicate {key[:-1]} id '{ident}' (first at line {seen[ident]})")
                continue
            seen[ident] = line
            good.append(item)
        return good

    tracks = tuple(
        Track(t["id"], check.field(t, "title", str, default=t["id"]), check.field(t, "order", int, default=0),
              check.field(t, "description", str, required=False, default=""),
              check.field(t, "core", bool, required=False, default=False),
              check.field(t, "certificate", bool, required=False, default=False), _audience(t, check))
        for t in entries("tracks")
    )
    owner_roles = tuple(
        OwnerRole(r["id"], check.field(r, "label", str, default=r["id"]), check.field(r, "description", str, default=""))
        for r in entries("roles")
    )
    areas = tuple(
        Area(a["id"], check.field(a, "label", str, default=a["id"]), check.field(a, "description", str, default=""))
        for a in entries("areas")
    )
    for required, have, key in ((REQUIRED_OWNER_ROLES, owner_roles, "roles"), (REQUIRED_AREAS, areas, "areas")):
        missing = [r for r in required if r not in {x.id for x in have}]
        if missing and key in data:
            check.add(strict_yaml.line_of(data, key), f"'{key}' must include {', '.join(missing)}")
    near_miss = parse_near_miss(data, check, {r.id for r in owner_roles})
    return Registry(tuple(sorted(tracks, key=lambda t: (t.order, t.id))), owner_roles, areas, near_miss)


def _audience(track: Any, check: _Checker) -> str | None:
    """A track's ``audience``: absent (everyone), or one of TRACK_AUDIENCES."""
    value = check.field(track, "audience", str, required=False, default=None)
    if value is not None and value not in TRACK_AUDIENCES:
        check.add(strict_yaml.line_of(track, "audience"),
                  f"'audience' must be one of {', '.join(TRACK_AUDIENCES)} (got '{value}')")
        return None
    return value  # type: ignore[no-any-return]


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split ``---`` front matter from the body: (yaml, body, first body line), or None."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None


@dataclass
class _Draft:
    module: Module
    lines: dict[str, int]


def _load_module(path: Path, registry: Registry, problems: list[Problem], raci: MasterRaci | None = None) -> _Draft | None:
    check = _Checker(display_path(path), problems)
    text = _read_text(path, check)
    if text is None:
        return None
    parts = split_front_matter(text)
    if parts is None:
        check.add(1, "a module must start with front matter between '---' lines")
        return None
    front, body, body_line = parts
    try:
        meta = strict_yaml.load(front, first_line=2)
    except strict_yaml.YamlError as exc:
        check.add(exc.line, f"front matter: {exc}")
        return None
    if not isinstance(meta, dict):
        check.add(2, "front matter must be a mapping of fields")
        return None
    before = len(problems)
    module_id = check.ident(meta, "id")
    title = check.field(meta, "title", str)
    track = check.field(meta, "track", str)
    order = check.field(meta, "order", int)
    summary = check.field(meta, "summary", str)
    minutes = check.field(meta, "minutes", int)
    areas = check.id_list(meta, "areas")
    prerequisites = check.id_list(meta, "prerequisites")
    completion = check.field(meta, "completion", str, required=False)
    if completion is not None and completion != "read":
        check.add(strict_yaml.line_of(meta, "completion"),
                  f"'completion' must be 'read' (got '{completion}'); leave it out to complete the module by its quiz")
    known = {"id", "title", "track", "order", "summary", "minutes", "areas", "prerequisites", "completion"}
    for key in meta:
        if key not in known:
            check.add(strict_yaml.line_of(meta, key), f"unknown field '{key}'")
    if track is not None and track not in {t.id for t in registry.tracks}:
        check.add(strict_yaml.line_of(meta, "track"), f"unknown track '{track}'")
    area_ids = {a.id for a in registry.areas}
    for i, area in enumerate(areas):
        if area not in area_ids:
            check.add(meta["areas"].line_of(i), f"unknown knowledge area '{area}'")
    if minutes is not None and minutes < 1:
        check.add(strict_yaml.line_of(meta, "minutes"), "'minutes' must be at least 1")
    try:
        rendered = render_content(body, raci)
    except RenderError as exc:
        check.add(body_line + exc.line - 1, str(exc))
        return None
    if len(problems) > before:
        return None
    module = Module(
        id=module_id, title=title, track=track, order=order, summary=summary, minutes=minutes,  # type: ignore[arg-type]
        areas=tuple(areas), prerequisites=tuple(prerequisites), html=rendered.html, toc=rendered.toc,
        words=len(re.findall(r"\b\w[\w'’-]*\b", body)), path=check.path, completion=completion,
    )
    lines = {key: strict_yaml.line_of(meta, key) for key in ("id", "prerequisites", "order")}
    if "prerequisites" in meta:
        for i, _ in enumerate(prerequisites):
            lines[f"prerequisites.{i}"] = meta["prerequisites"].line_of(i)
    return _Draft(module, lines)


def _find_cycles(drafts: dict[str, _Draft], problems: list[Problem]) -> None:
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        draft = drafts[node]
        for i, dep in enumerate(draft.module.prerequisites):
            if dep not in drafts:
                continue
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep) :] + [dep]
                problems.append(Problem(
                    draft.module.path, draft.lines.get(f"prerequisites.{i}", draft.lines["prerequisites"]),
                    "prerequisite cycle: " + " -> ".join(cycle),
                ))
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(drafts):
        if node not in state:
            visit(node, [])


def _check_certificate_tracks(content_dir: Path, registry: Registry, drafts: dict[str, _Draft],
                              problems: list[Problem]) -> None:
    """A track marked ``certificate: true`` must have modules: a certificate for nothing could never be earned."""
    used = {d.module.track for d in drafts.values()}
    path = display_path(content_dir / REGISTRY_FILE)
    for track in registry.tracks:
        if track.certificate and track.id not in used:
            problems.append(Problem(path, 1, f"track '{track.id}' is marked 'certificate: true' but has no modules"))


def module_files(content_dir: Path) -> list[Path]:
    """Every Markdown module below the content directory, sorted."""
    return sorted(p for p in content_dir.rglob("*.md") if p.is_file() and not p.name.startswith("."))


def load_catalog(content_dir: Path | str) -> Catalog:
    """Load, validate and render the course; raise ContentError listing every problem."""
    content_dir = Path(content_dir)
    problems: list[Problem] = []
    if not content_dir.is_dir():
        raise ContentError([Problem(display_path(content_dir), 1, "content directory does not exist")])
    registry = load_registry(content_dir, problems)
    raci = load_master_raci(content_dir, {a.id for a in registry.areas}, problems)
    drafts: dict[str, _Draft] = {}
    for path in module_files(content_dir):
        if path.name.lower() == "readme.md":
            continue
        draft = _load_module(path, registry, problems, raci)
        if draft is None:
            continue
        first = drafts.get(draft.module.id)
        if first is not None:
            problems.append(Problem(
                draft.module.path, draft.lines["id"],
                f"duplicate module id '{draft.module.id}' (also in {first.module.path})",
            ))
            continue
        drafts[draft.module.id] = draft
    for draft in drafts.values():
        for i, dep in enumerate(draft.module.prerequisites):
            if dep not in drafts:
                problems.append(Problem(
                    draft.module.path, draft.lines.get(f"prerequisites.{i}", draft.lines["prerequisites"]),
                    f"unknown prerequisite '{dep}'",
                ))
    audience = {t.id: t.audience for t in registry.tracks}
    for draft in drafts.values():  # a learner could never open it: the learners' path would stay locked
        for i, dep in enumerate(draft.module.prerequisites):
            if dep in drafts and audience.get(draft.module.track) is None and audience.get(drafts[dep].module.track):
                problems.append(Problem(
                    draft.module.path, draft.lines.get(f"prerequisites.{i}", draft.lines["prerequisites"]),
                    f"prerequisite '{dep}' is in a track for {audience[drafts[dep].module.track]}s only; "
                    "a module on the learners' path cannot require it",
                ))
    _find_cycles(drafts, problems)
    _check_certificate_tracks(content_dir, registry, drafts, problems)
    if not drafts and not problems:
        problems.append(Problem(display_path(content_dir), 1, "no modules found"))
    if problems:
        raise ContentError(problems)
    track_rank = {t.id: i for i, t in enumerate(registry.tracks)}
    modules = sorted((d.module for d in drafts.values()), key=lambda m: (track_rank[m.track], m.order, m.id))
    return Catalog(registry, tuple(modules), raci)
