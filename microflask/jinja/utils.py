"""Helpers shared by the engine and by user code: how a filter or global asks
for the context, the evaluation context or the environment as its first
argument, and the small global objects templates use (``cycler``, ``joiner``,
``namespace``, ``lipsum``).
"""
from __future__ import annotations

import re
import typing as t

from ..markup import Markup, escape

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

# The value of ``func.jinja_pass_arg``: what the engine passes first when it
# calls a filter, test or global marked by one of the decorators below.
PASS_CONTEXT = "context"
PASS_EVAL_CONTEXT = "eval_context"
PASS_ENVIRONMENT = "environment"


def pass_context(func: F) -> F:
    """Call ``func`` with the active render ``Context`` as its first argument."""
    func.jinja_pass_arg = PASS_CONTEXT  # type: ignore[attr-defined]
    return func


def pass_eval_context(func: F) -> F:
    """Call ``func`` with the ``EvalContext`` (autoescape state) as its first argument."""
    func.jinja_pass_arg = PASS_EVAL_CONTEXT  # type: ignore[attr-defined]
    return func


def pass_environment(func: F) -> F:
    """Call ``func`` with the ``Environment`` as its first argument."""
    func.jinja_pass_arg = PASS_ENVIRONMENT  # type: ignore[attr-defined]
    return func


def pass_arg_of(func: t.Any) -> t.Optional[str]:
    """Which of the ``PASS_*`` values ``func`` was marked with, or None."""
    return getattr(func, "jinja_pass_arg", None)


