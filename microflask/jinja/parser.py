"""The parser: tokens -> a tree of ``nodes``, by recursive descent.

Second stage of the pipeline (lexer -> parser -> compiler). It checks the
grammar and raises ``TemplateSyntaxError`` naming the template, the line and
what was expected. It does not look names up: unknown filters and tests are
the compiler's to report.
"""
from __future__ import annotations

import typing as t

from . import nodes
from .exceptions import TemplateSyntaxError
from .lexer import BLOCK_BEGIN, BLOCK_END, DATA, EOF, VARIABLE_BEGIN, VARIABLE_END, Token

COMPARE_OPERATORS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
CONSTANT_NAMES = {"true": True, "True": True, "false": False, "False": False, "none": None, "None": None}
# Names that end an argument-less test (``x is odd and y``) instead of being its argument.
_NOT_A_TEST_ARGUMENT = {"else", "or", "and"}
_TEST_ARGUMENT_STARTS = {"name", "string", "integer", "float", "(", "[", "{"}


class TokenStream:
    """The tokens with a cursor: ``current``, ``next()``, ``look()`` and ``expect()``."""

    def __init__(self, tokens: t.List[Token], name: t.Optional[str], filename: t.Optional[str]) -> None:
        self.tokens = tokens
        self.index = 0
        self.current = tokens[0]
        self.name = name
        self.filename = filename

    def next(self) -> Token:
        token = self.current
        if token.type != EOF:
            self.index += 1
            self.current = self.tokens[self.index]
        return token

    def look(self) -> Token:
        return self.tokens[min(self.index + 1, len(self.tokens) - 1)]

    def test(self, type: str, value: t.Optional[str] = None) -> bool:
        return self.current.type == type and (value is None or self.current.value == value)

    def skip_if(self, type: str, value: t.Optional[str] = None) -> bool:
        if self.test(type, value):
            self.next()
            return True
        return False

    def expect(self, type: str, value: t.Optional[str] = None) -> Token:
        if not self.test(type, value):
            wanted = value if value is not None else _describe_type(type)
            if self.current.type == EOF:
                raise self.error(f"unexpected end of template, expected '{wanted}'.")
            raise self.error(f"expected token '{wanted}', got '{self.current.describe()}'")
        return self.next()

    def error(self, message: str, lineno: t.Optional[int] = None) -> TemplateSyntaxError:
        return TemplateSyntaxError(message, lineno or self.current.lineno, self.name, self.filename)


def _describe_type(type: str) -> str:
    return Token(0, type, "").describe()


