"""Dicts and lists that hold request data: the ``MultiDict`` family and friends.

A query string or form may repeat a key (``?tag=a&tag=b``), so ``request.args``
and ``request.form`` are ``MultiDict``s: ``d[key]`` gives the first value and
``d.getlist(key)`` all of them. Request data is exposed through the immutable
variants. Nothing here parses HTTP; the parsers fill these containers.
"""
from __future__ import annotations

import typing as t
from copy import deepcopy
from itertools import repeat

from ..exceptions import BadRequestKeyError

_missing = object()

#: What the MultiDict constructors and ``update`` accept: a dict (list and
#: tuple values mean several values) or an iterable of ``(key, value)`` pairs.
MultiSource = t.Union[t.Mapping[t.Any, t.Any], t.Iterable[t.Tuple[t.Any, t.Any]]]


def iter_multi_items(mapping: MultiSource) -> t.Iterator[t.Tuple[t.Any, t.Any]]:
    """Yield every ``(key, value)`` pair of a MultiDict, dict or iterable of pairs.

    A dict value that is a list or tuple yields one pair per element.
    """
    if isinstance(mapping, MultiDict):
        yield from mapping.items(multi=True)
    elif isinstance(mapping, dict):
        for key, value in mapping.items():
            if isinstance(value, (list, tuple)):
                for item in value:
                    yield key, item
            else:
                yield key, value
    else:
        yield from mapping


def _convert(value: t.Any, type: t.Callable[[t.Any], t.Any], default: t.Any) -> t.Any:
    try:
        return type(value)
    except (ValueError, TypeError):
        return default


def _convert_all(values: t.Iterable[t.Any], type: t.Optional[t.Callable[[t.Any], t.Any]]) -> t.List[t.Any]:
    """The values converted by ``type``, dropping those it rejects."""
    if type is None:
        return list(values)
    converted = []
    for value in values:
        try:
            converted.append(type(value))
        except (ValueError, TypeError):
            continue
    return converted


class TypeConversionDict(dict):  # type: ignore[type-arg]
    """A dict whose ``get`` can convert the value: ``d.get("page", 1, type=int)``.

    A value the converter rejects (``ValueError``/``TypeError``) reads as the
    default, so bad user input never turns into a server error.
    """

    def get(self, key: t.Any, default: t.Any = None, type: t.Optional[t.Callable[[t.Any], t.Any]] = None) -> t.Any:  # type: ignore[override]
        try:
            value = self[key]
        except KeyError:
            return default
        if type is None:
            return value
        return _convert(value, type, default)


