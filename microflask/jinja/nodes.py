"""The template's syntax tree: small node classes the parser builds.

Second stage of the pipeline: the parser turns tokens into these nodes, the
compiler walks them to write Python. A node only holds data (its fields and
its line); it neither evaluates nor prints anything.
"""
from __future__ import annotations

import typing as t


class Node:
    """A node of the tree: ``fields`` name its parts, in order.

    ``child_fields`` are the fields that hold nodes: a node, None, or a list
    of nodes; the others hold plain values (names, operators, flags).
    """

    fields: t.Tuple[str, ...] = ()
    child_fields: t.Tuple[str, ...] = ()
    __slots__ = ("lineno",)

    def __init__(self, *values: t.Any, lineno: int = 0) -> None:
        if len(values) != len(self.fields):
            raise TypeError(f"{type(self).__name__} takes {len(self.fields)} fields ({', '.join(self.fields)}), got {len(values)}")
        for field, value in zip(self.fields, values):
            setattr(self, field, value)
        self.lineno = lineno

    def iter_child_nodes(self) -> t.Iterator["Node"]:
        """The nodes directly under this one, in field order."""
        for field in self.child_fields:
            value = getattr(self, field)
            if type(value) is list:
                yield from value
            elif value is not None:
                yield value

    def find_all(self, node_type: t.Any) -> t.Iterator["Node"]:
        """Every node of ``node_type`` below this one, depth first."""
        for child in self.iter_child_nodes():
            if isinstance(child, node_type):
                yield child
            yield from child.find_all(node_type)

    def __repr__(self) -> str:
        parts = ", ".join(f"{field}={getattr(self, field)!r}" for field in self.fields)
        return f"{type(self).__name__}({parts})"

    def __eq__(self, other: t.Any) -> bool:
        return type(self) is type(other) and all(
            getattr(self, field) == getattr(other, field) for field in self.fields
        )

    __hash__ = object.__hash__


def _node(name: str, fields: str, base: t.Type[Node], doc: str, values: str = "") -> t.Any:
    """A node class with these fields (``values`` names those that hold no nodes).

    The parser builds many nodes, so each class gets an ``__init__`` written
    for its fields (the generic one in ``Node`` loops, about 3x slower).
    """
    names = fields.split()
    parameters = "".join(f"{field}, " for field in names)
    assignments = "".join(f"    self.{field} = {field}\n" for field in names)
    namespace: t.Dict[str, t.Any] = {}
    exec(f"def __init__(self, {parameters}*, lineno=0):\n{assignments}    self.lineno = lineno\n", namespace)
    attributes = {
        "fields": tuple(names),
        "child_fields": tuple(field for field in names if field not in values.split()),
        "__slots__": tuple(names),
        "__doc__": doc,
        "__init__": namespace["__init__"],
    }
    return type(name, (base,), attributes)


class Stmt(Node):
    """A statement: something that runs and may write output."""

    __slots__ = ()


class Expr(Node):
    """An expression: something that has a value."""

    __slots__ = ()


class Helper(Node):
    """A part of another node that is neither statement nor expression."""

    __slots__ = ()


# The whole template.
Template = _node("Template", "body", Node, "The root: a list of statements.")

# Statements.
Output = _node("Output", "nodes", Stmt, "Write each node: TemplateData or an expression.")
If = _node("If", "test body elif_ else_", Stmt, "if/elif/else; ``elif_`` is a list of If nodes.")
For = _node("For", "target iter body else_ test recursive", Stmt, "A for loop; ``test`` is the inline if.", "recursive")
Macro = _node("Macro", "name args defaults body", Stmt, "A macro definition; ``args`` are Name nodes.", "name")
CallBlock = _node("CallBlock", "call args defaults body", Stmt, "{% call %}: ``call`` gets a ``caller``.")
FilterBlock = _node("FilterBlock", "body filter", Stmt, "{% filter %}: ``filter`` is a Filter with node None.")
With = _node("With", "targets values body", Stmt, "{% with a=1 %}: a new scope.")
Block = _node("Block", "name body scoped required", Stmt, "A named block children can override.", "name scoped required")
Extends = _node("Extends", "template", Stmt, "{% extends %}: ``template`` is an expression.")
Include = _node("Include", "template with_context ignore_missing", Stmt, "{% include %}.", "with_context ignore_missing")
Import = _node("Import", "template target with_context", Stmt, "{% import x as target %}.", "target with_context")
FromImport = _node("FromImport", "template names with_context", Stmt, "``names``: (name, alias) pairs.", "names with_context")
Assign = _node("Assign", "target node", Stmt, "{% set target = node %}.")
AssignBlock = _node("AssignBlock", "target filter body", Stmt, "{% set target %}body{% endset %}.")
Autoescape = _node("Autoescape", "value body", Stmt, "{% autoescape value %}: a constant switch.")

# Expressions.
Name = _node("Name", "name ctx", Expr, "A variable; ``ctx`` is 'load', 'store' or 'param'.", "name ctx")
NSRef = _node("NSRef", "name attr", Expr, "``ns.attr`` as an assignment target.", "name attr")
Const = _node("Const", "value", Expr, "A literal value.", "value")
TemplateData = _node("TemplateData", "data", Expr, "Text of the template, written as is.", "data")
Tuple = _node("Tuple", "items ctx", Expr, "A tuple, also as an unpacking target.", "ctx")
List = _node("List", "items", Expr, "A list literal.")
Dict = _node("Dict", "items", Expr, "A dict literal of Pair nodes.")
Pair = _node("Pair", "key value", Helper, "A key: value of a dict literal.")
Keyword = _node("Keyword", "key value", Helper, "A keyword argument of a call, filter or test.", "key")
CondExpr = _node("CondExpr", "test expr1 expr2", Expr, "``expr1 if test else expr2``; expr2 may be None.")
BinOp = _node("BinOp", "op left right", Expr, "Arithmetic: + - * / // % **.", "op")
UnaryOp = _node("UnaryOp", "op node", Expr, "``not``, unary ``-`` and ``+``.", "op")
And = _node("And", "left right", Expr, "``left and right``.")
Or = _node("Or", "left right", Expr, "``left or right``.")
Compare = _node("Compare", "expr ops", Expr, "A chained comparison; ``ops`` are Operand nodes.")
Operand = _node("Operand", "op expr", Helper, "One ``op expr`` step of a comparison.", "op")
Concat = _node("Concat", "nodes", Expr, "``a ~ b ~ c``: the values as strings, joined.")
Getattr = _node("Getattr", "node attr", Expr, "``node.attr``: attribute first, then item.", "attr")
Getitem = _node("Getitem", "node arg", Expr, "``node[arg]``: item first, then attribute.")
Slice = _node("Slice", "start stop step", Expr, "``start:stop:step`` in a subscript.")
Call = _node("Call", "node args kwargs dyn_args dyn_kwargs", Expr, "A call with its arguments.")
Filter = _node("Filter", "node name args kwargs dyn_args dyn_kwargs", Expr, "``node|name(args)``.", "name")
Test = _node("Test", "node name args kwargs dyn_args dyn_kwargs", Expr, "``node is name(args)``.", "name")
