"""The signal API: connecting, sending, sender filtering, weak references."""
from __future__ import annotations

import gc
import threading
import typing as t

import pytest

from microflask import signals
from microflask.signals import ANY, NamedSignal, Namespace, Signal


class Recorder:
    """A receiver that records what it was sent."""

    def __init__(self) -> None:
        self.calls: t.List[t.Tuple[t.Any, t.Dict[str, t.Any]]] = []

    def __call__(self, sender: t.Any, **kwargs: t.Any) -> str:
        self.calls.append((sender, kwargs))
        return "recorded"

    def method(self, sender: t.Any, **kwargs: t.Any) -> str:
        self.calls.append((sender, kwargs))
        return "method"


class Sender:
    pass


def test_send_calls_receivers_with_sender_and_keywords_and_returns_pairs() -> None:
    signal = Signal()
    recorder = Recorder()
    signal.connect(recorder)
    result = signal.send("the sender", value=42)
    assert recorder.calls == [("the sender", {"value": 42})]
    assert result == [(recorder, "recorded")]


def test_send_without_receivers_returns_an_empty_list() -> None:
    signal = Signal()
    assert not signal.receivers
    assert signal.send(object(), x=1) == []


def test_send_defaults_the_sender_to_none() -> None:
    signal = Signal()
    recorder = Recorder()
    signal.connect(recorder)
    signal.send()
    assert recorder.calls == [(None, {})]


def test_receivers_are_called_in_connection_order() -> None:
    signal = Signal()
    order: t.List[str] = []
    sender = Sender()

    def first(sender: t.Any) -> None:
        order.append("first")

    def second(sender: t.Any) -> None:
        order.append("second")

    def third(sender: t.Any) -> None:
        order.append("third")

    signal.connect(first)
    signal.connect(second, sender=sender)
    signal.connect(third)
    signal.send(sender)
    assert order == ["first", "second", "third"]


def test_connect_returns_the_receiver_so_it_works_as_a_decorator() -> None:
    signal = Signal()

    @signal.connect
    def receiver(sender: t.Any) -> str:
        return "decorated"

    assert signal.send(None) == [(receiver, "decorated")]


def test_a_receiver_for_a_sender_hears_only_that_exact_object() -> None:
    signal = Signal()
    mine, other = Sender(), Sender()
    recorder = Recorder()
    signal.connect(recorder, sender=mine)
    signal.send(other)
    assert recorder.calls == []
    signal.send(mine, x=1)
    assert recorder.calls == [(mine, {"x": 1})]


def test_a_receiver_for_any_hears_every_sender_once() -> None:
    signal = Signal()
    sender = Sender()
    recorder = Recorder()
    signal.connect(recorder)
    signal.connect(recorder, sender=sender)  # also for this one: still called once
    signal.send(sender)
    signal.send("someone else")
    assert [call[0] for call in recorder.calls] == [sender, "someone else"]


def test_weakly_connected_function_is_dropped_once_garbage_collected() -> None:
    signal = Signal()
    calls: t.List[t.Any] = []

    def receiver(sender: t.Any) -> None:
        calls.append(sender)

    signal.connect(receiver)
    signal.send("a")
    del receiver
    gc.collect()
    assert signal.send("b") == []
    assert calls == ["a"]
    assert not signal.receivers


def test_weakly_connected_bound_method_lives_as_long_as_its_instance() -> None:
    signal = Signal()
    recorder = Recorder()
    # A bound method object is created on each access: this one is not kept,
    # yet the connection lasts as long as the instance.
    signal.connect(recorder.method)
    gc.collect()
    assert signal.send("a") == [(recorder.method, "method")]
    del recorder
    gc.collect()
    assert not signal.receivers
    assert signal.send("b") == []


def test_a_weakly_connected_lambda_is_gone_at_once() -> None:
    signal = Signal()
    signal.connect(lambda sender: "never")
    gc.collect()
    assert signal.send(None) == []


def test_strong_connection_keeps_the_receiver_alive() -> None:
    signal = Signal()
    signal.connect(lambda sender: "kept", weak=False)
    gc.collect()
    assert [result for _, result in signal.send(None)] == ["kept"]


def test_a_receiver_that_cannot_be_weakly_referenced_gets_a_clear_error() -> None:
    class Slotted:
        __slots__ = ()

        def __call__(self, sender: t.Any) -> None:
            pass

    signal = Signal()
    with pytest.raises(TypeError, match="weak=False"):
        signal.connect(Slotted())
    signal.connect(Slotted(), weak=False)
    assert len(signal.send(None)) == 1


def test_receivers_waiting_for_a_dead_sender_are_dropped() -> None:
    signal = Signal()
    sender = Sender()
    recorder = Recorder()
    signal.connect(recorder, sender=sender)
    assert signal.has_receivers_for(sender)
    del sender
    gc.collect()
    assert not signal.receivers
    assert signal.send(Sender()) == []


