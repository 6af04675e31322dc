"""Path safety: joining untrusted file names onto a trusted folder.

``send_from_directory`` (and so the static route) uses ``safe_join`` to make
sure a name from a URL cannot climb out of its folder.
"""
from __future__ import annotations

import os
import posixpath
import re
import typing as t

# A name like "C:evil" or "C:/evil" is a drive path on Windows.
_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def safe_join(directory: str, *pathnames: str) -> t.Optional[str]:
    """``directory`` joined with untrusted ``pathnames``, or None if unsafe.

    A name is refused when it is absolute, climbs with ``..``, uses a
    backslash or another OS separator, starts with a drive letter, or
    contains a NUL byte.
    """
    if not directory:
        directory = "."
    parts = [directory]
    for name in pathnames:
        if name != "":
            name = posixpath.normpath(name)
        if (
            "\\" in name
            or "\x00" in name
            or (os.altsep is not None and os.altsep in name)
            or os.path.isabs(name)
            or name.startswith("/")
            or _DRIVE_RE.match(name)
            or name == ".."
            or name.startswith("../")
        ):
            return None
        parts.append(name)
    return posixpath.join(*parts)
