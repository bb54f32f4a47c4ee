"""Course Markdown extensions: ``[[raci: <area>]]`` renders the master RACI rows of one knowledge area as a table,
and local images (``![alt](images/<file>)``) point at the course's image route.

Used by ``rendering.render_content`` only: user-written notes never get either.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .master_raci import COLUMN_LABELS, COLUMNS, NOT_ON_ACCOUNT, PARTIES, PARTY_LABELS, MasterRaci

RACI_TAG = re.compile(r"^\[\[raci:\s*([a-z0-9-]+)\s*\]\]\s*$")
IMAGE_DIR = "images/"  # where course images live, inside the content directory
IMAGE_URL = "/content/images/"  # where the app serves them


class TagError(Exception):
    """A ``[[raci: …]]`` tag that cannot be rendered; ``line`` is 1-based within the text."""

    def __init__(self, message: str, line: int):
        self.line = line
        super().__init__(message)


SHORT_LABELS = {"separate": "Separate", "hybrid-small": "Hybrid, small account", "hybrid-dedicated": "Hybrid, dedicated PM"}


def raci_table(raci: MasterRaci, area: str) -> list[str]:
    """One area's work as an HTML table (a row per piece of work, a column per model and account) and its legend."""
    parties = " · ".join(PARTY_LABELS[p] for p in PARTIES)
    head = "".join(f'<th scope="col" title="{COLUMN_LABELS[c]}">{SHORT_LABELS[c]}</th>' for c in COLUMNS)
    rows = []
    for work in raci.in_area(area):
        cells = "".join(
            '<td class="letters">' + " · ".join(f"<strong>{x}</strong>" if x == "A" else x
                                                 for x in (work.letters[c][p] for p in PARTIES)) + "</td>"
            for c in COLUMNS)
        rows.append(f'<tr><th scope="row">{html.escape(work.text)}</th>{cells}</tr>')
    return ["", '<div class="raci-wrap"><table class="raci">', f"<thead><tr><th scope=\"col\">Work</th>{head}</tr></thead>",
            "<tbody>", *rows, "</tbody></table></div>", "",
            f"*Letters in the order {parties}. R does the work, A answers for it, C is asked first, I is told; "
            f"{NOT_ON_ACCOUNT}: not on the account. From the course's master RACI.*", ""]


class _RaciTags(Preprocessor):
    def __init__(self, md: Markdown, raci: MasterRaci | None):
        super().__init__(md)
        self.raci = raci

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for number, line in enumerate(lines, start=1):
            match = RACI_TAG.match(line)
            if match is None:
                out.append(line)
                continue
            if self.raci is None:
                raise TagError("a [[raci: …]] tag needs the master RACI (content/raci.yaml)", number)
            if not self.raci.in_area(match[1]):
                raise TagError(f"the master RACI has no work in area '{match[1]}'", number)
            out += raci_table(self.raci, match[1])
        return out


class _LocalImages(Treeprocessor):
    def run(self, root: Any) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        for img in list(root.iter("img")):
            name = local_image(img.get("src", ""))
            if name is None:  # not the course's own: leave its alt text, drop the image
                parent = parents[img]
                index = list(parent).index(img)
                parent.remove(img)
                text = (img.get("alt") or "") + (img.tail or "")
                if index:
                    parent[index - 1].tail = (parent[index - 1].tail or "") + text
                else:
                    parent.text = (parent.text or "") + text
                continue
            img.set("src", IMAGE_URL + name)
            img.set("loading", "lazy")


def local_image(src: str) -> str | None:
    """The file name of a course image (``images/<name>``, no sub-folders), else None."""
    name = src[len(IMAGE_DIR):] if src.startswith(IMAGE_DIR) else ""
    return name if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) and ".." not in name else None


class CourseExtension(Extension):
    """The master RACI tag and local images, for course content."""

    def __init__(self, raci: MasterRaci | None = None):
        super().__init__()
        self.raci = raci

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        """Register the tag preprocessor (before tables are parsed) and the image rewriter."""
        md.preprocessors.register(_RaciTags(md, self.raci), "course_raci", 25)
        md.treeprocessors.register(_LocalImages(md), "course_images", 1)
