"""Debugging aids: errors and log messages that name a common mistake and its fix.

In debug mode, ``Request._load_form_data`` (``wrappers``) makes ``request.files``
explain a form sent without ``enctype="multipart/form-data"``, and
``Flask.raise_routing_exception`` stops a redirect that would lose a form's body.
With ``EXPLAIN_TEMPLATE_LOADING``, ``templating`` logs each template search here.
"""
from __future__ import annotations

import functools
import typing as t

from .globals import _cv_request

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .jinja import BaseLoader
    from .jinja.loaders import Source
    from .wrappers import Request

#: One search step of ``DispatchingJinjaLoader``: the loader asked, the app or
#: blueprint that owns it, and what it returned (``None``: not found).
Attempt = t.Tuple["BaseLoader", t.Any, t.Optional["Source"]]


class UnexpectedUnicodeError(AssertionError, UnicodeError):
    """Text or bytes of a kind the code did not expect, reported with a clearer
    message than the codec's. Catchable as either parent; like Flask 2.2,
    microflask itself raises it nowhere."""


class DebugFilesKeyError(KeyError, AssertionError):
    """``request.files[key]`` in debug mode, when ``key`` arrived as a plain form
    field: the form was sent without ``enctype="multipart/form-data"``, so the
    browser sent only the file's name, and no file.

    It stays a ``KeyError`` (``args`` is ``(key,)``), but it is no
    ``BadRequest``: the mistake is the app's HTML, not the client's request.
    """

    def __init__(self, request: "Request", key: str) -> None:
        super().__init__(key)
        sent = request.form.getlist(key)
        self.msg = (
            f"request.files has no file {key!r}. The request body is {request.mimetype!r},"
            " and only a 'multipart/form-data' body can carry files, so none arrived."
            f' Add enctype="multipart/form-data" to the <form> tag (with method="post")'
            " to upload the file itself."
            f"\n\nThe field {key!r} came as ordinary form text instead, which is what"
            f" a browser sends for a file input in such a form: {', '.join(map(repr, sent))}."
        )

    def __str__(self) -> str:
        return self.msg


class FormDataRoutingRedirect(AssertionError):
    """Routing answered a request that has a body (a POST, say) with a redirect
    that browsers follow as a GET without the body (any code but 307 and 308).

    Raised instead of that redirect, in debug mode only. The toolkit's routing
    redirects are 308s, which keep the method and body, so this only appears
    when an app or converter raises a ``RequestRedirect`` with another code.
    """

    def __init__(self, request: "Request") -> None:
        redirect = request.routing_exception
        new_url: str = redirect.new_url  # type: ignore[union-attr]
        lines = [
            f"Routing answered the {request.method} request to {request.url!r} with a"
            f" {redirect.code} redirect to its canonical URL {new_url!r}."  # type: ignore[union-attr]
        ]
        if new_url.partition("?")[0] == request.base_url + "/":
            lines.append(
                " The rule's URL ends with a slash and the request's did not: link or"
                " post to the URL with the slash."
            )
        lines.append(
            " A browser follows this redirect with a GET and drops the form data."
            " Send the request to the canonical URL (url_for builds it), or redirect"
            " with 307 or 308, which keep the method and body."
            "\n\nmicroflask checks this only in debug mode."
        )
        super().__init__("".join(lines))


# -- request.files in debug mode ----------------------------------------------


class _FilesEnctypeHint:
    """Mixed into the class of an empty ``request.files``: a missing key that the
    form does have raises ``DebugFilesKeyError`` instead of ``BadRequestKeyError``."""

    __slots__ = ()

    def __getitem__(self, key: t.Any) -> t.Any:
        try:
            return super().__getitem__(key)  # type: ignore[misc]
        except KeyError as error:
            request = self._request  # type: ignore[attr-defined]
            if key not in request.form:
                raise
            raise DebugFilesKeyError(request, key).with_traceback(error.__traceback__) from None


@functools.lru_cache(maxsize=None)
def _with_enctype_hint(cls: type) -> type:
    """``cls`` with ``_FilesEnctypeHint`` mixed in; made once per class, and
    named like ``cls`` so that ``request.files`` looks unchanged."""
    if issubclass(cls, _FilesEnctypeHint):
        return cls
    return type(cls.__name__, (_FilesEnctypeHint, cls), {"__module__": cls.__module__})


def attach_enctype_error_multidict(request: "Request") -> None:
    """Make ``request.files[key]`` raise ``DebugFilesKeyError`` for a key that
    ``request.form`` has. ``Request._load_form_data`` calls it in debug mode
    when the body was not ``multipart/form-data`` (so ``files`` is empty)."""
    files = request.files
    files.__class__ = _with_enctype_hint(type(files))
    files._request = request  # type: ignore[attr-defined]


# -- EXPLAIN_TEMPLATE_LOADING ---------------------------------------------------


def explain_template_loading_attempts(app: "Flask", template: str, attempts: t.List[Attempt]) -> None:
    """Log to ``app.logger`` (INFO) every loader ``DispatchingJinjaLoader`` asked
    for ``template``, in order, what each found, and a hint when the search
    looks wrong: no match at all, or several (only the first is used)."""
    lines = [f"Locating template {template!r}:"]
    for number, (loader, owner, found) in enumerate(attempts, 1):
        lines.append(f"{number:5}: trying loader of {_describe_owner(app, owner)}")
        lines.extend(f"       {line}" for line in _describe_loader(loader))
        outcome = "no match" if found is None else f"found ({found[1] or '<string>'!r})"
        lines.append(f"       -> {outcome}")

    matches = sum(found is not None for _, _, found in attempts)
    if matches == 0:
        lines.append("Error: the template could not be found.")
        if not attempts:
            lines.append("  No loader was asked: neither the application nor a blueprint has a template folder.")
    elif matches > 1:
        lines.append("Warning: more than one loader has this template; the first one listed is used.")
    req_ctx = _cv_request.get(None)
    blueprint = req_ctx.request.blueprint if req_ctx is not None else None
    if blueprint is not None and matches != 1:
        lines.append(f"  The template was requested by a view of the blueprint {blueprint!r}.")
        example = f"{blueprint.rpartition('.')[2]}/{template.rpartition('/')[2]}"
        lines.append(
            "  A blueprint's templates belong in its template_folder, best in a subfolder"
            f" named after it ({example!r}), so that the application's cannot shadow them."
        )
    app.logger.info("\n".join(lines))


def _describe_owner(app: "Flask", owner: t.Any) -> str:
    if owner is app:
        return f"application {owner.import_name!r}"
    if hasattr(owner, "import_name"):  # a blueprint
        return f"blueprint {owner.name!r} ({owner.import_name})"
    return repr(owner)


def _describe_loader(loader: "BaseLoader") -> t.Iterator[str]:
    """The loader's class and its public settings (search paths, encoding...)."""
    yield f"class: {type(loader).__module__}.{type(loader).__name__}"
    for key, value in sorted(getattr(loader, "__dict__", {}).items()):
        if key.startswith("_"):
            continue
        if isinstance(value, (tuple, list)) and all(isinstance(item, str) for item in value):
            yield f"{key}:"
            for item in value:
                yield f"  - {item}"
        elif isinstance(value, (str, int, float, bool)):
            yield f"{key}: {value!r}"
