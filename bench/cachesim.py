"""The Flask row of bench/adapter.py counted instead of timed: instructions and simulated L1 misses.

    python bench/cachesim.py              # about 3 min; needs valgrind (Debian: apt install valgrind)
    python bench/cachesim.py --layouts 6  # more memory layouts, steadier means

Timed rows move by about a microsecond from one process to the next (bench/README.md), which
is as much as shoehorn and apig-wsgi differ on the Flask row. This script runs the same
requests (the raw WSGI call, shoehorn, apig-wsgi; each handed a just-parsed copy of the event)
under valgrind's callgrind with its cache simulation, which counts the same numbers every time
for the same code and memory layout. Each row is run for 0 and N requests and the two counts
subtracted, so imports and setup drop out. Each layout shifts where the process's objects land
(a hash seed and a few hundred allocations of random sizes before anything is imported):
identical code moves by a few tenths of a microsecond between layouts, which is what makes
a timed lead of less than about 1.5 us come and go between runs.

What it printed on the 2026-12 box (4 layouts): shoehorn runs about 14% fewer instructions
per request than apig-wsgi but misses the L1 caches about 15% more often (a straight-line
reader with many checks touches more distinct interpreter code than apig-wsgi's per-header
loop). The "estimated us" column weighs a miss as 2.35 ns and 15,000 instructions as 1 us,
fitted to bench/ab.py's between row; it has overstated single changes up to 3x, so use it to
find cold code, then decide with bench/ab.py.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROWS = ("raw WSGI call", "shoehorn", "apig-wsgi")
# callgrind's event order with --cache-sim=yes
EVENTS = ("Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw")
US_PER_INSTRUCTION = 1 / 15000
US_PER_MISS = 0.00235


def child(row: str, requests: int, layout: int) -> None:
    """Serve ``requests`` (after 200 to warm up) through ``row``; the count is what callgrind sees."""
    rnd = random.Random(layout)
    junk = [bytes(rnd.randrange(1, 700)) for _ in range(rnd.randrange(100, 900))]
    keep = junk[::2]  # holes between the kept ones: later objects land elsewhere  # noqa: F841
    del junk
    sys.path.insert(0, str(Path(__file__).parent))
    import _apps

    app, environ, context = _apps.flask_app(), _apps.wsgi_environ(), _apps.Context()
    text = json.dumps(_apps.fresh_event())
    if row == "raw WSGI call":

        def call(event):
            return _apps.call_wsgi(app, environ)
    else:
        if row == "shoehorn":
            from shoehorn import adapt

            handler = adapt(app, interface="wsgi")
        else:
            from apig_wsgi import make_lambda_handler

            handler = make_lambda_handler(app)

        def call(event):
            return handler(event, context)

    for _ in range(200 + requests):
        call(json.loads(text))


def count(row: str, requests: int, layout: int, workdir: Path) -> list[int]:
    out = workdir / f"{ROWS.index(row)}.{requests}.{layout}.out"
    env = {**os.environ, "PYTHONHASHSEED": str(layout)}
    command = ["valgrind", "--tool=callgrind", "--cache-sim=yes", f"--callgrind-out-file={out}"]
    if shutil.which("setarch"):  # the same addresses every run
        command = ["setarch", "-R", *command]
    command += [sys.executable, __file__, "--child", row, str(requests), str(layout)]
    subprocess.run(command, env=env, check=True, capture_output=True)
    for line in out.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return [int(x) for x in line.split()[1:]]
    raise SystemExit(f"no totals in {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layouts", type=int, default=4, help="memory layouts to average (4)")
    parser.add_argument("--requests", type=int, default=1000, help="requests counted per run (1000)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        row, requests, layout = args.child
        child(row, int(requests), int(layout))
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("bench/cachesim.py needs valgrind on PATH (Debian/Ubuntu: apt install valgrind)")
    jobs = [(row, n, layout) for layout in range(1, args.layouts + 1) for row in ROWS for n in (0, args.requests)]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        counts = dict(zip(jobs, pool.map(lambda job: count(*job, Path(tmp)), jobs)))
    # per request, per row and layout: {event: count}
    per = {
        (row, layout): dict(zip(EVENTS, [(b - a) / args.requests for a, b in zip(counts[row, 0, layout], counts[row, args.requests, layout])]))
        for row in ROWS
        for layout in range(1, args.layouts + 1)
    }

    def mean(row: str, key) -> float:
        return sum(key(per[row, layout]) for layout in range(1, args.layouts + 1)) / args.layouts

    def misses(c: dict) -> float:
        return c["I1mr"] + c["D1mr"] + c["D1mw"]

    def estimate(c: dict) -> float:
        return c["Ir"] * US_PER_INSTRUCTION + misses(c) * US_PER_MISS

    raw = "raw WSGI call"
    print(f"Flask app, one REST event, per request (mean of {args.layouts} memory layouts):")
    print(f"  {'':<15} {'instructions':>13} {'L1i misses':>11} {'L1d misses':>11} {'estimated us over raw':>22}")
    for row in ROWS:
        over = mean(row, estimate) - mean(raw, estimate)
        print(
            f"  {row:<15} {mean(row, lambda c: c['Ir']):13,.0f} {mean(row, lambda c: c['I1mr']):11,.0f} "
            f"{mean(row, lambda c: c['D1mr'] + c['D1mw']):11,.0f} {over:22.2f}"
        )
    gaps = [estimate(per["shoehorn", layout]) - estimate(per["apig-wsgi", layout]) for layout in range(1, args.layouts + 1)]
    own = [estimate(per["shoehorn", layout]) for layout in range(1, args.layouts + 1)]
    print(f"  shoehorn - apig-wsgi, estimated: {sum(gaps) / len(gaps):+.2f} us (layouts: {', '.join(f'{g:+.2f}' for g in gaps)})")
    print(f"  shoehorn alone moves {max(own) - min(own):.2f} us between layouts (the same code)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