class MultiDict(TypeConversionDict):
    """A dict that keeps every value given for a key, in the order given.

    ``d[key]`` and ``get`` give the first value, ``getlist`` all of them; ``add``
    appends and ``d[key] = value`` replaces. A missing key raises
    ``BadRequestKeyError``, a ``KeyError`` that a framework answers with 400.
    Internally each key maps to a list of its values.
    """

    def __init__(self, mapping: t.Optional[MultiSource] = None) -> None:
        if isinstance(mapping, MultiDict):
            dict.__init__(self, mapping.lists())
            return
        lists: t.Dict[t.Any, t.List[t.Any]] = {}
        if isinstance(mapping, dict):
            for key, value in mapping.items():
                if not isinstance(value, (list, tuple)):
                    lists[key] = [value]
                elif value:
                    lists[key] = list(value)
        else:
            for key, value in mapping or ():
                if key in lists:
                    lists[key].append(value)
                else:
                    lists[key] = [value]
        dict.__init__(self, lists)

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Tuple[t.Any, ...]:
        return type(self), (list(self.items(multi=True)),)

    def __getitem__(self, key: t.Any) -> t.Any:
        values = dict.get(self, key)
        if values:
            return values[0]
        raise BadRequestKeyError(key)

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        dict.__setitem__(self, key, [value])

    def __iter__(self) -> t.Iterator[t.Any]:
        # Defined, though dict's would do, so that dict(md), {**md} and
        # d.update(md) go through keys() and __getitem__ and see first values;
        # CPython copies a subclass's internal value lists when __iter__ is dict's.
        return iter(dict.keys(self))

    def __ior__(self, other: MultiSource) -> "MultiDict":
        self.update(other)
        return self

    def get(self, key: t.Any, default: t.Any = None, type: t.Optional[t.Callable[[t.Any], t.Any]] = None) -> t.Any:
        """The first value of ``key``, converted by ``type``; ``default`` if missing or rejected."""
        values = dict.get(self, key)
        if not values:
            return default
        return values[0] if type is None else _convert(values[0], type, default)

    def add(self, key: t.Any, value: t.Any) -> None:
        """Append ``value`` to the values of ``key``."""
        dict.setdefault(self, key, []).append(value)

    def getlist(self, key: t.Any, type: t.Optional[t.Callable[[t.Any], t.Any]] = None) -> t.List[t.Any]:
        """All values of ``key`` (a new list; ``[]`` if missing), converted by ``type``.

        Values the converter rejects are left out.
        """
        return _convert_all(dict.get(self, key, ()), type)

    def setlist(self, key: t.Any, new_list: t.Iterable[t.Any]) -> None:
        """Replace all values of ``key`` with the items of ``new_list``."""
        dict.__setitem__(self, key, list(new_list))

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.Any:
        """The first value of ``key``; if missing, set it to ``default`` first."""
        if key not in self:
            self[key] = default
            return default
        return self[key]

    def setlistdefault(self, key: t.Any, default_list: t.Optional[t.Iterable[t.Any]] = None) -> t.List[t.Any]:
        """The live list of values of ``key``, created from ``default_list`` if missing.

        Appending to the returned list adds values to the dict.
        """
        if key not in self:
            dict.__setitem__(self, key, list(default_list or ()))
        return dict.__getitem__(self, key)  # type: ignore[no-any-return]

    def items(self, multi: bool = False) -> t.Iterator[t.Tuple[t.Any, t.Any]]:  # type: ignore[override]
        """``(key, first value)`` pairs, or every ``(key, value)`` pair if ``multi``."""
        for key, values in dict.items(self):
            if multi:
                for value in values:
                    yield key, value
            elif values:
                yield key, values[0]

    def lists(self) -> t.Iterator[t.Tuple[t.Any, t.List[t.Any]]]:
        """``(key, list of values)`` pairs; the lists are copies."""
        for key, values in dict.items(self):
            yield key, list(values)

    def values(self) -> t.Iterator[t.Any]:  # type: ignore[override]
        """The first value of each key."""
        for values in dict.values(self):
            if values:
                yield values[0]

    def listvalues(self) -> t.Iterator[t.List[t.Any]]:
        """The list of values of each key (copies)."""
        for values in dict.values(self):
            yield list(values)

    def to_dict(self, flat: bool = True) -> t.Dict[t.Any, t.Any]:
        """A plain dict: first values, or lists of all values if not ``flat``."""
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def update(self, mapping: MultiSource) -> None:  # type: ignore[override]
        """Add the pairs of ``mapping``. Unlike ``dict.update`` nothing is replaced."""
        for key, value in iter_multi_items(mapping):
            MultiDict.add(self, key, value)

    def pop(self, key: t.Any, default: t.Any = _missing) -> t.Any:
        """Remove ``key`` and return its first value (or ``default`` if missing)."""
        values = dict.pop(self, key, None)
        if values:
            return values[0]
        if default is _missing:
            raise BadRequestKeyError(key)
        return default

    def popitem(self) -> t.Tuple[t.Any, t.Any]:
        """Remove some key and return ``(key, first value)``."""
        key, values = self.popitemlist()
        if not values:
            raise BadRequestKeyError(key)
        return key, values[0]

    def poplist(self, key: t.Any) -> t.List[t.Any]:
        """Remove ``key`` and return all its values (``[]`` if missing)."""
        return dict.pop(self, key, [])  # type: ignore[no-any-return]

    def popitemlist(self) -> t.Tuple[t.Any, t.List[t.Any]]:
        """Remove some key and return ``(key, list of values)``."""
        try:
            return dict.popitem(self)
        except KeyError as error:
            raise BadRequestKeyError(error.args[0]) from None

    def copy(self) -> "MultiDict":
        """A shallow copy of the same class."""
        return type(self)(self)

    def deepcopy(self, memo: t.Optional[t.Dict[int, t.Any]] = None) -> "MultiDict":
        """A deep copy of the same class."""
        return type(self)(deepcopy(list(self.items(multi=True)), memo))

    def __copy__(self) -> "MultiDict":
        return self.copy()

    def __deepcopy__(self, memo: t.Dict[int, t.Any]) -> "MultiDict":
        return self.deepcopy(memo)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"


