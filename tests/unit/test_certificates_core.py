"""The certificate rules in core: codes, months, status, and which scopes a path completes."""

from __future__ import annotations

from datetime import date

from courseware.core.certificates import (
    CODE_ALPHABET,
    CertificateStatus,
    add_months,
    certificate_status,
    expiry_date,
    format_code,
    new_code,
    normalise_code,
)


def test_codes_are_twelve_unambiguous_characters_and_typed_forgivingly() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 12 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01IO") & set(CODE_ALPHABET)
    assert format_code("ABCDEFGHJKLM") == "ABCD-EFGH-JKLM"
    assert normalise_code(" abcd-efgh jklm ") == "ABCDEFGHJKLM"
    for bad in ("", "ABCD-EFGH-JKL", "ABCD-EFGH-JKLMN", "ABCD-EFGH-JKL0", "<script>", "ABCD EFGH JKL!"):
        assert normalise_code(bad) is None, bad


def test_months_keep_the_day_or_take_the_last_of_a_short_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 1), 12) == date(2027, 12, 1)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert expiry_date(date(2026, 12, 1), None) is None
    assert expiry_date(date(2026, 12, 1), 12) == date(2027, 12, 1)


def test_status_revoked_wins_then_expired_from_the_expiry_day() -> None:
    expires = date(2027, 12, 1)
    assert certificate_status(revoked=False, expires_on=expires, today=date(2027, 11, 30)) is CertificateStatus.VALID
    assert certificate_status(revoked=False, expires_on=expires, today=expires) is CertificateStatus.EXPIRED
    assert certificate_status(revoked=True, expires_on=expires, today=date(2026, 1, 1)) is CertificateStatus.REVOKED
    assert certificate_status(revoked=False, expires_on=None, today=date(2099, 1, 1)) is CertificateStatus.VALID


def test_a_certificate_track_without_modules_is_a_content_problem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    from pathlib import Path

    import pytest

    from courseware.core.catalog import load_catalog
    from courseware.core.errors import ContentError

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "content", content)
    registry = content / "registry.yaml"
    registry.write_text(registry.read_text().replace(
        "tracks:\n", "tracks:\n  - {id: empty, title: Empty, order: 9, certificate: true}\n", 1))
    with pytest.raises(ContentError) as raised:
        load_catalog(content)
    assert "track 'empty' is marked 'certificate: true' but has no modules" in str(raised.value)
    assert load_catalog(Path(__file__).resolve().parents[1] / "data" / "content").track("foundations").certificate



def test_scopes_from_the_completed_modules_equal_the_paths() -> None:
    """``scopes_complete`` (counted from the completed modules) equals ``completed_scopes`` of the whole learner
    path, for every combination of modules read and quizzes passed on the fixture course (which has a certificate
    track) and for a sample of combinations on the shipped course."""
    import itertools
    import random
    from pathlib import Path

    from courseware.core.catalog import load_catalog
    from courseware.core.certificates import completed_scopes, scopes_complete
    from courseware.core.progress import Standing, completion_rule, learner_path
    from courseware.core.quiz import load_quizzes

    def subsets(items: list[str]) -> list[frozenset[str]]:
        return [frozenset(c) for n in range(len(items) + 1) for c in itertools.combinations(items, n)]

    root = Path(__file__).parent.parent / "data"
    shipped = Path(__file__).parent.parent.parent / "content"
    checked = 0
    for content, quizzes, exhaustive in ((root / "content", root / "quizzes", True),
                                         (shipped, shipped.parent / "quizzes", False)):
        catalog = load_catalog(content)
        rule = completion_rule(catalog, load_quizzes(quizzes, catalog))
        modules, quiz_ids = [m.id for m in catalog.modules], [q for _, qs in rule.by_quiz for q in qs]
        if exhaustive:
            cases = [(read, passed) for read in subsets(modules) for passed in subsets(quiz_ids)]
        else:
            rng = random.Random(12)
            cases = [(frozenset(m for m in modules if rng.random() < share),
                      frozenset(q for q in quiz_ids if rng.random() < share))
                     for share in (0.0, 0.3, 0.7, 0.9, 1.0) for _ in range(40)]
        for read, passed in cases:
            standing = Standing(read, read, passed)
            assert scopes_complete(catalog, rule, rule.completed(read, passed)) == completed_scopes(
                learner_path(catalog, rule, standing)), (read, passed)
            checked += 1
    assert checked > 200
