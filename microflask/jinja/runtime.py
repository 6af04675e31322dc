"""What compiled templates call while they render: the context, loops, macros.

Last stage of the pipeline: the compiler's Python code runs against these
objects. ``Context`` holds a render's variables and blocks, ``LoopContext``
is the ``loop`` variable, ``Macro`` a callable macro. Error tracebacks are
rewritten here to point at template lines. Nothing here parses or compiles.
"""
from __future__ import annotations

import operator
import sys
import typing as t
from types import CodeType, TracebackType

from ..markup import Markup, soft_str
from .exceptions import TemplateNotFound, TemplateRuntimeError
from .undefined import ChainableUndefined, DebugUndefined, StrictUndefined, Undefined
from .utils import Namespace, missing, pass_arg_of

if t.TYPE_CHECKING:  # pragma: no cover
    from .environment import Environment, Template

__all__ = [
    "Context", "EvalContext", "LoopContext", "Macro", "BlockReference", "TemplateReference",
    "Undefined", "StrictUndefined", "ChainableUndefined", "DebugUndefined", "missing",
    "concat", "markup_join", "str_join", "new_context", "escape_output",
]

concat = "".join


def escape_output(value: t.Any) -> t.Any:
    """What ``{{ value }}`` writes under autoescape: HTML-escaped text.

    Like ``markup.escape`` but without building a Markup object: the output
    is joined into one string anyway. Objects with ``__html__`` are trusted;
    Markup and ints come back as they are, for ``%s`` to format.
    """
    if type(value) is not str:
        if type(value) is Markup or type(value) is int:
            return value
        html = getattr(value, "__html__", None)
        if html is not None:
            return html()
        value = str(value)
    # Measured: five ``in`` tests cost half of five replace() calls, and most
    # values (numbers, names, addresses) have nothing to escape.
    if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
        return (
            value.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&#34;")
            .replace("'", "&#39;")
        )
    return value


def markup_join(parts: t.Iterable[t.Any]) -> str:
    """``a ~ b`` under autoescape: Markup (others escaped) if any part is HTML."""
    parts = list(parts)
    for part in parts:
        if hasattr(part, "__html__"):
            return Markup("").join(parts)
    return concat([soft_str(part) for part in parts])


def str_join(parts: t.Iterable[t.Any]) -> str:
    """``a ~ b`` without autoescape: every part as ``str``, joined."""
    return concat([str(part) for part in parts])


class EvalContext:
    """Settings that can change while a template renders: ``autoescape``.

    Filters marked ``pass_eval_context`` get this to know whether their
    output must be Markup. ``volatile`` is kept for Jinja compatibility.
    """

    def __init__(self, environment: "Environment", template_name: t.Optional[str] = None) -> None:
        self.environment = environment
        autoescape = environment.autoescape
        self.autoescape = autoescape(template_name) if callable(autoescape) else bool(autoescape)
        self.volatile = False

    def save(self) -> t.Dict[str, t.Any]:
        return self.__dict__.copy()

    def revert(self, old: t.Dict[str, t.Any]) -> None:
        self.__dict__.clear()
        self.__dict__.update(old)


