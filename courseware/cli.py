"""The ``courseware`` command: a FlaskGroup (so ``courseware run`` works) plus our commands."""

from __future__ import annotations

import os
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from flask.cli import run_command as flask_run_command

from .app import ConfigError, create_app_or_exit, require_database
from .cli_backup import backup_command, restore_command
from .core.access import ACCESS_ROLES
from .core.errors import ContentError
from .core.operating_model import DEFAULT_MODEL, MODELS
from .state import state_of


def _want_development(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    """Before the app is built: ask for development mode (a key kept in instance/), as `make run` runs."""
    if value:
        ctx.ensure_object(ScriptInfo).data["development"] = True
    return value


@click.command("init-db")
@click.option("--dev", is_flag=True, is_eager=True, callback=_want_development,
              help="A development checkout: keep a generated secret key in instance/ that every command then finds.")
@with_appcontext
def init_db(dev: bool) -> None:
    """Create the database schema, or upgrade it to the latest migration; say which it did."""
    from .persistence.db import current_revision, head_revision, upgrade

    url = current_app.config["DATABASE_URL"]
    if current_app.config.get("SECRET_KEY_ORIGIN") == "new development key":
        click.echo(f"Made a development secret key in {Path(current_app.instance_path) / 'secret_key'} "
                   "(for this checkout only: set COURSEWARE_SECRET_KEY in production).")
    where = _where(url)
    before = current_revision(url)
    upgrade(url)
    head = head_revision()
    if before is None:
        click.echo(f"Created the database schema (revision {head}) in {where}.")
    elif before != head:
        click.echo(f"Upgraded the database in {where} from revision {before} to {head}.")
        _rebuild_rollups()  # a new rollup table, or a migration that changed what they count
    else:
        click.echo(f"The database in {where} is already current (revision {head}); nothing to do.")


def _where(url: str) -> str:
    """A database URL as a person reads it: the file for SQLite, no password for the rest."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database or "memory")
    return parsed.render_as_string(hide_password=True)


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


@click.command("create-token")
@click.argument("email")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True,
              help="read: GET only; write: also POST, PATCH and DELETE (as far as the person's role allows).")
@click.option("--expires", "days", type=click.IntRange(1, 3650), default=None, help="Days until it expires (default: never).")
@click.option("--name", default="Command line", show_default=True, help="A name to tell the token apart.")
@with_appcontext
def create_token_command(email: str, scope: str, days: int | None, name: str) -> None:
    """Make a personal access token for the JSON API and print it (once) on a line of its own."""
    from .core.errors import InvalidInput
    from .persistence import queries
    from .persistence.db import write_session
    from .services import api_tokens
    from .services.accounts import normalise_email

    with write_session(_sessions()) as session:
        user = queries.user_by_email(session, normalise_email(email))
        if user is None or not user.active:
            raise click.ClickException(f"There is no active user {email.strip().lower()}.")
        try:
            made = api_tokens.create_token(session, user, scope=scope, name=name, days=days)
        except InvalidInput as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
        expiry = f"expires {made.row.expires_at:%Y-%m-%d %H:%M} UTC" if made.row.expires_at else "never expires"
        click.echo(f"A {scope} token for {user.email} ({expiry}); it is shown only now:", err=True)
        click.echo(made.token)


@click.command("seed-demo")
@click.option("--password", help="The password the new demo accounts get (default: a generated one, printed).")
@click.option("--learners", default=0, show_default=True, type=click.IntRange(0, 1_000_000),
              help="Synthetic learners to add for scale tests.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@with_appcontext
def seed_demo_command(password: str | None, learners: int, if_empty: bool) -> None:
    """Fill the database with the demo organisation and print the logins."""
    from .persistence import queries
    from .persistence.db import write_session
    from .services import accounts
    from .services.seed import NAMED, seed_demo

    generated = password is None
    if password is None:
        password = secrets.token_urlsafe(12)
    with write_session(_sessions()) as session:
        if if_empty and queries.count_users(session):
            admin = queries.user_by_email(session, NAMED[0][0])
            if admin is None:
                click.echo("The database already has users (not the demo's); the demo was not seeded.")
            elif not generated and accounts.password_matches(admin, password):
                click.echo(f"The demo is already seeded; sign in as {', '.join(e for e, _n, _r in NAMED[:4])} "
                           f"with the password '{password}'.")
            else:
                click.echo("The demo is already seeded; its accounts keep the password they were given when it was "
                           + ("first seeded." if generated else f"first seeded, not '{password}'."))
            return
        from .core.errors import InvalidInput
        from .core.passwords import check_new_password

        try:
            check_new_password(password)
        except InvalidInput as exc:
            raise click.ClickException(f"--password: {exc}") from None
        result = seed_demo(session, state_of(current_app).catalog, password=password, learners=learners,
                           quizzes=state_of(current_app).quizzes)
        session.commit()
    made = [login for login in result.logins if login[0] not in result.kept]
    if made:
        how = "generated, as no --password was given" if generated else "as given"
        click.echo(f"Demo logins (password: {password} — {how}):")
        for email, name, roles in made:
            click.echo(f"  {email:<24} {name:<22} {roles}")
    if result.kept:
        click.echo(f"Already there, with the password they had: {', '.join(result.kept)}.")
    if result.synthetic:
        click.echo(f"  + {result.synthetic} synthetic learners (learnerN@synthetic.example.com) in "
                   f"{result.synthetic_cohorts} cohort(s), {result.synthetic_mentors} synthetic mentors "
                   f"(mentorN@synthetic.example.com), {result.synthetic_attempts} graded attempts")


@click.command("import-users")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_users_command(csv_file: Path) -> None:
    """Create or update people from a CSV (email,name,roles,cohort,mentor) and invite the new ones; a bad row stops it all."""
    from .jobs import jobs_of
    from .persistence.db import write_session
    from .services.importer import ImportRejected
    from .services.invitations import import_and_invite
    from .services.organisation import organisation_today

    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        click.echo(f"{csv_file}:1: the file is not UTF-8 text; save it as CSV UTF-8.", err=True)
        sys.exit(1)
    with write_session(_sessions()) as session:
        try:
            summary = import_and_invite(session, text, path=str(csv_file), today=organisation_today(session),
                                        secret=current_app.secret_key or "")
        except ImportRejected as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"courseware: {len(exc.problems)} problem(s) found; nothing was imported.", err=True)
            sys.exit(1)
        session.commit()
    if summary.created:
        jobs_of(current_app).kick()
    click.echo(f"Imported {csv_file}: {len(summary.created)} created, {len(summary.updated)} updated, "
               f"{len(summary.unchanged)} unchanged, {summary.mentorships} mentor assignment(s) set.")
    for name in summary.cohorts_created:
        click.echo(f"  new cohort: {name}")
    for email, changes in summary.updated:
        click.echo(f"  updated {email}: {', '.join(changes)}")
    if summary.created:
        click.echo(f"Invitations queued for the {len(summary.created)} new people (each link works once, for 7 days):")
        for email, _user_id in summary.created:
            click.echo(f"  {email}")
        click.echo(_delivery_note())


def _delivery_note() -> str:
    if current_app.config.get("MAIL_URL"):
        return "The worker (`courseware worker`, started by `make run`) sends them through COURSEWARE_MAIL_URL."
    folder = current_app.config.get("MAIL_DIR") or str(Path(current_app.instance_path) / "mail")
    return f"COURSEWARE_MAIL_URL is not set: the worker (`courseware worker`) writes them to {folder} as .eml files."


@click.command("invite")
@click.argument("email")
@click.option("--name", help="Their name (they can change it when they accept).")
@click.option("--role", "roles", multiple=True, type=click.Choice(ACCESS_ROLES), default=["learner"], show_default=True,
              help="Repeat for several roles.")
@click.option("--cohort", "cohort_id", type=int, help="Put the learner in this cohort (its id).")
@click.option("--mentor", "mentor_email", help="Their mentor's email.")
@with_appcontext
def invite_command(email: str, name: str | None, roles: tuple[str, ...], cohort_id: int | None,
                   mentor_email: str | None) -> None:
    """Invite someone by email: they get a single-use link (7 days) to choose their password."""
    from .core.errors import InvalidInput, NotFound
    from .jobs import jobs_of
    from .persistence.db import write_session
    from .services.invitations import invite

    with write_session(_sessions()) as session:
        try:
            user = invite(session, email=email, name=name, roles=roles, cohort_id=cohort_id, mentor_email=mentor_email,
                          secret=current_app.secret_key or "")
        except NotFound:
            raise click.ClickException(f"There is no cohort {cohort_id}.") from None
        except InvalidInput as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
    jobs_of(current_app).kick()
    click.echo(f"Invited {user.email} ({', '.join(sorted(user.access_roles))}); the link works once, for 7 days.")
    click.echo(_delivery_note())


@click.command("send-reminders")
@click.option("--dry-run", is_flag=True, help="Show what is due now; send nothing.")
@click.option("--at", "at", type=click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              help="Pretend it is this UTC time (YYYY-MM-DDTHH:MM), to try the schedule.")
@with_appcontext
def send_reminders_command(dry_run: bool, at: datetime | None) -> None:
    """Show and queue the reminders and mentor digests due now (each is sent once; running twice sends nothing new)."""
    from .jobs import jobs_of, run_reminders

    now = at.replace(tzinfo=UTC) if at is not None else None
    plan, queued = run_reminders(current_app, now, dry_run=dry_run)
    for message in plan.messages:
        for line in message.describe():
            click.echo(line)
    later = f"; {plan.later} more later, in their own morning" if plan.later else ""
    if dry_run:
        click.echo(f"Dry run: {len(plan.messages)} message(s) due now{later}. Nothing was sent.")
        return
    if queued:
        jobs_of(current_app).kick()
    click.echo(f"{queued} message(s) queued{later}.")
    if queued:
        click.echo(_delivery_note())


@click.command("worker")
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 16), help="Worker threads.")
@with_appcontext
def worker_command(threads: int) -> None:
    """Run the background worker: delivers email (with retries) and sends reminders on schedule; Ctrl-C stops it."""
    import logging

    from .jobs import jobs_of

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # Each mail sent or written is logged (courseware.mail); huey's line per task run every minute is not.
        logging.getLogger("huey").setLevel(logging.WARNING)
    jobs = jobs_of(current_app)
    store = "Redis" if current_app.config.get("REDIS_URL") else f"SQLite ({jobs.huey.storage.filename})"
    mail = current_app.config.get("MAIL_URL")
    where = "through COURSEWARE_MAIL_URL" if mail else \
        f"to {current_app.config.get('MAIL_DIR') or Path(current_app.instance_path) / 'mail'} as .eml files"
    click.echo(f"Courseware worker: queue on {store}; mail goes {where}. Ctrl-C stops it.")
    # The queue is polled at most every 2 s when idle, so mail queued by the app leaves within seconds.
    jobs.huey.create_consumer(workers=threads, worker_type="thread", periodic=True, max_delay=2.0).run()


@click.command("regrade")
@click.argument("quiz_id")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--reason", default=None, help="Why (kept in the audit log with each change).")
@with_appcontext
def regrade_command(quiz_id: str, dry_run: bool, reason: str | None) -> None:
    """Regrade the stored attempts at a quiz against the current quiz file; print each changed attempt."""
    from .persistence.db import write_session
    from .services.regrade import DEFAULT_REASON, regrade_quiz

    quiz = state_of(current_app).quizzes.get(quiz_id)
    if quiz is None:
        _fail(f"courseware: unknown quiz '{quiz_id}' (not in {current_app.config['QUIZ_DIR']})")
    with write_session(_sessions()) as session:
        report = regrade_quiz(session, quiz, dry_run=dry_run, reason=(reason or "").strip() or DEFAULT_REASON)
        if not dry_run:
            session.commit()
    for change in report.changed:
        click.echo(change.line())
    for line in report.skipped:
        click.echo(line)
    verb = "would change" if dry_run else "changed"
    click.echo(f"{quiz.id}: {len(report.changed)} attempt(s) {verb}, {report.unchanged} unchanged, "
               f"{len(report.skipped)} not regraded{' (dry run: nothing written)' if dry_run else ''}.")


@click.command("rebuild-rollups")
def rebuild_rollups_command() -> None:
    """Rewrite the dashboards' rollup tables from the raw progress, attempts and assignments (after a content change
    that alters completion, or rows written outside the app)."""
    _rebuild_rollups()


def _rebuild_rollups() -> None:
    import time

    from .persistence import rollups
    from .persistence.db import write_session

    started = time.perf_counter()
    with write_session(_sessions()) as session:
        rollups.rebuild(session, state_of(current_app).completion)
        session.commit()
    click.echo(f"Dashboard rollups rebuilt in {time.perf_counter() - started:.1f} s.")


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
    from .core.grading import AnswerError, grade, words_json
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
    click.echo(json.dumps(words_json(result.to_json(), quiz, catalog.registry), indent=2))


def _configured_dir(key: str) -> Path:
    """COURSEWARE_<key> from the environment, else the default (commands that run without an app)."""
    from .config import Defaults

    return Path(os.environ.get(f"COURSEWARE_{key}") or getattr(Defaults, key))


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)


COMMANDS = [init_db, create_user_command, create_token_command, seed_demo_command, import_users_command, invite_command,
            send_reminders_command, worker_command, check_command, grade_command, regrade_command, backup_command,
            rebuild_rollups_command,
            restore_command]


def register_commands(app: Flask) -> None:
    """Put our commands on ``app.cli`` (for ``app.test_cli_runner``)."""
    for command in COMMANDS:
        app.cli.add_command(command)


class CoursewareGroup(FlaskGroup):
    """FlaskGroup whose commands all live on the group: `courseware --help` lists them without building the app."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Our commands and Flask's (run, shell, routes); no app, so no secret key, is needed to list them."""
        self._load_plugin_commands()
        return sorted(click.Group.list_commands(self, ctx))


def _cli_app() -> Flask:
    """The app for a `courseware` command: finds the checkout's development key; `init-db --dev` makes one."""
    ctx = click.get_current_context(silent=True)
    info = ctx.find_object(ScriptInfo) if ctx is not None else None
    return create_app_or_exit(cli=True, development=bool(info is not None and info.data.get("development")))


@click.group(cls=CoursewareGroup, create_app=_cli_app, add_version_option=False)
def cli() -> None:
    """Courseware: AM/PM onboarding. `make run` serves the demo; `courseware init-db --dev` prepares a checkout.

    Outside development set COURSEWARE_SECRET_KEY (and COURSEWARE_DATABASE_URL); see the README.
    """


for _command in COMMANDS:
    cli.add_command(_command)


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


cli.add_command(run_command)  # replaces Flask's own run


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="courseware")
