"""The ``courseware`` command: a FlaskGroup (so ``courseware run`` works) plus our commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from flask.cli import run_command as flask_run_command

from .app import ConfigError, create_app_or_exit, require_database
from .core.access import ACCESS_ROLES
from .core.errors import ContentError
from .core.operating_model import DEFAULT_MODEL, MODELS
from .state import state_of


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the latest migration."""
    from .persistence.db import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


def _sessions():  # type: ignore[no-untyped-def]
    return state_of(current_app).sessions


@click.command("create-user")
@click.argument("email")
@click.option("--name", "display_name", help="Display name (default: the part of the email before @).")
@click.option("--role", "roles", multiple=True, type=click.Choice(ACCESS_ROLES),
              default=["learner"], show_default=True, help="Repeat for several roles.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Prompted when omitted.")
@with_appcontext
def create_user_command(email: str, display_name: str | None, roles: tuple[str, ...], password: str) -> None:
    """Create a user who can sign in."""
    from .core.errors import InvalidInput
    from .persistence.db import write_session
    from .services.accounts import create_user

    with write_session(_sessions()) as session:
        try:
            user = create_user(session, email=email, display_name=display_name or email.split("@")[0],
                               password=password, roles=roles)
        except InvalidInput as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
        click.echo(f"Created {user.email} ({', '.join(sorted(user.access_roles))}).")


@click.command("seed-demo")
@click.option("--password", required=True, help="The password every demo account gets.")
@click.option("--learners", default=0, show_default=True, type=click.IntRange(0, 1_000_000),
              help="Synthetic learners to add for scale tests.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@with_appcontext
def seed_demo_command(password: str, learners: int, if_empty: bool) -> None:
    """Fill the database with the demo organisation and print the logins."""
    from .persistence import queries
    from .persistence.db import write_session
    from .services.seed import seed_demo

    with write_session(_sessions()) as session:
        if if_empty and queries.count_users(session):
            click.echo("The database already has users; demo not seeded.")
            return
        if len(password) < 8:
            raise click.ClickException("--password must have at least 8 characters.")
        result = seed_demo(session, state_of(current_app).catalog, password=password, learners=learners,
                           quizzes=state_of(current_app).quizzes)
        session.commit()
    click.echo("Demo logins (password: the one you gave):")
    for email, name, roles in result.logins:
        click.echo(f"  {email:<24} {name:<22} {roles}")
    if result.synthetic:
        click.echo(f"  + {result.synthetic} synthetic learners (learnerN@synthetic.example.com) in "
                   f"{result.synthetic_cohorts} cohort(s), {result.synthetic_mentors} synthetic mentors "
                   f"(mentorN@synthetic.example.com), {result.synthetic_attempts} graded attempts")


@click.command("import-users")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_users_command(csv_file: Path) -> None:
    """Create or update people from a CSV (email,name,roles,cohort,mentor); a bad row stops the whole import."""
    from .persistence.db import write_session
    from .services.importer import ImportRejected, import_users
    from .services.organisation import organisation_today

    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        click.echo(f"{csv_file}:1: the file is not UTF-8 text; save it as CSV UTF-8.", err=True)
        sys.exit(1)
    with write_session(_sessions()) as session:
        try:
            summary = import_users(session, text, path=str(csv_file), today=organisation_today(session))
        except ImportRejected as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"courseware: {len(exc.problems)} problem(s) found; nothing was imported.", err=True)
            sys.exit(1)
        session.commit()
    click.echo(f"Imported {csv_file}: {len(summary.created)} created, {len(summary.updated)} updated, "
               f"{len(summary.unchanged)} unchanged, {summary.mentorships} mentor assignment(s) set.")
    for name in summary.cohorts_created:
        click.echo(f"  new cohort: {name}")
    for email, changes in summary.updated:
        click.echo(f"  updated {email}: {', '.join(changes)}")
    if summary.created:
        click.echo("First passwords of the new people (share each one privately):")
        for email, password in summary.created:
            click.echo(f"  {email:<32} {password}")


@click.command("check")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), help="Content directory to check.")
@click.option("--quizzes", "quiz_dir", type=click.Path(path_type=Path), help="Quiz directory to check.")
def check_command(content_dir: Path | None, quiz_dir: Path | None) -> None:
    """Validate content and quizzes; print each problem as path:line: message."""

    from .core.validate import check_course

    report = check_course(content_dir or _configured_dir("CONTENT_DIR"), quiz_dir or _configured_dir("QUIZ_DIR"))
    for problem in report.problems:
        click.echo(str(problem))
    if report.problems:
        click.echo(f"{len(report.problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(f"OK: {report.modules} modules and {report.quizzes} quizzes ({report.questions} questions).")


@click.command("grade")
@click.argument("quiz_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("answers_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--model", default=DEFAULT_MODEL, show_default=True, type=click.Choice(MODELS),
              help="Operating model.")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), help="Content directory (for the registry).")
def grade_command(quiz_file: Path, answers_file: Path, model: str, content_dir: Path | None) -> None:
    """Grade an answers JSON file against a quiz file and print the grade as JSON."""
    import json

    from .core.catalog import load_catalog
    from .core.grading import AnswerError, grade
    from .core.quiz import load_quiz_file

    try:
        catalog = load_catalog(content_dir or _configured_dir("CONTENT_DIR"))
    except ContentError as exc:
        _fail("\n".join(str(p) for p in exc.problems))
    quiz, problems = load_quiz_file(quiz_file, catalog.registry, catalog)
    if quiz is None:
        _fail("\n".join(str(p) for p in problems))
    try:
        answers = json.loads(answers_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        _fail(f"{answers_file}: not valid JSON ({exc})")
    try:
        result = grade(quiz, answers, model)
    except AnswerError as exc:
        _fail(f"{answers_file}: {exc}")
    click.echo(json.dumps(result.to_json(), indent=2))


def _configured_dir(key: str) -> Path:
    """COURSEWARE_<key> from the environment, else the default (commands that run without an app)."""
    from .config import Defaults

    return Path(os.environ.get(f"COURSEWARE_{key}") or getattr(Defaults, key))


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)


COMMANDS = [init_db, create_user_command, seed_demo_command, import_users_command, check_command, grade_command]


def register_commands(app: Flask) -> None:
    """Put our commands on ``app.cli`` (for ``app.test_cli_runner``)."""
    for command in COMMANDS:
        app.cli.add_command(command)


@click.group(cls=FlaskGroup, create_app=create_app_or_exit, add_version_option=False)
def cli() -> None:
    """Courseware: AM/PM onboarding. Run `courseware run` to serve, `courseware check` to validate content."""


@click.command("run", params=list(flask_run_command.params), context_settings=flask_run_command.context_settings)
@click.pass_context
def run_command(ctx: click.Context, **options: object) -> None:
    """Serve with the Flask development server, once the database is there and migrated (else exit 1)."""
    app = ctx.ensure_object(ScriptInfo).load_app()
    try:
        require_database(app)
    except ConfigError as exc:
        click.echo(f"courseware: {exc}", err=True)
        sys.exit(1)
    ctx.invoke(flask_run_command, **options)


cli.add_command(check_command)
cli.add_command(grade_command)
cli.add_command(run_command)  # replaces Flask's own run


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="courseware")
