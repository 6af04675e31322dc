"""The database: one sqlite3 connection per app context, and the ``init-db`` command.

A view calls ``get_db()``; the first call in a request opens the connection
and keeps it on ``g``, and the app context's teardown closes it. There is no
ORM here: views write SQL with ``?`` placeholders (never string formatting).
"""
from __future__ import annotations

import os
import sqlite3

from microflask import Flask, current_app, g


def get_db() -> sqlite3.Connection:
    """This app context's connection; rows read like dicts (``row["title"]``)."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
        g.db.execute("PRAGMA foreign_keys = ON")
    return g.db


def close_db(exc: BaseException | None = None) -> None:
    """Close the connection, if this context opened one (run by teardown)."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db() -> None:
    """Create the tables anew (existing data is dropped) and the folders they need."""
    os.makedirs(os.path.dirname(current_app.config["DATABASE"]), exist_ok=True)
    os.makedirs(current_app.config["UPLOAD_FOLDER"], exist_ok=True)
    with current_app.open_resource("schema.sql") as schema:
        get_db().executescript(schema.read().decode("utf-8"))


def init_db_command() -> None:
    """Create a fresh database (existing data is lost)."""
    init_db()
    print("Initialized the database.")


def init_app(app: Flask) -> None:
    """Plug the database into ``app``: closing on teardown, and ``init-db``."""
    app.teardown_appcontext(close_db)
    app.cli.command("init-db")(init_db_command)