def test_disconnect_for_any_removes_the_receiver_for_all_senders() -> None:
    signal = Signal()
    sender = Sender()
    recorder = Recorder()
    signal.connect(recorder)
    signal.connect(recorder, sender=sender)
    signal.disconnect(recorder)
    assert signal.send(sender) == []
    assert not signal.receivers


def test_disconnect_for_one_sender_keeps_the_other_connections() -> None:
    signal = Signal()
    first, second = Sender(), Sender()
    recorder = Recorder()
    signal.connect(recorder, sender=first)
    signal.connect(recorder, sender=second)
    signal.disconnect(recorder, sender=first)
    signal.send(first)
    signal.send(second)
    assert [call[0] for call in recorder.calls] == [second]


def test_disconnect_of_a_bound_method_through_a_fresh_attribute_access() -> None:
    signal = Signal()
    recorder = Recorder()
    signal.connect(recorder.method)
    signal.disconnect(recorder.method)
    assert signal.send(None) == []


def test_disconnecting_an_unknown_receiver_does_nothing() -> None:
    signal = Signal()
    kept = Recorder()
    signal.connect(kept)
    signal.disconnect(Recorder())
    signal.disconnect(kept, sender=Sender())
    assert signal.send(None) == [(kept, "recorded")]


def test_connect_via_is_a_strong_decorator_for_one_sender() -> None:
    signal = Signal()
    sender = Sender()

    def connect_inner_function() -> None:
        @signal.connect_via(sender)
        def receiver(sender: t.Any, **kwargs: t.Any) -> t.Any:
            return kwargs["x"]

    connect_inner_function()  # the function's only reference is the signal's
    gc.collect()
    assert [result for _, result in signal.send(sender, x=7)] == [7]
    assert signal.send(Sender(), x=8) == []


def test_connected_to_connects_for_the_block_only() -> None:
    signal = Signal()
    recorder = Recorder()
    with signal.connected_to(recorder):
        signal.send("inside")
    signal.send("after")
    assert [call[0] for call in recorder.calls] == ["inside"]
    assert not signal.receivers


def test_connected_to_disconnects_when_the_block_raises() -> None:
    signal = Signal()
    recorder = Recorder()
    with pytest.raises(ValueError):
        with signal.connected_to(recorder, sender="mine"):
            raise ValueError("boom")
    assert not signal.receivers


def test_has_receivers_for() -> None:
    signal = Signal()
    sender = Sender()
    recorder = Recorder()
    assert not signal.has_receivers_for(sender)
    signal.connect(recorder, sender=sender)
    assert signal.has_receivers_for(sender)
    assert not signal.has_receivers_for(Sender())
    assert not signal.has_receivers_for(ANY)
    signal.connect(recorder)
    assert signal.has_receivers_for(Sender())
    assert signal.has_receivers_for(ANY)


def test_receivers_for_lists_the_live_receivers_of_a_sender() -> None:
    signal = Signal()
    sender = Sender()
    for_anyone, for_sender = Recorder(), Recorder()
    signal.connect(for_anyone)
    signal.connect(for_sender, sender=sender)
    assert list(signal.receivers_for(sender)) == [for_anyone, for_sender]
    assert list(signal.receivers_for(Sender())) == [for_anyone]


def test_a_receiver_exception_propagates_to_the_sender() -> None:
    signal = Signal()

    def failing(sender: t.Any) -> None:
        raise RuntimeError("receiver failed")

    signal.connect(failing)
    with pytest.raises(RuntimeError, match="receiver failed"):
        signal.send(None)


def test_namespace_gives_the_same_signal_for_the_same_name() -> None:
    namespace = Namespace()
    signal = namespace.signal("saved", doc="Sent after saving.")
    assert isinstance(signal, NamedSignal)
    assert signal.name == "saved"
    assert signal.__doc__ == "Sent after saving."
    assert namespace.signal("saved") is signal
    assert namespace.signal("deleted") is not signal
    assert "saved" in repr(signal)


def test_any_has_a_readable_repr() -> None:
    assert repr(ANY) == "ANY"


def test_flask_signals_exist_and_nobody_listens_by_default() -> None:
    names = [
        "template_rendered",
        "before_render_template",
        "request_started",
        "request_finished",
        "request_tearing_down",
        "got_request_exception",
        "appcontext_tearing_down",
        "appcontext_pushed",
        "appcontext_popped",
        "message_flashed",
    ]
    for name in names:
        signal = getattr(signals, name)
        assert isinstance(signal, NamedSignal)
        assert signals._signals.signal(signal.name) is signal
    assert signals.signals_available is True


def test_connect_and_disconnect_from_many_threads_while_sending() -> None:
    signal = Signal()
    sender = Sender()
    keeper = Recorder()
    signal.connect(keeper, sender=sender)
    errors: t.List[BaseException] = []

    def churn() -> None:
        try:
            for _ in range(300):
                receiver = Recorder()
                signal.connect(receiver)
                signal.connect(receiver, sender=sender)
                signal.send(sender)
                signal.disconnect(receiver)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=churn) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(signal.receivers_for(sender)) == [keeper]
    assert len(signal.receivers) == 1
    assert len(keeper.calls) == 4 * 300