class _Bucket:
    """One ``(key, value)`` pair of an ``OrderedMultiDict``, linked to its neighbours."""

    __slots__ = ("key", "value", "prev", "next")

    def __init__(self, key: t.Any, value: t.Any, prev: t.Optional["_Bucket"]) -> None:
        self.key = key
        self.value = value
        self.prev = prev
        self.next: t.Optional[_Bucket] = None


class OrderedMultiDict(MultiDict):
    """A ``MultiDict`` that remembers the order of all pairs, across keys.

    ``items(multi=True)`` gives the pairs exactly as they were added. The pairs
    form a doubly linked list and each key maps to the list of its pairs, so
    adding and removing stay cheap. Setting a key moves it to the end.
    """

    def __init__(self, mapping: t.Optional[MultiSource] = None) -> None:
        dict.__init__(self)
        self._first: t.Optional[_Bucket] = None
        self._last: t.Optional[_Bucket] = None
        if mapping is not None:
            OrderedMultiDict.update(self, mapping)

    def __eq__(self, other: object) -> bool:
        """Order matters against another OrderedMultiDict, not against a MultiDict."""
        if isinstance(other, OrderedMultiDict):
            return list(self.items(multi=True)) == list(other.items(multi=True))
        if isinstance(other, MultiDict):
            return len(self) == len(other) and all(other.getlist(key) == values for key, values in self.lists())
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def _link(self, key: t.Any, value: t.Any) -> None:
        bucket = _Bucket(key, value, self._last)
        if self._last is None:
            self._first = bucket
        else:
            self._last.next = bucket
        self._last = bucket
        dict.setdefault(self, key, []).append(bucket)

    def _unlink(self, buckets: t.List[_Bucket]) -> None:
        for bucket in buckets:
            if bucket.prev is None:
                self._first = bucket.next
            else:
                bucket.prev.next = bucket.next
            if bucket.next is None:
                self._last = bucket.prev
            else:
                bucket.next.prev = bucket.prev

    def _pairs(self) -> t.Iterator[_Bucket]:
        bucket = self._first
        while bucket is not None:
            yield bucket
            bucket = bucket.next

    def __getitem__(self, key: t.Any) -> t.Any:
        buckets = dict.get(self, key)
        if buckets:
            return buckets[0].value
        raise BadRequestKeyError(key)

    def get(self, key: t.Any, default: t.Any = None, type: t.Optional[t.Callable[[t.Any], t.Any]] = None) -> t.Any:
        buckets = dict.get(self, key)
        if not buckets:
            return default
        value = buckets[0].value
        return value if type is None else _convert(value, type, default)

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        self.poplist(key)
        self.add(key, value)

    def __delitem__(self, key: t.Any) -> None:
        self.pop(key)

    def __iter__(self) -> t.Iterator[t.Any]:
        return self.keys()

    def keys(self) -> t.Iterator[t.Any]:  # type: ignore[override]
        """Each key once, in the order of its first pair."""
        return (key for key, _ in self.items())

    def values(self) -> t.Iterator[t.Any]:  # type: ignore[override]
        return (value for _, value in self.items())

    def items(self, multi: bool = False) -> t.Iterator[t.Tuple[t.Any, t.Any]]:  # type: ignore[override]
        if multi:
            for bucket in self._pairs():
                yield bucket.key, bucket.value
            return
        seen = set()
        for bucket in self._pairs():
            if bucket.key not in seen:
                seen.add(bucket.key)
                yield bucket.key, bucket.value

    def lists(self) -> t.Iterator[t.Tuple[t.Any, t.List[t.Any]]]:
        for key in self.keys():
            yield key, self.getlist(key)

    def listvalues(self) -> t.Iterator[t.List[t.Any]]:
        return (values for _, values in self.lists())

    def add(self, key: t.Any, value: t.Any) -> None:
        self._link(key, value)

    def getlist(self, key: t.Any, type: t.Optional[t.Callable[[t.Any], t.Any]] = None) -> t.List[t.Any]:
        return _convert_all((bucket.value for bucket in dict.get(self, key, ())), type)

    def setlist(self, key: t.Any, new_list: t.Iterable[t.Any]) -> None:
        """Replace the values of ``key``; its pairs move to the end."""
        self.poplist(key)
        for value in new_list:
            self.add(key, value)

    def setlistdefault(self, key: t.Any, default_list: t.Optional[t.Iterable[t.Any]] = None) -> t.NoReturn:
        raise NotImplementedError(
            "setlistdefault is unsupported for ordered multi dicts: a returned list"
            " could not keep the pair order; use getlist and add instead"
        )

    def update(self, mapping: MultiSource) -> None:  # type: ignore[override]
        for key, value in iter_multi_items(mapping):
            self._link(key, value)

    def poplist(self, key: t.Any) -> t.List[t.Any]:
        buckets = dict.pop(self, key, [])
        self._unlink(buckets)
        return [bucket.value for bucket in buckets]

    def pop(self, key: t.Any, default: t.Any = _missing) -> t.Any:
        if key in self:
            return self.poplist(key)[0]
        if default is _missing:
            raise BadRequestKeyError(key)
        return default

    def popitemlist(self) -> t.Tuple[t.Any, t.List[t.Any]]:
        try:
            key, buckets = dict.popitem(self)
        except KeyError as error:
            raise BadRequestKeyError(error.args[0]) from None
        self._unlink(buckets)
        return key, [bucket.value for bucket in buckets]


