"""Is a change to the request path faster? This checkout against another one, in alternated processes.

    git worktree add /tmp/base main          # the code to compare against
    python bench/ab.py /tmp/base             # about 1 min; --pairs N (12)

A change of a few tenths of a microsecond per request is below what one bench/adapter.py run
can tell (what else runs in a process moves a row by about a microsecond) and below the error
of bench/stages.py's stand-ins. Here each process serves the Flask and Starlette rows (raw or
floor, and shoehorn; fresh events, interleaved rounds, as bench/adapter.py), processes of the two
checkouts alternate, and the medians of the pairs are compared. Both sides use this checkout's
bench/ (apps, events, timing); only ``shoehorn`` differs.

The ``between`` row is shoehorn's cost minus apig-wsgi's in the same process, both around a
one-line app that replays the Flask app's answer, the Flask app itself run (untimed) before
each call: the Flask gate's gap to apig-wsgi, with the app's own time and noise out of the
timed part but its effect on the caches kept (code costs about twice its time alone there).

Noise, against an identical checkout with 12 pairs: up to 0.7 us on the Flask row, 0.3 us on
the Starlette row, 0.15-0.2 us on the between row (use it to decide WSGI-side changes). A
0.28 us loop added to the reader showed as +0.44 (Flask), +0.42 (Starlette), +0.54 (between).
Run it against an identical checkout first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _apps  # noqa: E402
import adapter  # noqa: E402


def between_rows() -> list:
    """shoehorn and apig-wsgi around a one-line app that replays the Flask app's answer, the
    Flask app's raw call run (untimed) before each call: the adapter's own cost, in the caches
    an app leaves it, without the app's time and its noise in the timed part."""
    from apig_wsgi import make_lambda_handler
    from shoehorn import adapt

    flask, environ, event, context = _apps.flask_app(), _apps.wsgi_environ(), _apps.fresh_event(), _apps.Context()
    replay = _apps.replay_wsgi(flask, environ)

    def between():
        _apps.call_wsgi(flask, environ)

    handlers = {"shoehorn": adapt(replay, interface="wsgi"), "apig-wsgi": make_lambda_handler(replay)}
    return [
        adapter.Candidate("between", "WSGI", label, adapter.per_call(lambda e, h=handler: h(e, context), event, before=between))
        for label, handler in handlers.items()
    ]


def child() -> None:
    """One process: µs per request over the baseline, for the Flask and Starlette rows, and
    shoehorn's µs over apig-wsgi's with the Flask app run between calls."""
    import shoehorn

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    rows = [c for c in adapter.wsgi_candidates() if c.label in ("raw WSGI call", "shoehorn")]
    rows += [c for c in adapter.asgi_candidates(_apps.starlette_app(), "Starlette", loop) if c.is_floor or c.is_shoehorn]
    adapter.measure(rows, 30, 0.01, deadline=time.perf_counter() + 30.0)
    flask_raw, flask, floor, starlette = (c.best * 1e6 for c in rows)
    between = between_rows()
    adapter.measure(between, 12, 0.01, deadline=time.perf_counter() + 15.0)
    ours, apig = (statistics.median(c.samples) * 1e6 for c in between)
    print(json.dumps({"flask": flask - flask_raw, "starlette": starlette - floor, "between": ours - apig, "shoehorn": shoehorn.__file__}))


def run_child(checkout: Path) -> dict:
    found = adapter.child_json([__file__, "--child"], str(checkout), env={**os.environ, "PYTHONPATH": str(checkout)})
    if not Path(found["shoehorn"]).resolve().is_relative_to(checkout.resolve()):  # what was measured
        raise SystemExit(f"with PYTHONPATH={checkout}, shoehorn came from {found['shoehorn']}: is it a checkout?")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", nargs="?", type=Path, help="the checkout to compare this one against")
    parser.add_argument("--pairs", type=int, default=12, help="alternated process pairs (12)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child()
        return 0
    if args.other is None or not (args.other / "shoehorn").is_dir():
        parser.error("give the path of another checkout (git worktree add /tmp/base main)")
    sides = {"this": HERE.parent, "other": args.other}
    found: dict[str, list[dict]] = {name: [] for name in sides}
    for pair in range(args.pairs):
        order = list(sides) if pair % 2 == 0 else list(sides)[::-1]  # neither side always goes first
        for name in order:
            found[name].append(run_child(sides[name]))
        print(f"\rpair {pair + 1}/{args.pairs}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(f"µs per request over the baseline (raw WSGI call / run_until_complete floor), median of {args.pairs} processes each;")
    print("between: shoehorn's µs over apig-wsgi's around a one-line app, the Flask app run between calls")
    for row in ("flask", "starlette", "between"):
        this = statistics.median(r[row] for r in found["this"])
        other = statistics.median(r[row] for r in found["other"])
        print(f"  {row:<10} this {this:6.2f}   other {other:6.2f}   this - other {this - other:+6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
