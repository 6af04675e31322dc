"""microflask.jinja: a compact Jinja that compiles templates to Python.

The public names, as ``jinja2`` exports them. The pipeline is lexer ->
parser -> compiler -> ``compile`` -> cached ``Template`` (see
docs/templates.md); this package knows nothing of the web.
"""
from __future__ import annotations

from .environment import Environment, Template, TemplateModule, TemplateStream
from .exceptions import (
    TemplateAssertionError,
    TemplateError,
    TemplateNotFound,
    TemplateRuntimeError,
    TemplatesNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from .loaders import (
    BaseLoader,
    ChoiceLoader,
    DictLoader,
    FileSystemLoader,
    FunctionLoader,
    PackageLoader,
    PrefixLoader,
)
from .runtime import ChainableUndefined, DebugUndefined, StrictUndefined, Undefined
from .utils import pass_context, pass_environment, pass_eval_context, select_autoescape

__all__ = [
    "Environment",
    "Template",
    "TemplateModule",
    "TemplateStream",
    "BaseLoader",
    "ChoiceLoader",
    "DictLoader",
    "FileSystemLoader",
    "FunctionLoader",
    "PackageLoader",
    "PrefixLoader",
    "Undefined",
    "StrictUndefined",
    "ChainableUndefined",
    "DebugUndefined",
    "TemplateError",
    "TemplateNotFound",
    "TemplatesNotFound",
    "TemplateSyntaxError",
    "TemplateAssertionError",
    "TemplateRuntimeError",
    "UndefinedError",
    "pass_context",
    "pass_environment",
    "pass_eval_context",
    "select_autoescape",
]
