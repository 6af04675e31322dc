"""Flask's templating on microflask's engine: ``render_template`` and its kin.

A view calls ``render_template(name, **context)``: the app's ``jinja_env``
(created on first use) finds the template through ``DispatchingJinjaLoader``
(the app's folder, then each blueprint's), ``update_template_context`` adds
the context processors' values, and the engine renders. Compiling and
caching templates is the engine's job (``microflask.jinja``), not this module's.
"""
from __future__ import annotations

import typing as t

from .debughelpers import Attempt, explain_template_loading_attempts
from .globals import _cv_app, _cv_request, _no_app_msg
from .helpers import stream_with_context
from .signals import before_render_template, template_rendered
from .jinja import BaseLoader, TemplateNotFound
from .jinja import Environment as BaseEnvironment

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .jinja import Template
    from .jinja.loaders import Source
    from .scaffold import Scaffold


class Environment(BaseEnvironment):
    """The engine's Environment, bound to a Flask app (``self.app``).

    Unless ``loader`` is given, templates are found by the app's
    ``create_global_jinja_loader()``: its own folder, then its blueprints'.
    """

    def __init__(self, app: "Flask", **options: t.Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        self.app = app


class DispatchingJinjaLoader(BaseLoader):
    """Searches the app's ``jinja_loader``, then each blueprint's, in registration order.

    The first loader with the template wins, so the app's folder can
    override a blueprint's template of the same name. With
    ``EXPLAIN_TEMPLATE_LOADING`` every attempt is logged to ``app.logger``.
    """

    def __init__(self, app: "Flask") -> None:
        self.app = app

    def get_source(self, environment: BaseEnvironment, template: str) -> "Source":
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        for _, loader in self._iter_loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def _get_source_explained(self, environment: BaseEnvironment, template: str) -> "Source":
        """``get_source`` that asks every loader, has ``debughelpers`` log what
        each answered, and returns the first match."""
        attempts: t.List[Attempt] = []
        for owner, loader in self._iter_loaders():
            try:
                found: t.Optional["Source"] = loader.get_source(environment, template)
            except TemplateNotFound:
                found = None
            attempts.append((loader, owner, found))
        explain_template_loading_attempts(self.app, template, attempts)
        for _, _, found in attempts:
            if found is not None:
                return found
        raise TemplateNotFound(template)

    def _iter_loaders(self) -> t.Iterator[t.Tuple["Scaffold", BaseLoader]]:
        """``(owner, loader)`` for the app and each blueprint that has a template folder."""
        owners: t.List["Scaffold"] = [self.app, *self.app.blueprints.values()]
        for owner in owners:
            loader = owner.jinja_loader
            if loader is not None:
                yield owner, loader

    def list_templates(self) -> t.List[str]:
        names: t.Set[str] = set()
        for _, loader in self._iter_loaders():
            names.update(loader.list_templates())
        return sorted(names)


def _current_app() -> "Flask":
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        raise RuntimeError(_no_app_msg)
    return app_ctx.app


def _render(app: "Flask", template: "Template", context: t.Dict[str, t.Any]) -> str:
    app.update_template_context(context)
    if before_render_template.receivers:
        before_render_template.send(app, template=template, context=context)
    rendered = template.render(context)
    if template_rendered.receivers:
        template_rendered.send(app, template=template, context=context)
    return rendered


def render_template(template_name_or_list: t.Union[str, "Template", t.List[t.Union[str, "Template"]]], **context: t.Any) -> str:
    """Render the template named ``template_name_or_list`` (the first that exists,
    for a list) with ``context`` as its variables."""
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: t.Any) -> str:
    """Render the template source ``source`` with ``context``; it is autoescaped."""
    app = _current_app()
    template = app.jinja_env.from_string(source)
    return _render(app, template, context)


def _stream(app: "Flask", template: "Template", context: t.Dict[str, t.Any]) -> t.Iterator[str]:
    # The context is completed now, while the view's request is active.
    app.update_template_context(context)
    if before_render_template.receivers:
        before_render_template.send(app, template=template, context=context)

    def generate() -> t.Iterator[str]:
        yield from template.generate(context)
        if template_rendered.receivers:
            template_rendered.send(app, template=template, context=context)

    stream = generate()
    if _cv_request.get(None) is not None:
        # The body is produced after the view returns: keep the request alive.
        stream = stream_with_context(stream)
    return stream


def stream_template(template_name_or_list: t.Union[str, "Template", t.List[t.Union[str, "Template"]]], **context: t.Any) -> t.Iterator[str]:
    """Render a template piece by piece, as an iterator of strings to return as a
    streamed response. In a request, the request context stays available."""
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: t.Any) -> t.Iterator[str]:
    """``stream_template`` for template source given as a string."""
    app = _current_app()
    template = app.jinja_env.from_string(source)
    return _stream(app, template, context)
