"""Class-based views: ``View`` and ``MethodView``.

``as_view`` turns a class into an ordinary view function, which is what
``add_url_rule`` registers and what the app calls for each matching request;
routing, OPTIONS and 405 answers stay the app's business, not this module's.
"""
from __future__ import annotations

import typing as t

from .globals import current_app, request

#: The methods a ``MethodView`` subclass handles by defining a method of that name.
http_method_funcs = frozenset(["get", "post", "head", "options", "delete", "put", "trace", "patch"])


class View:
    """Subclass it and define ``dispatch_request``; register
    ``YourView.as_view("endpoint")`` with ``add_url_rule``.

    Class attributes configure the rule: ``methods`` (the allowed methods,
    ``GET`` only when None), ``provide_automatic_options``, ``decorators``
    (applied to the view function, first one innermost) and
    ``init_every_request``: True makes a fresh instance for each request;
    False makes one instance at ``as_view`` time, shared by every request
    (so it must not keep per-request state on ``self``).
    """

    methods: t.ClassVar[t.Optional[t.Collection[str]]] = None
    provide_automatic_options: t.ClassVar[t.Optional[bool]] = None
    decorators: t.ClassVar[t.List[t.Callable[..., t.Any]]] = []
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self) -> t.Any:
        """Handle the request; URL variables come as keyword arguments.
        Its return value is what a view function returns."""
        raise NotImplementedError(f"{type(self).__name__} must define dispatch_request()")

    @classmethod
    def as_view(cls, name: str, *class_args: t.Any, **class_kwargs: t.Any) -> t.Callable[..., t.Any]:
        """A view function named ``name`` (the endpoint ``add_url_rule``
        takes by default) that instantiates the class with ``class_args``
        and ``class_kwargs`` and calls ``dispatch_request``."""
        if cls.init_every_request:

            def view(**kwargs: t.Any) -> t.Any:
                instance = view.view_class(*class_args, **class_kwargs)  # type: ignore[attr-defined]
                return current_app.ensure_sync(instance.dispatch_request)(**kwargs)

        else:
            shared_instance = cls(*class_args, **class_kwargs)

            def view(**kwargs: t.Any) -> t.Any:
                return current_app.ensure_sync(shared_instance.dispatch_request)(**kwargs)

        if cls.decorators:
            # Decorators that use functools.wraps copy these, so set them first.
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)

        # Set on the outermost function, the one the app registers and calls.
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        return view


class MethodView(View):
    """A ``View`` that calls the method named after the request's HTTP method:
    ``get`` for GET, ``post`` for POST... ``HEAD`` uses ``get`` when the class
    defines no ``head``. ``methods`` is filled in from the handlers a class
    defines or inherits, unless the class sets it itself."""

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return
        methods: t.Set[str] = set()
        for base in cls.__bases__:
            methods.update(getattr(base, "methods", None) or ())
        methods.update(name.upper() for name in http_method_funcs if hasattr(cls, name))
        if methods:
            cls.methods = methods

    def dispatch_request(self, **kwargs: t.Any) -> t.Any:
        method = request.method
        handler = getattr(self, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            # Routing answers 405 for methods outside ``methods``; this one is
            # in ``methods`` (set by hand) but the class has no handler for it.
            raise AssertionError(
                f"Unimplemented method {method!r}: {type(self).__name__} lists it in"
                f" 'methods' but defines no '{method.lower()}' method"
            )
        return current_app.ensure_sync(handler)(**kwargs)
