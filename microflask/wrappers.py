"""Flask's request and response classes: the toolkit's, told about the app.

``Flask.wsgi_app`` makes a ``Request`` (``app.request_class``) for each
request; URL matching stores its results on it (``url_rule``, ``view_args``
or ``routing_exception``). ``make_response`` builds a ``Response``
(``app.response_class``). What the toolkit's plain classes take as class
settings, these read from the current app's config, only when used, so a
request that reads no body pays nothing for them.
"""
from __future__ import annotations

import typing as t

from . import json as _app_json
from .debughelpers import attach_enctype_error_multidict
from .globals import _cv_app
from .toolkit.exceptions import BadRequest
from .toolkit.wrappers import Request as _ToolkitRequest
from .toolkit.wrappers import Response as _ToolkitResponse

if t.TYPE_CHECKING:  # pragma: no cover
    from .toolkit.routing import Rule


class Request(_ToolkitRequest):
    """The request object of a microflask app: ``microflask.request`` in a view.

    Beyond the toolkit's request it knows the URL rule that matched and the
    blueprint it belongs to; JSON is read with the app's provider, the body
    limit is the app's ``MAX_CONTENT_LENGTH``, and a JSON body that cannot
    be read gives the generic 400 unless the app is in debug mode, since the
    parser's message would tell a client about the app's internals. In debug
    mode, ``files`` also explains a form sent without its multipart ``enctype``.
    """

    json_module: t.Any = _app_json

    #: The ``Rule`` that matched the URL, or None before matching or after a failed match.
    url_rule: t.Optional["Rule"] = None
    #: The values the rule's variables matched, by name.
    view_args: t.Optional[t.Dict[str, t.Any]] = None
    #: The error matching raised (404, 405, a redirect), to be raised by ``dispatch_request``.
    routing_exception: t.Optional[Exception] = None

    @property  # type: ignore[override]
    def max_content_length(self) -> t.Optional[int]:
        """The app's ``MAX_CONTENT_LENGTH``: a larger body is refused with 413."""
        app_ctx = _cv_app.get(None)
        if app_ctx is None:
            return None
        return app_ctx.app.config["MAX_CONTENT_LENGTH"]  # type: ignore[no-any-return]

    @property
    def endpoint(self) -> t.Optional[str]:
        """The endpoint of the matched URL rule, or ``None`` before or without a match."""
        if self.url_rule is not None:
            return self.url_rule.endpoint
        return None

    @property
    def blueprint(self) -> t.Optional[str]:
        """The registered name of the current blueprint (``"admin"`` for
        ``"admin.index"``), or ``None``."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> t.List[str]:
        """The current blueprint and its parents, innermost first:
        ``["a.b", "a"]`` for the endpoint ``"a.b.view"``."""
        name = self.blueprint
        if name is None:
            return []
        parts = name.split(".")
        return [".".join(parts[:end]) for end in range(len(parts), 0, -1)]

    def _load_form_data(self) -> None:
        """The toolkit's form parsing. Then, in debug mode, if the body was not
        ``multipart/form-data``, ``request.files[key]`` for a key the form has
        raises ``DebugFilesKeyError``, which names the missing ``enctype``."""
        if self._form_parsed:
            return
        super()._load_form_data()
        app_ctx = _cv_app.get(None)
        if (
            app_ctx is not None
            and app_ctx.app.debug
            and self.mimetype != "multipart/form-data"
            and not self.files
        ):
            attach_enctype_error_multidict(self)

    def on_json_loading_failed(self, e: t.Optional[ValueError]) -> t.Any:
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as error:
            app_ctx = _cv_app.get(None)
            if app_ctx is not None and app_ctx.app.debug:
                raise
            raise BadRequest() from error


class Response(_ToolkitResponse):
    """The response class of a microflask app; ``text/html`` by default.

    Its cookie size limit follows the current app's ``MAX_COOKIE_SIZE``
    (read only when a cookie is set), and ``json`` parses with the app's
    JSON module.
    """

    json_module: t.Any = _app_json

    @property  # type: ignore[override]
    def max_cookie_size(self) -> int:
        """The app's ``MAX_COOKIE_SIZE``: longer ``Set-Cookie`` headers warn."""
        app_ctx = _cv_app.get(None)
        if app_ctx is None:
            return _ToolkitResponse.max_cookie_size
        return app_ctx.app.config["MAX_COOKIE_SIZE"]  # type: ignore[no-any-return]
