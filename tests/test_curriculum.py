"""The curriculum cannot silently shrink, lose its structure, or copy the article it teaches."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

from courseware.core.catalog import load_catalog
from courseware.core.questions.split import SplitQuestion
from courseware.core.quiz import load_quizzes

REPO = Path(__file__).parent.parent
CATALOG = load_catalog(REPO / "content")
BANK = load_quizzes(REPO / "quizzes", CATALOG)
QUESTIONS = [q for quiz in BANK for q in quiz.questions]
HASHES = {line.strip() for line in (Path(__file__).parent / "data" / "article_12gram_hashes.txt").read_text().splitlines()
          if line.strip() and not line.startswith("#")}


def test_at_least_16_modules_of_600_to_1500_words() -> None:
    assert len(CATALOG.modules) >= 16
    wrong = [(m.id, m.words) for m in CATALOG.modules if not 600 <= m.words <= 1500]
    assert wrong == []


def test_every_track_has_modules() -> None:
    counts = Counter(m.track for m in CATALOG.modules)
    assert counts == {"foundations": 5, "knowledge-areas": 5, "pitfalls": 3, "structures": 3, "mentoring": 3}


@pytest.mark.parametrize("module", CATALOG.modules, ids=lambda m: m.id)
def test_module_structure(module) -> None:  # type: ignore[no-untyped-def]
    assert module.summary.strip()
    assert "who-owns-it" in module.anchors
    assert "key-takeaways" in module.anchors
    assert "<table>" in module.html
    assert 'class="admonition example"' in module.html  # a short scenario
    assert module.areas
    assert module.prerequisites or module.order == 1


def test_a_quiz_for_every_module_of_tracks_2_to_4_and_a_final() -> None:
    quizzed = {q.module for q in BANK}
    needed = {m.id for m in CATALOG.modules if m.track in ("knowledge-areas", "pitfalls", "structures")}
    assert needed - quizzed == set()
    final = BANK.get("final-assessment")
    assert final is not None and final.module is None
    assert len({q.see.split("#")[0] for q in final.questions if q.see}) >= 8  # draws on many modules


def test_question_counts() -> None:
    assert len(QUESTIONS) >= 80
    assert sum(q.type in ("route", "split", "raci") for q in QUESTIONS) >= 50
    per_area = Counter(q.area for q in QUESTIONS)
    assert {a.id for a in CATALOG.registry.areas} <= set(per_area)
    assert min(per_area.values()) >= 8, per_area
    assert {t for t in Counter(q.type for q in QUESTIONS)} == {"route", "split", "raci", "choice"}


def test_at_least_15_hybrid_specific_keys() -> None:
    hybrid = 0
    for q in QUESTIONS:
        if isinstance(q, SplitQuestion):  # each task keyed on its own
            hybrid += sum(1 for t in q.tasks if t.key("hybrid") != t.key("separate"))
        elif q.key("hybrid") != q.key("separate"):
            hybrid += 1
    assert hybrid >= 15


def test_hybrid_scenarios_say_what_kind_of_account() -> None:
    vague = [q.id for q in QUESTIONS if q.has_model_variants
             and not re.search(r"\b(small|smaller|large|larger|largest|complex|single|local|regional)\b", q.prompt, re.I)]
    assert vague == []


def test_every_question_is_explained_and_linked() -> None:
    assert [q.id for q in QUESTIONS if not q.explanation or not q.see] == []
    missing_feedback = [(q.id, o) for q in QUESTIONS if q.type == "route" for o in q.options if not q.feedback.get(o)]
    assert missing_feedback == []


def _windows(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))
    return {hashlib.sha256(" ".join(words[i:i + 12]).encode()).hexdigest()[:16] for i in range(len(words) - 11)}


def test_no_12_word_run_of_the_article() -> None:
    assert len(HASHES) > 1000  # the fingerprint file is really there
    files = sorted((REPO / "content").rglob("*.md")) + sorted((REPO / "quizzes").rglob("*.yaml"))
    copied = [str(f.relative_to(REPO)) for f in files if _windows(f.read_text(encoding="utf-8")) & HASHES]
    assert copied == []


def test_fingerprints_match_the_article_where_it_is_available() -> None:
    # On the team's machines the article sits beside the repository (../shared/source); the
    # fingerprints must be exactly its 12-word windows, so the check above really catches a copy.
    sources = sorted((REPO.parent / "shared" / "source").glob("*.txt"))
    article = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    assert _windows(article) == (HASHES if sources else set())