# -- immutable variants -------------------------------------------------------


class ImmutableDictMixin:
    """Makes a dict read-only and hashable. Every mutator raises ``TypeError``."""

    _hash_cache: t.Optional[int] = None

    @classmethod
    def fromkeys(cls, keys: t.Iterable[t.Any], value: t.Any = None) -> t.Any:
        return cls(zip(keys, repeat(value)))  # type: ignore[call-arg]

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Tuple[t.Any, ...]:
        return type(self), (dict(self),)  # type: ignore[call-overload]

    def _iter_hashitems(self) -> t.Iterable[t.Any]:
        return self.items()  # type: ignore[attr-defined,no-any-return]

    def __hash__(self) -> int:
        if self._hash_cache is None:
            self._hash_cache = hash(frozenset(self._iter_hashitems()))
        return self._hash_cache

    def _is_immutable(self) -> t.NoReturn:
        raise TypeError(f"{type(self).__name__!r} objects are immutable")

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.NoReturn:
        self._is_immutable()

    def update(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        self._is_immutable()

    def pop(self, key: t.Any, default: t.Any = None) -> t.NoReturn:
        self._is_immutable()

    def popitem(self) -> t.NoReturn:
        self._is_immutable()

    def clear(self) -> t.NoReturn:
        self._is_immutable()

    def __setitem__(self, key: t.Any, value: t.Any) -> t.NoReturn:
        self._is_immutable()

    def __delitem__(self, key: t.Any) -> t.NoReturn:
        self._is_immutable()

    def __ior__(self, other: t.Any) -> t.NoReturn:
        self._is_immutable()


class ImmutableMultiDictMixin(ImmutableDictMixin):
    """Makes a MultiDict read-only and hashable; blocks the multi-value mutators too."""

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Tuple[t.Any, ...]:
        return type(self), (list(self.items(multi=True)),)  # type: ignore[attr-defined]

    def _iter_hashitems(self) -> t.Iterable[t.Any]:
        return self.items(multi=True)  # type: ignore[attr-defined,no-any-return]

    def add(self, key: t.Any, value: t.Any) -> t.NoReturn:
        self._is_immutable()

    def popitemlist(self) -> t.NoReturn:
        self._is_immutable()

    def poplist(self, key: t.Any) -> t.NoReturn:
        self._is_immutable()

    def setlist(self, key: t.Any, new_list: t.Iterable[t.Any]) -> t.NoReturn:
        self._is_immutable()

    def setlistdefault(self, key: t.Any, default_list: t.Optional[t.Iterable[t.Any]] = None) -> t.NoReturn:
        self._is_immutable()


class ImmutableDict(ImmutableDictMixin, dict):  # type: ignore[type-arg]
    """A hashable dict that cannot be changed. ``copy()`` gives a plain dict."""

    def copy(self) -> t.Dict[t.Any, t.Any]:
        return dict(self)

    def __copy__(self) -> "ImmutableDict":
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"


class ImmutableTypeConversionDict(ImmutableDictMixin, TypeConversionDict):
    """A read-only ``TypeConversionDict``. ``copy()`` gives a mutable one."""

    def copy(self) -> TypeConversionDict:
        return TypeConversionDict(self)

    def __copy__(self) -> "ImmutableTypeConversionDict":
        return self


class ImmutableMultiDict(ImmutableMultiDictMixin, MultiDict):  # type: ignore[misc]
    """A read-only ``MultiDict``: what ``request.args`` and ``request.form`` are.

    ``copy()`` gives a mutable ``MultiDict`` to edit.
    """

    def copy(self) -> MultiDict:
        return MultiDict(self)

    def __copy__(self) -> "ImmutableMultiDict":
        return self


class ImmutableOrderedMultiDict(ImmutableMultiDictMixin, OrderedMultiDict):  # type: ignore[misc]
    """A read-only ``OrderedMultiDict``. ``copy()`` gives a mutable one."""

    def _iter_hashitems(self) -> t.Iterable[t.Any]:
        # The position is part of the identity of an ordered dict.
        return enumerate(self.items(multi=True))

    def copy(self) -> OrderedMultiDict:
        return OrderedMultiDict(self)

    def __copy__(self) -> "ImmutableOrderedMultiDict":
        return self


class CombinedMultiDict(ImmutableMultiDictMixin, MultiDict):  # type: ignore[misc]
    """A read-only view over several MultiDicts, searched in the given order.

    ``request.values`` combines ``args`` and ``form`` this way: ``d[key]`` comes
    from the first dict that has the key, ``getlist`` joins the values of all.
    Changes to the underlying dicts show through.
    """

    def __init__(self, dicts: t.Optional[t.Iterable[MultiDict]] = None) -> None:
        super().__init__()
        self.dicts: t.List[MultiDict] = list(dicts or ())

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Tuple[t.Any, ...]:
        return type(self), (self.dicts,)

    @classmethod
    def fromkeys(cls, keys: t.Iterable[t.Any], value: t.Any = None) -> t.NoReturn:
        raise TypeError(f"cannot create {cls.__name__!r} instances by fromkeys")

    def __getitem__(self, key: t.Any) -> t.Any:
        for d in self.dicts:
            if key in d:
                return d[key]
        raise BadRequestKeyError(key)

    def get(self, key: t.Any, default: t.Any = None, type: t.Optional[t.Callable[[t.Any], t.Any]] = None) -> t.Any:
        """The first value found; with ``type``, the first one that converts."""
        for d in self.dicts:
            if key in d:
                if type is None:
                    return d[key]
                value = _convert(d[key], type, _missing)
                if value is not _missing:
                    return value
        return default

    def getlist(self, key: t.Any, type: t.Optional[t.Callable[[t.Any], t.Any]] = None) -> t.List[t.Any]:
        values = []
        for d in self.dicts:
            values.extend(d.getlist(key, type))
        return values

    def _unique_keys(self) -> t.Dict[t.Any, None]:
        keys: t.Dict[t.Any, None] = {}
        for d in self.dicts:
            keys.update(dict.fromkeys(d.keys()))
        return keys

    def keys(self) -> t.KeysView[t.Any]:  # type: ignore[override]
        """Each key once, in the order first seen."""
        return self._unique_keys().keys()

    def __iter__(self) -> t.Iterator[t.Any]:
        return iter(self._unique_keys())

    def __len__(self) -> int:
        return len(self._unique_keys())

    def __contains__(self, key: object) -> bool:
        return any(key in d for d in self.dicts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MultiDict):
            return dict(self.lists()) == dict(other.lists())
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        # Not cached: the underlying dicts may change.
        return hash(frozenset(self.items(multi=True)))

    def items(self, multi: bool = False) -> t.Iterator[t.Tuple[t.Any, t.Any]]:  # type: ignore[override]
        seen = set()
        for d in self.dicts:
            for key, value in d.items(multi):
                if multi:
                    yield key, value
                elif key not in seen:
                    seen.add(key)
                    yield key, value

    def values(self) -> t.Iterator[t.Any]:  # type: ignore[override]
        return (value for _, value in self.items())

    def lists(self) -> t.Iterator[t.Tuple[t.Any, t.List[t.Any]]]:
        joined: t.Dict[t.Any, t.List[t.Any]] = {}
        for d in self.dicts:
            for key, values in d.lists():
                joined.setdefault(key, []).extend(values)
        return iter(joined.items())

    def listvalues(self) -> t.Iterator[t.List[t.Any]]:
        return (values for _, values in self.lists())

    def copy(self) -> MultiDict:
        """A mutable ``MultiDict`` holding all pairs of all the dicts."""
        return MultiDict(self)

    def deepcopy(self, memo: t.Optional[t.Dict[int, t.Any]] = None) -> "CombinedMultiDict":
        return type(self)(deepcopy(self.dicts, memo))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.dicts!r})"