class Parser:
    """Parses one template's tokens into a ``nodes.Template``."""

    def __init__(self, tokens: t.List[Token], name: t.Optional[str] = None, filename: t.Optional[str] = None) -> None:
        self.stream = TokenStream(tokens, name, filename)
        # The tags that would close the blocks open right now, innermost last,
        # to say what was expected when an unknown tag or the end is reached.
        self.end_tag_stack: t.List[t.Tuple[str, ...]] = []
        self.open_tags: t.List[str] = []

    def parse(self) -> nodes.Node:
        return nodes.Template(self.subparse(()), lineno=1)

    # -- statements ---------------------------------------------------------

    def subparse(self, end_tags: t.Tuple[str, ...]) -> t.List[nodes.Node]:
        """Parse statements until one of ``end_tags`` (left as the current token)."""
        body: t.List[nodes.Node] = []
        output: t.List[nodes.Node] = []
        stream = self.stream
        if end_tags:
            self.end_tag_stack.append(end_tags)

        def flush() -> None:
            if output:
                body.append(nodes.Output(list(output), lineno=output[0].lineno))
                output.clear()

        while stream.current.type != EOF:
            token = stream.current
            if token.type == DATA:
                output.append(nodes.TemplateData(token.value, lineno=token.lineno))
                stream.next()
            elif token.type == VARIABLE_BEGIN:
                stream.next()
                output.append(self.parse_tuple(with_condexpr=True))
                stream.expect(VARIABLE_END)
            else:
                stream.expect(BLOCK_BEGIN)
                flush()
                if end_tags and stream.current.type == "name" and stream.current.value in end_tags:
                    self.end_tag_stack.pop()
                    return body
                body.append(self.parse_statement())
        flush()
        if end_tags:
            raise self.missing_end_error(None)
        return body

    def parse_statement(self) -> nodes.Node:
        token = self.stream.current
        if token.type != "name":
            raise self.stream.error("tag name expected")
        handler = getattr(self, "parse_" + token.value, None) if token.value in STATEMENTS else None
        if handler is None:
            raise self.missing_end_error(token)
        self.open_tags.append(token.value)
        try:
            return handler()
        finally:
            self.open_tags.pop()

    def missing_end_error(self, token: t.Optional[Token]) -> TemplateSyntaxError:
        """The error for an unknown tag (``token``) or the end of the template (None)."""
        if token is None:
            message = "Unexpected end of template."
        else:
            message = f"Encountered unknown tag {token.value!r}."
        if self.end_tag_stack:
            expected = " or ".join(repr(tag) for tag in self.end_tag_stack[-1])
            message += f" Jinja was looking for the following tags: {expected}."
            message += f" The innermost block that needs to be closed is {self.open_tags[-1]!r}."
        return self.stream.error(message, token.lineno if token else None)

    def parse_body(self, end_tags: t.Tuple[str, ...], drop_needle: bool = False) -> t.List[nodes.Node]:
        """The statements of a block tag's body, after the tag's ``%}``."""
        self.stream.expect(BLOCK_END)
        body = self.subparse(end_tags)
        if drop_needle:
            self.stream.next()
        return body

    def parse_end(self, tag: str) -> None:
        """Consume ``endtag %}``; an optional name after it is checked by the caller."""
        self.stream.expect("name", tag)

    def parse_for(self) -> nodes.Node:
        lineno = self.stream.expect("name", "for").lineno
        target = self.parse_assign_target(extra_end_rules=("in",))
        self.stream.expect("name", "in")
        iterable = self.parse_tuple(with_condexpr=False, extra_end_rules=("recursive",))
        test = None
        if self.stream.skip_if("name", "if"):
            test = self.parse_expression()
        recursive = self.stream.skip_if("name", "recursive")
        body = self.parse_body(("endfor", "else"))
        else_: t.List[nodes.Node] = []
        if self.stream.next().value == "else":
            else_ = self.parse_body(("endfor",), drop_needle=True)
        self.stream.expect(BLOCK_END)
        return nodes.For(target, iterable, body, else_, test, recursive, lineno=lineno)

    def parse_if(self) -> nodes.Node:
        lineno = self.stream.expect("name", "if").lineno
        node = nodes.If(self.parse_tuple(with_condexpr=False), [], [], [], lineno=lineno)
        current = node
        while True:
            current.body = self.parse_body(("elif", "else", "endif"))
            token = self.stream.next()
            if token.value == "elif":
                current = nodes.If(self.parse_tuple(with_condexpr=False), [], [], [], lineno=token.lineno)
                node.elif_.append(current)
                continue
            if token.value == "else":
                node.else_ = self.parse_body(("endif",), drop_needle=True)
            break
        self.stream.expect(BLOCK_END)
        return node

    def parse_with(self) -> nodes.Node:
        lineno = self.stream.expect("name", "with").lineno
        targets: t.List[nodes.Node] = []
        values: t.List[nodes.Node] = []
        while not self.stream.test(BLOCK_END):
            if targets:
                self.stream.expect(",")
            targets.append(self.parse_assign_target())
            self.stream.expect("=")
            values.append(self.parse_expression())
        body = self.parse_body(("endwith",), drop_needle=True)
        self.stream.expect(BLOCK_END)
        return nodes.With(targets, values, body, lineno=lineno)

    def parse_autoescape(self) -> nodes.Node:
        lineno = self.stream.expect("name", "autoescape").lineno
        value = self.parse_expression()
        body = self.parse_body(("endautoescape",), drop_needle=True)
        self.stream.expect(BLOCK_END)
        return nodes.Autoescape(value, body, lineno=lineno)

    def parse_block(self) -> nodes.Node:
        lineno = self.stream.expect("name", "block").lineno
        name = self.stream.expect("name").value
        scoped = self.stream.skip_if("name", "scoped")
        required = self.stream.skip_if("name", "required")
        if self.stream.test("-"):
            raise self.stream.error("Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.")
        body = self.parse_body(("endblock",), drop_needle=True)
        if self.stream.test("name"):
            end_name = self.stream.next()
            if end_name.value != name:
                raise self.stream.error(f"Block name mismatch: expected 'endblock' or 'endblock {name}', got 'endblock {end_name.value}'", end_name.lineno)
        self.stream.expect(BLOCK_END)
        if required and not all(_is_blank(statement) for statement in body):
            raise self.stream.error("Required blocks can only contain comments or whitespace", lineno)
        return nodes.Block(name, body, scoped, required, lineno=lineno)

    def parse_extends(self) -> nodes.Node:
        lineno = self.stream.expect("name", "extends").lineno
        node = nodes.Extends(self.parse_expression(), lineno=lineno)
        self.stream.expect(BLOCK_END)
        return node

    def parse_context_modifier(self, default: bool) -> bool:
        """``with context`` / ``without context`` after include and import."""
        if self.stream.test("name") and self.stream.current.value in ("with", "without") and _is_context(self.stream.look()):
            with_context = self.stream.next().value == "with"
            self.stream.next()
            return with_context
        return default

    def parse_include(self) -> nodes.Node:
        lineno = self.stream.expect("name", "include").lineno
        template = self.parse_expression()
        ignore_missing = False
        if self.stream.test("name", "ignore") and self.stream.look().type == "name" and self.stream.look().value == "missing":
            self.stream.next()
            self.stream.next()
            ignore_missing = True
        with_context = self.parse_context_modifier(True)
        self.stream.expect(BLOCK_END)
        return nodes.Include(template, with_context, ignore_missing, lineno=lineno)

    def parse_import(self) -> nodes.Node:
        lineno = self.stream.expect("name", "import").lineno
        template = self.parse_expression()
        self.stream.expect("name", "as")
        target = self.parse_assign_target(name_only=True).name
        with_context = self.parse_context_modifier(False)
        self.stream.expect(BLOCK_END)
        return nodes.Import(template, target, with_context, lineno=lineno)

    def parse_from(self) -> nodes.Node:
        lineno = self.stream.expect("name", "from").lineno
        template = self.parse_expression()
        self.stream.expect("name", "import")
        names: t.List[t.Tuple[str, str]] = []
        with_context = False
        while not self.stream.test(BLOCK_END):
            if names:
                self.stream.expect(",")
            if self.stream.test("name") and self.stream.current.value in ("with", "without") and _is_context(self.stream.look()):
                with_context = self.parse_context_modifier(False)
                break
            target = self.parse_assign_target(name_only=True)
            if target.name.startswith("_"):
                raise self.stream.error("names starting with an underline can not be imported", target.lineno)
            alias = target.name
            if self.stream.skip_if("name", "as"):
                alias = self.parse_assign_target(name_only=True).name
            names.append((target.name, alias))
            if self.stream.test("name") and self.stream.current.value in ("with", "without") and _is_context(self.stream.look()):
                with_context = self.parse_context_modifier(False)
                break
            if not self.stream.test(","):
                break
        if not names:
            raise self.stream.error("expected a name to import")
        self.stream.expect(BLOCK_END)
        return nodes.FromImport(template, names, with_context, lineno=lineno)

    def parse_set(self) -> nodes.Node:
        lineno = self.stream.expect("name", "set").lineno
        target = self.parse_assign_target(with_namespace=True)
        if self.stream.skip_if("="):
            node = nodes.Assign(target, self.parse_tuple(), lineno=lineno)
            self.stream.expect(BLOCK_END)
            return node
        filter_node = self.parse_filters(None) if self.stream.test("|") else None
        body = self.parse_body(("endset",), drop_needle=True)
        self.stream.expect(BLOCK_END)
        return nodes.AssignBlock(target, filter_node, body, lineno=lineno)

    def parse_filters(self, node: t.Optional[nodes.Node]) -> nodes.Node:
        """``|name(args)|name...`` applied to ``node`` (None for a set block)."""
        while self.stream.test("|"):
            self.stream.next()
            node = self.parse_filter_call(node)
        assert node is not None
        return node

    def parse_filter(self) -> nodes.Node:
        lineno = self.stream.expect("name", "filter").lineno
        filter_node = self.parse_filter_call(None)
        while self.stream.skip_if("|"):
            filter_node = self.parse_filter_call(filter_node)
        body = self.parse_body(("endfilter",), drop_needle=True)
        self.stream.expect(BLOCK_END)
        return nodes.FilterBlock(body, filter_node, lineno=lineno)

    def parse_signature(self) -> t.Tuple[t.List[nodes.Node], t.List[nodes.Node]]:
        """``(a, b=1)`` of a macro or a call block: the names and the defaults."""
        args: t.List[nodes.Node] = []
        defaults: t.List[nodes.Node] = []
        self.stream.expect("(")
        while not self.stream.test(")"):
            if args:
                self.stream.expect(",")
            arg = self.parse_assign_target(name_only=True)
            arg.ctx = "param"
            if self.stream.skip_if("="):
                defaults.append(self.parse_expression())
            elif defaults:
                raise self.stream.error("non-default argument follows default argument")
            args.append(arg)
        self.stream.expect(")")
        return args, defaults

    def parse_macro(self) -> nodes.Node:
        lineno = self.stream.expect("name", "macro").lineno
        name = self.parse_assign_target(name_only=True).name
        args, defaults = self.parse_signature()
        body = self.parse_body(("endmacro",), drop_needle=True)
        self.stream.skip_if("name", name)
        self.stream.expect(BLOCK_END)
        return nodes.Macro(name, args, defaults, body, lineno=lineno)

    def parse_call(self) -> nodes.Node:
        lineno = self.stream.expect("name", "call").lineno
        args: t.List[nodes.Node] = []
        defaults: t.List[nodes.Node] = []
        if self.stream.test("("):
            args, defaults = self.parse_signature()
        call = self.parse_expression()
        if not isinstance(call, nodes.Call):
            raise self.stream.error("expected call", lineno)
        body = self.parse_body(("endcall",), drop_needle=True)
        self.stream.expect(BLOCK_END)
        return nodes.CallBlock(call, args, defaults, body, lineno=lineno)

    # -- assignment targets -------------------------------------------------

    def parse_assign_target(
        self,
        with_tuple: bool = True,
        name_only: bool = False,
        extra_end_rules: t.Tuple[str, ...] = (),
        with_namespace: bool = False,
    ) -> t.Any:
        token = self.stream.current
        if name_only:
            self.stream.expect("name")
            return nodes.Name(token.value, "store", lineno=token.lineno)
        if with_namespace and token.type == "name" and self.stream.look().type == ".":
            self.stream.next()
            self.stream.next()
            attr = self.stream.expect("name")
            return nodes.NSRef(token.value, attr.value, lineno=token.lineno)
        if with_tuple:
            target = self.parse_tuple(simplified=True, extra_end_rules=extra_end_rules)
        else:
            target = self.parse_primary()
        _mark_store(target, self.stream)
        return target

    # -- expressions --------------------------------------------------------

    def parse_expression(self, with_condexpr: bool = True) -> nodes.Node:
        if with_condexpr:
            return self.parse_condexpr()
        return self.parse_or()

    def parse_condexpr(self) -> nodes.Node:
        lineno = self.stream.current.lineno
        expr1 = self.parse_or()
        while self.stream.skip_if("name", "if"):
            test = self.parse_or()
            expr2 = self.parse_condexpr() if self.stream.skip_if("name", "else") else None
            expr1 = nodes.CondExpr(test, expr1, expr2, lineno=lineno)
        return expr1

    def parse_or(self) -> nodes.Node:
        lineno = self.stream.current.lineno
        left = self.parse_and()
        while self.stream.skip_if("name", "or"):
            left = nodes.Or(left, self.parse_and(), lineno=lineno)
        return left

    def parse_and(self) -> nodes.Node:
        lineno = self.stream.current.lineno
        left = self.parse_not()
        while self.stream.skip_if("name", "and"):
            left = nodes.And(left, self.parse_not(), lineno=lineno)
        return left

    def parse_not(self) -> nodes.Node:
        if self.stream.test("name", "not"):
            lineno = self.stream.next().lineno
            return nodes.UnaryOp("not", self.parse_not(), lineno=lineno)
        return self.parse_compare()

    def parse_compare(self) -> nodes.Node:
        lineno = self.stream.current.lineno
        expr = self.parse_math1()
        ops: t.List[nodes.Node] = []
        stream = self.stream
        while True:
            token = stream.current
            if token.type in COMPARE_OPERATORS:
                stream.next()
                ops.append(nodes.Operand(token.type, self.parse_math1(), lineno=token.lineno))
            elif token.type == "name" and token.value == "in":
                stream.next()
                ops.append(nodes.Operand("in", self.parse_math1(), lineno=token.lineno))
            elif token.type == "name" and token.value == "not" and stream.look().type == "name" and stream.look().value == "in":
                stream.next()
                stream.next()
                ops.append(nodes.Operand("not in", self.parse_math1(), lineno=token.lineno))
            else:
                break
        if not ops:
            return expr
        return nodes.Compare(expr, ops, lineno=lineno)

    def parse_math1(self) -> nodes.Node:
        lineno = self.stream.current.lineno
        left = self.parse_concat()
        while self.stream.current.type in ("+", "-"):
            op = self.stream.next().type
            left = nodes.BinOp(op, left, self.parse_concat(), lineno=lineno)
        return left

    def parse_concat(self) -> nodes.Node:
        lineno = self.stream.current.lineno
        items = [self.parse_math2()]
        while self.stream.skip_if("~"):
            items.append(self.parse_math2())
        if len(items) == 1:
            return items[0]
        return nodes.Concat(items, lineno=lineno)

    def parse_math2(self) -> nodes.Node:
        lineno = self.stream.current.lineno
        left = self.parse_pow()
        while self.stream.current.type in ("*", "/", "//", "%"):
            op = self.stream.next().type
            left = nodes.BinOp(op, left, self.parse_pow(), lineno=lineno)
        return left

    def parse_pow(self) -> nodes.Node:
        lineno = self.stream.current.lineno
        left = self.parse_unary()
        while self.stream.skip_if("**"):
            left = nodes.BinOp("**", left, self.parse_unary(), lineno=lineno)
        return left

    def parse_unary(self, with_filter: bool = True) -> nodes.Node:
        token = self.stream.current
        if token.type in ("-", "+"):
            self.stream.next()
            node: nodes.Node = nodes.UnaryOp(token.type, self.parse_unary(False), lineno=token.lineno)
        else:
            node = self.parse_primary()
        node = self.parse_postfix(node)
        if with_filter:
            node = self.parse_filter_expr(node)
        return node

    def parse_primary(self) -> nodes.Node:
        token = self.stream.current
        if token.type == "name":
            self.stream.next()
            if token.value in CONSTANT_NAMES:
                return nodes.Const(CONSTANT_NAMES[token.value], lineno=token.lineno)
            return nodes.Name(token.value, "load", lineno=token.lineno)
        if token.type == "string":
            self.stream.next()
            parts = [token.value]
            while self.stream.test("string"):
                parts.append(self.stream.next().value)
            return nodes.Const("".join(parts), lineno=token.lineno)
        if token.type in ("integer", "float"):
            self.stream.next()
            return nodes.Const(token.value, lineno=token.lineno)
        if token.type == "(":
            self.stream.next()
            node = self.parse_tuple(explicit_parentheses=True)
            self.stream.expect(")")
            return node
        if token.type == "[":
            return self.parse_list()
        if token.type == "{":
            return self.parse_dict()
        if token.type == EOF:
            raise self.stream.error("unexpected end of template, expected an expression.")
        raise self.stream.error(f"unexpected {token.describe()!r}")

    def parse_tuple(
        self,
        simplified: bool = False,
        with_condexpr: bool = True,
        extra_end_rules: t.Tuple[str, ...] = (),
        explicit_parentheses: bool = False,
    ) -> nodes.Node:
        """An expression, or several separated by commas as a Tuple."""
        lineno = self.stream.current.lineno
        if simplified:
            parse = self.parse_primary
        elif with_condexpr:
            parse = self.parse_expression
        else:
            parse = lambda: self.parse_expression(with_condexpr=False)  # noqa: E731
        items: t.List[nodes.Node] = []
        is_tuple = False
        while True:
            if items:
                self.stream.expect(",")
            if self.is_tuple_end(extra_end_rules):
                break
            items.append(parse())
            if self.stream.test(","):
                is_tuple = True
            else:
                break
            lineno = self.stream.current.lineno
        if not is_tuple:
            if items:
                return items[0]
            if not explicit_parentheses:
                raise self.stream.error(f"Expected an expression, got '{self.stream.current.describe()}'")
        return nodes.Tuple(items, "load", lineno=lineno)

    def is_tuple_end(self, extra_end_rules: t.Tuple[str, ...]) -> bool:
        current = self.stream.current
        if current.type in (VARIABLE_END, BLOCK_END, ")"):
            return True
        return current.type == "name" and current.value in extra_end_rules

    def parse_list(self) -> nodes.Node:
        lineno = self.stream.expect("[").lineno
        items: t.List[nodes.Node] = []
        while not self.stream.test("]"):
            if items:
                self.stream.expect(",")
            if self.stream.test("]"):
                break
            items.append(self.parse_expression())
        self.stream.expect("]")
        return nodes.List(items, lineno=lineno)

    def parse_dict(self) -> nodes.Node:
        lineno = self.stream.expect("{").lineno
        items: t.List[nodes.Node] = []
        while not self.stream.test("}"):
            if items:
                self.stream.expect(",")
            if self.stream.test("}"):
                break
            key = self.parse_expression()
            self.stream.expect(":")
            items.append(nodes.Pair(key, self.parse_expression(), lineno=key.lineno))
        self.stream.expect("}")
        return nodes.Dict(items, lineno=lineno)

    def parse_postfix(self, node: nodes.Node) -> nodes.Node:
        while True:
            token_type = self.stream.current.type
            if token_type in (".", "["):
                node = self.parse_subscript(node)
            elif token_type == "(":
                node = self.parse_call_args(node)
            else:
                return node

    def parse_filter_expr(self, node: nodes.Node) -> nodes.Node:
        while True:
            token_type = self.stream.current.type
            if token_type == "|":
                node = self.parse_filters(node)
            elif token_type == "name" and self.stream.current.value == "is":
                node = self.parse_test(node)
            elif token_type == "(":
                node = self.parse_call_args(node)
            else:
                return node

    def parse_subscript(self, node: nodes.Node) -> nodes.Node:
        token = self.stream.next()
        if token.type == ".":
            attr = self.stream.current
            self.stream.next()
            if attr.type == "name":
                return nodes.Getattr(node, attr.value, lineno=token.lineno)
            if attr.type != "integer":
                raise self.stream.error("expected name or number", attr.lineno)
            return nodes.Getitem(node, nodes.Const(attr.value, lineno=attr.lineno), lineno=token.lineno)
        args: t.List[nodes.Node] = []
        while not self.stream.test("]"):
            if args:
                self.stream.expect(",")
            args.append(self.parse_subscribed())
        self.stream.expect("]")
        arg = args[0] if len(args) == 1 else nodes.Tuple(args, "load", lineno=token.lineno)
        return nodes.Getitem(node, arg, lineno=token.lineno)

    def parse_subscribed(self) -> nodes.Node:
        lineno = self.stream.current.lineno
        start = None
        if not self.stream.test(":"):
            start = self.parse_expression()
            if not self.stream.test(":"):
                return start
        self.stream.next()
        stop = None
        if not self.stream.test("]") and not self.stream.test(",") and not self.stream.test(":"):
            stop = self.parse_expression()
        step = None
        if self.stream.skip_if(":") and not self.stream.test("]") and not self.stream.test(","):
            step = self.parse_expression()
        return nodes.Slice(start, stop, step, lineno=lineno)

    def parse_arguments(self) -> t.Tuple[t.List[nodes.Node], t.List[nodes.Node], t.Any, t.Any]:
        """``(a, b, key=c, *d, **e)``: positional, keyword, ``*`` and ``**`` arguments."""
        stream = self.stream
        stream.expect("(")
        args: t.List[nodes.Node] = []
        kwargs: t.List[nodes.Node] = []
        dyn_args = dyn_kwargs = None
        first = True

        def ensure(ok: bool) -> None:
            if not ok:
                raise stream.error("invalid syntax for function call expression")

        while not stream.test(")"):
            if not first:
                stream.expect(",")
                if stream.test(")"):
                    break
            first = False
            if stream.skip_if("*"):
                ensure(dyn_args is None and dyn_kwargs is None)
                dyn_args = self.parse_expression()
            elif stream.skip_if("**"):
                ensure(dyn_kwargs is None)
                dyn_kwargs = self.parse_expression()
            elif stream.current.type == "name" and stream.look().type == "=":
                ensure(dyn_kwargs is None)
                key = stream.next()
                stream.next()
                kwargs.append(nodes.Keyword(key.value, self.parse_expression(), lineno=key.lineno))
            else:
                ensure(dyn_args is None and dyn_kwargs is None and not kwargs)
                args.append(self.parse_expression())
        stream.expect(")")
        return args, kwargs, dyn_args, dyn_kwargs

    def parse_call_args(self, node: nodes.Node) -> nodes.Node:
        lineno = self.stream.current.lineno
        args, kwargs, dyn_args, dyn_kwargs = self.parse_arguments()
        return nodes.Call(node, args, kwargs, dyn_args, dyn_kwargs, lineno=lineno)

    def parse_filter_call(self, node: t.Optional[nodes.Node]) -> nodes.Node:
        token = self.stream.expect("name")
        name = token.value
        while self.stream.test("."):
            self.stream.next()
            name += "." + self.stream.expect("name").value
        args: t.List[nodes.Node] = []
        kwargs: t.List[nodes.Node] = []
        dyn_args = dyn_kwargs = None
        if self.stream.test("("):
            args, kwargs, dyn_args, dyn_kwargs = self.parse_arguments()
        return nodes.Filter(node, name, args, kwargs, dyn_args, dyn_kwargs, lineno=token.lineno)

    def parse_test(self, node: nodes.Node) -> nodes.Node:
        token = self.stream.expect("name", "is")
        negated = self.stream.skip_if("name", "not")
        name = self.stream.expect("name").value
        while self.stream.test("."):
            self.stream.next()
            name += "." + self.stream.expect("name").value
        args: t.List[nodes.Node] = []
        kwargs: t.List[nodes.Node] = []
        dyn_args = dyn_kwargs = None
        current = self.stream.current
        if current.type == "(":
            args, kwargs, dyn_args, dyn_kwargs = self.parse_arguments()
        elif current.type in _TEST_ARGUMENT_STARTS and not (current.type == "name" and current.value in _NOT_A_TEST_ARGUMENT):
            if current.type == "name" and current.value == "is":
                raise self.stream.error("You cannot chain multiple tests with is")
            args = [self.parse_postfix(self.parse_primary())]
        result: nodes.Node = nodes.Test(node, name, args, kwargs, dyn_args, dyn_kwargs, lineno=token.lineno)
        if negated:
            result = nodes.UnaryOp("not", result, lineno=token.lineno)
        return result


def _is_context(token: Token) -> bool:
    return token.type == "name" and token.value == "context"


def _is_blank(statement: nodes.Node) -> bool:
    return isinstance(statement, nodes.Output) and all(
        isinstance(part, nodes.TemplateData) and not part.data.strip() for part in statement.nodes
    )


def _mark_store(target: nodes.Node, stream: TokenStream) -> None:
    """Check that ``target`` can be assigned to and mark its names as stores."""
    if isinstance(target, nodes.Name):
        if target.name in ("true", "false", "none", "True", "False", "None"):
            raise stream.error(f"can't assign to {target.name!r}", target.lineno)
        target.ctx = "store"
    elif isinstance(target, nodes.Tuple):
        for item in target.items:
            _mark_store(item, stream)
        target.ctx = "store"
    else:
        kind = type(target).__name__.lower()
        raise stream.error(f"can't assign to {kind!r}", target.lineno)


STATEMENTS = frozenset(
    ["for", "if", "block", "extends", "include", "import", "from", "set", "with", "autoescape", "filter", "macro", "call"]
)
