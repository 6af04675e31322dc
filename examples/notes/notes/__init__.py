"""A small note-taking app on microflask: accounts, notes with attachments,
and a JSON API. ``create_app`` is the factory ``microflask --app notes`` finds.

Where things are: ``db.py`` (sqlite3 and ``init-db``), ``auth.py`` (accounts
and sessions), ``notes.py`` (the HTML pages), ``api.py`` (the JSON API).
"""
from __future__ import annotations

import os
import typing as t

from microflask import Flask


def create_app(test_config: t.Optional[t.Mapping[str, t.Any]] = None) -> Flask:
    """Build the app. ``test_config`` replaces the instance folder's ``config.py``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        # Only good for trying the app out: put a real key in instance/config.py.
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "notes.sqlite"),
        UPLOAD_FOLDER=os.path.join(app.instance_path, "uploads"),
        MAX_CONTENT_LENGTH=1024 * 1024,  # larger uploads are refused with 413
        PASSWORD_HASH_ITERATIONS=600_000,
        # The session cookie is not sent with cross-site form posts.
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    from . import api, auth, db, notes

    db.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(notes.bp)
    app.register_blueprint(api.bp)
    return app
