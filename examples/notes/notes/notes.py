"""The HTML pages: your notes, and forms to write, edit and delete them, with
an optional file attached to each note.

Every page needs a logged-in user and shows only that user's notes: someone
else's note answers 404, as if it did not exist. Attachments are stored in the
instance folder under a name chosen here, never the one the browser sent.
"""
from __future__ import annotations

import os
import sqlite3
import typing as t

from microflask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from microflask.toolkit.utils import secure_filename

from .auth import login_required
from .db import get_db

bp = Blueprint("notes", __name__)


def get_note(id: int) -> sqlite3.Row:
    """The logged-in user's note ``id``; 404 when there is none."""
    note = get_db().execute("SELECT * FROM note WHERE id = ? AND author_id = ?", (id, g.user["id"])).fetchone()
    if note is None:
        abort(404, f"Note {id} doesn't exist.")
    return note


def read_form() -> t.Tuple[str, str]:
    """The title and body typed in the form; 400 when a field is missing."""
    return request.form["title"].strip(), request.form["body"]


def save_attachment(note_id: int) -> t.Optional[str]:
    """Store the uploaded file, if any, for note ``note_id``; its stored name."""
    upload = request.files.get("attachment")
    if upload is None or not upload.filename:
        return None
    name = secure_filename(upload.filename) or "attachment"
    # The note's id in front: two notes may attach files with the same name.
    stored_name = f"{note_id}-{name}"
    upload.save(os.path.join(current_app.config["UPLOAD_FOLDER"], stored_name))
    return stored_name


@bp.app_template_filter()
def attachment_name(stored_name: str) -> str:
    """The name a stored attachment had when uploaded (after ``secure_filename``)."""
    return stored_name.split("-", 1)[1]


def delete_attachment(note: sqlite3.Row) -> None:
    if note["attachment"]:
        path = os.path.join(current_app.config["UPLOAD_FOLDER"], note["attachment"])
        if os.path.exists(path):
            os.remove(path)


@bp.route("/")
@login_required
def index() -> str:
    notes = get_db().execute(
        "SELECT * FROM note WHERE author_id = ? ORDER BY created DESC, id DESC", (g.user["id"],)
    ).fetchall()
    return render_template("notes/index.html", notes=notes)


@bp.route("/new", methods=("GET", "POST"))
@login_required
def create() -> t.Any:
    if request.method == "POST":
        title, body = read_form()
        if not title:
            flash("Title is required.", "error")
        else:
            with get_db() as db:
                cursor = db.execute(
                    "INSERT INTO note (author_id, title, body) VALUES (?, ?, ?)", (g.user["id"], title, body)
                )
                attachment = save_attachment(cursor.lastrowid)
                if attachment:
                    db.execute("UPDATE note SET attachment = ? WHERE id = ?", (attachment, cursor.lastrowid))
            flash(f"Saved “{title}”.", "success")
            return redirect(url_for("notes.index"))
    return render_template("notes/edit.html", note=None)


@bp.route("/<int:id>/edit", methods=("GET", "POST"))
@login_required
def update(id: int) -> t.Any:
    note = get_note(id)
    if request.method == "POST":
        title, body = read_form()
        if not title:
            flash("Title is required.", "error")
        else:
            attachment = save_attachment(id) or note["attachment"]
            if attachment != note["attachment"]:
                delete_attachment(note)
            with get_db() as db:
                db.execute(
                    "UPDATE note SET title = ?, body = ?, attachment = ? WHERE id = ?", (title, body, attachment, id)
                )
            flash(f"Saved “{title}”.", "success")
            return redirect(url_for("notes.index"))
    return render_template("notes/edit.html", note=note)


@bp.route("/<int:id>/delete", methods=("POST",))
@login_required
def delete(id: int) -> t.Any:
    note = get_note(id)
    with get_db() as db:
        db.execute("DELETE FROM note WHERE id = ?", (id,))
    delete_attachment(note)
    flash(f"Deleted “{note['title']}”.", "info")
    return redirect(url_for("notes.index"))


@bp.route("/<int:id>/attachment")
@login_required
def attachment(id: int) -> t.Any:
    note = get_note(id)
    if not note["attachment"]:
        abort(404, f"Note {id} has no attachment.")
    # Always a download, never shown inline: an uploaded HTML file must not
    # run as a page of this site.
    return send_from_directory(
        current_app.config["UPLOAD_FOLDER"],
        note["attachment"],
        as_attachment=True,
        download_name=attachment_name(note["attachment"]),
    )
