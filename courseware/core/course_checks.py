"""Checks across files, run by ``courseware check`` once the content and quizzes load on their own:
quiz keys against the master RACI, accounts called small, the cast, and the images modules show.

Each returns ``Problem`` records (``path:line: message``); none raises for bad files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import strict_yaml
from .catalog import Catalog, display_path, module_files, split_front_matter
from .errors import Problem
from .master_raci import COLUMN_LABELS, NOT_ON_ACCOUNT, PARTIES, MasterRaci, column_for
from .operating_model import MODELS
from .quiz import quiz_files
from .raci_markdown import local_image

CAST_FILE = "cast.yaml"
CAST_ROLES = ("am", "pm", "pmo", "leadership", "client")
# The words that tie a name to an agency role in a sentence ("Priya, the AM", "PM Tomasz").
ROLE_WORDS = {
    "am": r"AM|Account Manager|account manager|Account Director|account director|account lead",
    "pm": r"PM|Project Manager|project manager",
    "pmo": r"Delivery/PMO manager|Delivery/PMO Manager",
}


def _key(node: Mapping[str, Any], model: str) -> Any:
    return (node.get("answer_by_model") or {}).get(model, node.get("answer"))


def _raw_quizzes(quiz_dir: Path) -> Iterable[tuple[str, Any]]:
    for path in quiz_files(quiz_dir):
        try:
            yield display_path(path), strict_yaml.load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, strict_yaml.YamlError):
            continue  # already reported by the quiz loader


def check_keys_against_master(raci: MasterRaci, quiz_dir: Path) -> list[Problem]:
    """Every route key, split task key and RACI key that names its work agrees with the master RACI."""
    problems: list[Problem] = []
    for path, data in _raw_quizzes(quiz_dir):
        for q in data.get("questions") or []:
            where = f"question {q.get('id')}"
            account = q.get("account")
            if account == "small" and (word := raci.too_big_for_small(q.get("prompt", ""))):
                problems.append(Problem(path, strict_yaml.line_of(q, "account"),
                                        f"{where}: an account with '{word}' is not small by choosing-a-structure's "
                                        "criteria (it gets a dedicated PM); say 'account: large' and rewrite"))
            items = [(q, where, account)] if q.get("type") in ("route", "raci") else []
            for t in q.get("tasks") or []:
                task_where = f"{where} task {t.get('id')}"
                items.append((t, task_where, t.get("account", account)))
                if t.get("account") == "small" and (word := raci.too_big_for_small(t.get("text", ""))):
                    problems.append(Problem(path, strict_yaml.line_of(t, "account"),
                                            f"{task_where}: an account with '{word}' is not small by "
                                            "choosing-a-structure's criteria (it gets a dedicated PM)"))
            for node, item_where, item_account in items:
                problems += _check_item(raci, path, node, q, item_account, item_where)
    return problems


def _check_item(raci: MasterRaci, path: str, node: Mapping[str, Any], question: Mapping[str, Any],
                account: str | None, where: str) -> list[Problem]:
    work_id = node.get("work")
    if work_id is None:
        return []
    work = raci.get(work_id)
    line = strict_yaml.line_of(node, "work")
    if work is None:
        return [Problem(path, line, f"{where}: unknown work '{work_id}' (not in the master RACI)")]
    problems = []
    for model in MODELS:
        column = column_for(model, account)
        key = _key(node, model)
        by_model = node.get("answer_by_model") or {}
        at = strict_yaml.line_of(by_model, model) if model in by_model else strict_yaml.line_of(node, "answer", line)
        if question.get("type") == "raci":
            wrong = {role: (letter, work.letters[column][role]) for role, letter in (key or {}).items()
                     if role in PARTIES and letter != _expected_letter(work.letters[column][role])}
            for role, (letter, master) in sorted(wrong.items()):
                problems.append(Problem(path, at, f"{where}: {role} '{letter}' under {model} contradicts the master "
                                                  f"RACI for '{work_id}' ({COLUMN_LABELS[column]}: {role} {master})"))
        elif key != work.owner(column):
            problems.append(Problem(path, at, f"{where}: key '{key}' under {model} contradicts the master RACI for "
                                              f"'{work_id}' ({COLUMN_LABELS[column]}: {work.owner(column)})"))
    return problems


def _expected_letter(master: str) -> str:
    """A quiz has no letter for 'not on the account': such a party is keyed I (told, if anything)."""
    return "I" if master == NOT_ON_ACCOUNT else master


def load_cast(content_dir: Path, problems: list[Problem]) -> dict[str, str]:
    """``cast.yaml``: {name: role}; a name listed twice, in two roles or one, is a problem."""
    path = Path(content_dir) / CAST_FILE
    if not path.is_file():
        return {}
    shown = display_path(path)
    try:
        data = strict_yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, strict_yaml.YamlError) as exc:
        problems.append(Problem(shown, getattr(exc, "line", 1), str(exc)))
        return {}
    people = data.get("people") if isinstance(data, Mapping) else None
    if not isinstance(people, list):
        problems.append(Problem(shown, 1, "the cast must be a mapping with a 'people' list"))
        return {}
    cast: dict[str, str] = {}
    first: dict[str, int] = {}
    for i, person in enumerate(people):
        line = strict_yaml.line_of(people, i)
        name, role = (person.get("name"), person.get("role")) if isinstance(person, Mapping) else (None, None)
        if not isinstance(name, str) or role not in CAST_ROLES:
            problems.append(Problem(shown, line, f"each cast member needs a name and a role ({', '.join(CAST_ROLES)})"))
            continue
        if name in cast:
            problems.append(Problem(shown, line, f"cast member '{name}' in two roles: {cast[name]} (line {first[name]}) "
                                                 f"and {role}" if cast[name] != role else
                                    f"cast member '{name}' is listed twice (first at line {first[name]})"))
            continue
        cast[name], first[name] = role, line
    return cast


def check_cast(content_dir: Path, quiz_dir: Path) -> list[Problem]:
    """Every cast member named next to an agency role in a module or quiz is named in their own role."""
    problems: list[Problem] = []
    cast = load_cast(content_dir, problems)
    if not cast:
        return problems
    names = "|".join(re.escape(n) for n in sorted(cast, key=len, reverse=True))
    files = [p for p in module_files(Path(content_dir))] + quiz_files(Path(quiz_dir))
    for role, words in ROLE_WORDS.items():
        pattern = re.compile(rf"\b({names}),? (?:is |was |becomes |as )?(?:the |our |a |an |their )?"
                             rf"(?:new |senior |hybrid |covering |dedicated )?(?:{words})\b"
                             rf"|\b(?:{words}),? ({names})\b")
        for path in files:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for match in pattern.finditer(line):
                    name = match[1] or match[2]
                    if cast[name] != role:
                        problems.append(Problem(display_path(path), number, f"'{name}' is the {cast[name]} in "
                                                                             f"{CAST_FILE}, but is named here as {role}"))
    return problems


IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*)")


def check_images(catalog: Catalog, content_dir: Path) -> list[Problem]:
    """Every image a module shows has alt text and is a file in ``content/images/``."""
    problems: list[Problem] = []
    for path in module_files(Path(content_dir)):
        text = path.read_text(encoding="utf-8")
        parts = split_front_matter(text)
        if parts is None:
            continue
        _, body, first = parts
        for number, line in enumerate(body.splitlines(), start=first):
            for match in IMAGE.finditer(line):
                alt, src = match[1].strip(), match[2]
                shown = display_path(path)
                if not alt:
                    problems.append(Problem(shown, number, f"image '{src}' has no alt text"))
                name = local_image(src)
                if name is None:
                    problems.append(Problem(shown, number, f"image '{src}' must be a file in images/ "
                                                           "(course images are served locally)"))
                elif not (Path(content_dir) / "images" / name).is_file():
                    problems.append(Problem(shown, number, f"image file 'images/{name}' is missing"))
    return problems
