"""The JSON API: ``/api/notes`` (GET the list, POST a new note) and
``/api/notes/<id>`` (GET, PUT, DELETE one), as two ``MethodView`` classes.

It shares the pages' login (the session cookie) and their rules: a user sees
only their own notes. Errors raised in its views come back as JSON too.
Attachments are read-only here; they are uploaded through the HTML form.
"""
from __future__ import annotations

import functools
import sqlite3
import typing as t

from microflask import Blueprint, abort, g, request, url_for
from microflask.toolkit.exceptions import HTTPException
from microflask.views import MethodView

from .db import get_db
from .notes import delete_attachment, get_note

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException) -> t.Any:
    """``{"error": "Not Found", "message": "..."}`` instead of an HTML page."""
    return {"error": error.name, "message": error.description}, error.code


def api_login_required(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """401 for clients that are not logged in (an API does not redirect to a form)."""

    @functools.wraps(view)
    def wrapped_view(**kwargs: t.Any) -> t.Any:
        if g.user is None:
            abort(401, "Log in first: the API uses the session cookie set by /auth/login.")
        return view(**kwargs)

    return wrapped_view


def note_to_json(note: sqlite3.Row) -> t.Dict[str, t.Any]:
    attachment = note["attachment"]
    return {
        "id": note["id"],
        "title": note["title"],
        "body": note["body"],
        "created": note["created"],
        "attachment": url_for("notes.attachment", id=note["id"]) if attachment else None,
    }


def read_note_json() -> t.Tuple[str, str]:
    """The ``title`` and ``body`` of the request's JSON object; 4xx when they are wrong."""
    if not request.is_json:
        abort(415, "Send the note as JSON, with 'Content-Type: application/json'.")
    data = request.get_json()  # malformed JSON: 400
    if not isinstance(data, dict):
        abort(400, "Expected a JSON object such as {\"title\": \"...\", \"body\": \"...\"}.")
    title, body = data.get("title"), data.get("body", "")
    if not isinstance(title, str) or not title.strip():
        abort(400, "'title' is required and must be a non-empty string.")
    if not isinstance(body, str):
        abort(400, "'body' must be a string.")
    return title.strip(), body


class NoteListAPI(MethodView):
    decorators = [api_login_required]

    def get(self) -> t.Any:
        notes = get_db().execute(
            "SELECT * FROM note WHERE author_id = ? ORDER BY created DESC, id DESC", (g.user["id"],)
        ).fetchall()
        return [note_to_json(note) for note in notes]

    def post(self) -> t.Any:
        title, body = read_note_json()
        with get_db() as db:
            cursor = db.execute(
                "INSERT INTO note (author_id, title, body) VALUES (?, ?, ?)", (g.user["id"], title, body)
            )
        note = get_note(cursor.lastrowid)
        return note_to_json(note), 201, {"Location": url_for(".note", id=note["id"])}


class NoteAPI(MethodView):
    decorators = [api_login_required]

    def get(self, id: int) -> t.Any:
        return note_to_json(get_note(id))

    def put(self, id: int) -> t.Any:
        get_note(id)  # 404 before reading the body: the note must be the user's
        title, body = read_note_json()
        with get_db() as db:
            db.execute("UPDATE note SET title = ?, body = ? WHERE id = ?", (title, body, id))
        return note_to_json(get_note(id))

    def delete(self, id: int) -> t.Any:
        note = get_note(id)
        with get_db() as db:
            db.execute("DELETE FROM note WHERE id = ?", (id,))
        delete_attachment(note)
        return "", 204


bp.add_url_rule("/notes", view_func=NoteListAPI.as_view("notes"))
bp.add_url_rule("/notes/<int:id>", view_func=NoteAPI.as_view("note"))
