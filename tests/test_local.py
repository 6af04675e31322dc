"""The context-local proxy (``microflask.toolkit.local.LocalProxy``): one
global name that stands for whatever a context variable holds right now."""
from contextvars import ContextVar

import pytest

from microflask.toolkit.local import LocalProxy


class Box:
    kind = "box"

    def __init__(self, size):
        self.size = size

    def __len__(self):
        return self.size


def test_attributes_and_operators_reach_the_current_object():
    var = ContextVar("box")
    box = LocalProxy(var)
    token = var.set(Box(3))
    try:
        assert (box.size, box.kind, len(box)) == (3, "box", 3)
        box.size = 5
        assert var.get().size == 5
        assert isinstance(box, Box) and box._get_current_object() is var.get()
    finally:
        var.reset(token)


def test_a_dotted_name_stands_for_an_attribute_of_the_object():
    var = ContextVar("holder")
    size = LocalProxy(var, "inner.size")
    holder = Box(0)
    holder.inner = Box(7)
    token = var.set(holder)
    try:
        assert size + 1 == 8
    finally:
        var.reset(token)


def test_outside_a_context_the_proxy_says_what_is_missing():
    proxy = LocalProxy(ContextVar("nothing"), unbound_message="No box here.")
    with pytest.raises(RuntimeError, match="No box here."):
        proxy.size
    assert not proxy
    assert repr(proxy) == "<LocalProxy unbound>"


def test_a_subclass_that_overrides_get_current_object_is_used_for_every_access():
    class Fixed(LocalProxy):
        def _get_current_object(self):
            return Box(9)

    proxy = Fixed(ContextVar("unused"))
    assert (proxy.size, len(proxy), proxy.kind) == (9, 9, "box")