class Context:
    """The variables one render sees, and the blocks it may render.

    ``parent`` holds the globals and the render arguments, ``vars`` what the
    template itself set at top level (``exported_vars`` names the public
    ones). Templates read it once per name, at the start of each function.
    """

    def __init__(
        self,
        environment: "Environment",
        parent: t.Dict[str, t.Any],
        name: t.Optional[str],
        blocks: t.Mapping[str, t.Callable[..., t.Any]],
        eval_ctx: t.Optional[EvalContext] = None,
    ) -> None:
        self.environment = environment
        self.parent = parent
        self.vars: t.Dict[str, t.Any] = {}
        self.name = name
        self.eval_ctx = eval_ctx if eval_ctx is not None else EvalContext(environment, name)
        self.exported_vars: t.Set[str] = set()
        self.blocks = {block_name: [func] for block_name, func in blocks.items()}

    def resolve(self, key: str) -> t.Any:
        """The value of ``key``, or an Undefined named after it."""
        if key in self.vars:
            return self.vars[key]
        if key in self.parent:
            return self.parent[key]
        return self.environment.undefined(name=key)

    def resolve_names(self, *keys: str) -> t.Iterator[t.Any]:
        """``resolve`` for each of ``keys``: the line a template function starts with."""
        return map(self.resolve, keys)

    def resolve_or_missing(self, key: str) -> t.Any:
        if key in self.vars:
            return self.vars[key]
        if key in self.parent:
            return self.parent[key]
        return missing

    def get(self, key: str, default: t.Any = None) -> t.Any:
        value = self.resolve_or_missing(key)
        return default if value is missing else value

    def get_all(self) -> t.Dict[str, t.Any]:
        """Every variable: the parent's, overridden by the template's own."""
        if not self.vars:
            return self.parent
        if not self.parent:
            return self.vars
        merged = dict(self.parent)
        merged.update(self.vars)
        return merged

    def get_exported(self) -> t.Dict[str, t.Any]:
        return {name: self.vars[name] for name in self.exported_vars}

    def call(__self, __obj: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:  # noqa: N805
        """Call ``__obj``, first passing what its ``pass_*`` decorator asks for."""
        pass_arg = pass_arg_of(__obj)
        if pass_arg is not None:
            if pass_arg == "context":
                return __obj(__self, *args, **kwargs)
            if pass_arg == "eval_context":
                return __obj(__self.eval_ctx, *args, **kwargs)
            return __obj(__self.environment, *args, **kwargs)
        return __obj(*args, **kwargs)

    def derived(self, locals: t.Optional[t.Dict[str, t.Any]] = None) -> "Context":
        """A context with the same variables and blocks, plus ``locals``."""
        context = new_context(self.environment, self.name, {}, self.get_all(), True, None, locals)
        context.eval_ctx = self.eval_ctx
        context.blocks.update((name, list(funcs)) for name, funcs in self.blocks.items())
        return context

    def render_block(self, name: str) -> t.Iterable[str]:
        """The output of the block ``name``: its most derived version, the top of its stack."""
        return self.blocks[name][0](self)

    def super(self, name: str, current: t.Callable[..., t.Any]) -> t.Any:
        """The block ``name`` one level up from ``current``, for ``{{ super() }}``."""
        blocks = self.blocks[name]
        index = blocks.index(current) + 1
        if index >= len(blocks):
            return self.environment.undefined(f"there is no parent block called {name!r}.", name="super")
        return BlockReference(name, self, blocks, index)

    def __contains__(self, name: str) -> bool:
        return name in self.vars or name in self.parent

    def __getitem__(self, key: str) -> t.Any:
        value = self.resolve_or_missing(key)
        if value is missing:
            raise KeyError(key)
        return value

    def keys(self) -> t.Iterable[str]:
        return self.get_all().keys()

    def values(self) -> t.Iterable[t.Any]:
        return self.get_all().values()

    def items(self) -> t.Iterable[t.Tuple[str, t.Any]]:
        return self.get_all().items()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.get_all()!r} of {self.name!r}>"


def new_context(
    environment: "Environment",
    template_name: t.Optional[str],
    blocks: t.Mapping[str, t.Callable[..., t.Any]],
    vars: t.Optional[t.Dict[str, t.Any]] = None,
    shared: bool = False,
    globals: t.Optional[t.Mapping[str, t.Any]] = None,
    locals: t.Optional[t.Mapping[str, t.Any]] = None,
) -> Context:
    """A Context for one render: ``vars`` over ``globals`` (or ``vars`` alone if shared)."""
    if vars is None:
        vars = {}
    if shared:
        parent = vars
    else:
        parent = dict(globals) if globals else {}
        if vars:
            parent.update(vars)
    if locals:
        if shared:
            parent = dict(parent)
        for key, value in locals.items():
            if value is not missing:
                parent[key] = value
    return Context(environment, parent, template_name, blocks)


class BlockReference:
    """A block as a value: ``{{ super() }}`` and ``{{ self.name() }}`` call it."""

    def __init__(self, name: str, context: Context, stack: t.List[t.Callable[..., t.Any]], depth: int) -> None:
        self.name = name
        self._context = context
        self._stack = stack
        self._depth = depth

    @property
    def super(self) -> t.Any:
        """The block one level further up."""
        if self._depth + 1 >= len(self._stack):
            return self._context.environment.undefined(f"there is no parent block called {self.name!r}.", name="super")
        return BlockReference(self.name, self._context, self._stack, self._depth + 1)

    def __call__(self) -> str:
        rendered = concat(self._stack[self._depth](self._context))
        if self._context.eval_ctx.autoescape:
            return Markup(rendered)
        return rendered


class TemplateReference:
    """The ``self`` variable: ``self.blockname()`` renders a block of this render."""

    def __init__(self, context: Context) -> None:
        self._context = context

    def __getitem__(self, name: str) -> BlockReference:
        return BlockReference(name, self._context, self._context.blocks[name], 0)

    def __getattr__(self, name: str) -> BlockReference:
        if name[:2] == "__" or name not in self._context.blocks:
            raise AttributeError(name)
        return self[name]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._context.name!r}>"


