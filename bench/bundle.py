"""Build time, bundle size and handler cold-import time for both example apps.

    python bench/bundle.py            # full run, about 2 minutes (network for the cold builds)
    python bench/bundle.py --quick    # fewer import rounds, noisier
    python bench/bundle.py --dev      # only part 4, about 1 minute (add --checkout DIR for another checkout)

For each example (copied to a temporary directory):
1. build time: cold (empty shoehorn cache AND empty uv cache: every wheel downloaded; each step's
   time printed), cold with uv's download cache warm (what a second app on the same machine pays),
   `uv pip install --target` alone (the floor), warm (unchanged app: target < 2 s) and after five
   one-line edits of app.py (zip + check again: target < 0.3 s), with the app's own cold start and
   heaviest imports as the check measured them. Every build runs the isolated import check, as
   `shoehorn build` does by default;
2. zipped and unzipped bundle size;
3. cold-start import of ``shoehorn_handler`` (the app, its dependencies and the adapter) in a
   fresh ``python -I -S -B`` interpreter from the extracted bundle, five ways, with their sizes:
   - as shoehorn ships it: unchecked-hash .pyc next to every module;
   - no .pyc (what a bundle without bytecode pays on every Lambda cold start, since /var/task is
     read-only and -B forbids writing them, as Lambda effectively does);
   - stale timestamp .pyc, as the Serverless Framework and SAM ship them (zip entries with a
     fixed date, so every .pyc is invalid on arrival: serverless#13889, aws-lambda-builders#924);
   - the dependencies as .pyc only (sources deleted; the app's own kept, for tracebacks);
   - .pyc compiled with optimize=2 (what ``python -OO`` would run).
   Rounds are interleaved; the median and the best are printed, with the ratio to shoehorn's.
4. `dev --lambda` after a one-line edit: the reloader's rebuild (``Reloader.rebuild`` on a pool, no
   watcher thread) for both examples and a ``django-admin startproject`` (Django from PyPI, in the
   requirements at the version installed here; uv's download cache keeps it), timed from the edit
   to the moment new containers run the new code (the pool's swap; target < 1 s) and to the end of
   the rebuild (the old code directory pruned). Edits are a second apart, as saves are. A Django
   edit of settings.py runs collectstatic again: its own row. ``--checkout DIR`` measures the
   shoehorn of another checkout (before/after a change) with this script.
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
if "--checkout" in sys.argv:  # another checkout's shoehorn, measured by this script (before/after a change)
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--checkout") + 1]).resolve()))
else:
    sys.path.insert(0, str(ROOT))

from shoehorn.bundle import build, extract  # noqa: E402
from shoehorn.config import load  # noqa: E402

EXAMPLES = ("flask_app", "fastapi_app")
WARM_TARGET_S = 2.0
EDIT_TARGET_S = 0.3
ZIP_EPOCH = 315532800  # 1980-01-01 00:00:00 UTC, the date a deterministic zip gives every file

_PROBE = ("import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); "
          "import shoehorn_handler; print(time.perf_counter() - t)")


EDITS = 5  # one-line edits timed per example (median and best printed)


def timed_build(directory: Path, steps: dict[str, float] | None = None) -> tuple[float, object]:
    def progress(event) -> None:
        if steps is not None and type(event).__name__ == "StepDone" and event.step != "build":
            steps[event.step] = event.seconds

    started = time.perf_counter()
    bundle = build(load(directory), progress=progress)
    return time.perf_counter() - started, bundle


def uv_alone(example: str, work: Path) -> float:
    """`uv pip install --target` of the example's requirements for Lambda's platform, nothing else."""
    from shoehorn.bundle.install import Target, uv_binary

    target = Target("python3.11", "x86_64")
    started = time.perf_counter()
    subprocess.run([uv_binary(), "pip", "install", "--quiet", "--no-config", "--target", str(work / "uv-alone"),
                    "--python-platform", target.uv_platform, "--python-version", target.python_version,
                    "--python", sys.executable, "--only-binary", ":all:",
                    "-r", str(ROOT / "examples" / example / "requirements.txt")], check=True)
    return time.perf_counter() - started


def build_times(example: str, work: Path) -> tuple[dict[str, float], dict[str, float], list[float], object]:
    app = work / example
    shutil.copytree(ROOT / "examples" / example, app, ignore=shutil.ignore_patterns(".shoehorn", "__pycache__"))
    times, cold_steps = {}, {}
    os.environ["UV_CACHE_DIR"] = str(work / "uv-cache")
    os.environ["SHOEHORN_CACHE_DIR"] = str(work / "cache-cold")
    times["cold (no caches)"], _ = timed_build(app, cold_steps)
    shutil.rmtree(app / ".shoehorn")
    os.environ["SHOEHORN_CACHE_DIR"] = str(work / "cache-uv-warm")
    times["cold (uv download cache warm)"], _ = timed_build(app)
    times["uv pip install --target alone (uv cache warm)"] = uv_alone(example, work)
    times["warm (unchanged app)"], bundle = timed_build(app)
    source = app / "app.py"
    original = source.read_text()
    edits = []
    for number in range(EDITS):
        source.write_text(original + f"\n# edit {number}\n")
        edits.append(timed_build(app)[0])
    source.write_text(original)
    return times, cold_steps, edits, timed_build(app)[1]


def variants(bundle, work: Path) -> dict[str, Path]:
    shipped = extract(bundle, work / "shipped")
    bare = work / "no-pyc"
    shutil.copytree(shipped, bare, ignore=shutil.ignore_patterns("__pycache__"))
    stale = work / "stale-pyc"
    shutil.copytree(bare, stale)
    compileall.compile_dir(stale, quiet=2, workers=1)  # timestamp-based, as pip/SAM/SLS write them
    for path in stale.rglob("*.py"):
        os.utime(path, (ZIP_EPOCH, ZIP_EPOCH))  # what unzipping a fixed-date zip does to the sources
    sourceless = work / "deps-pyc-only"
    shutil.copytree(shipped, sourceless)
    for pyc in list(sourceless.rglob("__pycache__/*.pyc")):
        source = pyc.parent.parent / (pyc.name.split(".")[0] + ".py")
        if source.relative_to(sourceless).as_posix().startswith(APP_OWN) or not source.exists():
            continue  # the app's own code keeps its sources, for tracebacks
        pyc.replace(source.with_suffix(".pyc"))  # where Python looks for a module without source
        source.unlink()
    optimized = work / "optimize-2"
    shutil.copytree(bare, optimized)
    for path in list(optimized.rglob("*.py")):
        optimize_2(path, path.relative_to(optimized).as_posix())
    return {"shoehorn (unchecked-hash .pyc)": shipped, "no .pyc": bare, "stale timestamp .pyc (SLS/SAM)": stale,
            "deps as .pyc only (no sources)": sourceless, "optimize=2 .pyc (-OO: no asserts, docstrings)": optimized}


APP_OWN = ("app.py", "shoehorn_handler.py", "shoehorn/", "templates/", "static/")


def optimize_2(path: Path, name: str) -> None:
    """An unchecked-hash .pyc of ``path`` compiled as ``python -OO`` would, under the plain name."""
    import importlib.util
    import marshal

    source = path.read_bytes()
    try:
        code = compile(source, name, "exec", dont_inherit=True, optimize=2)
    except (SyntaxError, ValueError):
        return
    target = path.parent / "__pycache__" / f"{path.stem}.{sys.implementation.cache_tag}.pyc"
    target.parent.mkdir(exist_ok=True)
    header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + importlib.util.source_hash(source)
    target.write_bytes(header + marshal.dumps(code))


def sizes(directory: Path, work: Path) -> tuple[int, int]:
    """(zipped, unzipped) bytes of a tree, zipped like the bundle (deflate level 6)."""
    import zipfile

    files = sorted(p for p in directory.rglob("*") if p.is_file())
    archive = work / f"{directory.name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for path in files:
            out.write(path, path.relative_to(directory).as_posix())
    return archive.stat().st_size, sum(p.stat().st_size for p in files)


def import_times(dirs: dict[str, Path], rounds: int) -> dict[str, list[float]]:
    env = {"PATH": os.environ.get("PATH", ""), "AWS_REGION": "us-east-1"}
    results: dict[str, list[float]] = {name: [] for name in dirs}
    for _ in range(rounds):  # interleaved so machine noise hits every variant alike
        for name, directory in dirs.items():
            done = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", _PROBE, str(directory)], env=env,
                                  capture_output=True, text=True, check=True)
            results[name].append(float(done.stdout.strip().splitlines()[-1]))
    return results


DEV_TARGET_S = 1.0
DEV_EDITS = 7


def django_project(work: Path) -> Path:
    """``django-admin startproject mysite``, with Django (as installed here) in its requirements."""
    import django

    subprocess.run([sys.executable, "-m", "django", "startproject", "mysite"], cwd=work, check=True)
    (work / "mysite" / "requirements.txt").write_text(f"django=={django.__version__}\n")
    return work / "mysite"


def dev_rebuilds(app: Path, edited: str, edits: int) -> tuple[list[float], list[float]]:
    """Seconds from a one-line edit of ``edited`` to the pool's swap, and to the end of the rebuild."""
    from shoehorn.local.emulator import prepare, prune
    from shoehorn.local.logs import LambdaLog
    from shoehorn.local.pool import Pool
    from shoehorn.local.watch import Reloader
    from shoehorn.progress import discard

    class TimedPool(Pool):
        def replace(self, function):
            self.swapped = time.perf_counter()
            return super().replace(function)

    function = prepare(load(app))
    prune(app / ".shoehorn", keep={function.task_root})  # earlier sessions' bundles, as `dev --lambda` starts
    pool = TimedPool(function, LambdaLog(discard))
    reloader = Reloader(app, None, pool, use_local_platform=False, progress=discard)
    pool.on_retired = reloader._retired
    source = app / edited
    original = source.read_text()
    swaps, wholes = [], []
    try:
        for number in range(edits):
            time.sleep(1.0)  # a pause between saves
            source.write_text(original + f"\n# edit {number}\n")
            began = time.perf_counter()
            assert reloader.rebuild(edited), "the edit changed nothing"
            swaps.append(pool.swapped - began)
            wholes.append(time.perf_counter() - began)
    finally:
        source.write_text(original)
        pool.close()
    return swaps, wholes


