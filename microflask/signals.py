"""Signals: blinker's API from the standard library, and Flask's signals.

A signal is a named event that code can subscribe to. The framework *sends*
its signals at fixed points of the request flow (request started, template
rendered, ...); receivers observe, they cannot change what happens. This
module does not send anything itself, and it has no asynchronous sending.
"""
from __future__ import annotations

import typing as t
import weakref
from contextlib import contextmanager
from threading import RLock

if t.TYPE_CHECKING:  # pragma: no cover
    from contextlib import AbstractContextManager

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])


class _Symbol:
    """A unique, named marker object whose repr is its name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: The sender that means "whoever sends": a receiver connected with it hears every send.
ANY = _Symbol("ANY")
_ANY_ID: t.Hashable = 0  # id() never returns 0, so this cannot clash with a real object


def _id_for(obj: t.Any) -> t.Hashable:
    """The key that identifies ``obj`` as a receiver or a sender.

    A bound method is created anew at each attribute access, so two
    accesses to ``obj.method`` give different objects: it is identified by
    its instance and function instead.
    """
    if obj is ANY:
        return _ANY_ID
    instance = getattr(obj, "__self__", None)
    function = getattr(obj, "__func__", None)
    if instance is not None and function is not None:
        return (id(instance), id(function))
    return id(obj)


def _weak_reference(receiver: t.Callable[..., t.Any], on_death: t.Callable[[t.Any], None]) -> t.Any:
    """A weak reference to ``receiver`` that calls ``on_death`` when it dies."""
    if getattr(receiver, "__self__", None) is not None and hasattr(receiver, "__func__"):
        # A plain ref to a bound method would die at once: nothing else holds it.
        return weakref.WeakMethod(receiver, on_death)  # type: ignore[arg-type]
    try:
        return weakref.ref(receiver, on_death)
    except TypeError:
        raise TypeError(
            f"Cannot hold a weak reference to the receiver {receiver!r};"
            " connect it with weak=False."
        ) from None


class Signal:
    """An event receivers can connect to, and that ``send`` announces to them.

    ``receivers`` maps each connected receiver's id to the receiver (or a
    weak reference to it); it is empty when nobody listens, so
    ``if signal.receivers:`` is a cheap guard before building a send's
    arguments. Connecting and disconnecting replace the mappings under a
    lock instead of changing them in place, so a send running in another
    thread always iterates a consistent snapshot.
    """

    def __init__(self, doc: t.Optional[str] = None) -> None:
        if doc:
            self.__doc__ = doc
        self.receivers: t.Dict[t.Hashable, t.Any] = {}
        # sender id -> the ids of the receivers connected for it (a dict as an ordered set).
        self._by_sender: t.Dict[t.Hashable, t.Dict[t.Hashable, None]] = {}
        # sender id -> a weak reference to the sender (or the sender itself if it cannot
        # be weakly referenced), so that its id is not reused while receivers wait for it.
        self._senders: t.Dict[t.Hashable, t.Any] = {}
        # Re-entrant: a weak reference's callback may run (and take the lock)
        # during garbage collection inside a connect or disconnect.
        self._lock = RLock()

    # -- connecting ---------------------------------------------------------------

    def connect(self, receiver: _F, sender: t.Any = ANY, weak: bool = True) -> _F:
        """Call ``receiver(sender, **kwargs)`` on each send from ``sender``
        (from anyone, with ``ANY``). Returns ``receiver``, so it decorates.

        With ``weak=True`` the signal holds only a weak reference: when
        nothing else holds the receiver, it is disconnected. A lambda or an
        inner function connected weakly therefore disappears at once.
        """
        receiver_id = _id_for(receiver)
        sender_id = _id_for(sender)
        if weak:
            stored = _weak_reference(receiver, lambda _ref: self._forget_receiver(receiver_id))
        else:
            stored = receiver
        with self._lock:
            receivers = dict(self.receivers)
            receivers[receiver_id] = stored
            by_sender = dict(self._by_sender)
            by_sender[sender_id] = _with_key(by_sender.get(sender_id), receiver_id)
            if sender_id is not _ANY_ID and sender_id not in self._senders:
                self._remember_sender(sender, sender_id)
            self._by_sender = by_sender
            self.receivers = receivers
        return receiver

    def connect_via(self, sender: t.Any, weak: bool = False) -> t.Callable[[_F], _F]:
        """Decorator form of ``connect`` for a given ``sender``; strong by default."""

        def decorator(receiver: _F) -> _F:
            return self.connect(receiver, sender, weak)

        return decorator

    def connected_to(self, receiver: t.Callable[..., t.Any], sender: t.Any = ANY) -> "AbstractContextManager[None]":
        """A ``with`` block during which ``receiver`` is connected (strongly);
        it is disconnected when the block ends, even by an exception."""
        @contextmanager
        def connection() -> t.Iterator[None]:
            self.connect(receiver, sender, weak=False)
            try:
                yield
            finally:
                self.disconnect(receiver, sender)

        return connection()

    def disconnect(self, receiver: t.Callable[..., t.Any], sender: t.Any = ANY) -> None:
        """Stop calling ``receiver`` for ``sender``; with ``ANY``, for every sender.
        Disconnecting a receiver that is not connected does nothing."""
        receiver_id = _id_for(receiver)
        sender_id = _id_for(sender)
        with self._lock:
            if sender_id is _ANY_ID:
                self._forget_receiver(receiver_id)
                return
            ids = self._by_sender.get(sender_id)
            if ids is None or receiver_id not in ids:
                return
            by_sender = dict(self._by_sender)
            by_sender[sender_id] = _without_key(ids, receiver_id)
            self._commit(by_sender)

    def _forget_receiver(self, receiver_id: t.Hashable) -> None:
        """Disconnect ``receiver_id`` from every sender (it died, or was asked to)."""
        with self._lock:
            if receiver_id not in self.receivers:
                return
            by_sender = {
                sender_id: _without_key(ids, receiver_id) if receiver_id in ids else ids
                for sender_id, ids in self._by_sender.items()
            }
            self._commit(by_sender)

    def _forget_sender(self, sender_id: t.Hashable) -> None:
        """Drop the receivers waiting for a sender that no longer exists."""
        with self._lock:
            by_sender = dict(self._by_sender)
            by_sender.pop(sender_id, None)
            self._commit(by_sender)

    def _remember_sender(self, sender: t.Any, sender_id: t.Hashable) -> None:
        try:
            self._senders[sender_id] = weakref.ref(sender, lambda _ref: self._forget_sender(sender_id))
        except TypeError:  # an int, a str, a tuple...: keep it alive instead
            self._senders[sender_id] = sender

    def _commit(self, by_sender: t.Dict[t.Hashable, t.Dict[t.Hashable, None]]) -> None:
        """Publish ``by_sender``, dropping empty entries and receivers no sender needs."""
        by_sender = {sender_id: ids for sender_id, ids in by_sender.items() if ids}
        still_connected = {receiver_id for ids in by_sender.values() for receiver_id in ids}
        self._senders = {
            sender_id: ref for sender_id, ref in self._senders.items() if sender_id in by_sender
        }
        self._by_sender = by_sender
        self.receivers = {
            receiver_id: stored
            for receiver_id, stored in self.receivers.items()
            if receiver_id in still_connected
        }

    # -- sending ------------------------------------------------------------------

    def send(self, sender: t.Any = None, **kwargs: t.Any) -> t.List[t.Tuple[t.Callable[..., t.Any], t.Any]]:
        """Call each receiver for ``sender`` (and for ``ANY``) as
        ``receiver(sender, **kwargs)``, in connection order; return the
        ``(receiver, return value)`` pairs. An exception in a receiver
        propagates to the sender."""
        if not self.receivers:
            return []
        return [(receiver, receiver(sender, **kwargs)) for receiver in self.receivers_for(sender)]

    def has_receivers_for(self, sender: t.Any) -> bool:
        """Whether a send from ``sender`` would call anyone (an estimate: a weak
        receiver may have died without being collected yet)."""
        if not self.receivers:
            return False
        if _ANY_ID in self._by_sender:
            return True
        if sender is ANY:
            return False
        return _id_for(sender) in self._by_sender

    def receivers_for(self, sender: t.Any) -> t.Iterator[t.Callable[..., t.Any]]:
        """The live receivers a send from ``sender`` calls, in connection order."""
        receivers = self.receivers
        if not receivers:
            return
        by_sender = self._by_sender
        for_anyone = by_sender.get(_ANY_ID, {})
        for_sender = by_sender.get(_id_for(sender), {}) if sender is not ANY else {}
        if for_sender:
            ids: t.Iterable[t.Hashable] = [
                receiver_id for receiver_id in receivers if receiver_id in for_anyone or receiver_id in for_sender
            ]
        else:
            ids = for_anyone
        for receiver_id in ids:
            stored = receivers.get(receiver_id)
            if stored is None:  # disconnected since the snapshot was taken
                continue
            if isinstance(stored, weakref.ref):  # WeakMethod is a ref too
                stored = stored()
                if stored is None:  # died, its callback is about to forget it
                    continue
            yield stored


def _with_key(ids: t.Optional[t.Dict[t.Hashable, None]], key: t.Hashable) -> t.Dict[t.Hashable, None]:
    """A copy of the ordered set ``ids`` with ``key`` added at the end."""
    copy = dict(ids) if ids else {}
    copy[key] = None
    return copy


def _without_key(ids: t.Dict[t.Hashable, None], key: t.Hashable) -> t.Dict[t.Hashable, None]:
    """A copy of the ordered set ``ids`` without ``key``."""
    return {other: None for other in ids if other != key}


class NamedSignal(Signal):
    """A ``Signal`` with a name, as ``Namespace.signal`` makes them."""

    def __init__(self, name: str, doc: t.Optional[str] = None) -> None:
        super().__init__(doc)
        self.name = name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} at {id(self):#x}>"


class Namespace(dict):  # type: ignore[type-arg]
    """A mapping of names to signals: ``signal(name)`` always gives the same
    signal for the same name, so code that shares a namespace shares signals."""

    def signal(self, name: str, doc: t.Optional[str] = None) -> NamedSignal:
        """The signal called ``name``, made (with ``doc``) on first request."""
        try:
            return self[name]  # type: ignore[no-any-return]
        except KeyError:
            return self.setdefault(name, NamedSignal(name, doc))  # type: ignore[no-any-return]


#: Always true: signals need no optional dependency here (in Flask 2.2 they needed blinker).
signals_available = True

_signals = Namespace()

# Flask's signals. Each is sent with the application as the sender.
template_rendered = _signals.signal("template-rendered")
before_render_template = _signals.signal("before-render-template")
request_started = _signals.signal("request-started")
request_finished = _signals.signal("request-finished")
request_tearing_down = _signals.signal("request-tearing-down")
got_request_exception = _signals.signal("got-request-exception")
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
appcontext_pushed = _signals.signal("appcontext-pushed")
appcontext_popped = _signals.signal("appcontext-popped")
message_flashed = _signals.signal("message-flashed")
