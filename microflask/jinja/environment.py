"""The Environment (options, filters, loader, cache) and the Template it makes.

The entry point of the engine: ``get_template``/``from_string`` run the
pipeline (lexer -> parser -> compiler -> Python ``compile``) once per
template and cache the result; ``Template.render`` then only runs the
compiled code. The engine knows nothing of requests: Flask's glue lives in
``microflask.templating``.
"""
from __future__ import annotations

import sys
import typing as t
import weakref
from collections import ChainMap, OrderedDict

from ..markup import Markup
from . import nodes
from .compiler import CodeGenerator
from .exceptions import (
    TemplateNotFound,
    TemplateRuntimeError,
    TemplatesNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from .filters import FILTERS
from .lexer import Lexer
from .parser import Parser
from .runtime import (
    Context,
    EvalContext,
    LoopContext,
    Macro,
    TemplateReference,
    assign_namespace,
    concat,
    escape_output,
    extend,
    fail,
    imported_name,
    include_missing_ok,
    inherit_blocks,
    lookup_in,
    markup_join,
    new_context,
    render_text,
    required_block,
    rewrite_traceback,
    str_join,
)
from .tests import TESTS
from .undefined import Undefined
from .utils import Cycler, Joiner, Namespace, generate_lorem_ipsum, missing, pass_arg_of

# ``range`` in templates refuses to make more items than this, so a template
# cannot exhaust memory with ``range(10**10)|list``.
MAX_RANGE = 100000

DEFAULT_POLICIES: t.Dict[str, t.Any] = {
    "compiler.ascii_str": True,
    "urlize.rel": "noopener",
    "urlize.target": None,
    "urlize.extra_schemes": None,
    "truncate.leeway": 5,
    "json.dumps_function": None,
    "json.dumps_kwargs": {"sort_keys": True},
    "ext.i18n.trimmed": False,
}

# Attribute names of a plain dict: ``d.name`` for any other name is an item.
_DICT_ATTRIBUTES = frozenset(dir(dict))


def safe_range(*args: int) -> range:
    """``range`` that refuses to hold more than ``MAX_RANGE`` items."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise OverflowError(f"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MAX_RANGE}).")
    return numbers


def default_globals() -> t.Dict[str, t.Any]:
    return {
        "range": safe_range,
        "dict": dict,
        "lipsum": generate_lorem_ipsum,
        "cycler": Cycler,
        "joiner": Joiner,
        "namespace": Namespace,
    }


class LRUCache:
    """A mapping that keeps the ``capacity`` most recently used entries."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._data: "OrderedDict[t.Any, t.Any]" = OrderedDict()

    def get(self, key: t.Any) -> t.Any:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        if len(self._data) > self.capacity:
            self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()


def _make_cache(size: int) -> t.Any:
    if size == 0:
        return None
    if size < 0:
        return _UnboundedCache()
    return LRUCache(size)


class _UnboundedCache(dict):
    """``cache_size=-1``: keep every template."""


class Environment:
    """The engine's configuration and the home of filters, tests and globals.

    Options mirror Jinja's. ``autoescape`` is a bool or a function of the
    template name (see ``select_autoescape``); templates are cached by name
    and recompiled when ``auto_reload`` finds their source changed.
    """

    sandboxed = False
    is_async = False
    template_class: t.Type["Template"]

    def __init__(
        self,
        block_start_string: str = "{%",
        block_end_string: str = "%}",
        variable_start_string: str = "{{",
        variable_end_string: str = "}}",
        comment_start_string: str = "{#",
        comment_end_string: str = "#}",
        line_statement_prefix: t.Optional[str] = None,
        line_comment_prefix: t.Optional[str] = None,
        trim_blocks: bool = False,
        lstrip_blocks: bool = False,
        newline_sequence: str = "\n",
        keep_trailing_newline: bool = False,
        extensions: t.Sequence[t.Any] = (),
        optimized: bool = True,
        undefined: t.Type[Undefined] = Undefined,
        finalize: t.Optional[t.Callable[..., t.Any]] = None,
        autoescape: t.Union[bool, t.Callable[[t.Optional[str]], bool]] = False,
        loader: t.Any = None,
        cache_size: int = 400,
        auto_reload: bool = True,
        bytecode_cache: t.Any = None,
        enable_async: bool = False,
    ) -> None:
        if line_statement_prefix is not None or line_comment_prefix is not None:
            raise TypeError("line statements and line comments are not supported by microflask.jinja")
        if extensions:
            raise TypeError(f"template extensions are not supported by microflask.jinja, got {list(extensions)!r}")
        if enable_async:
            raise TypeError("async rendering is not supported by microflask.jinja")
        if newline_sequence not in ("\n", "\r\n", "\r"):
            raise ValueError(f"newline_sequence must be '\\n', '\\r\\n' or '\\r', got {newline_sequence!r}")
        if not issubclass(undefined, Undefined):
            raise TypeError(f"undefined must be a subclass of Undefined, got {undefined!r}")
        self.block_start_string = block_start_string
        self.block_end_string = block_end_string
        self.variable_start_string = variable_start_string
        self.variable_end_string = variable_end_string
        self.comment_start_string = comment_start_string
        self.comment_end_string = comment_end_string
        self.trim_blocks = trim_blocks
        self.lstrip_blocks = lstrip_blocks
        self.newline_sequence = newline_sequence
        self.keep_trailing_newline = keep_trailing_newline
        self.optimized = optimized
        self.undefined = undefined
        self.finalize = finalize
        self.autoescape = autoescape
        self.loader = loader
        self.cache = _make_cache(cache_size)
        self.auto_reload = auto_reload
        self.bytecode_cache = bytecode_cache
        self.filters: t.Dict[str, t.Callable[..., t.Any]] = dict(FILTERS)
        self.tests: t.Dict[str, t.Callable[..., t.Any]] = dict(TESTS)
        self.globals: t.Dict[str, t.Any] = default_globals()
        self.policies: t.Dict[str, t.Any] = dict(DEFAULT_POLICIES)
        self._lexer: t.Optional[t.Tuple[t.Tuple[t.Any, ...], Lexer]] = None

    # -- looking things up the way templates do --------------------------------

    def getattr(self, obj: t.Any, attribute: str) -> t.Any:
        """``obj.attribute`` in a template: the attribute, else the item, else Undefined."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            # A plain dict has no other attributes: go straight to the item.
            if attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: t.Any, argument: t.Any) -> t.Any:
        """``obj[argument]`` in a template: the item, else (for a string) the attribute, else Undefined."""
        try:
            return obj[argument]
        except (AttributeError, TypeError, LookupError):
            if isinstance(argument, str):
                try:
                    return getattr(obj, argument)
                except AttributeError:
                    pass
            return self.undefined(obj=obj, name=argument)

    def call_filter(
        self,
        name: str,
        value: t.Any,
        args: t.Optional[t.Sequence[t.Any]] = None,
        kwargs: t.Optional[t.Mapping[str, t.Any]] = None,
        context: t.Optional[Context] = None,
        eval_ctx: t.Optional[EvalContext] = None,
    ) -> t.Any:
        """Call the filter ``name`` as a template would (from Python code or another filter)."""
        return self._call_named("filter", self.filters, name, value, args, kwargs, context, eval_ctx)

    def call_test(
        self,
        name: str,
        value: t.Any,
        args: t.Optional[t.Sequence[t.Any]] = None,
        kwargs: t.Optional[t.Mapping[str, t.Any]] = None,
        context: t.Optional[Context] = None,
        eval_ctx: t.Optional[EvalContext] = None,
    ) -> t.Any:
        """Call the test ``name`` as a template would."""
        return self._call_named("test", self.tests, name, value, args, kwargs, context, eval_ctx)

    def _call_named(self, kind: str, registry: t.Mapping[str, t.Any], name: str, value: t.Any, args: t.Any, kwargs: t.Any, context: t.Optional[Context], eval_ctx: t.Optional[EvalContext]) -> t.Any:
        func = registry.get(name)
        if func is None:
            raise TemplateRuntimeError(f"No {kind} named {name!r}.")
        arguments = [value, *(args or ())]
        pass_arg = pass_arg_of(func)
        if pass_arg == "context":
            if context is None:
                raise TemplateRuntimeError(f"Attempted to invoke a context {kind} without context.")
            arguments.insert(0, context)
        elif pass_arg == "eval_context":
            if eval_ctx is None:
                eval_ctx = context.eval_ctx if context is not None else EvalContext(self)
            arguments.insert(0, eval_ctx)
        elif pass_arg == "environment":
            arguments.insert(0, self)
        return func(*arguments, **(kwargs or {}))

    # -- the pipeline ----------------------------------------------------------

    @property
    def lexer(self) -> Lexer:
        """The lexer for the current delimiters and whitespace options (rebuilt when they change)."""
        options = (
            self.block_start_string, self.block_end_string, self.variable_start_string,
            self.variable_end_string, self.comment_start_string, self.comment_end_string,
            self.trim_blocks, self.lstrip_blocks, self.keep_trailing_newline, self.newline_sequence,
        )
        if self._lexer is None or self._lexer[0] != options:
            self._lexer = (options, Lexer(self))
        return self._lexer[1]

    def lex(self, source: str, name: t.Optional[str] = None, filename: t.Optional[str] = None) -> t.List[t.Tuple[int, str, t.Any]]:
        """The tokens of ``source`` as ``(lineno, type, value)``: for learning and debugging."""
        return self._tokenize(source, name, filename)[:-1]

    def _tokenize(self, source: str, name: t.Optional[str], filename: t.Optional[str]) -> t.List[t.Any]:
        try:
            return self.lexer.tokenize(str(source), name, filename)
        except TemplateSyntaxError as error:
            error.source = source
            raise

    def parse(self, source: str, name: t.Optional[str] = None, filename: t.Optional[str] = None) -> nodes.Node:
        """The syntax tree of ``source`` (a ``nodes.Template``)."""
        tokens = self._tokenize(source, name, filename)
        try:
            return Parser(tokens, name, filename).parse()
        except TemplateSyntaxError as error:
            error.source = source
            raise

    def compile(self, source: t.Any, name: t.Optional[str] = None, filename: t.Optional[str] = None, raw: bool = False) -> t.Any:
        """Compile template source (or a parsed tree) to a code object; with ``raw=True``, to Python source."""
        tree = source if isinstance(source, nodes.Node) else self.parse(source, name, filename)
        try:
            python_source = CodeGenerator(self, name, filename).generate(tree)
        except TemplateSyntaxError as error:
            if not isinstance(source, nodes.Node):
                error.source = source
            raise
        if raw:
            return python_source
        return compile(python_source, filename or "<template>", "exec", dont_inherit=True)

    def from_string(self, source: t.Any, globals: t.Optional[t.MutableMapping[str, t.Any]] = None, template_class: t.Optional[t.Type["Template"]] = None) -> "Template":
        """A Template compiled from ``source`` (not cached)."""
        cls = template_class or self.template_class
        return cls.from_code(self, self.compile(source), self.make_globals(globals), None)

    def make_globals(self, extra: t.Optional[t.MutableMapping[str, t.Any]]) -> t.MutableMapping[str, t.Any]:
        """A template's globals: ``extra`` over the environment's (which stay live)."""
        if not extra:
            return self.globals
        return ChainMap(extra, self.globals)

    # -- loading ---------------------------------------------------------------

    def join_path(self, template: str, parent: str) -> str:
        """The name ``template`` has when ``parent`` loads it; override for relative names."""
        return template

    def _load_template(self, name: str, globals: t.Optional[t.MutableMapping[str, t.Any]]) -> "Template":
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        cache_key = (weakref.ref(self.loader), name)
        if self.cache is not None:
            template = self.cache.get(cache_key)
            if template is not None and (not self.auto_reload or template.is_up_to_date):
                if globals:
                    template.globals.update(globals)
                return template
        template = self.loader.load(self, name, self.make_globals(globals))
        if self.cache is not None:
            self.cache[cache_key] = template
        return template

    def get_template(self, name: t.Any, parent: t.Optional[str] = None, globals: t.Optional[t.MutableMapping[str, t.Any]] = None) -> "Template":
        """The template called ``name`` from the loader (cached); a Template is returned as is."""
        if isinstance(name, Template):
            return name
        if isinstance(name, Undefined):
            name._fail_with_undefined_error()
        if parent is not None:
            name = self.join_path(name, parent)
        return self._load_template(name, globals)

    def select_template(self, names: t.Iterable[t.Any], parent: t.Optional[str] = None, globals: t.Optional[t.MutableMapping[str, t.Any]] = None) -> "Template":
        """The first of ``names`` that exists; TemplatesNotFound if none does."""
        if isinstance(names, Undefined):
            names._fail_with_undefined_error()
        names = list(names)
        if not names:
            raise TemplatesNotFound(message="Tried to select from an empty list of templates.")
        for name in names:
            if isinstance(name, Template):
                return name
            if parent is not None:
                name = self.join_path(name, parent)
            try:
                return self._load_template(name, globals)
            except (TemplateNotFound, UndefinedError):
                pass
        raise TemplatesNotFound(names)

    def get_or_select_template(self, template_name_or_list: t.Any, parent: t.Optional[str] = None, globals: t.Optional[t.MutableMapping[str, t.Any]] = None) -> "Template":
        """``get_template`` for a name or Template, ``select_template`` for a list."""
        if isinstance(template_name_or_list, (str, Undefined, Template)):
            return self.get_template(template_name_or_list, parent, globals)
        return self.select_template(template_name_or_list, parent, globals)

    def list_templates(self, extensions: t.Optional[t.Collection[str]] = None, filter_func: t.Optional[t.Callable[[str], bool]] = None) -> t.List[str]:
        """The loader's template names, optionally only those with one of ``extensions``."""
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        names = self.loader.list_templates()
        if extensions is not None:
            if filter_func is not None:
                raise TypeError("either extensions or filter_func can be passed, but not both")
            allowed = set(extensions)
            filter_func = lambda name: "." in name and name.rsplit(".", 1)[1] in allowed  # noqa: E731
        if filter_func is not None:
            names = [name for name in names if filter_func(name)]
        return names

    def handle_exception(self) -> t.NoReturn:
        """Re-raise the exception being handled, its traceback showing template lines."""
        raise rewrite_traceback(sys.exc_info())


class Template:
    """A compiled template: ``render`` it with variables, or ``generate``/``stream`` it.

    Made by an Environment (``get_template``, ``from_string``); ``Template(source)``
    also works, with a shared default environment for the given options.
    """

    environment: Environment
    globals: t.MutableMapping[str, t.Any]
    name: t.Optional[str]
    filename: t.Optional[str]
    blocks: t.Dict[str, t.Callable[[Context], t.Iterator[str]]]
    root_render_func: t.Callable[[Context], t.Iterator[str]]

    def __new__(cls, source: t.Any, **options: t.Any) -> t.Any:
        environment = _shared_environment(options)
        return environment.from_string(source, template_class=cls)

    @classmethod
    def from_code(cls, environment: Environment, code: t.Any, globals: t.MutableMapping[str, t.Any], uptodate: t.Optional[t.Callable[[], bool]] = None) -> "Template":
        """The Template for compiled module code (what ``Environment.compile`` returns)."""
        namespace = {
            "environment": environment,
            "undefined": environment.undefined,
            "getattr_": environment.getattr,
            "getitem_": environment.getitem,
            "escape": escape_output,
            "Markup": Markup,
            "missing": missing,
            "concat": concat,
            "markup_join": markup_join,
            "str_join": str_join,
            "LoopContext": LoopContext,
            "Macro": Macro,
            "TemplateReference": TemplateReference,
            "TemplateRuntimeError": TemplateRuntimeError,
            "assign_namespace": assign_namespace,
            "inherit_blocks": inherit_blocks,
            "extend": extend,
            "required_block": required_block,
            "render_text": render_text,
            "filters": lookup_in(environment.filters),
            "tests": lookup_in(environment.tests),
            "include_missing_ok": include_missing_ok,
            "imported_name": imported_name,
            "fail": fail,
            "__name__": code.co_filename,
        }
        exec(code, namespace)
        template: Template = object.__new__(cls)
        template.environment = environment
        template.globals = globals
        template.name = namespace["name"]
        template.filename = None if code.co_filename == "<template>" else code.co_filename
        # The module defines a ``block_<name>`` per block (its code names them).
        template.blocks = {name[6:]: namespace[name] for name in code.co_names if name[:6] == "block_"}
        template.root_render_func = namespace["root"]
        template._uptodate = uptodate
        template._module = None
        template._debug_info = namespace["debug_info"]
        # Marks the generated code's frames for the traceback rewriting.
        namespace["__template__"] = template
        return template

    # -- rendering -------------------------------------------------------------

    def render(self, *args: t.Any, **kwargs: t.Any) -> str:
        """The template's output for these variables (as ``dict(*args, **kwargs)``)."""
        context = self.new_context(dict(*args, **kwargs) if args else kwargs)
        try:
            return concat(self.root_render_func(context))
        except Exception:
            self.environment.handle_exception()

    def generate(self, *args: t.Any, **kwargs: t.Any) -> t.Iterator[str]:
        """The output piece by piece, rendered as it is consumed."""
        context = self.new_context(dict(*args, **kwargs) if args else kwargs)
        try:
            yield from self.root_render_func(context)
        except Exception:
            self.environment.handle_exception()

    def stream(self, *args: t.Any, **kwargs: t.Any) -> "TemplateStream":
        """``generate`` wrapped in a TemplateStream (buffering, ``dump`` to a file)."""
        return TemplateStream(self.generate(*args, **kwargs))

    def new_context(self, vars: t.Optional[t.Dict[str, t.Any]] = None, shared: bool = False, locals: t.Optional[t.Mapping[str, t.Any]] = None) -> Context:
        """A render Context: ``vars`` over the globals (``shared``: ``vars`` alone)."""
        return new_context(self.environment, self.name, self.blocks, vars, shared, self.globals, locals)

    def make_module(self, vars: t.Optional[t.Dict[str, t.Any]] = None, shared: bool = False, locals: t.Optional[t.Mapping[str, t.Any]] = None) -> "TemplateModule":
        """Render once and expose the top-level macros and variables as attributes."""
        return TemplateModule(self, self.new_context(vars, shared, locals))

    def _get_default_module(self) -> "TemplateModule":
        """The module for ``{% import %}`` without context: rendered once, then reused."""
        if self._module is None:
            self._module = self.make_module()
        return self._module

    @property
    def module(self) -> "TemplateModule":
        """The template as a module (``make_module()`` with no variables, cached)."""
        return self._get_default_module()

    # -- source and reloading --------------------------------------------------

    @property
    def is_up_to_date(self) -> bool:
        """False once the loader says the source changed since compiling."""
        return self._uptodate is None or bool(self._uptodate())

    @property
    def debug_info(self) -> t.List[t.Tuple[int, int]]:
        """(Python line, template line) pairs of the generated code."""
        pairs = (item.split("=") for item in self._debug_info.split("&") if item)
        return [(int(python_line), int(template_line)) for python_line, template_line in pairs]

    def get_corresponding_lineno(self, lineno: int) -> int:
        """The template line the generated code's line ``lineno`` came from."""
        for python_line, template_line in reversed(self.debug_info):
            if python_line <= lineno:
                return template_line
        return 1

    def __repr__(self) -> str:
        name = repr(self.name) if self.name else "memory:%x" % id(self)
        return f"<{type(self).__name__} {name}>"


Environment.template_class = Template


class TemplateModule:
    """A template rendered once: its exported names as attributes, its output as ``str()``."""

    def __init__(self, template: Template, context: Context) -> None:
        try:
            self._body_stream = list(template.root_render_func(context))
        except Exception:
            template.environment.handle_exception()
        self.__dict__.update(context.get_exported())
        self.__name__ = template.name

    def __html__(self) -> Markup:
        return Markup(concat(self._body_stream))

    def __str__(self) -> str:
        return concat(self._body_stream)

    def __repr__(self) -> str:
        name = repr(self.__name__) if self.__name__ else "memory:%x" % id(self)
        return f"<{type(self).__name__} {name}>"


class TemplateStream:
    """The output of ``Template.stream``: iterate it, buffer it, or ``dump`` it to a file."""

    def __init__(self, gen: t.Iterator[str]) -> None:
        self._gen = gen
        self.disable_buffering()

    def dump(self, fp: t.Any, encoding: t.Optional[str] = None, errors: str = "strict") -> None:
        """Write the whole output to ``fp`` (a file object or a file name), encoded if ``encoding``."""
        close = False
        if isinstance(fp, str):
            if encoding is None:
                encoding = "utf-8"
            fp = open(fp, "wb")
            close = True
        try:
            chunks: t.Iterable[t.Any] = self
            if encoding is not None:
                chunks = (chunk.encode(encoding, errors) for chunk in self)
            if hasattr(fp, "writelines"):
                fp.writelines(chunks)
            else:
                for chunk in chunks:
                    fp.write(chunk)
        finally:
            if close:
                fp.close()

    def disable_buffering(self) -> None:
        """Yield every piece as the template produces it."""
        self._next = self._gen.__next__
        self.buffered = False

    def enable_buffering(self, size: int = 5) -> None:
        """Join ``size`` pieces at a time before yielding them."""
        if size <= 1:
            raise ValueError("buffer size too small")
        self._next = self._buffered(size).__next__
        self.buffered = True

    def _buffered(self, size: int) -> t.Iterator[str]:
        buffer: t.List[str] = []
        for chunk in self._gen:
            buffer.append(chunk)
            if len(buffer) >= size:
                yield concat(buffer)
                buffer.clear()
        if buffer:
            yield concat(buffer)

    def __iter__(self) -> "TemplateStream":
        return self

    def __next__(self) -> str:
        return self._next()


_shared_environments: t.Dict[t.Tuple[t.Any, ...], Environment] = {}


def _shared_environment(options: t.Dict[str, t.Any]) -> Environment:
    """The Environment ``Template(source, **options)`` uses, one per set of options."""
    key = tuple(sorted(options.items(), key=lambda item: item[0]))
    try:
        environment = _shared_environments.get(key)
    except TypeError:  # an unhashable option value: do not share
        return Environment(**options)
    if environment is None:
        environment = _shared_environments[key] = Environment(**options)
    return environment
