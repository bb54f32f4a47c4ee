"""The master RACI (``content/raci.yaml``): who is Responsible, Accountable, Consulted or Informed for each
recurring piece of work, under each operating model and account size.

Modules show it (``[[raci: <area>]]``, see ``raci_markdown``) and quiz items name the work they test
(``work: <id>``); ``course_checks.check_keys_against_master`` reports every key that contradicts it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import strict_yaml
from .errors import Problem

RACI_FILE = "raci.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
PARTIES = ("am", "pm", "pmo")  # `shared` is a routing answer, not a RACI party
PARTY_LABELS = {"am": "AM", "pm": "PM", "pmo": "PMO"}
NOT_ON_ACCOUNT = "—"
LETTERS = ("R", "A", "C", "I", NOT_ON_ACCOUNT)
COLUMNS = ("separate", "hybrid-small", "hybrid-dedicated")
COLUMN_LABELS = {
    "separate": "Separate departments",
    "hybrid-small": "Hybrid, small AM-led account",
    "hybrid-dedicated": "Hybrid, dedicated PM",
}


@dataclass(frozen=True)
class Work:
    """One recurring piece of work and its letters: {column: {party: letter}}."""

    id: str
    text: str
    area: str
    letters: Mapping[str, Mapping[str, str]]
    line: int = 1

    def owner(self, column: str) -> str:
        """The routing answer the letters give: the party holding A, or ``shared`` when AM and PM hold A and R."""
        letters = self.letters[column]
        accountable = next(p for p in PARTIES if letters[p] == "A")
        if {letters["am"], letters["pm"]} == {"A", "R"}:
            return "shared"
        return accountable


@dataclass(frozen=True)
class MasterRaci:
    """Every piece of work, in file order, and the words an account called small must not use."""

    work: tuple[Work, ...]
    small_never: tuple[str, ...] = ()
    path: str = RACI_FILE

    def get(self, work_id: str) -> Work | None:
        """The piece of work with this id, or None."""
        return next((w for w in self.work if w.id == work_id), None)

    def in_area(self, area: str) -> tuple[Work, ...]:
        """The work of one knowledge area, in file order."""
        return tuple(w for w in self.work if w.area == area)

    def too_big_for_small(self, text: str) -> str | None:
        """The first word of ``text`` that choosing-a-structure's criteria give a dedicated PM, if any."""
        for word in self.small_never:
            if re.search(rf"\b{re.escape(word)}", text, re.I):
                return word
        return None


def column_for(model: str, account: str | None) -> str:
    """The master's column for a key under ``model`` on an account of this size (no size: a dedicated PM)."""
    if model == "separate":
        return "separate"
    return "hybrid-small" if account == "small" else "hybrid-dedicated"


def load_master_raci(content_dir: Path, areas: set[str], problems: list[Problem]) -> MasterRaci | None:
    """Read ``raci.yaml`` (None when there is none); problems are appended with their lines."""
    path = Path(content_dir) / RACI_FILE
    if not path.is_file():
        return None
    rel = os.path.relpath(path)
    shown = str(path) if rel.startswith("..") else rel

    def add(line: int, message: str) -> None:
        problems.append(Problem(shown, line, message))

    try:
        data = strict_yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        add(1, f"cannot read: {exc}")
        return None
    except strict_yaml.YamlError as exc:
        add(exc.line, str(exc))
        return None
    if not isinstance(data, Mapping) or not isinstance(data.get("work"), list):
        add(1, "the master RACI must be a mapping with a 'work' list")
        return None
    before = len(problems)
    work: list[Work] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data["work"]):
        line = strict_yaml.line_of(data["work"], i)
        parsed = _work(item, line, areas, add)
        if parsed is None:
            continue
        if parsed.id in seen:
            add(line, f"duplicate work id '{parsed.id}' (first at line {seen[parsed.id]})")
            continue
        seen[parsed.id] = line
        work.append(parsed)
    small = data.get("small_accounts_never_mention", [])
    if not isinstance(small, list) or not all(isinstance(w, str) for w in small):
        add(strict_yaml.line_of(data, "small_accounts_never_mention"), "'small_accounts_never_mention' must list words")
        small = []
    if len(problems) > before:
        return None
    return MasterRaci(tuple(work), tuple(small), shown)


def _work(item: Any, line: int, areas: set[str], add: Any) -> Work | None:
    if not isinstance(item, Mapping):
        add(line, "each piece of work must be a mapping")
        return None
    ok = True
    for key in ("id", "text", "area"):
        if not isinstance(item.get(key), str):
            add(strict_yaml.line_of(item, key, line), f"missing required field '{key}' (text)")
            ok = False
    if not ok:
        return None
    where = f"work {item['id']}"
    if not ID_PATTERN.match(item["id"]):
        add(strict_yaml.line_of(item, "id", line), f"{where}: ids are lower-case letters, digits and hyphens")
    if item["area"] not in areas:
        add(strict_yaml.line_of(item, "area", line), f"{where}: unknown knowledge area '{item['area']}'")
    for key in item:
        if key not in ("id", "text", "area", *COLUMNS):
            add(strict_yaml.line_of(item, key, line), f"{where}: unknown field '{key}'")
    letters: dict[str, dict[str, str]] = {}
    for column in COLUMNS:
        if column == "hybrid-dedicated" and column not in item:  # the same as separate, checked there
            if "separate" in letters:
                letters[column] = letters["separate"]
            continue
        row = item.get(column)
        at = strict_yaml.line_of(item, column, line)
        if not isinstance(row, Mapping):
            add(at, f"{where}: missing '{column}' letters")
            ok = False
            continue
        if set(row) != set(PARTIES) or any(v not in LETTERS for v in row.values()):
            add(at, f"{where} ({column}): give one of R, A, C, I or {NOT_ON_ACCOUNT} to each of am, pm and pmo")
            ok = False
            continue
        if list(row.values()).count("A") != 1:
            add(at, f"{where} ({column}): exactly one party is accountable (A)")
            ok = False
        letters[column] = dict(row)
    if not ok:
        return None
    return Work(item["id"], item["text"].strip(), item["area"], letters, line)
