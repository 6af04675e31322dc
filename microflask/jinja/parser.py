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
from .lexer import BLOCK_BEGIN, BLOCK_END, DATA, DESCRIPTIONS, EOF, VARIABLE_BEGIN, VARIABLE_END, Token, describe_token

CONSTANT_NAMES = {"true": True, "True": True, "false": False, "False": False, "none": None, "None": None}
# Names that end an argument-less test (``x is odd and y``) instead of being its argument.
_NOT_A_TEST_ARGUMENT = {"else", "or", "and"}
_TEST_ARGUMENT_STARTS = {"name", "string", "integer", "float", "(", "[", "{"}

# How tightly each binary operator binds: a higher level binds tighter. The
# prefix ``not`` sits between ``and`` and the comparisons; unary minus, the
# postfix forms (``.``, ``[]``, calls) and filters bind tighter than all.
OR, AND, NOT, COMPARE, ADD, CONCAT, MULTIPLY, POWER = range(1, 9)
SYMBOL_LEVELS = {
    "==": COMPARE, "!=": COMPARE, "<": COMPARE, "<=": COMPARE, ">": COMPARE, ">=": COMPARE,
    "+": ADD, "-": ADD, "~": CONCAT, "*": MULTIPLY, "/": MULTIPLY, "//": MULTIPLY, "%": MULTIPLY, "**": POWER,
}
WORD_LEVELS = {"or": OR, "and": AND, "in": COMPARE, "not": COMPARE}  # "not" only as "not in"
# Token types that can follow a primary expression: its postfix forms, and
# then its filters and tests ("name" for ``is``) or a call of the result.
_POSTFIX_STARTS = {".", "[", "("}
_FILTER_STARTS = {"|", "(", "name"}


