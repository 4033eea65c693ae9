"""Build time, bundle size and handler cold-import time for both example apps.

    /work/venv/bin/python bench/bundle.py            # full run, 2-3 minutes (network for the cold builds)
    /work/venv/bin/python bench/bundle.py --quick    # fewer import rounds, noisier

For each example (copied to a temporary directory):
1. build time: cold (empty shoehorn cache AND empty uv cache: every wheel downloaded), cold
   with uv's download cache warm (what a second app on the same machine pays), warm (unchanged
   app: target < 2 s) and after editing one app file (zip + check again). Every build runs the
   isolated import check, as `shoehorn build` does by default;
2. zipped and unzipped bundle size;
3. cold-start import of ``shoehorn_handler`` (the app, its dependencies and the adapter) in a
   fresh ``python -I -S -B`` interpreter from the extracted bundle, three ways:
   - as shoehorn ships it: unchecked-hash .pyc next to every module;
   - no .pyc (what a bundle without bytecode pays on every Lambda cold start, since /var/task is
     read-only and -B forbids writing them, as Lambda effectively does);
   - stale timestamp .pyc, as the Serverless Framework and SAM ship them (zip entries with a
     fixed date, so every .pyc is invalid on arrival: serverless#13889, aws-lambda-builders#924).
   Rounds are interleaved; the median and the best are printed, with the ratio to shoehorn's.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shoehorn.bundle import build, extract  # noqa: E402
from shoehorn.config import load  # noqa: E402

EXAMPLES = ("flask_app", "fastapi_app")
WARM_TARGET_S = 2.0
ZIP_EPOCH = 315532800  # 1980-01-01 00:00:00 UTC, the date a deterministic zip gives every file

_PROBE = ("import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); "
          "import shoehorn_handler; print(time.perf_counter() - t)")


def timed_build(directory: Path) -> tuple[float, object]:
    started = time.perf_counter()
    bundle = build(load(directory))
    return time.perf_counter() - started, bundle


def build_times(example: str, work: Path) -> tuple[dict[str, float], object]:
    app = work / example
    shutil.copytree(ROOT / "examples" / example, app, ignore=shutil.ignore_patterns(".shoehorn", "__pycache__"))
    times = {}
    os.environ["UV_CACHE_DIR"] = str(work / "uv-cache")
    os.environ["SHOEHORN_CACHE_DIR"] = str(work / "cache-cold")
    times["cold (no caches)"], _ = timed_build(app)
    shutil.rmtree(app / ".shoehorn")
    os.environ["SHOEHORN_CACHE_DIR"] = str(work / "cache-uv-warm")
    times["cold (uv download cache warm)"], _ = timed_build(app)
    times["warm (unchanged app)"], bundle = timed_build(app)
    source = app / "app.py"
    source.write_text(source.read_text() + "\n# edited\n")
    times["after editing app.py"], _ = timed_build(app)
    source.write_text(source.read_text().removesuffix("\n# edited\n"))
    return times, timed_build(app)[1]


def variants(bundle, work: Path) -> dict[str, Path]:
    shipped = extract(bundle, work / "shipped")
    bare = work / "no-pyc"
    shutil.copytree(shipped, bare, ignore=shutil.ignore_patterns("__pycache__"))
    stale = work / "stale-pyc"
    shutil.copytree(bare, stale)
    compileall.compile_dir(stale, quiet=2, workers=1)  # timestamp-based, as pip/SAM/SLS write them
    for path in stale.rglob("*.py"):
        os.utime(path, (ZIP_EPOCH, ZIP_EPOCH))  # what unzipping a fixed-date zip does to the sources
    return {"shoehorn (unchecked-hash .pyc)": shipped, "no .pyc": bare, "stale timestamp .pyc (SLS/SAM)": stale}


def import_times(dirs: dict[str, Path], rounds: int) -> dict[str, list[float]]:
    env = {"PATH": os.environ.get("PATH", ""), "AWS_REGION": "us-east-1"}
    results: dict[str, list[float]] = {name: [] for name in dirs}
    for _ in range(rounds):  # interleaved so machine noise hits every variant alike
        for name, directory in dirs.items():
            done = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", _PROBE, str(directory)], env=env,
                                  capture_output=True, text=True, check=True)
            results[name].append(float(done.stdout.strip().splitlines()[-1]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 import rounds instead of 15")
    args = parser.parse_args()
    rounds = 5 if args.quick else 15
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs; import rounds: {rounds}\n")
    for example in EXAMPLES:
        with tempfile.TemporaryDirectory(prefix="shoehorn-bench-") as tmp:
            work = Path(tmp)
            times, bundle = build_times(example, work)
            print(f"== examples/{example}")
            for label, seconds in times.items():
                flag = ""
                if label.startswith("warm"):
                    flag = f"  (target < {WARM_TARGET_S:.0f} s: {'met' if seconds < WARM_TARGET_S else 'MISSED'})"
                print(f"  build {label:<32} {seconds:6.2f} s{flag}")
            print(f"  bundle  {bundle.zipped_bytes / 1e6:.2f} MB zipped, {bundle.unzipped_bytes / 1e6:.2f} MB "
                  f"unzipped ({bundle.path.name}, checked={bundle.checked})")
            results = import_times(variants(bundle, work), rounds)
            base = statistics.median(next(iter(results.values())))
            print("  cold import of shoehorn_handler (fresh interpreter, median / best):")
            for name, values in results.items():
                median = statistics.median(values)
                print(f"    {name:<32} {median * 1000:7.1f} ms / {min(values) * 1000:7.1f} ms   "
                      f"x{median / base:.2f}")
            print()


if __name__ == "__main__":
    main()
