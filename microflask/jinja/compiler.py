"""The compiler: a template's tree -> the source of a Python module.

Third stage of the pipeline (lexer -> parser -> compiler). The module it
writes has a generator ``root(context)`` yielding the output, one generator
per ``{% block %}`` and a ``blocks`` dict. Template variables become Python
locals read from the context once, at the top of each function; filters and
tests are bound once, when the module loads. This module only writes source:
expressions are in ``compiler_expressions``; Python's ``compile`` runs later.
"""
from __future__ import annotations

import typing as t

from . import nodes
from .compiler_expressions import COUNTING_LOOP_ATTRIBUTES, ExpressionCompiler
from .exceptions import TemplateAssertionError

# How a loop body reads ``loop`` (see loop_usage): not at all, only what a
# counter can answer, or as a whole LoopContext.
NO_LOOP, COUNTING_LOOP, FULL_LOOP = range(3)
# Names a macro receives as extra arguments when its body uses them.
MACRO_SPECIAL_NAMES = ("caller", "kwargs", "varargs")


class Scope:
    """The template names visible in one part of the template, and their Python names.

    A "context" scope (a template's top level, a block) reads unknown names
    from the render context; other scopes (loop bodies, macros, ``with``...)
    give the names they assign fresh Python names, so nothing leaks out, and
    read every other name from the enclosing scope.
    """

    def __init__(
        self,
        parent: t.Optional["Scope"],
        kind: str,
        stores: t.Iterable[str] = (),
        assigned: t.Iterable[str] = (),
        exports: bool = False,
        block_name: t.Optional[str] = None,
    ) -> None:
        self.parent = parent
        self.kind = kind
        self.depth = 0 if parent is None or kind == "context" else parent.depth + 1
        self.stores = set(stores)
        # Names certainly bound at this point of the code (no init needed).
        self.assigned = set(assigned)
        # Names to bind at the start of the scope, in the order first needed.
        self.inits: t.List[str] = []
        # Context scopes: whether each name its own code read first (not a
        # loop body's or a macro's) has been read only that once so far.
        self.single_reads: t.Dict[str, bool] = {}
        self.exports = exports
        self.block_name = block_name
        self.init_at = 0
        self.init_indent = 0
        self.init_lineno = 1

    def identifier(self, name: str) -> str:
        if self.depth == 0:
            return f"l_{name}"
        return f"l_{self.depth}_{name}"

    def load(self, name: str, for_child: bool = False) -> str:
        """The Python name to read ``name`` from, noting any init it needs.

        The first read of a render variable by the context scope's own code
        gets a placeholder: if it stays the only read, ``close_scope`` puts
        ``context.resolve(name)`` there instead of a line at the top.
        ``for_child``: the read is a nested scope's init, run each time it starts.
        """
        scope = self
        while scope.kind != "context" and name not in scope.stores:
            assert scope.parent is not None
            scope = scope.parent
        if name in scope.assigned:
            return scope.identifier(name)
        if name not in scope.inits:
            scope.inits.append(name)
            if scope.kind == "context" and scope is self and not for_child:
                scope.single_reads[name] = True
                return _placeholder(name)
        elif name in scope.single_reads:
            scope.single_reads[name] = False
        return scope.identifier(name)

    def visible_locals(self) -> t.Dict[str, str]:
        """Template name -> Python name for the names of the scopes up to the context scope."""
        names: t.Dict[str, str] = {}
        scope: t.Optional[Scope] = self
        while scope is not None and scope.kind != "context":
            for name in sorted(scope.stores):
                names.setdefault(name, "")
            scope = scope.parent
        return {name: self.load(name) for name in names}


class Function:
    """One Python function being written: whether it yields, its temporaries."""

    def __init__(self, name: str, is_root: bool = False) -> None:
        self.name = name
        self.is_root = is_root
        self.yields = False
        self.temporaries = 0