class TokenStream:
    """The tokens with a cursor. The current token's parts are attributes
    (``lineno``, ``type``, ``value``); ``next()`` moves on."""

    def __init__(self, tokens: t.List[Token], name: t.Optional[str], filename: t.Optional[str]) -> None:
        self.tokens = tokens
        self.index = 0
        self.lineno, self.type, self.value = tokens[0]
        self.name = name
        self.filename = filename

    def next(self) -> None:
        if self.type != EOF:
            self.index += 1
            self.lineno, self.type, self.value = self.tokens[self.index]

    def look(self) -> Token:
        """The token after the current one."""
        return self.tokens[min(self.index + 1, len(self.tokens) - 1)]

    def test(self, type: str, value: t.Optional[str] = None) -> bool:
        return self.type == type and (value is None or self.value == value)

    def skip_if(self, type: str, value: t.Optional[str] = None) -> bool:
        if self.type == type and (value is None or self.value == value):
            self.next()
            return True
        return False

    def expect(self, type: str, value: t.Optional[str] = None) -> t.Any:
        """Consume the current token, which must be ``type`` (with ``value``); return its value."""
        if self.type != type or (value is not None and self.value != value):
            wanted = value if value is not None else DESCRIPTIONS.get(type, type)
            if self.type == EOF:
                raise self.error(f"unexpected end of template, expected '{wanted}'.")
            raise self.error(f"expected token '{wanted}', got '{self.describe()}'")
        found = self.value
        self.next()
        return found

    def describe(self) -> str:
        return describe_token(self.type, self.value)

    def error(self, message: str, lineno: t.Optional[int] = None) -> TemplateSyntaxError:
        return TemplateSyntaxError(message, lineno or self.lineno, self.name, self.filename)


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
        while stream.type != EOF:
            if stream.type == DATA:
                output.append(nodes.TemplateData(stream.value, lineno=stream.lineno))
                stream.next()
            elif stream.type == VARIABLE_BEGIN:
                stream.next()
                output.append(self.parse_tuple(with_condexpr=True))
                stream.expect(VARIABLE_END)
            else:
                stream.expect(BLOCK_BEGIN)
                if output:
                    body.append(nodes.Output(output, lineno=output[0].lineno))
                    output = []
                if end_tags and stream.type == "name" and stream.value in end_tags:
                    self.end_tag_stack.pop()
                    return body
                body.append(self.parse_statement())
        if output:
            body.append(nodes.Output(output, lineno=output[0].lineno))
        if end_tags:
            raise self.missing_end_error(None)
        return body

    def parse_statement(self) -> nodes.Node:
        """A statement tag, from its name (the current token) to its end."""
        stream = self.stream
        if stream.type != "name":
            raise stream.error("tag name expected")
        tag, lineno = stream.value, stream.lineno
        if tag not in STATEMENTS:
            raise self.missing_end_error(tag, lineno)
        stream.next()
        self.open_tags.append(tag)
        try:
            return getattr(self, "parse_" + tag)(lineno)
        finally:
            self.open_tags.pop()

    def missing_end_error(self, tag: t.Optional[str], lineno: t.Optional[int] = None) -> TemplateSyntaxError:
        """The error for an unknown ``tag`` or the end of the template (None)."""
        if tag is None:
            message = "Unexpected end of template."
        else:
            message = f"Encountered unknown tag {tag!r}."
        if self.end_tag_stack:
            expected = " or ".join(repr(tag) for tag in self.end_tag_stack[-1])
            message += f" Jinja was looking for the following tags: {expected}."
            message += f" The innermost block that needs to be closed is {self.open_tags[-1]!r}."
        return self.stream.error(message, lineno)

    def parse_body(self, end_tags: t.Tuple[str, ...], drop_needle: bool = False) -> t.List[nodes.Node]:
        """The statements of a block tag's body, after the tag's ``%}``."""
        self.stream.expect(BLOCK_END)
        body = self.subparse(end_tags)
        if drop_needle:
            self.stream.next()
        return body

    def next_tag(self) -> str:
        """Consume the tag name that ended a body (``else``, ``endfor``...) and return it."""
        return self.stream.expect("name")

    def parse_for(self, lineno: int) -> nodes.Node:
        target = self.parse_assign_target(extra_end_rules=("in",))
        self.stream.expect("name", "in")
        iterable = self.parse_tuple(with_condexpr=False, extra_end_rules=("recursive",))
        test = None
        if self.stream.skip_if("name", "if"):
            test = self.parse_expression()
        recursive = self.stream.skip_if("name", "recursive")
        body = self.parse_body(("endfor", "else"))
        else_: t.List[nodes.Node] = []
        if self.next_tag() == "else":
            else_ = self.parse_body(("endfor",), drop_needle=True)
        self.stream.expect(BLOCK_END)
        return nodes.For(target, iterable, body, else_, test, recursive, lineno=lineno)

    def parse_if(self, lineno: int) -> nodes.Node:
        node = nodes.If(self.parse_tuple(with_condexpr=False), [], [], [], lineno=lineno)
        current = node
        while True:
            current.body = self.parse_body(("elif", "else", "endif"))
            tag_lineno = self.stream.lineno
            tag = self.next_tag()
            if tag == "elif":
                current = nodes.If(self.parse_tuple(with_condexpr=False), [], [], [], lineno=tag_lineno)
                node.elif_.append(current)
                continue
            if tag == "else":
                node.else_ = self.parse_body(("endif",), drop_needle=True)
            break
        self.stream.expect(BLOCK_END)
        return node

    def parse_with(self, lineno: int) -> nodes.Node:
        targets: t.List[nodes.Node] = []
        values: t.List[nodes.Node] = []
        while self.stream.type != BLOCK_END:
            if targets:
                self.stream.expect(",")
            targets.append(self.parse_assign_target())
            self.stream.expect("=")
            values.append(self.parse_expression())
        body = self.parse_body(("endwith",), drop_needle=True)
        self.stream.expect(BLOCK_END)
        return nodes.With(targets, values, body, lineno=lineno)

    def parse_autoescape(self, lineno: int) -> nodes.Node:
        value = self.parse_expression()
        body = self.parse_body(("endautoescape",), drop_needle=True)
        self.stream.expect(BLOCK_END)
        return nodes.Autoescape(value, body, lineno=lineno)

    def parse_block(self, lineno: int) -> nodes.Node:
        stream = self.stream
        name = stream.expect("name")
        scoped = stream.skip_if("name", "scoped")
        required = stream.skip_if("name", "required")
        if stream.type == "-":
            raise stream.error("Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.")
        body = self.parse_body(("endblock",), drop_needle=True)
        if stream.type == "name":
            if stream.value != name:
                raise stream.error(f"Block name mismatch: expected 'endblock' or 'endblock {name}', got 'endblock {stream.value}'")
            stream.next()
        stream.expect(BLOCK_END)
        if required and not all(_is_blank(statement) for statement in body):
            raise stream.error("Required blocks can only contain comments or whitespace", lineno)
        return nodes.Block(name, body, scoped, required, lineno=lineno)

    def parse_extends(self, lineno: int) -> nodes.Node:
        node = nodes.Extends(self.parse_expression(), lineno=lineno)
        self.stream.expect(BLOCK_END)
        return node

    def at_context_modifier(self) -> bool:
        """Whether ``with context`` / ``without context`` comes next."""
        stream = self.stream
        return stream.type == "name" and stream.value in ("with", "without") and stream.look()[1:] == ("name", "context")

    def parse_context_modifier(self, default: bool) -> bool:
        """``with context`` / ``without context`` after include and import."""
        if not self.at_context_modifier():
            return default
        with_context = self.stream.expect("name") == "with"
        self.stream.next()
        return with_context

    def parse_include(self, lineno: int) -> nodes.Node:
        template = self.parse_expression()
        ignore_missing = False
        if self.stream.test("name", "ignore") and self.stream.look()[1:] == ("name", "missing"):
            self.stream.next()
            self.stream.next()
            ignore_missing = True
        with_context = self.parse_context_modifier(True)
        self.stream.expect(BLOCK_END)
        return nodes.Include(template, with_context, ignore_missing, lineno=lineno)

    def parse_import(self, lineno: int) -> nodes.Node:
        template = self.parse_expression()
        self.stream.expect("name", "as")
        target = self.parse_assign_target(name_only=True).name
        with_context = self.parse_context_modifier(False)
        self.stream.expect(BLOCK_END)
        return nodes.Import(template, target, with_context, lineno=lineno)

    def parse_from(self, lineno: int) -> nodes.Node:
        template = self.parse_expression()
        self.stream.expect("name", "import")
        names: t.List[t.Tuple[str, str]] = []
        with_context = False
        while self.stream.type != BLOCK_END:
            if names:
                self.stream.expect(",")
            if self.at_context_modifier():
                with_context = self.parse_context_modifier(False)
                break
            target = self.parse_assign_target(name_only=True)
            if target.name.startswith("_"):
                raise self.stream.error("names starting with an underline can not be imported", target.lineno)
            alias = target.name
            if self.stream.skip_if("name", "as"):
                alias = self.parse_assign_target(name_only=True).name
            names.append((target.name, alias))
            if self.at_context_modifier():
                with_context = self.parse_context_modifier(False)
                break
            if self.stream.type != ",":
                break
        if not names:
            raise self.stream.error("expected a name to import")
        self.stream.expect(BLOCK_END)
        return nodes.FromImport(template, names, with_context, lineno=lineno)

    def parse_set(self, lineno: int) -> nodes.Node:
        target = self.parse_assign_target(with_namespace=True)
        if self.stream.skip_if("="):
            node = nodes.Assign(target, self.parse_tuple(), lineno=lineno)
            self.stream.expect(BLOCK_END)
            return node
        filter_node = self.parse_filters(None) if self.stream.type == "|" else None
        body = self.parse_body(("endset",), drop_needle=True)
        self.stream.expect(BLOCK_END)
        return nodes.AssignBlock(target, filter_node, body, lineno=lineno)

    def parse_filters(self, node: t.Optional[nodes.Node]) -> nodes.Node:
        """``|name(args)|name...`` applied to ``node`` (None for a set block)."""
        while self.stream.skip_if("|"):
            node = self.parse_filter_call(node)
        assert node is not None
        return node

    def parse_filter(self, lineno: int) -> nodes.Node:
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
        while self.stream.type != ")":
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

    def parse_macro(self, lineno: int) -> nodes.Node:
        name = self.parse_assign_target(name_only=True).name
        args, defaults = self.parse_signature()
        body = self.parse_body(("endmacro",), drop_needle=True)
        self.stream.skip_if("name", name)
        self.stream.expect(BLOCK_END)
        return nodes.Macro(name, args, defaults, body, lineno=lineno)

    def parse_call(self, lineno: int) -> nodes.Node:
        args: t.List[nodes.Node] = []
        defaults: t.List[nodes.Node] = []
        if self.stream.type == "(":
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
        stream = self.stream
        lineno = stream.lineno
        if name_only:
            return nodes.Name(stream.expect("name"), "store", lineno=lineno)
        if with_namespace and stream.type == "name" and stream.look()[1] == ".":
            name = stream.value
            stream.next()
            stream.next()
            return nodes.NSRef(name, stream.expect("name"), lineno=lineno)
        if with_tuple:
            target = self.parse_tuple(simplified=True, extra_end_rules=extra_end_rules)
        else:
            target = self.parse_primary()
        _mark_store(target, stream)
        return target

    # -- expressions --------------------------------------------------------

    def parse_expression(self, with_condexpr: bool = True) -> nodes.Node:
        if with_condexpr:
            return self.parse_condexpr()
        return self.parse_binary(OR)

    def parse_condexpr(self) -> nodes.Node:
        stream = self.stream
        lineno = stream.lineno
        expr1 = self.parse_binary(OR)
        while stream.type == "name" and stream.value == "if":
            stream.next()
            test = self.parse_binary(OR)
            expr2 = self.parse_condexpr() if stream.skip_if("name", "else") else None
            expr1 = nodes.CondExpr(test, expr1, expr2, lineno=lineno)
        return expr1

    def operator_level(self) -> int:
        """How tightly the binary operator at the cursor binds; 0 if there is none."""
        stream = self.stream
        if stream.type != "name":
            return SYMBOL_LEVELS.get(stream.type, 0)
        if stream.value == "not" and stream.look()[1:] != ("name", "in"):
            return 0
        return WORD_LEVELS.get(stream.value, 0)

    def parse_binary(self, min_level: int) -> nodes.Node:
        """An expression whose operators bind at least as tightly as ``min_level``.

        Precedence climbing: read an operand, then, while the next operator
        binds tightly enough, read its right side with the levels above it
        (which makes the operators left-associative, ``**`` included, as in
        Jinja). Comparisons and ``~`` chain into one n-ary node each.
        """
        stream = self.stream
        lineno = stream.lineno
        if min_level <= NOT and stream.type == "name" and stream.value == "not":
            stream.next()
            left = nodes.UnaryOp("not", self.parse_binary(NOT), lineno=lineno)
        else:
            left = self.parse_unary()
        while True:
            level = self.operator_level()
            if level < min_level:
                return left
            if level == COMPARE:
                left = nodes.Compare(left, self.parse_comparisons(), lineno=lineno)
            elif level == CONCAT:
                items = [left]
                while stream.skip_if("~"):
                    items.append(self.parse_binary(CONCAT + 1))
                left = nodes.Concat(items, lineno=lineno)
            else:
                operator = stream.type if stream.type != "name" else stream.value
                stream.next()
                right = self.parse_binary(level + 1)
                if level == OR:
                    left = nodes.Or(left, right, lineno=lineno)
                elif level == AND:
                    left = nodes.And(left, right, lineno=lineno)
                else:
                    left = nodes.BinOp(operator, left, right, lineno=lineno)

    def parse_comparisons(self) -> t.List[nodes.Node]:
        """The ``op operand`` steps of a chained comparison, such as ``< x <= 3 not in y``."""
        stream = self.stream
        ops: t.List[nodes.Node] = []
        while self.operator_level() == COMPARE:
            lineno = stream.lineno
            if stream.type != "name":
                operator = stream.type
            elif stream.value == "in":
                operator = "in"
            else:
                stream.next()  # the "not" of "not in"
                operator = "not in"
            stream.next()
            ops.append(nodes.Operand(operator, self.parse_binary(ADD), lineno=lineno))
        return ops

    def parse_unary(self, with_filter: bool = True) -> nodes.Node:
        """A primary expression with its postfix forms and filters, or a signed one."""
        stream = self.stream
        if stream.type in ("-", "+"):
            operator, lineno = stream.type, stream.lineno
            stream.next()
            node: nodes.Node = nodes.UnaryOp(operator, self.parse_unary(False), lineno=lineno)
        else:
            node = self.parse_primary()
        if stream.type in _POSTFIX_STARTS:
            node = self.parse_postfix(node)
        if with_filter and stream.type in _FILTER_STARTS:
            node = self.parse_filter_expr(node)
        return node

    def parse_primary(self) -> nodes.Node:
        stream = self.stream
        token_type, value, lineno = stream.type, stream.value, stream.lineno
        if token_type == "name":
            stream.next()
            if value in CONSTANT_NAMES:
                return nodes.Const(CONSTANT_NAMES[value], lineno=lineno)
            return nodes.Name(value, "load", lineno=lineno)
        if token_type == "string":
            stream.next()
            parts = [value]
            while stream.type == "string":
                parts.append(stream.value)
                stream.next()
            return nodes.Const("".join(parts), lineno=lineno)
        if token_type in ("integer", "float"):
            stream.next()
            return nodes.Const(value, lineno=lineno)
        if token_type == "(":
            stream.next()
            node = self.parse_tuple(explicit_parentheses=True)
            stream.expect(")")
            return node
        if token_type == "[":
            return self.parse_list()
        if token_type == "{":
            return self.parse_dict()
        if token_type == EOF:
            raise stream.error("unexpected end of template, expected an expression.")
        raise stream.error(f"unexpected {stream.describe()!r}")

    def parse_tuple(
        self,
        simplified: bool = False,
        with_condexpr: bool = True,
        extra_end_rules: t.Tuple[str, ...] = (),
        explicit_parentheses: bool = False,
    ) -> nodes.Node:
        """An expression, or several separated by commas as a Tuple."""
        stream = self.stream
        lineno = stream.lineno
        items: t.List[nodes.Node] = []
        is_tuple = False
        while True:
            if items:
                stream.expect(",")
            if self.is_tuple_end(extra_end_rules):
                break
            if simplified:
                items.append(self.parse_primary())
            elif with_condexpr:
                items.append(self.parse_condexpr())
            else:
                items.append(self.parse_binary(OR))
            if stream.type != ",":
                break
            is_tuple = True
            lineno = stream.lineno
        if not is_tuple:
            if items:
                return items[0]
            if not explicit_parentheses:
                raise stream.error(f"Expected an expression, got '{stream.describe()}'")
        return nodes.Tuple(items, "load", lineno=lineno)

    def is_tuple_end(self, extra_end_rules: t.Tuple[str, ...]) -> bool:
        stream = self.stream
        if stream.type in (VARIABLE_END, BLOCK_END, ")"):
            return True
        return stream.type == "name" and stream.value in extra_end_rules

    def parse_list(self) -> nodes.Node:
        lineno = self.stream.lineno
        self.stream.expect("[")
        items: t.List[nodes.Node] = []
        while self.stream.type != "]":
            if items:
                self.stream.expect(",")
            if self.stream.type == "]":
                break
            items.append(self.parse_expression())
        self.stream.expect("]")
        return nodes.List(items, lineno=lineno)

    def parse_dict(self) -> nodes.Node:
        lineno = self.stream.lineno
        self.stream.expect("{")
        items: t.List[nodes.Node] = []
        while self.stream.type != "}":
            if items:
                self.stream.expect(",")
            if self.stream.type == "}":
                break
            key = self.parse_expression()
            self.stream.expect(":")
            items.append(nodes.Pair(key, self.parse_expression(), lineno=key.lineno))
        self.stream.expect("}")
        return nodes.Dict(items, lineno=lineno)

    def parse_postfix(self, node: nodes.Node) -> nodes.Node:
        while True:
            token_type = self.stream.type
            if token_type in (".", "["):
                node = self.parse_subscript(node)
            elif token_type == "(":
                node = self.parse_call_args(node)
            else:
                return node

    def parse_filter_expr(self, node: nodes.Node) -> nodes.Node:
        while True:
            token_type = self.stream.type
            if token_type == "|":
                node = self.parse_filters(node)
            elif token_type == "name" and self.stream.value == "is":
                node = self.parse_test(node)
            elif token_type == "(":
                node = self.parse_call_args(node)
            else:
                return node

    def parse_subscript(self, node: nodes.Node) -> nodes.Node:
        stream = self.stream
        lineno = stream.lineno
        if stream.type == ".":
            stream.next()
            attr_type, attr, attr_lineno = stream.type, stream.value, stream.lineno
            stream.next()
            if attr_type == "name":
                return nodes.Getattr(node, attr, lineno=lineno)
            if attr_type != "integer":
                raise stream.error("expected name or number", attr_lineno)
            return nodes.Getitem(node, nodes.Const(attr, lineno=attr_lineno), lineno=lineno)
        stream.next()  # the "["
        args: t.List[nodes.Node] = []
        while stream.type != "]":
            if args:
                stream.expect(",")
            args.append(self.parse_subscribed())
        stream.expect("]")
        arg = args[0] if len(args) == 1 else nodes.Tuple(args, "load", lineno=lineno)
        return nodes.Getitem(node, arg, lineno=lineno)

    def parse_subscribed(self) -> nodes.Node:
        stream = self.stream
        lineno = stream.lineno
        start = None
        if stream.type != ":":
            start = self.parse_expression()
            if stream.type != ":":
                return start
        stream.next()
        stop = None
        if stream.type not in ("]", ",", ":"):
            stop = self.parse_expression()
        step = None
        if stream.skip_if(":") and stream.type not in ("]", ","):
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

        while stream.type != ")":
            if not first:
                stream.expect(",")
                if stream.type == ")":
                    break
            first = False
            if stream.skip_if("*"):
                ensure(dyn_args is None and dyn_kwargs is None)
                dyn_args = self.parse_expression()
            elif stream.skip_if("**"):
                ensure(dyn_kwargs is None)
                dyn_kwargs = self.parse_expression()
            elif stream.type == "name" and stream.look()[1] == "=":
                ensure(dyn_kwargs is None)
                key, lineno = stream.value, stream.lineno
                stream.next()
                stream.next()
                kwargs.append(nodes.Keyword(key, self.parse_expression(), lineno=lineno))
            else:
                ensure(dyn_args is None and dyn_kwargs is None and not kwargs)
                args.append(self.parse_expression())
        stream.expect(")")
        return args, kwargs, dyn_args, dyn_kwargs

    def parse_call_args(self, node: nodes.Node) -> nodes.Node:
        lineno = self.stream.lineno
        args, kwargs, dyn_args, dyn_kwargs = self.parse_arguments()
        return nodes.Call(node, args, kwargs, dyn_args, dyn_kwargs, lineno=lineno)

    def parse_dotted_name(self) -> str:
        """A filter or test name, which may be dotted (``a.b``)."""
        name = self.stream.expect("name")
        while self.stream.skip_if("."):
            name += "." + self.stream.expect("name")
        return name

    def parse_filter_call(self, node: t.Optional[nodes.Node]) -> nodes.Node:
        lineno = self.stream.lineno
        name = self.parse_dotted_name()
        args: t.List[nodes.Node] = []
        kwargs: t.List[nodes.Node] = []
        dyn_args = dyn_kwargs = None
        if self.stream.type == "(":
            args, kwargs, dyn_args, dyn_kwargs = self.parse_arguments()
        return nodes.Filter(node, name, args, kwargs, dyn_args, dyn_kwargs, lineno=lineno)

    def parse_test(self, node: nodes.Node) -> nodes.Node:
        stream = self.stream
        lineno = stream.lineno
        stream.expect("name", "is")
        negated = stream.skip_if("name", "not")
        name = self.parse_dotted_name()
        args: t.List[nodes.Node] = []
        kwargs: t.List[nodes.Node] = []
        dyn_args = dyn_kwargs = None
        if stream.type == "(":
            args, kwargs, dyn_args, dyn_kwargs = self.parse_arguments()
        elif stream.type in _TEST_ARGUMENT_STARTS and not (stream.type == "name" and stream.value in _NOT_A_TEST_ARGUMENT):
            if stream.type == "name" and stream.value == "is":
                raise stream.error("You cannot chain multiple tests with is")
            args = [self.parse_postfix(self.parse_primary())]
        result: nodes.Node = nodes.Test(node, name, args, kwargs, dyn_args, dyn_kwargs, lineno=lineno)
        if negated:
            result = nodes.UnaryOp("not", result, lineno=lineno)
        return result


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
