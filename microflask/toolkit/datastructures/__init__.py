"""Containers for HTTP data: multi-valued dicts, headers, uploaded files, and
the typed header values (Accept, Cache-Control, ETags, Range, auth).

One module per family; this package re-exports them all so users write
``from microflask.toolkit.datastructures import MultiDict`` as with Werkzeug.
"""
from .structures import (
    CallbackDict,
    CombinedMultiDict,
    ImmutableDict,
    ImmutableList,
    ImmutableMultiDict,
    ImmutableOrderedMultiDict,
    ImmutableTypeConversionDict,
    MultiDict,
    OrderedMultiDict,
    TypeConversionDict,
    iter_multi_items,
)
from .headers import EnvironHeaders, Headers
from .file_storage import FileStorage
from .header_set import HeaderSet
from .accept import Accept, CharsetAccept, LanguageAccept, MIMEAccept
from .cache_control import RequestCacheControl, ResponseCacheControl
from .etag import ETags
from .range import ContentRange, IfRange, Range
from .auth import Authorization, WWWAuthenticate

__all__ = [
    "Accept", "Authorization", "CallbackDict", "CharsetAccept", "CombinedMultiDict",
    "ContentRange", "ETags", "EnvironHeaders", "FileStorage", "HeaderSet", "Headers",
    "IfRange", "ImmutableDict", "ImmutableList", "ImmutableMultiDict",
    "ImmutableOrderedMultiDict", "ImmutableTypeConversionDict", "LanguageAccept",
    "MIMEAccept", "MultiDict", "OrderedMultiDict", "Range", "RequestCacheControl",
    "ResponseCacheControl", "TypeConversionDict", "WWWAuthenticate", "iter_multi_items",
]