class LoopContext:
    """The ``loop`` variable of a for loop; iterating it yields the items.

    It looks one item ahead only when ``last``/``nextitem`` are used, and
    turns the rest into a list only when the length is needed.
    """

    def __init__(
        self,
        iterable: t.Iterable[t.Any],
        undefined: t.Type[Undefined],
        recurse: t.Optional[t.Callable[..., t.Any]] = None,
        depth0: int = 0,
        autoescape: bool = False,
    ) -> None:
        self._iterable = iterable
        self._iterator = iter(iterable)
        self._undefined = undefined
        self._recurse = recurse
        self._autoescape = autoescape
        self.depth0 = depth0
        self.index0 = -1
        self._length: t.Optional[int] = None
        self._before: t.Any = missing
        self._current: t.Any = missing
        self._after: t.Any = missing
        self._last_changed: t.Any = missing

    def __iter__(self) -> "LoopContext":
        return self

    def __next__(self) -> t.Any:
        if self._after is not missing:
            item = self._after
            self._after = missing
        else:
            item = next(self._iterator)
        self.index0 += 1
        self._before = self._current
        self._current = item
        return item

    def _peek(self) -> t.Any:
        if self._after is missing:
            self._after = next(self._iterator, missing)
        return self._after

    @property
    def length(self) -> int:
        if self._length is None:
            try:
                self._length = len(self._iterable)  # type: ignore[arg-type]
            except TypeError:
                rest = list(self._iterator)
                self._iterator = iter(rest)
                self._length = len(rest) + self.index0 + 1 + (self._after is not missing)
        return self._length

    def __len__(self) -> int:
        return self.length

    @property
    def depth(self) -> int:
        return self.depth0 + 1

    @property
    def index(self) -> int:
        return self.index0 + 1

    @property
    def revindex0(self) -> int:
        return self.length - self.index

    @property
    def revindex(self) -> int:
        return self.length - self.index0

    @property
    def first(self) -> bool:
        return self.index0 == 0

    @property
    def last(self) -> bool:
        return self._peek() is missing

    @property
    def previtem(self) -> t.Any:
        if self._before is missing:
            return self._undefined("there is no previous item")
        return self._before

    @property
    def nextitem(self) -> t.Any:
        item = self._peek()
        if item is missing:
            return self._undefined("there is no next item")
        return item

    def cycle(self, *args: t.Any) -> t.Any:
        """The argument at this iteration's position, round robin."""
        if not args:
            raise TypeError("no items for cycling given")
        return args[self.index0 % len(args)]

    def changed(self, *value: t.Any) -> bool:
        """True on the first call and whenever ``value`` differs from the last call's."""
        if self._last_changed != value:
            self._last_changed = value
            return True
        return False

    def __call__(self, iterable: t.Iterable[t.Any]) -> str:
        """Render the loop body again for ``iterable`` one level deeper (``recursive`` loops)."""
        if self._recurse is None:
            raise TypeError("The loop must have the 'recursive' marker to be called recursively.")
        rendered = concat(self._recurse(iterable, self.depth))
        return Markup(rendered) if self._autoescape else rendered

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.index}/{self.length}>"


class Macro:
    """A template macro as a Python callable; calling it renders its body.

    The compiled body takes every argument positionally; ``missing`` marks an
    argument not passed, for the body to fill in its default.
    """

    def __init__(
        self,
        environment: "Environment",
        func: t.Callable[..., t.Iterator[str]],
        name: str,
        arguments: t.Tuple[str, ...],
        catch_kwargs: bool,
        catch_varargs: bool,
        caller: bool,
        autoescape: bool,
    ) -> None:
        self._environment = environment
        self._func = func
        self.name = name
        self.arguments = arguments
        self.catch_kwargs = catch_kwargs
        self.catch_varargs = catch_varargs
        self.caller = caller
        self._autoescape = autoescape

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> str:
        arguments = self.arguments
        values = list(args[: len(arguments)])
        for name in arguments[: len(values)]:
            if name in kwargs:
                raise TypeError(f"macro {self.name!r} got multiple values for argument {name!r}")
        for name in arguments[len(values) :]:
            values.append(kwargs.pop(name, missing))
        if self.caller:
            caller = kwargs.pop("caller", None)
            if caller is None:
                caller = self._environment.undefined("No caller defined", name="caller")
            values.append(caller)
        if self.catch_kwargs:
            values.append(kwargs)
        elif kwargs:
            if "caller" in kwargs:
                raise TypeError(f"macro {self.name!r} was invoked with two values for the special caller argument. This is most likely a bug.")
            raise TypeError(f"macro {self.name!r} takes no keyword argument {next(iter(kwargs))!r}")
        if self.catch_varargs:
            values.append(args[len(arguments) :])
        elif len(args) > len(arguments):
            raise TypeError(f"macro {self.name!r} takes not more than {len(arguments)} argument(s)")
        rendered = concat(self._func(*values))
        return Markup(rendered) if self._autoescape else rendered

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


# -- helpers the generated code calls ---------------------------------------


