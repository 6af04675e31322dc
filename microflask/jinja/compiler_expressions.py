"""The compiler's expression half: expression nodes -> Python expressions.

Part of the compile stage; ``compiler.CodeGenerator`` (statements) builds
on it. Each method returns a string of Python code. Filters and tests are
looked up now, at compile time, and bound to module-level names so a render
pays no dictionary lookup for them. Nothing here writes statements.
"""
from __future__ import annotations

import contextlib
import math
import re
import typing as t

from ..markup import escape
from . import nodes
from .exceptions import TemplateAssertionError
from .utils import pass_arg_of

# ``loop.attr`` compiles to a plain attribute access for these.
LOOP_ATTRIBUTES = frozenset(
    "index index0 revindex revindex0 first last length depth depth0 previtem nextitem cycle changed".split()
)
# What a loop that only counts can compute from its index (see counting_loops).
# (``loop.cycle(a, b)`` qualifies too, when called with plain arguments.)
COUNTING_LOOP_ATTRIBUTES = frozenset(["index", "index0", "first", "depth", "depth0"])
NUMERIC_LOOP_ATTRIBUTES = frozenset("index index0 revindex revindex0 first last length depth depth0".split())
# How a filter, test or finalize marked with pass_* gets its first argument.
PASS_ARGUMENTS = {"context": "context", "eval_context": "context.eval_ctx", "environment": "environment"}
_NOT_IDENTIFIER = re.compile(r"\W")


