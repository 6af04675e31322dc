"""JSON providers: how an application turns Python values into JSON and back.

``app.json`` is a provider. ``jsonify``, the ``flask.json`` functions, the
test client and ``request.get_json`` all go through it, so replacing it (a
subclass as ``Flask.json_provider_class``, or ``app.json = MyProvider(app)``)
changes JSON everywhere. Providers serialise; they never read requests.
"""
from __future__ import annotations

import json
import sys
import typing as t
import warnings
import weakref
from datetime import date

from ..globals import _cv_request
from ..toolkit.http import http_date

if t.TYPE_CHECKING:  # pragma: no cover
    from ..app import Flask
    from ..wrappers import Response


class JSONProvider:
    """The JSON operations an application needs, to be subclassed.

    A subclass for another JSON library implements at least ``dumps`` and
    ``loads``; ``dump``, ``load`` and ``response`` are built on those two.
    The app is held as ``self._app``, a weak proxy, so that the app and its
    provider do not keep each other alive.
    """

    def __init__(self, app: "Flask") -> None:
        self._app = weakref.proxy(app)

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """``obj`` serialised as a JSON string."""
        raise NotImplementedError(f"{type(self).__name__} must implement dumps()")

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """Serialise ``obj`` as JSON and write it to the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: t.Union[str, bytes], **kwargs: t.Any) -> t.Any:
        """The value that the JSON in ``s`` (a str, or UTF-8/16/32 bytes) stands for."""
        raise NotImplementedError(f"{type(self).__name__} must implement loads()")

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """The value that the JSON read from ``fp`` stands for."""
        return self.loads(fp.read(), **kwargs)

    def _prepare_response_obj(self, args: t.Tuple[t.Any, ...], kwargs: t.Dict[str, t.Any]) -> t.Any:
        """What ``response(*args, **kwargs)`` serialises: one argument is the
        value itself, several are a list, keyword arguments are a dict, and
        nothing at all is ``None``."""
        if kwargs:
            if args:
                raise TypeError("app.json.response() takes either positional or keyword arguments, not both")
            return kwargs
        if len(args) == 1:
            return args[0]
        return list(args) if args else None

    def response(self, *args: t.Any, **kwargs: t.Any) -> "Response":
        """A ``Response`` with the arguments serialised as an ``application/json`` body.

        ``jsonify()`` calls this on the current app. Pass one value, several
        (sent as a list) or keyword arguments (sent as an object), not both.
        """
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype="application/json")


def _default(o: t.Any) -> t.Any:
    """The JSON form of a value the ``json`` module cannot serialise itself."""
    if isinstance(o, date):
        return http_date(o)
    # Decimal, UUID and dataclass instances can only exist once their module
    # has been imported, so look there instead of importing three modules.
    decimal = sys.modules.get("decimal")
    if decimal is not None and isinstance(o, decimal.Decimal):
        return str(o)
    uuid = sys.modules.get("uuid")
    if uuid is not None and isinstance(o, uuid.UUID):
        return str(o)
    dataclasses = sys.modules.get("dataclasses")
    if dataclasses is not None and dataclasses.is_dataclass(o) and not isinstance(o, type):
        return dataclasses.asdict(o)
    if hasattr(o, "__html__"):
        return str(o.__html__())
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


# The decoder json.loads uses when given no options.
_DECODER = json.JSONDecoder()

# Whether an app or blueprint was ever given a JSON encoder or decoder class
# the Flask 2.2 way (``app.json_encoder = ...``): until then dumps and loads
# need not look for one.
_json_classes_in_use = False


def _start_looking_for_json_classes() -> None:
    global _json_classes_in_use
    _json_classes_in_use = True


def _deprecated_json_class(app: "Flask", attribute: str) -> t.Optional[type]:
    """The JSON class set as ``attribute`` ("json_encoder" or "json_decoder")
    on the current request's blueprint, else on ``app``; None when neither
    has one. Flask 2.2 honoured these with a DeprecationWarning; so do we."""
    json_class = getattr(app, f"_{attribute}")
    request_ctx = _cv_request.get(None)
    if request_ctx is not None:
        blueprint = app.blueprints.get(request_ctx.request.blueprint)  # type: ignore[arg-type]
        if blueprint is not None and getattr(blueprint, f"_{attribute}") is not None:
            json_class = getattr(blueprint, f"_{attribute}")
    if json_class is not None:
        warnings.warn(
            f"Setting '{attribute}' on the app or a blueprint is deprecated (Flask removed it in 2.3)."
            " Customize 'app.json' instead.",
            DeprecationWarning,
            stacklevel=4,
        )
    return json_class


def _hashable(value: t.Any) -> bool:
    """Whether ``value`` can be hashed: a sign it cannot change in place."""
    try:
        hash(value)
    except TypeError:
        return False
    return True


# Enough for every option set an app uses; more means options that vary
# freely (an ``indent`` per call, say), and the cache starts over.
_MAX_CACHED_ENCODERS = 16


def _deprecated_setting(config: t.Mapping[str, t.Any], key: str, attribute: str) -> t.Any:
    """``config[key]``, a Flask 2.2 key the app still sets, with the
    DeprecationWarning Flask 2.2 gives. (Callers check for None first: that
    is every call of an app that has moved on.)"""
    value = config[key]
    warnings.warn(
        f"The {key!r} config key is deprecated (Flask removed it in 2.3). Set 'app.json.{attribute}' instead.",
        DeprecationWarning,
        stacklevel=3,
    )
    return value


class DefaultJSONProvider(JSONProvider):
    """JSON with the standard library's ``json`` module, for more types.

    Besides what ``json`` handles, ``default`` serialises dates and datetimes
    (as HTTP dates, ``"Wed, 21 Oct 2015 07:28:00 GMT"``), ``decimal.Decimal``
    and ``uuid.UUID`` (as strings), dataclass instances (as objects, through
    ``dataclasses.asdict``) and anything with ``__html__``, such as Markup.
    """

    #: Applied to every object ``json`` cannot serialise. It returns something
    #: it can, or raises ``TypeError``. Replace it in a subclass to add types.
    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)

    #: Escape non-ASCII characters as ``\\uXXXX``. Safer with clients that
    #: assume ASCII; turning it off gives shorter output.
    ensure_ascii = True

    #: Sort the keys of every object, so equal data gives equal output (good
    #: for caching). All keys must then be strings.
    sort_keys = True

    #: ``response()`` output without indentation or spaces. ``None`` means
    #: compact unless the app is in debug mode, where it is indented for reading.
    compact: t.Optional[bool] = None

    #: The mimetype that ``response()`` sets.
    mimetype = "application/json"

    def __init__(self, app: "Flask") -> None:
        super().__init__(app)
        # Encoders with the options they were made with (see ``dumps``).
        self._encoders: t.List[t.Tuple[t.Tuple[t.Any, ...], json.JSONEncoder]] = []

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """``json.dumps(obj, **kwargs)``, with ``default``, ``ensure_ascii`` and
        ``sort_keys`` taken from this provider unless given."""
        if _json_classes_in_use:
            encoder_class = _deprecated_json_class(self._app, "json_encoder")
            if encoder_class is not None:
                kwargs.setdefault("cls", encoder_class)
                if "default" in vars(encoder_class):
                    kwargs.setdefault("default", None)  # the class's own default() then applies
        config = self._app.config
        ensure_ascii, sort_keys = self.ensure_ascii, self.sort_keys
        if config.get("JSON_AS_ASCII") is not None:
            ensure_ascii = _deprecated_setting(config, "JSON_AS_ASCII", "ensure_ascii")
        if config.get("JSON_SORT_KEYS") is not None:
            sort_keys = _deprecated_setting(config, "JSON_SORT_KEYS", "sort_keys")
        # ``json.dumps`` builds a new ``JSONEncoder`` for every call with
        # options; an encoder keeps no state between calls, so one per set of
        # options is kept and reused. The provider's settings are part of the
        # set, read afresh on each call, so changing ``sort_keys`` at runtime
        # still works. The sets are a short list compared with ``==``: cheaper
        # than building and hashing a dict key out of ``kwargs`` on every call.
        default = self.default
        options = (default, ensure_ascii, sort_keys, kwargs)
        for known, encoder in self._encoders:
            if known == options:
                return encoder.encode(obj)
        settings = {"default": default, "ensure_ascii": ensure_ascii, "sort_keys": sort_keys, **kwargs}
        # An encoder class of the caller's may keep state between calls, and
        # an unhashable option (separators as a list) may change in place.
        if "cls" in kwargs or not _hashable(tuple(kwargs.values())):
            return json.dumps(obj, **settings)
        encoder = json.JSONEncoder(**settings)
        if len(self._encoders) >= _MAX_CACHED_ENCODERS:
            self._encoders.clear()
        self._encoders.append((options, encoder))  # ``kwargs`` is this call's own dict: safe to keep
        return encoder.encode(obj)

    def loads(self, s: t.Union[str, bytes], **kwargs: t.Any) -> t.Any:
        """``json.loads(s, **kwargs)``; ``s`` may be a str or bytes."""
        if _json_classes_in_use:
            decoder_class = _deprecated_json_class(self._app, "json_decoder")
            if decoder_class is not None:
                kwargs.setdefault("cls", decoder_class)
        if not kwargs and isinstance(s, str):
            # The usual document, with no space around it, is read in one
            # step; anything else (space, extra data, errors) by json.loads.
            try:
                obj, end = _DECODER.raw_decode(s)
            except ValueError:
                end = -1
            if end == len(s):
                return obj
        return json.loads(s, **kwargs)

    def response(self, *args: t.Any, **kwargs: t.Any) -> "Response":
        """A ``Response`` with the arguments serialised as JSON, ending in a newline.

        The body is compact, or indented by two spaces when ``compact`` is
        ``False`` (or ``None`` and the app is in debug mode). The mimetype is
        ``self.mimetype``. Pass one value, several (sent as a list) or keyword
        arguments (sent as an object), not both.
        """
        obj = self._prepare_response_obj(args, kwargs)
        app = self._app
        config = app.config
        compact = self.compact
        pretty = compact is False or (compact is None and app.debug)
        mimetype = self.mimetype
        if config.get("JSONIFY_PRETTYPRINT_REGULAR") is not None:
            pretty = _deprecated_setting(config, "JSONIFY_PRETTYPRINT_REGULAR", "compact")
        if config.get("JSONIFY_MIMETYPE") is not None:
            mimetype = _deprecated_setting(config, "JSONIFY_MIMETYPE", "mimetype")
        if pretty:
            body = self.dumps(obj, indent=2)
        else:
            body = self.dumps(obj, separators=(",", ":"))
        return app.response_class(f"{body}\n", mimetype=mimetype)
