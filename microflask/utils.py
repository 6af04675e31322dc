"""``werkzeug.utils`` under the name the Quickstart gives it.

Flask's Quickstart imports ``secure_filename`` from ``werkzeug.utils``;
with only the package name changed, as the Quickstart is run here, that
import reads ``from microflask.utils import secure_filename``. The helpers
themselves live in ``microflask.toolkit.utils``, the toolkit module that
stands in for ``werkzeug.utils``; this module only names them again.
"""
from .toolkit.utils import cached_property, redirect, secure_filename

__all__ = ["cached_property", "redirect", "secure_filename"]