class CodeGenerator(ExpressionCompiler):
    """Writes the Python module for one template; ``generate()`` returns its source."""

    def __init__(self, environment: t.Any, name: t.Optional[str], filename: t.Optional[str]) -> None:
        super().__init__(environment, name, filename)
        # (indented code, template line) per line of the module being written.
        self.lines: t.List[t.Tuple[str, int]] = []
        self.indentation = 0
        self.margin = ""  # the indentation as text
        self.lineno = 1
        self.blocks: t.Dict[str, nodes.Node] = {}
        self.pending_blocks: t.List[nodes.Node] = []
        self.function = Function("root", is_root=True)
        # After a top-level {% extends %} the root writes nothing ("skip");
        # after a conditional one, each write checks ``parent_template``.
        self.extends_mode: t.Optional[str] = None
        self.extends_seen = 0
        self.extends_conditional = False
        self.unique = 0

    # -- writing lines --------------------------------------------------------

    def line(self, text: str) -> None:
        self.lines.append((self.margin + text, self.lineno))

    def indent(self) -> None:
        self.indentation += 1
        self.margin = "    " * self.indentation

    def dedent(self) -> None:
        self.indentation -= 1
        self.margin = "    " * self.indentation

    def new_name(self, prefix: str) -> str:
        self.unique += 1
        return f"{prefix}_{self.unique}"

    def temporary(self) -> str:
        self.function.temporaries += 1
        return f"t_{self.function.temporaries}"

    def open_scope(self, scope: Scope) -> Scope:
        scope.init_at = len(self.lines)
        scope.init_indent = self.indentation
        scope.init_lineno = self.lineno
        return scope

    def close_scope(self, scope: Scope) -> None:
        """Insert the lines binding the names the scope read before assigning.

        A render variable read once by the scope's own code (not in a loop
        body) and never assigned is resolved where it is read; the others
        are resolved at the top, in one statement: Python compiles one line
        with several names faster than one line per name.
        """
        init_lines: t.List[str] = []
        resolved: t.List[str] = []
        in_place: t.Dict[str, str] = {}  # placeholder -> code
        for name in scope.inits:
            value = self.init_value(scope, name)
            if name in scope.single_reads:
                if value is None and scope.single_reads[name] and name not in scope.stores:
                    in_place[_placeholder(name)] = f"context.resolve({name!r})"
                    continue
                in_place[_placeholder(name)] = scope.identifier(name)
            if value is None:
                resolved.append(name)
            else:
                init_lines.append(f"{scope.identifier(name)} = {value}")
        if in_place:
            self.replace_placeholders(scope.init_at, in_place)
        if len(resolved) == 1:
            init_lines.append(f"{scope.identifier(resolved[0])} = context.resolve({resolved[0]!r})")
        elif resolved:
            identifiers = ", ".join(scope.identifier(name) for name in resolved)
            init_lines.append(f"{identifiers} = context.resolve_names({', '.join(map(repr, resolved))})")
        at = scope.init_at
        margin = "    " * scope.init_indent
        self.lines[at:at] = [(margin + text, scope.init_lineno) for text in init_lines]

    def replace_placeholders(self, start: int, codes: t.Dict[str, str]) -> None:
        """Put the final code for the placeholders in the lines from ``start`` on."""
        lines = self.lines
        for index in range(start, len(lines)):
            text, lineno = lines[index]
            if "\0" in text:
                for placeholder, code in codes.items():
                    text = text.replace(placeholder, code)
                lines[index] = (text, lineno)

    def init_value(self, scope: Scope, name: str) -> t.Optional[str]:
        """Code for the value ``name`` starts with in ``scope``; None: resolve it from the context."""
        if scope.kind != "context":
            assert scope.parent is not None
            return scope.parent.load(name, for_child=True)
        if name == "self":
            return "TemplateReference(context)"
        if name == "super" and scope.block_name is not None:
            return f"context.super({scope.block_name!r}, block_{scope.block_name})"
        return None

    # -- the module -----------------------------------------------------------

    def generate(self, template: nodes.Node) -> str:
        """The module's source: ``root``, then one ``block_<name>`` per block.

        Every module-level name starting with ``block_`` is a block (that is
        how ``Template.from_code`` finds them): no ``blocks`` dict to compile.
        """
        text = self.constant_body(template.body)
        if text is not None:
            self.line(f"root = render_text({text!r})")
        else:
            self.write_root(template.body)
        while self.pending_blocks:
            self.write_block_function(self.pending_blocks.pop(0))
        return self.render_source()

    def write_root(self, body: t.List[nodes.Node]) -> None:
        root = Scope(None, "context", exports=True)
        self.line("def root(context):")
        self.indent()
        self.open_scope(root)
        if _only_extends(body):
            self.write_extends_only(body, root)
            return
        self.visit_body(body, root)
        if self.extends_seen:
            self.function.yields = True
            if self.extends_mode == "skip":
                self.line("yield from parent_template.root_render_func(context)")
            else:
                self.line("if parent_template is not None:")
                self.indent()
                self.line("yield from parent_template.root_render_func(context)")
                self.dedent()
        if self.extends_conditional:
            # Some write checks ``parent_template``: bind it before any can.
            self.lines.insert(root.init_at, ("    parent_template = None", 1))
        self.close_scope(root)
        self.end_function()
        self.dedent()

    def write_extends_only(self, body: t.List[nodes.Node], root: Scope) -> None:
        """The root of the usual child template: the parent's output, with this template's blocks.

        One ``return`` instead of the general three lines (load the parent,
        stack the blocks, yield the parent's output): less to compile.
        """
        extends = body[0]
        self.lineno = extends.lineno
        parent = f"environment.get_template({self.expression(extends.template, root)}, {self.name!r})"
        # What follows {% extends %} at top level writes nothing: its blocks
        # are only registered.
        self.extends_seen, self.extends_mode = 1, "skip"
        self.visit_body(body[1:], root)
        self.lineno = extends.lineno
        self.line(f"return extend(context, {parent})")
        self.close_scope(root)
        self.dedent()

    def constant_body(self, body: t.List[nodes.Node]) -> t.Optional[str]:
        """The text ``body`` writes if it is only text and literals, else None."""
        parts: t.List[str] = []
        for node in body:
            if not isinstance(node, nodes.Output):
                return None
            for child in node.nodes:
                text = self.constant_output(child)
                if text is None:
                    return None
                parts.append(text)
        return "".join(parts)

    def render_source(self) -> str:
        """The module's text; ``debug_info`` maps its lines to template lines ("python=template&...")."""
        source = self.prelude()
        debug_info: t.List[str] = []
        last = None
        for number, (text, lineno) in enumerate(self.lines, start=len(source) + 1):
            source.append(text)
            if lineno != last:
                debug_info.append(f"{number}={lineno}")
                last = lineno
        source.append(f"debug_info = {'&'.join(debug_info)!r}")
        return "\n".join(source) + "\n"

    def prelude(self) -> t.List[str]:
        title = f"Template {self.name!r}" if self.name else "A template from a string"
        return [f"# {title}, compiled by microflask.jinja.", f"name = {self.name!r}"] + self.bindings()

    def end_function(self) -> None:
        """A function that wrote nothing still returns an (empty) iterable."""
        if not self.function.yields:
            self.line("return ()")

    def write_block_function(self, block: nodes.Node) -> None:
        self.lineno = block.lineno
        text = None if block.required else self.constant_body(block.body)
        if text is not None:
            self.line(f"block_{block.name} = render_text({text!r})")
            return
        self.function = Function(f"block_{block.name}")
        scope = Scope(None, "context", block_name=block.name)
        saved_escape = self.autoescape
        self.line(f"def block_{block.name}(context):")
        self.indent()
        self.open_scope(scope)
        if block.required:
            self.line(f"required_block({block.name!r})")
        else:
            self.visit_body(block.body, scope)
        self.close_scope(scope)
        self.end_function()
        self.dedent()
        self.autoescape = saved_escape

    # -- statements -----------------------------------------------------------

    def visit_body(self, body: t.List[nodes.Node], scope: Scope) -> None:
        for node in body:
            self.lineno = node.lineno
            getattr(self, "visit_" + type(node).__name__)(node, scope)

    def output_dropped(self) -> bool:
        return self.function.is_root and self.extends_mode == "skip"

    def start_write(self) -> bool:
        """Open the ``parent_template`` check a write needs; True if one was opened."""
        self.function.yields = True
        if self.function.is_root and self.extends_mode == "check":
            self.line("if parent_template is None:")
            self.indent()
            return True
        return False

    def end_write(self, opened: bool) -> None:
        if opened:
            self.dedent()

    def write(self, code: str) -> None:
        if self.output_dropped():
            return
        opened = self.start_write()
        self.line(f"yield {code}")
        self.end_write(opened)

    def visit_Output(self, node: nodes.Node, scope: Scope) -> None:
        """Text and ``{{ }}`` values in a row: one ``yield`` for all of them."""
        if self.output_dropped():
            return
        texts: t.List[t.Optional[str]] = []  # the output known now; None where a value goes
        values: t.List[str] = []
        for child in node.nodes:
            text = self.constant_output(child)
            if text is None:
                self.lineno = child.lineno
                values.append(self.output_expression(child, scope))
            texts.append(text)
        if values:
            code = self.format_output(texts, values)
        else:
            code = repr("".join(filter(None, texts)))
            if code == "''":
                return
        opened = self.start_write()
        self.line(f"yield {code}")
        self.end_write(opened)

    def format_output(self, texts: t.List[t.Optional[str]], values: t.List[str]) -> str:
        """One ``%`` format: the texts as the format, with ``%s`` where the values go.

        Measured: Python compiles this twice as fast as an f-string with the
        same parts, and it runs as fast.
        """
        template = "".join("%s" if text is None else text.replace("%", "%%") for text in texts)
        if len(values) == 1 and self.autoescape:
            # An escaped value is a string or a number, never a tuple that
            # ``%`` would unpack: it needs no tuple around it.
            return f"{template!r} % {values[0]}"
        return f"{template!r} % ({', '.join(values)}{',' if len(values) == 1 else ''})"

    def visit_If(self, node: nodes.Node, scope: Scope) -> None:
        self.line(f"if {self.expression(node.test, scope)}:")
        self.visit_branch(node.body, scope, node.test)
        for elif_ in node.elif_:
            self.lineno = elif_.lineno
            self.line(f"elif {self.expression(elif_.test, scope)}:")
            self.visit_branch(elif_.body, scope, elif_.test)
        if node.else_:
            self.line("else:")
            self.visit_branch(node.else_, scope, None)

    def visit_branch(self, body: t.List[nodes.Node], scope: Scope, test: t.Optional[nodes.Node]) -> None:
        """A conditional body: what it assigns is not certainly assigned after it."""
        assigned = set(scope.assigned)
        self.indent()
        mark = len(self.lines)
        with self.checked_names(test):
            self.visit_body(body, scope)
        if len(self.lines) == mark:
            self.line("pass")
        self.dedent()
        scope.assigned = assigned

    def visit_For(self, node: nodes.Node, scope: Scope) -> None:
        usage = FULL_LOOP if node.recursive else loop_usage(node.body)
        uses_loop = usage != NO_LOOP
        targets = _target_names(node.target)
        stores = set(targets) | stored_names(node.body)
        if uses_loop:
            stores.add("loop")
        iterable = self.expression(node.iter, scope)
        if node.recursive:
            loop_function = self.new_name("loop")
            self.line(f"def {loop_function}(iterable, depth0):")
            self.indent()
            saved_function = self.function
            self.function = Function(loop_function)
            body_scope = self.open_scope(Scope(scope, "function", stores, targets + ["loop"]))
            self.write_loop(node, scope, body_scope, "iterable", loop_function, counting=False)
            self.end_function()
            self.function = saved_function
            self.dedent()
            self.write(f"from {loop_function}({iterable}, 0)")
            return
        body_scope = Scope(scope, "inline", stores, targets + (["loop"] if uses_loop else []))
        self.write_loop(node, scope, body_scope, iterable, None, counting=usage == COUNTING_LOOP)

    def write_loop(self, node: nodes.Node, scope: Scope, body_scope: Scope, iterable: str, recurse: t.Optional[str], counting: bool) -> None:
        target = self.target(node.target, body_scope)
        if node.test is not None:
            targets = _target_names(node.target)
            test = self.expression(node.test, Scope(scope, "inline", targets, targets))
            iterable = f"({target} for {target} in {iterable} if {test})"
        iterated = None
        if node.else_:
            iterated = self.temporary()
            self.line(f"{iterated} = False")
        loop = body_scope.identifier("loop")
        if "loop" in body_scope.assigned and counting:
            # loop.index, loop.cycle(...) and friends need only a counter.
            index0 = self.temporary()
            self.counting_loops[loop] = index0
            self.line(f"for {index0}, {target} in enumerate({iterable}):")
        elif "loop" in body_scope.assigned:
            self.loop_identifiers.add(loop)
            self.line(f"{loop} = LoopContext({iterable}, undefined, {recurse}, {'depth0' if recurse else 0}, {self.autoescape})")
            self.line(f"for {target} in {loop}:")
        else:
            self.line(f"for {target} in {iterable}:")
        self.indent()
        self.open_scope(body_scope)
        if iterated:
            self.line(f"{iterated} = True")
        mark = len(self.lines)
        self.visit_body(node.body, body_scope)
        if len(self.lines) == mark and not iterated:
            self.line("pass")
        self.close_scope(body_scope)
        self.dedent()
        if iterated:
            self.lineno = node.else_[0].lineno
            self.line(f"if not {iterated}:")
            self.indent()
            else_scope = self.open_scope(Scope(scope, "inline", stored_names(node.else_)))
            mark = len(self.lines)
            self.visit_body(node.else_, else_scope)
            if len(self.lines) == mark:
                self.line("pass")
            self.close_scope(else_scope)
            self.dedent()

    def visit_With(self, node: nodes.Node, scope: Scope) -> None:
        values = [self.expression(value, scope) for value in node.values]
        targets: t.List[str] = []
        for target in node.targets:
            targets.extend(_target_names(target))
        body_scope = Scope(scope, "inline", set(targets) | stored_names(node.body), targets)
        self.open_scope(body_scope)
        for target, value in zip(node.targets, values):
            self.line(f"{self.target(target, body_scope)} = {value}")
        self.visit_body(node.body, body_scope)
        self.close_scope(body_scope)

    def visit_Autoescape(self, node: nodes.Node, scope: Scope) -> None:
        if not isinstance(node.value, nodes.Const):
            raise TemplateAssertionError("autoescape takes a constant: true or false", node.lineno, self.name, self.filename)
        saved = self.temporary()
        self.line(f"{saved} = context.eval_ctx.save()")
        self.line(f"context.eval_ctx.autoescape = {bool(node.value.value)!r}")
        saved_escape = self.autoescape
        self.autoescape = bool(node.value.value)
        body_scope = self.open_scope(Scope(scope, "inline", stored_names(node.body)))
        self.visit_body(node.body, body_scope)
        self.close_scope(body_scope)
        self.autoescape = saved_escape
        self.line(f"context.eval_ctx.revert({saved})")

    def visit_Assign(self, node: nodes.Node, scope: Scope) -> None:
        value = self.expression(node.node, scope)
        if isinstance(node.target, nodes.NSRef):
            namespace = scope.load(node.target.name)
            self.line(f"assign_namespace({namespace}, {node.target.attr!r}, {value})")
            return
        self.line(f"{self.target(node.target, scope)} = {value}")
        self.export(_target_names(node.target), scope)

    def visit_AssignBlock(self, node: nodes.Node, scope: Scope) -> None:
        value = self.body_value(node.body, scope)
        if node.filter is not None:
            value = self.filter_chain(node.filter, value, scope)
        if isinstance(node.target, nodes.NSRef):
            self.line(f"assign_namespace({scope.load(node.target.name)}, {node.target.attr!r}, {value})")
            return
        self.line(f"{self.target(node.target, scope)} = {value}")
        self.export(_target_names(node.target), scope)

    def visit_FilterBlock(self, node: nodes.Node, scope: Scope) -> None:
        value = self.body_value(node.body, scope)
        self.write(self.filter_chain(node.filter, value, scope))

    def body_value(self, body: t.List[nodes.Node], scope: Scope) -> str:
        """Write a nested generator for ``body``; return code for its rendered text."""
        function_name = self.new_name("body")
        self.write_function(function_name, [], body, Scope(scope, "function", stored_names(body)))
        if self.autoescape:
            return f"Markup(concat({function_name}()))"
        return f"concat({function_name}())"

    def write_function(self, function_name: str, params: t.List[str], body: t.List[nodes.Node], scope: Scope, prologue: t.Callable[[], None] = lambda: None) -> None:
        self.line(f"def {function_name}({', '.join(params)}):")
        self.indent()
        saved_function = self.function
        self.function = Function(function_name)
        self.open_scope(scope)
        prologue()
        self.visit_body(body, scope)
        self.close_scope(scope)
        self.end_function()
        self.function = saved_function
        self.dedent()

    def export(self, names: t.List[str], scope: Scope) -> None:
        """Top-level assignments also go into the context, public ones as exports."""
        if not scope.exports:
            return
        for name in names:
            self.line(f"context.vars[{name!r}] = {scope.identifier(name)}")
            if not name.startswith("_"):
                self.line(f"context.exported_vars.add({name!r})")

    def macro_definition(self, function_name: str, display_name: str, args: t.List[nodes.Node], defaults: t.List[nodes.Node], body: t.List[nodes.Node], scope: Scope) -> str:
        """Write a macro's function; return the code of its ``Macro`` object."""
        arg_names = [arg.name for arg in args]
        used = loaded_names(body) | loaded_names(defaults)
        specials = [name for name in MACRO_SPECIAL_NAMES if name in used and name not in arg_names]
        params = arg_names + specials
        macro_scope = Scope(scope, "function", set(params) | stored_names(body), params)
        first_default = len(args) - len(defaults)

        def bind_arguments() -> None:
            for index, name in enumerate(arg_names):
                identifier = macro_scope.identifier(name)
                if index >= first_default:
                    value = self.expression(defaults[index - first_default], macro_scope)
                else:
                    value = f"undefined({f'parameter {name!r} was not provided'!r}, name={name!r})"
                self.line(f"if {identifier} is missing:")
                self.indent()
                self.line(f"{identifier} = {value}")
                self.dedent()

        param_code = [macro_scope.identifier(name) for name in arg_names]
        # Macro.__call__ passes the specials in this order: caller, kwargs, varargs.
        param_code += [macro_scope.identifier(name) for name in ("caller", "kwargs", "varargs") if name in specials]
        self.write_function(function_name, param_code, body, macro_scope, bind_arguments)
        return (
            f"Macro(environment, {function_name}, {display_name!r}, {tuple(arg_names)!r}, "
            f"{'kwargs' in specials}, {'varargs' in specials}, {'caller' in specials}, {self.autoescape})"
        )

    def visit_Macro(self, node: nodes.Node, scope: Scope) -> None:
        macro = self.macro_definition(f"macro_{node.name}", node.name, node.args, node.defaults, node.body, scope)
        self.line(f"{self.store(node.name, scope)} = {macro}")
        self.export([node.name], scope)

    def visit_CallBlock(self, node: nodes.Node, scope: Scope) -> None:
        caller = self.macro_definition(self.new_name("caller"), "caller", node.args, node.defaults, node.body, scope)
        call = node.call
        keywords = call.kwargs + [nodes.Keyword("caller", _Code(caller), lineno=node.lineno)]
        self.write(self.expression(nodes.Call(call.node, call.args, keywords, call.dyn_args, call.dyn_kwargs, lineno=call.lineno), scope))

    def visit_Block(self, node: nodes.Node, scope: Scope) -> None:
        if node.name in self.blocks:
            raise TemplateAssertionError(f"block {node.name!r} defined twice", node.lineno, self.name, self.filename)
        self.blocks[node.name] = node
        self.pending_blocks.append(node)
        context = "context"
        if node.scoped:
            names = scope.visible_locals()
            context = "context.derived({%s})" % ", ".join(f"{name!r}: {code}" for name, code in names.items())
        self.write(f"from {context}.render_block({node.name!r})")

    def visit_Extends(self, node: nodes.Node, scope: Scope) -> None:
        if not self.function.is_root:
            raise TemplateAssertionError("cannot use extends from a non top-level scope", node.lineno, self.name, self.filename)
        if self.extends_mode == "skip":
            self.line("raise TemplateRuntimeError('extended multiple times')")
            return
        if self.extends_seen:
            self.line("if parent_template is not None:")
            self.indent()
            self.line("raise TemplateRuntimeError('extended multiple times')")
            self.dedent()
        self.extends_seen += 1
        self.line(f"parent_template = environment.get_template({self.expression(node.template, scope)}, {self.name!r})")
        self.line("inherit_blocks(context, parent_template)")
        top_level = scope.kind == "context" and self.indentation == 1
        self.extends_mode = "skip" if top_level else "check"
        self.extends_conditional = self.extends_conditional or not top_level

    def context_arguments(self, scope: Scope) -> str:
        names = scope.visible_locals()
        local_values = ", ".join(f"{name!r}: {code}" for name, code in names.items())
        return f"context.get_all(), True, {{{local_values}}}"

    def visit_Include(self, node: nodes.Node, scope: Scope) -> None:
        if self.output_dropped():
            return
        template = self.temporary()
        names = self.expression(node.template, scope)
        if node.ignore_missing:
            self.line(f"{template} = include_missing_ok(environment, {names}, {self.name!r})")
        else:
            self.line(f"{template} = environment.get_or_select_template({names}, {self.name!r})")
        new_context = f"{template}.new_context({self.context_arguments(scope) if node.with_context else ''})"
        if node.ignore_missing:
            self.line(f"if {template} is not None:")
            self.indent()
            self.write(f"from {template}.root_render_func({new_context})")
            self.dedent()
        else:
            self.write(f"from {template}.root_render_func({new_context})")

    def module_of(self, node: nodes.Node, scope: Scope) -> str:
        template = f"environment.get_template({self.expression(node.template, scope)}, {self.name!r})"
        if node.with_context:
            return f"{template}.make_module({self.context_arguments(scope)})"
        return f"{template}._get_default_module()"

    def visit_Import(self, node: nodes.Node, scope: Scope) -> None:
        self.line(f"{self.store(node.target, scope)} = {self.module_of(node, scope)}")
        if scope.exports:
            self.line(f"context.vars[{node.target!r}] = {scope.identifier(node.target)}")

    def visit_FromImport(self, node: nodes.Node, scope: Scope) -> None:
        module = self.temporary()
        template_name = self.expression(node.template, scope)
        self.line(f"{module} = {self.module_of(node, scope)}")
        for name, alias in node.names:
            self.line(f"{self.store(alias, scope)} = imported_name({module}, {name!r}, {template_name}, {node.lineno}, undefined)")
            if scope.exports:
                self.line(f"context.vars[{alias!r}] = {scope.identifier(alias)}")

    # -- assignment targets ---------------------------------------------------

    def store(self, name: str, scope: Scope) -> str:
        scope.assigned.add(name)
        scope.stores.add(name)
        return scope.identifier(name)

    def target(self, node: nodes.Node, scope: Scope) -> str:
        if isinstance(node, nodes.Name):
            return self.store(node.name, scope)
        items = [self.target(item, scope) for item in node.items]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


