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

