"""Is a change to the request path faster? This checkout against another one, in alternated processes.

    git worktree add /tmp/base main          # the code to compare against
    python bench/ab.py /tmp/base             # about 1 min; --pairs N (12)

A change of a few tenths of a microsecond per request is below what one bench/adapter.py run
can tell (what else runs in a process moves a row by about a microsecond) and below the error
of bench/stages.py's stand-ins. Here each process serves the Flask and Starlette rows (raw or
floor, and shoehorn; fresh events, interleaved rounds, as bench/adapter.py), processes of the two
checkouts alternate, and the medians of the pairs are compared. Both sides use this checkout's
bench/ (apps, events, timing); only ``shoehorn`` differs.

Its noise, measured against an identical checkout with 12 pairs: up to 0.7 us on the Flask row
and 0.3 us on the Starlette row (more pairs narrow it); a 0.28 us loop added to the reader
showed as +0.5 / +0.45 us with 16 pairs. Run it against an identical checkout first.
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


def child() -> None:
    """One process: µs per request over the baseline, for the Flask and Starlette rows."""
    import shoehorn

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    rows = [c for c in adapter.wsgi_candidates() if c.label in ("raw WSGI call", "shoehorn")]
    rows += [c for c in adapter.asgi_candidates(_apps.starlette_app(), "Starlette", loop) if c.is_floor or c.is_shoehorn]
    adapter.measure(rows, 30, 0.01, deadline=time.perf_counter() + 30.0)
    flask_raw, flask, floor, starlette = (c.best * 1e6 for c in rows)
    print(json.dumps({"flask": flask - flask_raw, "starlette": starlette - floor, "shoehorn": shoehorn.__file__}))


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
    print(f"µs per request over the baseline (raw WSGI call / run_until_complete floor), median of {args.pairs} processes each")
    for row in ("flask", "starlette"):
        this = statistics.median(r[row] for r in found["this"])
        other = statistics.median(r[row] for r in found["other"])
        print(f"  {row:<10} this {this:6.2f}   other {other:6.2f}   this - other {this - other:+6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
