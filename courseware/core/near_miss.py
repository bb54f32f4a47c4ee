"""Near-miss credit: partial credit for giving one owner role where the key is another (``registry.yaml``).

A quiz opts in with ``near_miss: true``; its route questions and split tasks then earn ``credit`` × the item's
points for a listed (given, key) pair (``Question.near_miss_item``).  A pair not listed earns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from . import strict_yaml


class FieldReader(Protocol):
    """What reading the registry needs: typed fields with their problems, and problems at a line."""

    def add(self, line: int, message: str) -> None:
        """Record a problem at ``line``."""

    def field(self, data: Any, key: str, kind: type | tuple[type, ...], *, required: bool = True,
              default: Any = None) -> Any:
        """``data[key]`` when it is of ``kind``, else ``default`` with a problem."""


@dataclass(frozen=True)
class NearMiss:
    """Partial credit for giving the owner role ``given`` where the key is ``key`` (quizzes opt in with near_miss: true)."""

    given: str
    key: str
    credit: Fraction  # between 0 and 1


def parse_near_miss(data: Any, check: FieldReader, roles: set[str]) -> tuple[NearMiss, ...]:
    """The optional ``near_miss`` list: {given, key, credit} entries with known roles and a credit from 0 to 1."""
    entries = check.field(data, "near_miss", list, required=False, default=[])
    found: list[NearMiss] = []
    seen: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(entries):
        line = strict_yaml.line_of(entries, i)
        if not isinstance(entry, dict):
            check.add(line, "each entry of 'near_miss' must be a mapping {given, key, credit}")
            continue
        for key in entry:
            if key not in ("given", "key", "credit"):
                check.add(strict_yaml.line_of(entry, key, line), f"near_miss: unknown field '{key}'")
        given, key = check.field(entry, "given", str), check.field(entry, "key", str)
        credit = check.field(entry, "credit", (int, float))
        bad = False
        for name, role in (("given", given), ("key", key)):
            if role is not None and role not in roles:
                check.add(strict_yaml.line_of(entry, name, line), f"near_miss: unknown role '{role}'")
                bad = True
        if credit is None:
            bad = True
        elif not 0 <= credit <= 1:
            check.add(strict_yaml.line_of(entry, "credit", line), f"near_miss: credit {credit} is outside 0..1")
            bad = True
        if given is not None and given == key:
            check.add(line, f"near_miss: '{given}' is the key itself, which earns full credit")
            bad = True
        if bad or given is None or key is None:
            continue
        if (given, key) in seen:
            check.add(line, f"near_miss: duplicate pair {given} for {key} (first at line {seen[(given, key)]})")
            continue
        seen[(given, key)] = line
        found.append(NearMiss(given, key, Fraction(str(credit))))
    return tuple(found)
