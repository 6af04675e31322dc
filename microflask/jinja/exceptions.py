"""The template engine's exceptions, as Jinja names them.

Loaders raise ``TemplateNotFound``; the lexer and parser raise
``TemplateSyntaxError`` naming the template, the line and what was expected;
rendering raises ``UndefinedError`` and ``TemplateRuntimeError``.
"""
from __future__ import annotations

import typing as t


class TemplateError(Exception):
    """Base class of every error the template engine raises."""

    @property
    def message(self) -> t.Optional[str]:
        return self.args[0] if self.args else None


class TemplateNotFound(IOError, LookupError, TemplateError):
    """No loader has a template of this name."""

    def __init__(self, name: t.Any, message: t.Optional[str] = None) -> None:
        if message is None:
            message = str(getattr(name, "name", name))
        super().__init__(message)
        self.name = name
        self.templates = [name]

    def __str__(self) -> str:
        return str(self.message)


class TemplatesNotFound(TemplateNotFound):
    """None of several candidate templates exists (``select_template``)."""

    def __init__(self, names: t.Sequence[t.Any] = (), message: t.Optional[str] = None) -> None:
        if message is None:
            listed = ", ".join(str(getattr(name, "name", name)) for name in names)
            message = f"none of the templates given were found: {listed}"
        super().__init__(names[-1] if names else None, message)
        self.templates = list(names)


class TemplateSyntaxError(TemplateError):
    """The template's source is not valid: where, and what was expected."""

    def __init__(
        self,
        message: str,
        lineno: int,
        name: t.Optional[str] = None,
        filename: t.Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.lineno = lineno
        self.name = name
        self.filename = filename
        # Set by the environment once it knows the source, to quote the line.
        self.source: t.Optional[str] = None

    def __str__(self) -> str:
        where = self.filename or self.name or "<template>"
        text = f"{self.message}\n  File \"{where}\", line {self.lineno}"
        if self.source is not None:
            lines = self.source.splitlines()
            if 0 < self.lineno <= len(lines):
                text += "\n    " + lines[self.lineno - 1].strip()
        return text

    def __reduce__(self) -> t.Any:
        return self.__class__, (self.message, self.lineno, self.name, self.filename)


class TemplateAssertionError(TemplateSyntaxError):
    """The template parses but makes no sense (an unknown filter, a duplicate block...)."""


class TemplateRuntimeError(TemplateError):
    """Rendering failed for a reason of the template's own making."""


class UndefinedError(TemplateRuntimeError):
    """An undefined value was used in a way that needs a real one."""


class SecurityError(TemplateRuntimeError):
    """Kept for API compatibility; this engine has no sandbox."""


class FilterArgumentError(TemplateRuntimeError):
    """A filter was called with arguments it cannot use."""
