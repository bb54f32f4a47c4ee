"""The curriculum cannot silently shrink, lose its structure, or copy the article it teaches."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

from courseware.core.catalog import load_catalog
from courseware.core.questions.base import LEVELS
from courseware.core.questions.route import RouteQuestion
from courseware.core.questions.split import SplitQuestion
from courseware.core.quiz import load_quizzes
from courseware.core.templates_pack import load_templates
from courseware.core.validate import check_course

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
    assert counts == {"week-one": 3, "foundations": 5, "knowledge-areas": 5, "pitfalls": 3, "structures": 3,
                      "mentoring": 5, "capstone": 1}


def test_the_core_path_is_one_track_of_at_most_30_minutes() -> None:
    core = [t for t in CATALOG.registry.tracks if t.core]
    assert [t.id for t in core] == ["week-one"]
    assert CATALOG.registry.tracks[0].core  # it comes first on My path
    assert sum(m.minutes for m in CATALOG.modules_in("week-one")) <= 30


def test_words_areas_and_hybrid_keys_no_lower_than_the_first_edition() -> None:
    # The first edition (96 questions): 21,910 words in modules; these question counts per area; 50 hybrid keys.
    assert sum(m.words for m in CATALOG.modules) >= 21_910
    first = {"communication": 20, "structure": 19, "time": 12, "risk": 12, "budget": 12, "scope": 11, "quality": 10}
    per_area = Counter(q.area for q in QUESTIONS)
    assert {a: per_area[a] for a in first if per_area[a] < first[a]} == {}


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
    assert len(QUESTIONS) >= 130
    assert len(BANK) >= 15
    assert {"foundations-quiz", "mentoring-quiz", "capstone-case"} <= {q.id for q in BANK}
    assert sum(q.type in ("route", "split", "raci") for q in QUESTIONS) >= 50
    per_area = Counter(q.area for q in QUESTIONS)
    assert {a.id for a in CATALOG.registry.areas} <= set(per_area)
    assert min(per_area.values()) >= 8, per_area
    assert {t for t in Counter(q.type for q in QUESTIONS)} == {"route", "split", "raci", "choice"}


def test_at_least_50_hybrid_specific_keys() -> None:
    hybrid = 0
    for q in QUESTIONS:
        if isinstance(q, SplitQuestion):  # each task keyed on its own
            hybrid += sum(1 for t in q.tasks if t.key("hybrid") != t.key("separate"))
        elif q.key("hybrid") != q.key("separate"):
            hybrid += 1
    assert hybrid >= 50


def test_every_question_has_a_level_and_30_percent_judge_or_case() -> None:
    assert [q.id for q in QUESTIONS if q.level not in LEVELS] == []
    hard = sum(q.level in ("judge", "case") for q in QUESTIONS)
    assert hard / len(QUESTIONS) >= 0.30, (hard, len(QUESTIONS))
    for quiz in BANK:  # `courseware check` enforces it too; and the order is what learners see
        ranks = [LEVELS.index(q.level) for q in quiz.questions]
        assert ranks == sorted(ranks) and not quiz.shuffle, quiz.id
    capstone = BANK.get("capstone-case")
    assert capstone is not None and {q.level for q in capstone.questions} >= {"case"}


def test_every_routed_item_names_the_work_it_tests() -> None:
    unnamed = [q.id for q in QUESTIONS if q.type in ("route", "raci") and not q.work]
    unnamed += [f"{q.id}/{t.id}" for q in QUESTIONS if isinstance(q, SplitQuestion) for t in q.tasks if not t.work]
    assert unnamed == []


# Client titles: a decision-maker, or a day-to-day contact.  ("account director" is the agency's own.)
SENIOR = re.compile(r"\b(CMO|CEO|chief executive|managing director|managing partner|marketing director|brand director|"
                    r"digital director|sales director|head of marketing|founder)\b", re.I)
JUNIOR = re.compile(r"\b(coordinator|assistant|production contact|in-house producer|project lead|marketing executive|"
                    r"day-to-day contact)\b", re.I)


def _named(text: str) -> set[str]:
    return {kind for kind, pattern in (("senior", SENIOR), ("junior", JUNIOR)) if pattern.search(text)}


def test_the_contact_field_matches_the_titles_in_the_text() -> None:
    wrong = []
    for q in QUESTIONS:
        named = _named(q.prompt)
        if (q.contact or named) and q.contact not in named:
            wrong.append((q.id, q.contact, sorted(named), q.prompt[:60]))
        for t in q.tasks if isinstance(q, SplitQuestion) else ():
            named = _named(t.text)
            if (t.contact or named) and t.contact not in named:
                wrong.append((f"{q.id}/{t.id}", t.contact, sorted(named), t.text[:60]))
    assert wrong == []


def _cue_items() -> list[tuple[str, str]]:
    """(contact, key) for every route question and split task that names a client contact, under each model."""
    items = []
    for q in QUESTIONS:
        for model in ("separate", "hybrid"):
            if isinstance(q, RouteQuestion) and q.contact:
                items.append((q.contact, q.key(model)))
            for t in q.tasks if isinstance(q, SplitQuestion) else ():
                if t.contact:
                    items.append((t.contact, t.key(model)))
    return items


def test_no_job_title_gives_the_answer_away() -> None:
    items = _cue_items()
    senior = [key for contact, key in items if contact == "senior"]
    junior = [key for contact, key in items if contact == "junior"]
    assert len(senior) >= 40 and len(junior) >= 30  # enough items for the ratios to mean something
    assert senior.count("am") / len(senior) <= 0.65, Counter(senior)
    assert junior.count("pm") / len(junior) <= 0.65, Counter(junior)


def test_accounts_called_small_say_so() -> None:
    unsaid = [q.id for q in QUESTIONS if re.search(r"\ba small(er)? (regional |local )?account", q.prompt, re.I)
              and q.account != "small" and not isinstance(q, SplitQuestion)]
    assert unsaid == []


def test_check_is_clean_and_every_template_downloads_in_both_forms() -> None:
    assert check_course(REPO / "content", REPO / "quizzes").problems == ()
    templates = load_templates(REPO / "content", [])
    assert {t.id for t in templates} >= {"account-raci", "contact-sheet", "kickoff-checklist", "change-request-log",
                                         "status-report", "role-charter", "account-categories"}
    for t in templates:
        assert t.markdown().startswith(f"# {t.title}") and t.csv().splitlines()[0].startswith(t.columns[0])


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
    files = sorted(p for p in (REPO / "content").rglob("*") if p.suffix in (".md", ".yaml", ".svg"))
    files += sorted((REPO / "quizzes").rglob("*.yaml"))
    copied = [str(f.relative_to(REPO)) for f in files if _windows(f.read_text(encoding="utf-8")) & HASHES]
    assert copied == []


def test_fingerprints_match_the_article_where_it_is_available() -> None:
    # On the team's machines the article sits beside the repository (../shared/source); the
    # fingerprints must be exactly its 12-word windows, so the check above really catches a copy.
    sources = sorted((REPO.parent / "shared" / "source").glob("*.txt"))
    article = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    assert _windows(article) == (HASHES if sources else set())
