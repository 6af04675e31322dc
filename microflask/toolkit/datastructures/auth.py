"""HTTP authentication headers: the client's ``Authorization`` and the server's challenge.

``http.parse_authorization_header`` gives ``request.authorization``; a 401
response carries a ``WWWAuthenticate`` challenge (``Basic realm="x"``). Both
are dicts of the scheme's parameters with the common ones as attributes.
Checking credentials is the application's job, not theirs.
"""
from __future__ import annotations

import base64
import typing as t

from .._http_base import quote_header_value
from .structures import CallbackDict

# Parameters the auth RFCs define as quoted-strings: they are quoted even when
# they would pass as tokens, since some peers insist. The rest (Digest's "nc",
# "algorithm", the credentials' "qop") are quoted only when they must be.
_CHALLENGE_QUOTED = frozenset(["realm", "domain", "nonce", "opaque", "qop"])
_CREDENTIALS_QUOTED = frozenset(["username", "realm", "nonce", "uri", "response", "opaque", "cnonce"])


def _dump_params(params: t.Mapping[str, t.Any], always_quoted: t.AbstractSet[str]) -> str:
    items = []
    for key, value in params.items():
        if value is None:
            items.append(key)
        else:
            items.append(f"{key}={quote_header_value(value, allow_token=key not in always_quoted)}")
    return ", ".join(items)


class _Parameter:
    """A scheme parameter as an attribute: ``auth.realm`` is ``auth.get("realm")``.

    Assigning ``None`` removes the parameter.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name
        self.__doc__ = f"The ``{name}`` parameter, or None."

    def __get__(self, instance: t.Any, owner: t.Optional[type] = None) -> t.Any:
        if instance is None:
            return self
        return instance.get(self.key)

    def __set__(self, instance: t.Any, value: t.Optional[str]) -> None:
        if value is None:
            instance.pop(self.key, None)
        else:
            instance[self.key] = value


class Authorization(dict):  # type: ignore[type-arg]
    """Credentials sent by the client: a scheme plus parameters or a token.

    ``Basic`` credentials have ``username`` and ``password``; ``Digest`` ones
    ``username``, ``realm``, ``nonce``, ``uri``, ``response`` and friends;
    ``Bearer`` and similar schemes a ``token``.

    >>> auth = Authorization("basic", {"username": "ada", "password": "s3cret"})
    >>> auth.to_header()
    'Basic YWRhOnMzY3JldA=='
    """

    username = _Parameter()
    password = _Parameter()
    realm = _Parameter()
    nonce = _Parameter()
    uri = _Parameter()
    nc = _Parameter()
    cnonce = _Parameter()
    response = _Parameter()
    opaque = _Parameter()
    qop = _Parameter()

    def __init__(
        self, auth_type: str, data: t.Optional[t.Mapping[str, t.Optional[str]]] = None, token: t.Optional[str] = None
    ) -> None:
        super().__init__(data or {})
        self.type = auth_type.lower()
        self.token = token

    def to_header(self) -> str:
        """The header value: ``Basic <base64>``, ``Bearer <token>`` or ``Digest k="v", ...``."""
        scheme = self.type.title()
        if self.type == "basic":
            credentials = f"{self.username or ''}:{self.password or ''}".encode("utf-8")
            return f"Basic {base64.b64encode(credentials).decode('ascii')}"
        if self.token is not None:
            return f"{scheme} {self.token}"
        return f"{scheme} {_dump_params(self, _CREDENTIALS_QUOTED)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.type} {dict.__repr__(self)}>"


class WWWAuthenticate(CallbackDict):
    """A challenge from the server: a scheme (``type``) and its parameters.

    Changing the scheme or a parameter calls ``on_update(self)``, which a
    response uses to rewrite its header.

    >>> str(WWWAuthenticate("basic", {"realm": "admin area"}))
    'Basic realm="admin area"'
    """

    realm = _Parameter()
    domain = _Parameter()
    nonce = _Parameter()
    opaque = _Parameter()
    algorithm = _Parameter()
    qop = _Parameter()

    def __init__(
        self,
        auth_type: t.Optional[str] = None,
        values: t.Optional[t.Mapping[str, t.Optional[str]]] = None,
        on_update: t.Optional[t.Callable[["WWWAuthenticate"], None]] = None,
    ) -> None:
        super().__init__(values, on_update)
        self._type = auth_type.lower() if auth_type else None

    @property
    def type(self) -> t.Optional[str]:
        """The scheme, lower-cased: ``"basic"``, ``"digest"``, ``"bearer"``..."""
        return self._type

    @type.setter
    def type(self, value: t.Optional[str]) -> None:
        self._type = value.lower() if value else None
        self._changed()

    @property
    def stale(self) -> bool:
        """Digest's ``stale`` flag: the nonce expired, retrying with a new one may work."""
        return (self.get("stale") or "").lower() == "true"

    @stale.setter
    def stale(self, value: bool) -> None:
        self["stale"] = "TRUE" if value else "FALSE"

    def set_basic(self, realm: str = "authentication required") -> None:
        """Make this a Basic challenge for ``realm``."""
        self._replace("basic", {"realm": realm})

    def set_digest(
        self,
        realm: str,
        nonce: str,
        qop: t.Iterable[str] = ("auth",),
        opaque: t.Optional[str] = None,
        algorithm: t.Optional[str] = None,
        stale: bool = False,
    ) -> None:
        """Make this a Digest challenge."""
        params = {"realm": realm, "nonce": nonce, "qop": ", ".join(qop)}
        if opaque is not None:
            params["opaque"] = opaque
        if algorithm is not None:
            params["algorithm"] = algorithm
        if stale:
            params["stale"] = "TRUE"
        self._replace("digest", params)

    def _replace(self, auth_type: str, params: t.Dict[str, str]) -> None:
        # Change everything first, then report once.
        dict.clear(self)
        dict.update(self, params)
        self.type = auth_type

    def to_header(self) -> str:
        """The header value: ``Basic realm="x"``; Basic when no scheme is set."""
        scheme = (self.type or "basic").title()
        params = _dump_params(self, _CHALLENGE_QUOTED)
        return f"{scheme} {params}" if params else scheme

    def __bool__(self) -> bool:
        return bool(self._type or len(self))

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"
