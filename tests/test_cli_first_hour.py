"""A newcomer's first hour: the command works in a checkout as `make run` does, and every message is true."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from courseware.app import create_app
from courseware.persistence import queries
from courseware.persistence.db import head_revision, upgrade
from courseware.services import accounts
from courseware.state import state_of
from tests.conftest import make_config, make_user

REPO = Path(__file__).parent.parent


def courseware(instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `courseware ARGS` as a newcomer would: no COURSEWARE_* variable set, the instance folder given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEWARE_")}
    env["COURSEWARE_INSTANCE_PATH"] = str(instance)
    return subprocess.run([sys.executable, "-c", "from courseware.cli import main; main()", *args], env=env,
                          capture_output=True, text=True, cwd=instance.parent, timeout=120, check=False)


def test_a_fresh_checkout_from_help_to_backup(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    helped = courseware(instance, "--help")
    assert helped.returncode == 0, helped.stderr
    for command in ("init-db", "create-user", "seed-demo", "import-users", "backup", "restore", "run"):
        assert f"  {command} " in helped.stdout
    assert "secret key" not in helped.stderr.lower()
    assert not (instance / "secret_key").exists()  # asking for help made nothing

    refused = courseware(instance, "create-user", "a@example.com", "--password", "long-password")
    assert refused.returncode == 1
    assert "In production set COURSEWARE_SECRET_KEY" in refused.stderr
    assert f"`courseware init-db --dev` once keeps a development key in {instance / 'secret_key'}" in refused.stderr

    made = courseware(instance, "init-db", "--dev")
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [
        f"Made a development secret key in {instance / 'secret_key'} (for this checkout only: set "
        "COURSEWARE_SECRET_KEY in production).",
        f"Created the database schema (revision {head_revision()}) in {instance / 'courseware.db'}.",
    ]
    # From now on every command finds the key, with no variable set.
    again = courseware(instance, "init-db")
    assert again.stdout.strip() == (f"The database in {instance / 'courseware.db'} is already current "
                                    f"(revision {head_revision()}); nothing to do.")
    created = courseware(instance, "create-user", "boss@example.com", "--role", "admin", "--password", "long-password")
    assert created.returncode == 0 and "Created boss@example.com (admin)." in created.stdout
    people = tmp_path / "people.csv"
    people.write_text("email,name,roles,cohort,mentor\nnew@example.com,New Person,learner,,\n")
    imported = courseware(instance, "import-users", str(people))
    assert imported.returncode == 0 and "1 created" in imported.stdout, imported.stderr
    backed_up = courseware(instance, "backup", str(tmp_path / "copy.db"))
    assert backed_up.returncode == 0 and (tmp_path / "copy.db").exists(), backed_up.stderr
    seeded = courseware(instance, "seed-demo", "--if-empty", "--password", "courseware-demo")
    assert seeded.stdout.strip() == "The database already has users (not the demo's); the demo was not seeded."


@pytest.fixture
def fresh_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.db'}"


def test_init_db_says_what_it_did(fresh_url: str, tmp_path: Path) -> None:
    app = create_app(make_config(fresh_url))
    runner = app.test_cli_runner()
    head, where = head_revision(), tmp_path / "fresh.db"
    assert runner.invoke(args=["init-db"]).output == f"Created the database schema (revision {head}) in {where}.\n"
    assert runner.invoke(args=["init-db"]).output == (
        f"The database in {where} is already current (revision {head}); nothing to do.\n")
    state_of(app).engine.dispose()

    old = tmp_path / "old.db"
    upgrade(f"sqlite:///{old}", "0004")
    app = create_app(make_config(f"sqlite:///{old}"))
    upgraded, rebuilt = app.test_cli_runner().invoke(args=["init-db"]).output.split("\n", 1)
    assert upgraded == f"Upgraded the database in {old} from revision 0004 to {head}."
    assert re.fullmatch(r"Dashboard rollups rebuilt in \d+\.\d s\.\n", rebuilt)  # the new tables filled
    state_of(app).engine.dispose()


def test_seed_demo_tells_the_truth_about_passwords(app: Flask, db) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--if-empty", "--password", "first-run-password"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Demo logins (password: first-run-password — as given):\n  admin@example.com ")
    assert "the one you gave" not in first.output
    # A second `make run` with the default DEMO_PASSWORD: the accounts keep the first run's password, and it says so.
    second = runner.invoke(args=["seed-demo", "--if-empty", "--password", "courseware-demo"])
    assert second.output == ("The demo is already seeded; its accounts keep the password they were given when it "
                             "was first seeded, not 'courseware-demo'.\n")
    same = runner.invoke(args=["seed-demo", "--if-empty", "--password", "first-run-password"])
    assert same.output == ("The demo is already seeded; sign in as admin@example.com, mentor@example.com, "
                           "mentor2@example.com, learner@example.com with the password 'first-run-password'.\n")
    unforced = runner.invoke(args=["seed-demo", "--password", "another-password"])
    assert "Demo logins" not in unforced.output
    assert unforced.output.startswith("Already there, with the password they had: admin@example.com, mentor@example.com")
    db.rollback()
    admin = queries.user_by_email(db, "admin@example.com")
    assert admin is not None and accounts.password_matches(admin, "first-run-password")


def test_seed_demo_without_a_password_prints_the_one_it_made(app: Flask, db) -> None:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    first_line = result.output.splitlines()[0]
    assert first_line.startswith("Demo logins (password: ") and first_line.endswith(
        " — generated, as no --password was given):")
    password = first_line.removeprefix("Demo logins (password: ").split(" — ")[0]
    assert len(password) == 16
    assert accounts.authenticate(db, "learner@example.com", password) is not None


def test_a_database_of_real_people_is_not_called_the_demo(app: Flask, db) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "someone@agency.example")
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.output == "The database already has users (not the demo's); the demo was not seeded.\n"


def test_make_run_and_the_readme_promise_only_what_is_true() -> None:
    makefile = (REPO / "Makefile").read_text()
    echoes = [line for line in makefile.splitlines() if line.strip().startswith("@echo")]
    assert not any("DEMO_PASSWORD" in line for line in echoes)  # the password is printed by seed-demo, truthfully
    readme = (REPO / "README.md").read_text()
    for needed in ("HOST=", "PORT=", "COURSEWARE_SECRET_KEY", "courseware init-db --dev", "courseware backup",
                   "courseware restore", "crontab"):
        assert needed in readme, needed