class ImmutableList(list):  # type: ignore[type-arg]
    """A hashable list that cannot be changed; every mutator raises ``TypeError``."""

    _hash_cache: t.Optional[int] = None

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Tuple[t.Any, ...]:
        return type(self), (list(self),)

    def __hash__(self) -> int:  # type: ignore[override]
        if self._hash_cache is None:
            self._hash_cache = hash(tuple(self))
        return self._hash_cache

    def _is_immutable(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise TypeError(f"{type(self).__name__!r} objects are immutable")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _is_immutable
    append = extend = insert = remove = pop = clear = reverse = sort = _is_immutable

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list.__repr__(self)})"


class CallbackDict(dict):  # type: ignore[type-arg]
    """A dict that calls ``on_update(self)`` after every change.

    Sessions use it to notice that they were modified and must be saved.
    """

    on_update: t.Optional[t.Callable[[t.Any], None]] = None

    def __init__(self, initial: t.Optional[t.Any] = None, on_update: t.Optional[t.Callable[[t.Any], None]] = None) -> None:
        super().__init__(initial or ())
        self.on_update = on_update

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: t.Any) -> None:
        super().__delitem__(key)
        self._changed()

    def __ior__(self, other: t.Any) -> "CallbackDict":
        self.update(other)
        return self

    def clear(self) -> None:
        super().clear()
        self._changed()

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.Any:
        missing = key not in self
        value = super().setdefault(key, default)
        if missing:
            self._changed()
        return value

    def pop(self, key: t.Any, default: t.Any = _missing) -> t.Any:
        present = key in self
        value = super().pop(key) if default is _missing else super().pop(key, default)
        if present:
            self._changed()
        return value

    def popitem(self) -> t.Tuple[t.Any, t.Any]:
        item = super().popitem()
        self._changed()
        return item

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"
