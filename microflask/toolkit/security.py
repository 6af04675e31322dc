"""Path safety: joining untrusted file names onto a trusted folder.

``send_from_directory`` (and so the static route) calls ``safe_join`` with a
name taken from the URL, to make sure it cannot reach outside its folder.
It checks names only: it does not look at the disk or resolve symlinks.
"""
from __future__ import annotations

import os
import posixpath
import re
import typing as t

# "C:x" and "C:/x" name a folder on another drive on Windows.
_DRIVE_RE = re.compile(r"[A-Za-z]:")


def safe_join(directory: str, *pathnames: str) -> t.Optional[str]:
    """``directory`` joined with the untrusted ``pathnames``, or None if one is unsafe.

    Each name is normalised (``a/./b`` is ``a/b``, ``a/../b`` is ``b``), then
    refused if it climbs out with ``..``, is absolute, starts with a drive
    letter, holds a backslash (a separator on Windows) or a NUL byte.
    Forward slashes are the only separator accepted, on every OS.
    """
    if not directory:
        directory = "."
    parts = [directory]
    for name in pathnames:
        # normpath("") is ".", which would add a needless "/." to the result.
        if name != "":
            name = posixpath.normpath(name)
        if _is_unsafe(name):
            return None
        parts.append(name)
    return posixpath.join(*parts)


def _is_unsafe(name: str) -> bool:
    """Whether a normalised name could lead anywhere but below the folder."""
    return (
        name == ".."
        or name.startswith("../")
        # join() drops the folder when it meets an absolute name.
        or name.startswith("/")
        or os.path.isabs(name)
        or _DRIVE_RE.match(name) is not None
        # On Windows "..\\x" climbs out although it looks like one name here.
        or "\\" in name
        # The OS would cut the path at a NUL; Python refuses it with ValueError.
        or "\x00" in name
    )
