"""Accounts: register, log in, log out, and ``login_required`` for other views.

Logging in stores the user's id in the signed session cookie; before every
request ``load_logged_in_user`` turns it back into ``g.user``. The cookie is
signed, not encrypted: it holds an id, never a password.
"""
from __future__ import annotations

import functools
import sqlite3
import typing as t

from microflask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for

from .db import get_db
from .passwords import check_password, hash_password

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.before_app_request
def load_logged_in_user() -> None:
    """``g.user``: the logged-in user's row, or None. Runs for every blueprint."""
    user_id = session.get("user_id")
    g.user = None if user_id is None else get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()


def login_required(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """Send visitors who are not logged in to the login page."""

    @functools.wraps(view)
    def wrapped_view(**kwargs: t.Any) -> t.Any:
        if g.user is None:
            return redirect(url_for("auth.login"))
        return view(**kwargs)

    return wrapped_view


@bp.route("/register", methods=("GET", "POST"))
def register() -> t.Any:
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        error = None
        if not username:
            error = "Username is required."
        elif len(password) < 8:
            error = "Password must have at least 8 characters."
        if error is None:
            hashed = hash_password(password, current_app.config["PASSWORD_HASH_ITERATIONS"])
            try:
                with get_db() as db:  # commits, or rolls back on an exception
                    db.execute("INSERT INTO user (username, password) VALUES (?, ?)", (username, hashed))
            except sqlite3.IntegrityError:
                error = f"User {username} is already registered."
            else:
                flash("Account created: you can log in now.", "success")
                return redirect(url_for("auth.login"))
        flash(error, "error")
    return render_template("auth/register.html")


@bp.route("/login", methods=("GET", "POST"))
def login() -> t.Any:
    if request.method == "POST":
        username = request.form.get("username", "")
        user = get_db().execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
        # One message for both cases: it does not tell which usernames exist.
        if user is None or not check_password(user["password"], request.form.get("password", "")):
            flash("Incorrect username or password.", "error")
        else:
            session.clear()  # a fresh session: nothing from before the login carries over
            session["user_id"] = user["id"]
            flash(f"Welcome, {user['username']}!", "success")
            return redirect(url_for("notes.index"))
    return render_template("auth/login.html")


@bp.route("/logout", methods=("POST",))
def logout() -> t.Any:
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
