"""Werkzeug's ``utils`` names: ``redirect``, ``secure_filename`` and the wrappers' building blocks.

``redirect`` builds a redirect response; ``secure_filename`` makes an
uploaded file's name safe to save under. ``cached_property``,
``environ_property``, ``header_property`` (``_properties``) and
``get_content_type`` (``_http_base``) live lower down, since the wrappers are
made of them, and are re-exported here where Werkzeug users look for them.
"""
from __future__ import annotations

import typing as t
from html import escape

from ._http_base import get_content_type  # noqa: F401  (re-exported)
from ._properties import cached_property, environ_property, header_property  # noqa: F401  (re-exported)
from .urls import iri_to_uri
from .wrappers.response import Response as _Response


def redirect(location: str, code: int = 302, Response: t.Optional[t.Type[_Response]] = None) -> _Response:
    """A response that sends the client to ``location`` with status ``code``.

    Non-ASCII locations are percent-encoded; the body is a short HTML page
    with the link, for clients that do not follow redirects.
    """
    if Response is None:
        Response = _Response
    html_location = escape(location)
    response = Response(
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n"
        "<p>You should be redirected automatically to the target URL: "
        f'<a href="{html_location}">{html_location}</a>. If not, click the link.\n',
        code,
        mimetype="text/html",
    )
    response.headers["Location"] = iri_to_uri(location, safe_conversion=True)
    return response


# Names Windows reserves for devices in every folder ("nul.txt" is a device too).
_WINDOWS_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)


def secure_filename(filename: str) -> str:
    """A version of an uploaded file's name that is safe to save under.

    Non-ASCII letters are reduced to ASCII (accents dropped), path
    separators and whitespace become ``_``, anything but letters, digits,
    ``_``, ``.`` and ``-`` is removed, leading and trailing dots and
    underscores are stripped (no hidden files, no ``..``), and Windows
    device names get a ``_`` in front on every platform. The result may be
    empty: the caller must then choose a name.
    """
    import unicodedata  # heavy: a C extension that only uploads need

    filename = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    filename = filename.replace("/", " ").replace("\\", " ")
    filename = "_".join(filename.split())
    filename = "".join(char for char in filename if char.isalnum() or char in "._-").strip("._")
    if filename and filename.split(".")[0].upper() in _WINDOWS_DEVICE_NAMES:
        filename = f"_{filename}"
    return filename