class _MissingType:
    """The type of ``missing``: a value that is not there, unlike ``None``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "missing"

    def __reduce__(self) -> str:
        return "missing"


missing: t.Any = _MissingType()


def object_type_repr(obj: t.Any) -> str:
    """How error messages name the type of ``obj``: ``'dict object'``, ``'None'``."""
    if obj is None:
        return "None"
    if obj is Ellipsis:
        return "Ellipsis"
    cls = type(obj)
    if cls.__module__ == "builtins":
        return f"{cls.__name__} object"
    return f"{cls.__module__}.{cls.__name__} object"


class Cycler:
    """Cycles through ``items``: ``next()`` returns the current one and moves on.

    Unlike ``loop.cycle`` it works across loops; ``current`` peeks, ``reset``
    starts over.
    """

    def __init__(self, *items: t.Any) -> None:
        if not items:
            raise RuntimeError("at least one item has to be provided")
        self.items = items
        self.pos = 0

    def reset(self) -> None:
        """Go back to the first item."""
        self.pos = 0

    @property
    def current(self) -> t.Any:
        """The item the next call of ``next()`` returns."""
        return self.items[self.pos]

    def next(self) -> t.Any:
        """Return the current item and move to the following one (wrapping round)."""
        item = self.current
        self.pos = (self.pos + 1) % len(self.items)
        return item

    __next__ = next


class Joiner:
    """Returns ``""`` the first time it is called and ``sep`` afterwards."""

    def __init__(self, sep: str = ", ") -> None:
        self.sep = sep
        self.used = False

    def __call__(self) -> str:
        if not self.used:
            self.used = True
            return ""
        return self.sep


class Namespace:
    """An object whose attributes templates may set: ``{% set ns.count = 1 %}``.

    ``{% set %}`` inside a loop is local to the loop; writing to a namespace
    created outside it is how a value gets out. Built like ``dict(...)``.
    """

    def __init__(*args: t.Any, **kwargs: t.Any) -> None:  # noqa: N805
        # ``self`` is taken from args so that a key named "self" is allowed.
        self, args = args[0], args[1:]
        object.__setattr__(self, "_Namespace__attrs", dict(*args, **kwargs))

    def __getattribute__(self, name: str) -> t.Any:
        # Only the stored values are visible, so ``ns.items`` is the user's
        # "items", never a method of this class.
        if name in ("_Namespace__attrs", "__class__"):
            return object.__getattribute__(self, name)
        try:
            return self.__attrs[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: t.Any) -> None:
        self.__attrs[name] = value

    def __setitem__(self, name: str, value: t.Any) -> None:
        self.__attrs[name] = value

    def __repr__(self) -> str:
        return f"<Namespace {self.__attrs!r}>"


_LOREM_WORDS = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud "
    "exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute "
    "irure in reprehenderit voluptate velit esse cillum eu fugiat nulla pariatur "
    "excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt "
    "mollit anim id est laborum curabitur pretium tincidunt lacus nunc pulvinar "
    "sapien ligula vestibulum mauris vitae ultricies leo integer malesuada morbi "
    "tristique senectus netus fames ac turpis egestas pellentesque habitant"
).split()


def generate_lorem_ipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> t.Any:
    """``n`` paragraphs of placeholder Latin, each of ``min`` to ``max`` words.

    With ``html`` the paragraphs are ``<p>`` elements in a Markup string;
    otherwise plain text with a blank line between paragraphs.
    """
    import random  # heavy: only templates that call lipsum() need it

    paragraphs = [_lorem_paragraph(random, min, max) for _ in range(n)]
    if not html:
        return "\n\n".join(paragraphs)
    return Markup("\n".join(f"<p>{escape(text)}</p>" for text in paragraphs))


def _lorem_paragraph(random: t.Any, min_words: int, max_words: int) -> str:
    """Sentences of 10 to 20 words, with a comma every 3 to 8 words."""
    words: t.List[str] = []
    sentence_start = True
    since_comma = since_stop = 0
    for _ in range(random.randrange(min_words, max_words)):
        word = random.choice(_LOREM_WORDS)
        while words and word == words[-1].rstrip(",.").lower():
            word = random.choice(_LOREM_WORDS)
        if sentence_start:
            word = word.capitalize()
            sentence_start = False
        since_comma += 1
        since_stop += 1
        if since_stop > random.randrange(10, 20):
            word += "."
            sentence_start = True
            since_comma = since_stop = 0
        elif since_comma > random.randrange(3, 8):
            word += ","
            since_comma = 0
        words.append(word)
    return " ".join(words).rstrip(",.") + "."


# --- urlize -----------------------------------------------------------------
# The rules below reproduce which words Jinja turns into links. A word is
# split into leading brackets, the candidate, and trailing punctuation; the
# candidate is a link if it is a URL with a scheme or "www.", a bare domain
# under .com/.net/.org, an e-mail address, or starts with an extra scheme.

_LEADING_BRACKETS = re.compile(r"^(?:[(<]|&lt;)+")
_URL = re.compile(
    r"""^(?:
        (?:https?://|www\.)(?:[\w%-]+\.)*(?:[a-z]{2,63}|xn--[\w%]{2,59})
      | (?:[\w%-]{2,63}\.)+(?:com|net|org)
      | https?://(?:\d{1,3}(?:\.\d{1,3}){3}|\[(?:[\da-f]{0,4}:){2}(?:[\da-f]{0,4}:?){1,6}\])
    )
    (?::\d{1,5})?
    (?:[/?#]\S*)?$""",
    re.IGNORECASE | re.VERBOSE,
)
_EMAIL = re.compile(r"^\S+@\w[\w.-]*\.\w+$")
URI_SCHEME_PREFIX = re.compile(r"[\w.+-]{2,}:/{0,2}")


def urlize(
    text: str,
    trim_url_limit: t.Optional[int] = None,
    rel: t.Optional[str] = None,
    target: t.Optional[str] = None,
    extra_schemes: t.Optional[t.Iterable[str]] = None,
) -> str:
    """Escape ``text`` and turn the URLs and e-mail addresses in it into links.

    ``trim_url_limit`` shortens the visible text of long links (with "...");
    ``rel`` and ``target`` become attributes of the web links (not of mailto
    ones); ``extra_schemes`` are prefixes such as ``"tel:"`` also linked.
    """
    rel_attr = f' rel="{escape(rel)}"' if rel else ""
    target_attr = f' target="{escape(target)}"' if target else ""
    link_attrs = rel_attr + target_attr
    extra = tuple(extra_schemes or ())

    def shorten(url: str) -> str:
        if trim_url_limit is not None and len(url) > trim_url_limit:
            return url[:trim_url_limit] + "..."
        return url

    # Splitting on whitespace with a capture group keeps the separators, so
    # joining the pieces back gives the original spacing.
    pieces = re.split(r"(\s+)", str(escape(text)))
    for index in range(0, len(pieces), 2):
        word = pieces[index]
        if word:
            pieces[index] = _link_word(word, shorten, link_attrs, extra)
    return "".join(pieces)


def _link_word(word: str, shorten: t.Callable[[str], str], link_attrs: str, extra: t.Tuple[str, ...]) -> str:
    """One whitespace-free, already escaped word, with its link markup if it is one."""
    head = tail = ""
    match = _LEADING_BRACKETS.match(word)
    if match:
        head, word = match.group(), word[match.end():]
    word, tail = _split_trailing_punctuation(word)
    word, tail = _rebalance_brackets(word, tail)

    if _URL.match(word):
        href = word if word.startswith(("http://", "https://")) else f"https://{word}"
        word = f'<a href="{href}"{link_attrs}>{shorten(word)}</a>'
    elif word.startswith("mailto:") and _EMAIL.match(word[7:]):
        word = f'<a href="{word}">{word[7:]}</a>'
    elif "@" in word and not word.startswith("www.") and ":" not in word and _EMAIL.match(word):
        word = f'<a href="mailto:{word}">{word}</a>'
    else:
        for scheme in extra:
            if word != scheme and word.startswith(scheme):
                word = f'<a href="{word}"{link_attrs}>{word}</a>'
                break
    return head + word + tail


def _split_trailing_punctuation(word: str) -> t.Tuple[str, str]:
    """``word`` without its trailing ``) > . , \\n`` and ``&gt;``, and what was cut.

    A scan from the end, linear in the punctuation's length; a regular
    expression anchored with ``$`` retries from every start position and is
    quadratic on a long run of ")" that does not reach the end.
    """
    end = len(word)
    while end:
        if word[end - 1] in ")>.,\n":
            end -= 1
        elif word.endswith("&gt;", 0, end):
            end -= 4
        else:
            break
    return word[:end], word[end:]


def _rebalance_brackets(word: str, tail: str) -> t.Tuple[str, str]:
    """Give back to ``word`` the closing brackets of ``tail`` that match its open ones.

    ``http://x.org/a_(b)`` keeps its ")" while ``(http://x.org)`` does not.
    """
    for opening, closing in (("(", ")"), ("<", ">"), ("&lt;", "&gt;")):
        unmatched = word.count(opening) - word.count(closing)
        end = 0
        for _ in range(min(unmatched, tail.count(closing))):
            end = tail.index(closing, end) + len(closing)
        word, tail = word + tail[:end], tail[end:]
    return word, tail


def select_autoescape(
    enabled_extensions: t.Collection[str] = ("html", "htm", "xml"),
    disabled_extensions: t.Collection[str] = (),
    default_for_string: bool = True,
    default: bool = False,
) -> t.Callable[[t.Optional[str]], bool]:
    """An ``autoescape`` function for ``Environment`` that decides by file extension.

    Templates from strings (no name) get ``default_for_string``; names ending
    in an enabled extension are escaped, a disabled one not, others ``default``.
    """
    enabled = tuple(f".{ext.lstrip('.').lower()}" for ext in enabled_extensions)
    disabled = tuple(f".{ext.lstrip('.').lower()}" for ext in disabled_extensions)

    def autoescape(template_name: t.Optional[str]) -> bool:
        if template_name is None:
            return default_for_string
        template_name = template_name.lower()
        if template_name.endswith(enabled):
            return True
        if template_name.endswith(disabled):
            return False
        return default

    return autoescape
