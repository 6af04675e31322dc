"""A tiny timing harness shared by the benchmark scripts (standard library only).

A benchmark times a few operations with ``measure``, times the same ones in
the library microflask replaces when it is installed (``try_import``), and
prints both with ``print_table``. It measures; it does not judge or store.
"""
from __future__ import annotations

import importlib
import time
import types
import typing as t

Row = t.Tuple[str, float, t.Optional[float]]


def measure(fn: t.Callable[[], t.Any], *, min_time: float = 0.2, repeat: int = 5) -> float:
    """The best time of one ``fn()`` call, in seconds.

    The loop count grows until one round of calls takes ``min_time``, so the
    timer's resolution and the loop's own cost stop mattering; then the best
    of ``repeat`` rounds is kept, since slower rounds only measure noise.
    """
    loops = 1
    while True:
        elapsed = _time_loops(fn, loops)
        if elapsed >= min_time:
            break
        # Aim just past min_time, but grow at most tenfold per step so a
        # first call that was slow (a cold cache) cannot make us overshoot.
        estimate = int(loops * min_time * 1.1 / elapsed) if elapsed > 0 else loops * 10
        loops = max(loops + 1, min(estimate, loops * 10))
    best = elapsed
    for _ in range(repeat - 1):
        best = min(best, _time_loops(fn, loops))
    return best / loops


def _time_loops(fn: t.Callable[[], t.Any], loops: int) -> float:
    counter = time.perf_counter
    start = counter()
    for _ in range(loops):
        fn()
    return counter() - start


def try_import(name: str) -> t.Optional[types.ModuleType]:
    """The module ``name``, or None when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def format_time(seconds: float) -> str:
    """``1.23 µs``: a duration with a unit that keeps three significant digits."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def print_table(title: str, rows: t.Sequence[Row], peer: str = "peer") -> None:
    """Print ``(operation, microflask seconds, peer seconds or None)`` rows.

    The last column is ``peer / microflask``: above 1 means microflask is faster.
    """
    header = ("operation", "microflask", peer, f"{peer} / microflask")
    lines = [header]
    for name, ours, theirs in rows:
        if theirs is None:
            lines.append((name, format_time(ours), "-", "-"))
        else:
            lines.append((name, format_time(ours), format_time(theirs), f"{theirs / ours:.1f}x"))
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    print(title)
    for number, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(line[1:], widths[1:])]
        print("  ".join(cells))
        if number == 0:
            print("  ".join("-" * width for width in widths))
