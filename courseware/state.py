"""What an app instance holds once started: the course, the quiz bank and the database handles.

One typed holder, stored on ``app.extensions["courseware"]`` by the factory and read through
``state_of(app)`` (and ``web.db.state()`` inside a request) instead of loose extension keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .core.access import TRACK_AUDIENCES
from .core.catalog import Catalog
from .core.diagnostic import Diagnostic
from .core.progress import CompletionRule, completion_rule
from .core.quiz import QuizBank
from .core.search import SearchIndex
from .core.templates_pack import TemplatePack
from .persistence import rollups

KEY = "courseware"


@dataclass
class AppState:
    """The loaded course and the database of one app instance."""

    catalog: Catalog
    quizzes: QuizBank
    engine: Engine
    sessions: sessionmaker[Session]
    templates: TemplatePack = field(default_factory=TemplatePack)
    diagnostic: Diagnostic | None = None  # content/diagnostic.yaml, when the course has one
    # url_for results of links that never change, per (script root, endpoint, values).
    fixed_urls: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = field(default_factory=dict)
    completion: CompletionRule = field(init=False)  # derived from the catalog and the quiz bank: learners' path
    # {audience: the rule of those people's own path, with the tracks marked for them} (core/access.TRACK_AUDIENCES)
    audience_completion: dict[str, CompletionRule] = field(init=False)
    search: SearchIndex = field(init=False)  # the modules' full-text index, built once at start-up

    def __post_init__(self) -> None:
        self.completion = completion_rule(self.catalog, self.quizzes)
        self.audience_completion = {a: completion_rule(self.catalog, self.quizzes, (a,)) for a in TRACK_AUDIENCES}
        self.search = SearchIndex.build(self.catalog)
        rollups.use_rule(self.engine, self.completion)  # the dashboards' rollups follow this course


def state_of(app: Any) -> AppState:
    """The state of a Flask app built by ``create_app``."""
    return app.extensions[KEY]  # type: ignore[no-any-return]