def assign_namespace(namespace: t.Any, attribute: str, value: t.Any) -> None:
    """``{% set ns.attr = value %}``: only a ``namespace()`` may be written to."""
    if not isinstance(namespace, Namespace):
        raise TemplateRuntimeError("cannot assign attribute on non-namespace object")
    namespace[attribute] = value


def inherit_blocks(context: Context, parent: "Template") -> None:
    """After ``{% extends %}``: the parent's blocks go below this template's."""
    for name, func in parent.blocks.items():
        context.blocks.setdefault(name, []).append(func)


def lookup_in(registry: t.Mapping[str, t.Any]) -> t.Callable[..., t.Any]:
    """A function giving ``registry[name]`` for one name, a tuple of values for several.

    A compiled template binds the filters and tests it uses with it, one
    line per kind: ``filter_upper, filter_join = filters('upper', 'join')``.
    """

    def lookup(*names: str) -> t.Any:
        return operator.itemgetter(*names)(registry)

    return lookup


def render_text(text: str) -> t.Callable[[Context], t.Tuple[str, ...]]:
    """The render function of a block (or template) that writes only ``text``.

    The compiler uses it instead of writing a function whose body would be
    one constant: there is nothing to compile, and nothing that can fail.
    """
    output = (text,) if text else ()

    def render(context: Context) -> t.Tuple[str, ...]:
        return output

    return render


def extend(context: Context, parent: "Template") -> t.Iterable[str]:
    """The output of a template that only extends ``parent``: the parent's, with the child's blocks."""
    inherit_blocks(context, parent)
    return parent.root_render_func(context)


def fail(message: str) -> t.NoReturn:
    """A filter or test missing at render time (its use was guarded by ``is filter``)."""
    raise TemplateRuntimeError(message)


def required_block(name: str) -> t.NoReturn:
    raise TemplateRuntimeError(f"Required block {name!r} not found")


def output_markup(value: t.Any, autoescape: bool) -> str:
    """The rendered body of a block tag as a value: Markup under autoescape."""
    return Markup(value) if autoescape else value


def include_missing_ok(environment: "Environment", names: t.Any, parent: t.Optional[str]) -> t.Optional["Template"]:
    """``{% include ... ignore missing %}``: the template, or None if there is none."""
    try:
        return environment.get_or_select_template(names, parent)
    except TemplateNotFound:
        return None


def imported_name(module: t.Any, name: str, template_name: t.Any, lineno: int, undefined: t.Any) -> t.Any:
    """``{% from t import name %}``: the value, or an Undefined saying what is missing."""
    value = getattr(module, name, missing)
    if value is missing:
        return undefined(
            f"the template {template_name!r} (imported on line {lineno}) does not export the requested name {name!r}",
            name=name,
        )
    return value


# -- tracebacks --------------------------------------------------------------


def rewrite_traceback(exc_info: t.Tuple[t.Any, BaseException, t.Optional[TracebackType]]) -> BaseException:
    """The exception with each frame of template code shown at its template line.

    Generated code runs with ``__template__`` in its globals; each such frame
    is replaced by a fake one whose code was compiled so that its line is the
    template's line, in the template's file. Other frames are kept as they are.
    """
    _, error, tb = exc_info
    frames: t.List[t.Tuple[TracebackType, t.Any]] = []
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__template__")
        frames.append((tb, template))
        tb = tb.tb_next
    new_tb: t.Optional[TracebackType] = None
    for tb, template in reversed(frames):
        if template is None:
            new_tb = TracebackType(new_tb, tb.tb_frame, tb.tb_lasti, tb.tb_lineno)
            continue
        lineno = template.get_corresponding_lineno(tb.tb_lineno)
        filename = template.filename or template.name or "<template>"
        fake = _fake_frame_traceback(error, filename, lineno, _frame_name(tb.tb_frame.f_code.co_name))
        if fake is not None:
            new_tb = TracebackType(new_tb, fake.tb_frame, fake.tb_lasti, fake.tb_lineno)
    return error.with_traceback(new_tb)


def _frame_name(function: str) -> str:
    """How a traceback names a generated function: "template", "block 'title'", "macro 'm'"."""
    if function == "root":
        return "template"
    kind, _, name = function.partition("_")
    if kind in ("block", "macro") and name:
        return f"{kind} {name!r}"
    return function


def _fake_frame_traceback(error: BaseException, filename: str, lineno: int, function: str) -> t.Optional[TracebackType]:
    """A traceback entry claiming ``filename`` line ``lineno``, in a frame named like the template function."""
    code: CodeType = compile("\n" * (lineno - 1) + "raise __error__", filename, "exec")
    code = code.replace(co_name=function)
    try:
        exec(code, {"__name__": filename, "__error__": error})
    except BaseException:
        return sys.exc_info()[2].tb_next  # type: ignore[union-attr]
    return None


