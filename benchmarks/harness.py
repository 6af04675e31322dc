"""A tiny timing harness shared by the benchmark scripts (standard library only).

A benchmark times a few operations with ``measure``, times the same ones in
the library microflask replaces when it is installed (``try_import``), and
prints both with ``print_table``; ``measure_side_by_side`` and
``print_ratio_table`` do the same for several peers at once. It measures;
it does not judge or store. The WSGI benchmarks share ``call_app`` (one
in-process request, as a server would make it) and ``distribution_version``.
"""
from __future__ import annotations

import importlib
import time
import types
import typing as t

Row = t.Tuple[str, float, t.Optional[float]]
#: What each benchmark's ``build_<framework>()`` returns.
WSGIApp = t.Callable[[t.Dict[str, t.Any], t.Callable[..., t.Any]], t.Iterable[bytes]]


def measure(fn: t.Callable[[], t.Any], *, min_time: float = 0.2, repeat: int = 5) -> float:
    """The best time of one ``fn()`` call, in seconds.

    The loop count grows until one round of calls takes ``min_time``, so the
    timer's resolution and the loop's own cost stop mattering; then the best
    of ``repeat`` rounds is kept, since slower rounds only measure noise.
    """
    clock = time.perf_counter
    loops, best = _calibrate(fn, min_time, clock)
    for _ in range(repeat - 1):
        best = min(best, _time_loops(fn, loops, clock))
    return best / loops


def measure_side_by_side(
    fns: t.Sequence[t.Callable[[], t.Any]], *, min_time: float = 0.1, repeat: int = 7
) -> t.List[float]:
    """The best CPU time of one call of each of ``fns``, in seconds.

    For comparing implementations on a busy machine: rounds take turns
    between the functions, so a spell of outside load slows them all rather
    than whichever ran then, and the clock is this process's CPU time, which
    does not run while the process waits for a core.
    """
    clock = time.process_time
    calibrated = [_calibrate(fn, min_time, clock) for fn in fns]
    best = [elapsed for _, elapsed in calibrated]
    for _ in range(repeat - 1):
        for index, (fn, (loops, _)) in enumerate(zip(fns, calibrated)):
            best[index] = min(best[index], _time_loops(fn, loops, clock))
    return [elapsed / loops for elapsed, (loops, _) in zip(best, calibrated)]


def _calibrate(fn: t.Callable[[], t.Any], min_time: float, clock: t.Callable[[], float]) -> t.Tuple[int, float]:
    """A loop count whose round takes at least ``min_time``, and that round's time."""
    loops = 1
    while True:
        elapsed = _time_loops(fn, loops, clock)
        if elapsed >= min_time:
            return loops, elapsed
        # Aim just past min_time, but grow at most tenfold per step so a
        # first call that was slow (a cold cache) cannot make us overshoot.
        estimate = int(loops * min_time * 1.1 / elapsed) if elapsed > 0 else loops * 10
        loops = max(loops + 1, min(estimate, loops * 10))


def _time_loops(fn: t.Callable[[], t.Any], loops: int, clock: t.Callable[[], float]) -> float:
    start = clock()
    for _ in range(loops):
        fn()
    return clock() - start


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
    _print_lines(title, lines)


def print_ratio_table(title: str, rows: t.Sequence[t.Tuple[str, t.Optional[float]]]) -> None:
    """Print ``(name, seconds per call or None)`` rows in µs, the first row being the baseline.

    The ratio column is ``row's time / first row's time``: above 1 means the
    baseline is faster. None marks a row that was refused timing (its output was wrong).
    """
    baseline = rows[0][1]
    header = ("framework", "µs/request", f"peer / {rows[0][0]}")
    lines = [header]
    for name, seconds in rows:
        if seconds is None:
            lines.append((name, "refused", "-"))
        else:
            ratio = f"{seconds / baseline:.2f}x" if baseline else "-"
            lines.append((name, f"{seconds * 1e6:.2f}", ratio))
    _print_lines(title, lines)


def _print_lines(title: str, lines: t.Sequence[t.Sequence[str]]) -> None:
    """Print a table whose first line is the header: names left, numbers right."""
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    print(title)
    for number, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(line[1:], widths[1:])]
        print("  ".join(cells))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def ignore_start_response(status: str, headers: t.List[t.Tuple[str, str]], exc_info: t.Any = None) -> None:
    """A server's start_response that keeps nothing, so only the app is timed."""


def call_app(app: WSGIApp, environ: t.Dict[str, t.Any]) -> None:
    """One request to a WSGI app, as a server makes it: call it with ``environ``
    (which it may change: give each call its own), read the body, close it."""
    body = app(environ, ignore_start_response)
    for _ in body:
        pass
    close = getattr(body, "close", None)
    if close is not None:
        close()


def distribution_version(name: str) -> str:
    """The installed version of ``name`` (microflask's from the checkout)."""
    if name == "microflask":
        import microflask

        return microflask.__version__
    from importlib.metadata import version

    return version(name)


def print_targets_met(
    results: t.Mapping[str, t.Sequence[t.Optional[float]]],
    targets: t.Sequence[t.Tuple[int, str, float]],
    titles: t.Sequence[str],
) -> None:
    """For each ``(scenario index, peer, minimum)``: the peer's time over
    microflask's in that scenario, and whether it reaches the minimum."""
    print("Targets (peer / microflask must be at least the minimum)")
    for index, peer, minimum in targets:
        label = f"  {titles[index].split(':')[0]}, {peer} >= {minimum:g}x:"
        ours = results["microflask"][index]
        theirs = results.get(peer, [None] * len(titles))[index]
        if ours is None or theirs is None:
            print(f"{label} not measured")
        else:
            ratio = theirs / ours
            print(f"{label} {ratio:.2f}x {'met' if ratio >= minimum else 'NOT MET'}")
