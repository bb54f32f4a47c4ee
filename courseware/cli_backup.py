"""``courseware backup FILE`` and ``courseware restore FILE``: thin wrappers over ``persistence/backup``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .state import state_of


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Copy the whole database to FILE (SQLite: online backup; PostgreSQL: pg_dump custom format); safe while serving."""
    from .persistence.backup import BackupError, backend, backup

    url = current_app.config["DATABASE_URL"]
    try:
        backup(url, file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    size = file.stat().st_size
    click.echo(f"Backed up the {backend(url)} database to {file} ({size:,} bytes).")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Replace the database with the backup FILE (refused on a non-empty database without --force), then migrate it."""
    from .persistence.backup import BackupError, restore

    state_of(current_app).engine.dispose()  # no connection of ours holds the database while it is replaced
    try:
        result = restore(current_app.config["DATABASE_URL"], file, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if result.backup_revision == result.revision:
        click.echo(f"Restored {file} (schema {result.revision}).")
    else:
        click.echo(f"Restored {file} (schema {result.backup_revision}) and upgraded it to {result.revision}.")