def dev_part(edits: int) -> None:
    print(f"== dev --lambda: a one-line edit to new containers ({edits}x, a second apart; median / best)")
    saved = {name: os.environ.get(name) for name in ("SHOEHORN_CACHE_DIR", "UV_CACHE_DIR")}
    os.environ.pop("UV_CACHE_DIR", None)  # uv's own download cache: Django is fetched from PyPI once
    try:
        with tempfile.TemporaryDirectory(prefix="shoehorn-bench-dev-") as tmp:
            work = Path(tmp)
            os.environ["SHOEHORN_CACHE_DIR"] = str(work / "cache")
            skip = shutil.ignore_patterns(".shoehorn", "__pycache__")
            cases = [(f"examples/{name}", shutil.copytree(ROOT / "examples" / name, work / name, ignore=skip), "app.py")
                     for name in EXAMPLES]
            django_app = django_project(work)
            cases += [("django startproject", django_app, "mysite/urls.py"),
                      ("django startproject", django_app, "mysite/settings.py")]
            for label, app, edited in cases:
                swaps, wholes = dev_rebuilds(app, edited, edits)
                median = statistics.median(swaps)
                print(f"  {label:<22} {edited:<20} to new containers {median:5.2f} / {min(swaps):.2f} s"
                      f"  (target < {DEV_TARGET_S:.0f} s: {'met' if median < DEV_TARGET_S else 'MISSED'}); "
                      f"whole rebuild {statistics.median(wholes):5.2f} / {min(wholes):.2f} s")
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 import rounds instead of 15")
    parser.add_argument("--dev", action="store_true", help="only the dev --lambda rebuilds (part 4)")
    parser.add_argument("--checkout", metavar="DIR", help="measure the shoehorn of another checkout")
    args = parser.parse_args()
    rounds = 5 if args.quick else 15
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs; import rounds: {rounds}"
          + (f"; shoehorn from {args.checkout}" if args.checkout else "") + "\n")
    if args.dev:
        dev_part(DEV_EDITS)
        return
    for example in EXAMPLES:
        with tempfile.TemporaryDirectory(prefix="shoehorn-bench-") as tmp:
            work = Path(tmp)
            times, cold_steps, edits, bundle = build_times(example, work)
            print(f"== examples/{example}")
            for label, seconds in times.items():
                flag = ""
                if label.startswith("warm"):
                    flag = f"  (target < {WARM_TARGET_S:.0f} s: {'met' if seconds < WARM_TARGET_S else 'MISSED'})"
                print(f"  build {label:<46} {seconds:6.2f} s{flag}")
            print("    cold build steps: " + ", ".join(f"{step} {sec:.2f} s" for step, sec in cold_steps.items()))
            median = statistics.median(edits)
            print(f"  build after a one-line edit of app.py ({EDITS}x)        {median:6.2f} s median, "
                  f"{min(edits):.2f} s best  "
                  f"(target < {EDIT_TARGET_S} s: {'met' if median < EDIT_TARGET_S else 'MISSED'})")
            if getattr(bundle, "import_ms", None) is not None:  # (absent before issue 14: for before/after runs)
                cold = (bundle.import_ms + bundle.first_request_ms) / 1000
                print(f"    of which the app's own cold start in the check (import + GET /): {cold:.2f} s; "
                      f"heaviest imports: " + ", ".join(f"{c.package} {c.ms:.0f} ms" for c in bundle.heaviest_imports))
            print(f"  bundle  {bundle.zipped_bytes / 1e6:.2f} MB zipped, {bundle.unzipped_bytes / 1e6:.2f} MB "
                  f"unzipped ({bundle.path.name}, checked={bundle.checked})")
            trees = variants(bundle, work)
            results = import_times(trees, rounds)
            base = statistics.median(next(iter(results.values())))
            print("  cold import of shoehorn_handler (fresh interpreter, median / best; zipped / unzipped MB):")
            for name, values in results.items():
                median = statistics.median(values)
                zipped, unzipped = sizes(trees[name], work)
                print(f"    {name:<48} {median * 1000:7.1f} ms / {min(values) * 1000:7.1f} ms   "
                      f"x{median / base:.2f}   {zipped / 1e6:5.2f} / {unzipped / 1e6:5.2f}")
            print()
    dev_part(3 if args.quick else DEV_EDITS)


if __name__ == "__main__":
    main()