class ExpressionCompiler:
    """Compiles expression nodes; keeps the module-level bindings they need."""

    def __init__(self, environment: t.Any, name: t.Optional[str], filename: t.Optional[str]) -> None:
        self.environment = environment
        self.name = name
        self.filename = filename
        autoescape = environment.autoescape
        self.autoescape = bool(autoescape(name) if callable(autoescape) else autoescape)
        # ("filter"|"test", name) -> the module-level name it is bound to.
        self.bound: t.Dict[t.Tuple[str, str], str] = {}
        self.loop_identifiers: t.Set[str] = set()
        # Python name of a ``loop`` with no LoopContext -> its index0 counter.
        self.counting_loops: t.Dict[str, str] = {}
        # ("filter"|"test", name) pairs an enclosing ``{% if 'x' is filter %}`` checked.
        self.checked: t.List[t.Set[t.Tuple[str, str]]] = []
        self.lineno = 1

    def error(self, message: str, lineno: int) -> TemplateAssertionError:
        return TemplateAssertionError(message, lineno, self.name, self.filename)

    @contextlib.contextmanager
    def checked_names(self, test: t.Optional[nodes.Node]) -> t.Iterator[None]:
        """While compiling an if's body: the filters and tests its condition checked for."""
        names: t.Set[t.Tuple[str, str]] = set()
        if test is not None:
            for node in [test, *test.find_all(nodes.Test)]:
                if isinstance(node, nodes.Test) and node.name in ("filter", "test") and isinstance(node.node, nodes.Const):
                    names.add((node.name, node.node.value))
        self.checked.append(names)
        try:
            yield
        finally:
            self.checked.pop()

    def bind(self, kind: str, name: str) -> str:
        """The module-level Python name bound to ``environment.<kind>s[name]``."""
        key = (kind, name)
        if key not in self.bound:
            identifier = f"{kind}_{_NOT_IDENTIFIER.sub('_', name)}"
            while identifier in self.bound.values():
                identifier += "_"
            self.bound[key] = identifier
        return self.bound[key]

    def bindings(self) -> t.List[str]:
        """The module-level lines binding what the template uses: one line per kind.

        ``filters`` and ``tests`` look names up in the environment's
        registries, giving one value for one name and a tuple for several.
        """
        lines = []
        for kind in ("filter", "test"):
            bound = [(identifier, name) for (bound_kind, name), identifier in self.bound.items() if bound_kind == kind]
            if bound:
                identifiers = ", ".join(identifier for identifier, _ in bound)
                names = ", ".join(repr(name) for _, name in bound)
                lines.append(f"{identifiers} = {kind}s({names})")
        if self.environment.finalize is not None:
            lines.append("finalize = environment.finalize")
        return lines

    # -- output ---------------------------------------------------------------

    def constant_output(self, node: nodes.Node) -> t.Optional[str]:
        """The text a node writes if it is known now (template text, a literal)."""
        if isinstance(node, nodes.TemplateData):
            return node.data
        if isinstance(node, nodes.Const) and self.environment.finalize is None:
            return str(escape(node.value)) if self.autoescape else str(node.value)
        return None

    def output_expression(self, node: nodes.Node, scope: t.Any) -> str:
        """Code for what ``{{ node }}`` writes: finalized, escaped if autoescape.
        Its ``%s`` in the output format turns it into a string."""
        finalize = self.environment.finalize
        if finalize is None and self.autoescape:
            safe = self.known_safe_output(node, scope)
            if safe is not None:
                return safe
        code = self.expression(node, scope)
        if finalize is not None:
            pass_arg = PASS_ARGUMENTS.get(pass_arg_of(finalize) or "")
            code = f"finalize({pass_arg}, {code})" if pass_arg else f"finalize({code})"
        if self.autoescape:
            return f"escape({code})"
        return code

    def known_safe_output(self, node: nodes.Node, scope: t.Any) -> t.Optional[str]:
        """Code that needs no escaping, for values known now to be HTML-safe.

        ``loop.index`` and friends are numbers or booleans; ``loop.cycle`` of
        literal strings returns one of them, so they are escaped here, once.
        """
        if isinstance(node, nodes.Getattr) and node.attr in NUMERIC_LOOP_ATTRIBUTES:
            loop = self.expression(node.node, scope)
            if loop in self.loop_identifiers or loop in self.counting_loops:
                return self.expression(node, scope)
            return None
        if (
            isinstance(node, nodes.Call)
            and isinstance(node.node, nodes.Getattr)
            and node.node.attr == "cycle"
            and not node.kwargs and node.dyn_args is None and node.dyn_kwargs is None
            and all(isinstance(arg, nodes.Const) and isinstance(arg.value, str) for arg in node.args)
        ):
            loop = self.expression(node.node.node, scope)
            if loop in self.loop_identifiers or loop in self.counting_loops:
                values = [str(escape(arg.value)) for arg in node.args]
                return self.cycle(loop, [repr(value) for value in values])
        return None

    # -- expressions ----------------------------------------------------------

    def expression(self, node: nodes.Node, scope: t.Any) -> str:
        return getattr(self, "expr_" + type(node).__name__)(node, scope)

    def expr__Code(self, node: nodes.Node, scope: t.Any) -> str:
        return node.code

    def expr_Const(self, node: nodes.Node, scope: t.Any) -> str:
        value = node.value
        if isinstance(value, float) and not math.isfinite(value):
            return f"float({str(value)!r})"
        return repr(value)

    def expr_TemplateData(self, node: nodes.Node, scope: t.Any) -> str:
        return repr(str(escape(node.data)) if self.autoescape else node.data)

    def expr_Name(self, node: nodes.Node, scope: t.Any) -> str:
        return scope.load(node.name)

    def expr_Tuple(self, node: nodes.Node, scope: t.Any) -> str:
        items = [self.expression(item, scope) for item in node.items]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"

    def expr_List(self, node: nodes.Node, scope: t.Any) -> str:
        return "[" + ", ".join(self.expression(item, scope) for item in node.items) + "]"

    def expr_Dict(self, node: nodes.Node, scope: t.Any) -> str:
        pairs = (f"{self.expression(pair.key, scope)}: {self.expression(pair.value, scope)}" for pair in node.items)
        return "{" + ", ".join(pairs) + "}"

    def expr_CondExpr(self, node: nodes.Node, scope: t.Any) -> str:
        if node.expr2 is None:
            message = f"the inline if-expression on line {node.lineno} evaluated to false and no else section was defined."
            otherwise = f"undefined({message!r})"
        else:
            otherwise = self.expression(node.expr2, scope)
        return f"({self.expression(node.expr1, scope)} if {self.expression(node.test, scope)} else {otherwise})"

    def expr_BinOp(self, node: nodes.Node, scope: t.Any) -> str:
        return f"({self.expression(node.left, scope)} {node.op} {self.expression(node.right, scope)})"

    def expr_UnaryOp(self, node: nodes.Node, scope: t.Any) -> str:
        operand = self.expression(node.node, scope)
        if node.op == "not":
            return f"(not {operand})"
        return f"({node.op}{operand})"

    def expr_And(self, node: nodes.Node, scope: t.Any) -> str:
        return f"({self.expression(node.left, scope)} and {self.expression(node.right, scope)})"

    def expr_Or(self, node: nodes.Node, scope: t.Any) -> str:
        return f"({self.expression(node.left, scope)} or {self.expression(node.right, scope)})"

    def expr_Compare(self, node: nodes.Node, scope: t.Any) -> str:
        code = self.expression(node.expr, scope)
        for operand in node.ops:
            code += f" {operand.op} {self.expression(operand.expr, scope)}"
        return f"({code})"

    def expr_Concat(self, node: nodes.Node, scope: t.Any) -> str:
        parts = ", ".join(self.expression(item, scope) for item in node.nodes)
        join = "markup_join" if self.autoescape else "str_join"
        return f"{join}(({parts},))"

    def cycle(self, loop: str, values: t.List[str]) -> str:
        """``loop.cycle(values)``; with a counter and literal values, a tuple lookup."""
        if loop in self.counting_loops and values:
            items = ", ".join(values) + ("," if len(values) == 1 else "")
            return f"({items})[{self.counting_loops[loop]} % {len(values)}]"
        return f"{loop}.cycle({', '.join(values)})"

    def expr_Getattr(self, node: nodes.Node, scope: t.Any) -> str:
        obj = self.expression(node.node, scope)
        if obj in self.counting_loops:
            index0 = self.counting_loops[obj]
            return {
                "index": f"({index0} + 1)",
                "index0": index0,
                "first": f"({index0} == 0)",
                "depth": "1",
                "depth0": "0",
            }[node.attr]
        if obj in self.loop_identifiers and node.attr in LOOP_ATTRIBUTES:
            return f"{obj}.{node.attr}"
        return f"getattr_({obj}, {node.attr!r})"

    def expr_Getitem(self, node: nodes.Node, scope: t.Any) -> str:
        return f"getitem_({self.expression(node.node, scope)}, {self.expression(node.arg, scope)})"

    def expr_Slice(self, node: nodes.Node, scope: t.Any) -> str:
        parts = [self.expression(part, scope) if part is not None else "None" for part in (node.start, node.stop, node.step)]
        return f"slice({', '.join(parts)})"

    def arguments(self, node: nodes.Node, scope: t.Any) -> t.List[str]:
        """The argument list of a Call, Filter or Test node, as code."""
        args = [self.expression(arg, scope) for arg in node.args]
        if node.dyn_args is not None:
            args.append("*" + self.expression(node.dyn_args, scope))
        args.extend(f"{keyword.key}={self.expression(keyword.value, scope)}" for keyword in node.kwargs)
        if node.dyn_kwargs is not None:
            args.append("**" + self.expression(node.dyn_kwargs, scope))
        return args

    def expr_Call(self, node: nodes.Node, scope: t.Any) -> str:
        if (
            isinstance(node.node, nodes.Getattr) and node.node.attr == "cycle"
            and node.args and not node.kwargs and node.dyn_args is None and node.dyn_kwargs is None
        ):
            loop = self.expression(node.node.node, scope)
            if loop in self.counting_loops or loop in self.loop_identifiers:
                return self.cycle(loop, [self.expression(arg, scope) for arg in node.args])
        func = self.expression(node.node, scope)
        args = self.arguments(node, scope)
        if func in self.loop_identifiers or func.partition(".")[0] in self.loop_identifiers:
            # ``loop(...)`` and ``loop.cycle(...)`` need no pass_* check.
            return f"{func}({', '.join(args)})"
        return f"context.call({', '.join([func] + args)})"

    def expr_Filter(self, node: nodes.Node, scope: t.Any) -> str:
        return self.filter_chain(node, None, scope)

    def filter_chain(self, node: nodes.Node, value: t.Optional[str], scope: t.Any) -> str:
        """``node`` (a Filter whose innermost value may be None) applied to ``value`` code."""
        if node.node is None:
            assert value is not None
            argument = value
        elif isinstance(node.node, nodes.Filter):
            argument = self.filter_chain(node.node, value, scope)
        else:
            argument = self.expression(node.node, scope)
        return self.call_named("filter", node, argument, scope)

    def expr_Test(self, node: nodes.Node, scope: t.Any) -> str:
        return self.call_named("test", node, self.expression(node.node, scope), scope)

    def call_named(self, kind: str, node: nodes.Node, argument: str, scope: t.Any) -> str:
        """A call of the filter or test ``node.name`` on ``argument`` code."""
        registry = getattr(self.environment, kind + "s")
        func = registry.get(node.name)
        if func is None:
            if any((kind, node.name) in names for names in self.checked):
                message = f"No {kind} named {node.name!r} found."
                return f"fail({message!r})"
            raise self.error(f"No {kind} named {node.name!r}.", node.lineno)
        args = [argument] + self.arguments(node, scope)
        pass_arg = PASS_ARGUMENTS.get(pass_arg_of(func) or "")
        if pass_arg:
            args.insert(0, pass_arg)
        return f"{self.bind(kind, node.name)}({', '.join(args)})"
