"""Start-up faults: bad or missing content, a broken quiz file, a missing or unmigrated database.

The red-team pass: with bad content gunicorn's workers restarted in a loop (2,556 restarts in 28
minutes), the port stayed open and requests hung; a missing SQLite file was silently created
empty and every sign-in then failed with a 500.  Now the server stops at once with the messages.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from courseware.app import create_app_or_exit
from courseware.cli import cli
from courseware.persistence.db import head_revision, upgrade
from tests.conftest import REPO
from tests.faults.servers import BIN, copy_course, free_port, gunicorn, server_env, serving


def _break_module(content: Path) -> Path:
    module = content / "areas" / "01-scope.md"
    module.write_text(module.read_text().replace("prerequisites: [basics]", "prerequisites: [ghost]"))
    return module


def _break_quiz(quizzes: Path) -> Path:
    quiz = quizzes / "scope.yaml"
    quiz.write_text(quiz.read_text().replace("    type: route\n", "    type: route\n    prompt: [unclosed\n", 1))
    return quiz


def _exits(env: dict[str, str], seconds: float = 30) -> tuple[int, str, float]:
    """Run gunicorn and wait for it to exit: (exit code, stderr, seconds taken)."""
    started = time.monotonic()
    process = gunicorn(env)
    try:
        _out, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
        raise AssertionError(f"gunicorn still running after {seconds} s: {err[-2000:]}") from None
    return process.returncode, err, time.monotonic() - started


@pytest.fixture
def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ok.db'}"
    upgrade(url)
    return url


def test_gunicorn_exits_on_bad_content_with_path_and_line(tmp_path: Path, migrated: str) -> None:
    content, quizzes = copy_course(tmp_path)
    module = _break_module(content)
    code, err, took = _exits(server_env(migrated, free_port(), content, quizzes))
    assert code != 0 and took < 30
    assert f"{module}:9: unknown prerequisite 'ghost'" in err
    assert "courseware: the content has 1 problem(s)" in err
    assert err.count("Booting worker") == 0  # the master stopped before any worker existed


def test_gunicorn_exits_on_a_broken_quiz_file(tmp_path: Path, migrated: str) -> None:
    content, quizzes = copy_course(tmp_path)
    quiz = _break_quiz(quizzes)
    code, err, _ = _exits(server_env(migrated, free_port(), content, quizzes))
    assert code != 0
    assert f"{quiz}:" in err and "YAML syntax error" in err


def test_gunicorn_exits_on_a_missing_content_folder(tmp_path: Path, migrated: str) -> None:
    code, err, _ = _exits(server_env(migrated, free_port(), tmp_path / "nowhere"))
    assert code != 0
    assert f"{tmp_path / 'nowhere'}:1: content directory does not exist" in err


def test_gunicorn_refuses_a_missing_sqlite_file_and_does_not_create_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    code, err, _ = _exits(server_env(f"sqlite:///{missing}", free_port()))
    assert code != 0
    assert f"the database file {missing} does not exist. Run `courseware init-db`" in err
    assert not missing.exists()


def test_gunicorn_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0005")
    code, err, _ = _exits(server_env(url, free_port()))
    assert code != 0
    assert f"the database schema is at migration 0005, this version of the app needs {head_revision()}" in err


def test_gunicorn_serves_from_a_preloaded_app_and_stops_cleanly(migrated: str) -> None:
    port = free_port()
    with serving(server_env(migrated, port, WEB_CONCURRENCY="2"), port) as process:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            assert response.status == 200 and b'"status":"ready"' in response.read().replace(b" ", b"")
        assert process.poll() is None
    assert process.returncode == 0


def test_courseware_run_exits_on_bad_content_and_on_a_missing_database(tmp_path: Path, migrated: str) -> None:
    content, quizzes = copy_course(tmp_path)
    module = _break_module(content)
    env = server_env(migrated, free_port(), content, quizzes)
    result = subprocess.run([str(BIN / "courseware"), "run", "--port", "1"], env=env, capture_output=True, text=True,
                            timeout=60, cwd=REPO)
    assert result.returncode == 1 and f"{module}:9: unknown prerequisite 'ghost'" in result.stderr
    missing = tmp_path / "none.db"
    env = server_env(f"sqlite:///{missing}", free_port())
    result = subprocess.run([str(BIN / "courseware"), "run", "--port", "1"], env=env, capture_output=True, text=True,
                            timeout=60, cwd=REPO)
    assert result.returncode == 1
    assert f"courseware: the database file {missing} does not exist. Run `courseware init-db`" in result.stderr
    assert not missing.exists()


def test_init_db_still_creates_the_database_the_server_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "new.db"
    for key, value in server_env(f"sqlite:///{missing}", free_port()).items():
        if key.startswith("COURSEWARE_"):
            monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as stopped:
        create_app_or_exit(serve=True)
    assert stopped.value.code == 1 and "does not exist" in capsys.readouterr().err
    result = CliRunner().invoke(cli, ["init-db"])
    assert result.exit_code == 0 and f"Created the database schema (revision {head_revision()})" in result.output
    assert create_app_or_exit(serve=True).config["DATABASE_URL"] == f"sqlite:///{missing}"
