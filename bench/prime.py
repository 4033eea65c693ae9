"""The first real request with and without priming, through `dev --lambda`'s data plane.

    python bench/prime.py            # about a minute
    python bench/prime.py --quick    # a few seconds, noisier

For each example app, one bundle per variant, each container started fresh (a cold start) by
the emulator's Pool (shoehorn's Runtime API + an awslambdaric container, what `shoehorn dev
--lambda` runs), then two requests to the same route: the first real request and a warm one.
Variants, interleaved round by round:

- ``startup on 1st request``: the shim as before this change (lifespan startup on the first
  request, no priming): the generated ``at_init`` line removed from the unzipped bundle;
- ``startup at init``: no ``prime`` key (the default now);
- ``prime other route``: ``prime = [another route of the app]``;
- ``prime same route``: ``prime = [the measured route]``.

Reported per variant (medians): the REPORT line's Init Duration, the first request's Duration,
the warm request's Duration, and the first request as a ratio of the warm one and of the first
variant's first request (same run).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local import _event  # noqa: E402 — the same REST event bench/local.py sends

ROOT = Path(__file__).resolve().parents[1]
# example -> (the measured route, another route to prime)
EXAMPLES = {"flask_app": ("/", "/api/notes"), "fastapi_app": ("/items", "/docs")}
VARIANTS = ("startup on 1st request", "startup at init", "prime other route", "prime same route")


def _task_root(directory: Path, prime: tuple[str, ...], old_shim: bool) -> tuple[Path, object]:
    from shoehorn.bundle import build
    from shoehorn.config import load
    from shoehorn.local.emulator import platform_mismatch, unzip

    config = dataclasses.replace(load(directory), prime=prime)
    bundle = build(config, local_platform=platform_mismatch(config) is not None)
    root = unzip(bundle.path, directory / ".shoehorn", bundle.sha256)
    if old_shim:
        old = directory / ".shoehorn" / "old-shim"
        shutil.rmtree(old, ignore_errors=True)
        shutil.copytree(root, old)
        handler = old / "shoehorn_handler.py"
        handler.write_text("\n".join(line for line in handler.read_text().splitlines()
                                     if "at_init" not in line) + "\n")
        for pyc in old.glob("__pycache__/shoehorn_handler*.pyc"):
            pyc.unlink()  # the compiled shim would win over the edited source
        root = old
    return root, config


def _run_once(task_root: Path, memory: int, libs: Path, path: str) -> tuple[float, float, float]:
    from shoehorn.local.containers import Function
    from shoehorn.local.logs import LambdaLog
    from shoehorn.local.pool import Pool
    from shoehorn.local.runtime_api import Succeeded
    from shoehorn.progress import discard

    function = Function(name="bench-dev", task_root=task_root, runtime_libs=libs, memory_mb=memory)
    pool = Pool(function, LambdaLog(discard), limit=1)
    try:
        event = _event(path)
        first, first_report = pool.invoke(event)
        warm, warm_report = pool.invoke(event)
    finally:
        pool.close()
    assert isinstance(first, Succeeded) and isinstance(warm, Succeeded), (first, warm)
    return first_report.init_duration_ms, first_report.duration_ms, warm_report.duration_ms


def main() -> None:
    from shoehorn.local import runtime_libs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, noisier numbers")
    args = parser.parse_args()
    rounds = 3 if args.quick else 11
    med = statistics.median
    print(f"# first request after a cold start, dev --lambda data plane, median of {rounds} interleaved rounds "
          f"(Python {sys.version.split()[0]})")
    with tempfile.TemporaryDirectory(prefix="shoehorn-bench-") as tmp:
        for example, (path, other) in EXAMPLES.items():
            copy = Path(tmp) / example
            shutil.copytree(ROOT / "examples" / example, copy, ignore=shutil.ignore_patterns("__pycache__", ".shoehorn"))
            roots = {
                VARIANTS[0]: _task_root(copy, (), True),
                VARIANTS[1]: _task_root(copy, (), False),
                VARIANTS[2]: _task_root(copy, (other,), False),
                VARIANTS[3]: _task_root(copy, (path,), False),
            }
            libs = runtime_libs.ensure(copy / ".shoehorn")
            numbers: dict[str, list[tuple[float, float, float]]] = {name: [] for name in VARIANTS}
            for _ in range(rounds):
                for name, (root, config) in roots.items():
                    numbers[name].append(_run_once(root, config.memory, libs, path))
            base = med(first for _, first, _ in numbers[VARIANTS[0]])
            print(f"\n  {example}: GET {path}   (other route primed: {other})")
            print(f"    {'variant':24s} {'Init ms':>8s} {'1st req ms':>11s} {'warm ms':>8s} {'1st/warm':>9s} "
                  f"{'1st vs before':>14s}")
            for name in VARIANTS:
                init = med(n[0] for n in numbers[name])
                first = med(n[1] for n in numbers[name])
                warm = med(n[2] for n in numbers[name])
                print(f"    {name:24s} {init:8.1f} {first:11.2f} {warm:8.2f} {first / warm:8.1f}x {first / base:13.2f}x")


if __name__ == "__main__":
    main()