class _Code(nodes.Expr):
    """Python code the compiler made itself, passed where an expression goes."""

    fields = ("code",)
    __slots__ = ("code",)


def _placeholder(name: str) -> str:
    """Stands for a name's code until its scope closes (no generated text contains NUL)."""
    return f"\0{name}\0"


def _only_extends(body: t.List[nodes.Node]) -> bool:
    """Whether a template is ``{% extends %}`` first, then only blocks and text (dropped)."""
    return bool(body) and isinstance(body[0], nodes.Extends) and all(isinstance(node, (nodes.Block, nodes.Output)) for node in body[1:])


def _target_names(node: nodes.Node) -> t.List[str]:
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Tuple):
        names: t.List[str] = []
        for item in node.items:
            names.extend(_target_names(item))
        return names
    return []


def stored_names(body: t.List[nodes.Node]) -> t.Set[str]:
    """The names a list of statements assigns in its own scope (not in nested ones)."""
    names: t.Set[str] = set()
    for node in body:
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            names.update(_target_names(node.target))
        elif isinstance(node, nodes.Macro):
            names.add(node.name)
        elif isinstance(node, nodes.Import):
            names.add(node.target)
        elif isinstance(node, nodes.FromImport):
            names.update(alias for _, alias in node.names)
        elif isinstance(node, nodes.If):
            names |= stored_names(node.body) | stored_names(node.else_)
            for elif_ in node.elif_:
                names |= stored_names(elif_.body)
    return names


