"""The database helpers, the app factory and the ``init-db`` command."""
from __future__ import annotations

import sqlite3

import pytest

from notes import create_app
from notes.db import get_db


def test_the_factory_takes_a_test_configuration():
    assert not create_app().testing
    assert create_app({"TESTING": True}).testing


def test_one_connection_per_app_context_closed_at_teardown(app):
    with app.app_context():
        db = get_db()
        assert get_db() is db
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")


def test_init_db_command_starts_from_an_empty_database(app, query):
    assert query("SELECT count(*) FROM note")[0][0] == 1

    result = app.test_cli_runner().invoke(args=["init-db"])

    assert result.exit_code == 0
    assert "Initialized the database." in result.output
    assert query("SELECT count(*) FROM note")[0][0] == 0
    assert query("SELECT count(*) FROM user")[0][0] == 0


def test_init_db_command_has_help_from_its_docstring(app):
    result = app.test_cli_runner().invoke(args=["init-db", "--help"])

    assert result.exit_code == 0
    assert "Create a fresh database" in result.output
