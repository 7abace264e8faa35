"""How the time of each language function grows with hostile input (issue 19): every pattern of tests/hostile.py at
1x, 10x and 100x its base size (2,000 characters, so 200,000 at 100x), each function in turn.

Target: 10x the input costs at most 15x the time (a linear function costs 10x; a quadratic one 100x). Each
measurement runs in a forked child with a time limit, so a function that hangs shows as "> limit" and the benchmark
goes on. The smallest sizes are timed several times and the fastest run kept, as their times are near the noise.

    python -m bench.hostile_input [--base 2000] [--limit 60] [--functions quotes,speakers] [--patterns "long word"]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time

TARGET = 15.0
SIZES = (1, 10, 100)
REPEATS = {1: 5, 10: 3, 100: 1}


def _measure(function_name: str, pattern: str, size: int, repeats: int, pipe) -> None:
    from tests.hostile import PATTERNS, language_functions

    function = language_functions()[function_name]
    text = PATTERNS[pattern](size)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    pipe.send(best)


def measure(function_name: str, pattern: str, size: int, *, repeats: int, limit: float) -> float | None:
    """Seconds of the fastest run, or None when the child ran past `limit` (then it is killed)."""
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.Process(target=_measure, args=(function_name, pattern, size, repeats, send))
    child.start()
    send.close()
    result = None
    if receive.poll(limit):
        try:
            result = receive.recv()
        except EOFError:  # the child died: its error is on stderr
            raise SystemExit(f"{function_name} failed on {pattern!r} at {size} characters") from None
    if child.is_alive():
        child.kill()
    child.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=2000, help="characters at 1x")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds allowed for one measurement")
    parser.add_argument("--functions", default="", help="comma-separated function names (default: all)")
    parser.add_argument("--patterns", default="", help="comma-separated pattern names (default: all)")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sociose.settings")
    import django

    django.setup()
    from tests.hostile import PATTERNS, language_functions

    multiprocessing.set_start_method("fork", force=True)  # children inherit the set-up Django and imports
    functions = [f for f in args.functions.split(",") if f] or list(language_functions())
    patterns = [p for p in args.patterns.split(",") if p] or list(PATTERNS)
    print(f"hostile input: time of each language function at 1x/10x/100x ({args.base:,} characters at 1x); "
          f"target: 10x the input at most {TARGET:g}x the time")
    print(f"{'pattern':24} {'function':16} {'1x ms':>9} {'10x ms':>9} {'100x ms':>10} {'10x/1x':>7} {'100x/10x':>8}")
    worst, failures = 0.0, []
    for pattern in patterns:
        for function_name in functions:
            times: list[float | None] = []
            for multiple in SIZES:
                seconds = measure(function_name, pattern, args.base * multiple, repeats=REPEATS[multiple],
                                  limit=args.limit)
                times.append(seconds)
                if seconds is None:
                    break
            cells = [f"{t * 1000:.2f}" if t is not None else f"> {args.limit:g} s" for t in times]
            cells += [""] * (len(SIZES) - len(cells))
            ratios = []
            for small, large in zip(times, times[1:]):
                if small is None or large is None:
                    ratios.append(float("inf"))
                else:  # under 0.2 ms a time is noise: compare from there
                    ratios.append(max(large, 2e-4) / max(small, 2e-4))
            ratios += [float("inf")] * (len(SIZES) - 1 - len(ratios))
            grow = max(ratios)
            worst = max(worst, grow)
            flag = "" if grow <= TARGET else "  <- over target"
            if grow > TARGET:
                failures.append(f"{pattern} / {function_name}")
            shown = [f"{r:.1f}" if r != float("inf") else "-" for r in ratios]
            print(f"{pattern:24} {function_name:16} {cells[0]:>9} {cells[1]:>9} {cells[2]:>10} {shown[0]:>7} "
                  f"{shown[1]:>8}{flag}", flush=True)
    print(f"worst growth for 10x the input: {worst:.1f}x (target {TARGET:g}x); over target: "
          f"{len(failures)} of {len(patterns) * len(functions)}" + (f" ({'; '.join(failures)})" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