def loaded_names(body: t.List[nodes.Node]) -> t.Set[str]:
    """Every name read anywhere under ``body``."""
    names: t.Set[str] = set()
    for node in body:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            names.add(node.name)
        for child in node.find_all(nodes.Name):
            if child.ctx == "load":
                names.add(child.name)
    return names


def loop_usage(body: t.Iterable[nodes.Node]) -> int:
    """How a loop body reads ``loop``: NO_LOOP, COUNTING_LOOP or FULL_LOOP.

    COUNTING_LOOP: only as ``loop.<counter>`` or ``loop.cycle(...)``, which an
    index counter can answer. A nested loop's body has its own ``loop``; a
    macro, call block or block that reads it needs the whole LoopContext.
    """
    usage = NO_LOOP
    for node in body:
        kind = type(node)
        if kind is nodes.Name:
            if node.name == "loop":
                return FULL_LOOP
            continue
        if kind is nodes.TemplateData or kind is nodes.Const:
            continue
        if kind is nodes.Getattr and type(node.node) is nodes.Name and node.node.name == "loop":
            if node.attr not in COUNTING_LOOP_ATTRIBUTES:
                return FULL_LOOP
            usage = COUNTING_LOOP
            continue
        if kind is nodes.Call and _is_cycle_call(node):
            usage = COUNTING_LOOP
            children: t.Iterable[nodes.Node] = node.args
        elif kind is nodes.For:
            children = [node.iter]
        elif kind is nodes.Macro or kind is nodes.CallBlock or kind is nodes.Block:
            if loop_usage(node.iter_child_nodes()) != NO_LOOP:
                return FULL_LOOP
            continue
        else:
            children = node.iter_child_nodes()
        inner = loop_usage(children)
        if inner == FULL_LOOP:
            return FULL_LOOP
        usage = max(usage, inner)
    return usage


def _is_cycle_call(node: nodes.Node) -> bool:
    """``loop.cycle(a, b)`` with plain positional arguments."""
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Getattr)
        and node.node.attr == "cycle"
        and isinstance(node.node.node, nodes.Name)
        and node.node.node.name == "loop"
        and bool(node.args)
        and not node.kwargs
        and node.dyn_args is None
        and node.dyn_kwargs is None
    )
