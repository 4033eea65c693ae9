"""What `shoehorn dev --lambda` costs on top of the adapter itself.

    /work/venv/bin/python bench/local.py           # about a minute
    /work/venv/bin/python bench/local.py --quick   # a few seconds per part, noisier

1. Throughput: requests per second through `shoehorn dev --lambda` (a real subprocess: uvicorn
   front -> Runtime API -> awslambdaric container) with 1 and with 4 containers, for a trivial
   WSGI endpoint; the load comes from this process over loopback, one client thread per
   container, bounded in time and count. Next to it: the same request through the adapter
   in-process (``handler(event, context)``), so the emulator's own per-request overhead shows.
2. Cold start of one container for each example: spawn + awslambdaric + app import (the REPORT
   line's Init Duration) + the first invocation, against a fresh interpreter importing the same
   unzipped bundle and calling the handler once in-process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TRIVIAL_APP = (
    "def app(environ, start_response):\n"
    "    start_response('200 OK', [('Content-Type', 'application/json')])\n"
    "    return [b'{\"ok\": true}']\n"
)
EXAMPLES = {"flask_app": "/api/notes", "fastapi_app": "/items"}
IN_PROCESS = """
import json, sys, time
began = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import shoehorn_handler
imported = time.perf_counter()

class Context:
    aws_request_id = "bench"
    function_name = "bench"
    memory_limit_in_mb = "512"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:bench"
    def get_remaining_time_in_millis(self):
        return 30000

answer = shoehorn_handler.handler(json.loads(sys.argv[2]), Context())
done = time.perf_counter()
assert answer["statusCode"] == 200, answer
print(json.dumps({"import_ms": (imported - began) * 1000, "first_call_ms": (done - imported) * 1000}))
"""


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _event(path: str) -> dict:
    from shoehorn.gateway import build_event

    return build_event("rest", "GET", f"/dev{path}", "", [("accept", "application/json")], b"", stage="dev")


def _bundle_root(directory: Path) -> tuple[Path, object]:
    from shoehorn.bundle import build
    from shoehorn.config import load
    from shoehorn.local.emulator import platform_mismatch, unzip

    config = load(directory)
    bundle = build(config, local_platform=platform_mismatch(config) is not None)
    return unzip(bundle.path, directory / ".shoehorn", bundle.sha256), config


def in_process_us(task_root: Path, path: str, count: int) -> float:
    """Per-request µs of the adapted app called in this process (no emulator)."""
    sys.path.insert(0, str(task_root))
    try:
        import shoehorn_handler  # the bundle's own shim: adapt(app)

        event = _event(path)
        shoehorn_handler.handler(event, None)
        best = float("inf")
        for _ in range(5):
            began = time.perf_counter()
            for _ in range(count):
                shoehorn_handler.handler(event, None)
            best = min(best, (time.perf_counter() - began) / count)
        return best * 1e6
    finally:
        sys.path.remove(str(task_root))
        sys.modules.pop("shoehorn_handler", None)
        sys.modules.pop("app", None)


def _load(url: str, threads: int, seconds: float, limit: int) -> tuple[int, int, float]:
    """``threads`` clients, each one request at a time, until ``seconds`` or ``limit`` requests."""
    ok = errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        nonlocal ok, errors
        with httpx.Client(timeout=30) as session:
            while time.monotonic() < stop:
                status = session.get(url).status_code
                with lock:
                    if status == 200:
                        ok += 1
                    else:
                        errors += 1
                    if ok + errors >= limit:
                        return

    began = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return ok, errors, time.perf_counter() - began


PLAIN_SERVER = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

async def ok(request):
    return Response(b'{"ok": true}', media_type="application/json")

uvicorn.run(Starlette(routes=[Route("/{path:path}", ok)]), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def throughput(app_dir: Path, containers: int, seconds: float, limit: int, plain: bool = False) -> tuple[float, int, int]:
    """req/s through `dev --lambda` with ``containers``; ``plain``: a bare Starlette app under uvicorn
    answering the same bytes, the floor of this HTTP stack and this client on this machine."""
    port = _free_port()
    log = app_dir.parent / f"emulator-{containers}-{plain}.log"  # outside the app: a change there reloads the bundle
    command = [sys.executable, "-m", "shoehorn", "dev", "--lambda", "-C", str(app_dir), "--port", str(port),
               "--concurrency", str(containers)]
    if plain:
        command = [sys.executable, "-c", PLAIN_SERVER, str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/dev/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/__probe__", timeout=5)  # "rest": 403, no container
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"emulator did not start:\n{log.read_text()}")
                time.sleep(0.1)
        _load(url, containers, 1.0, 50 * containers)  # warm every container (cold starts excluded)
        ok, errors, elapsed = _load(url, containers, seconds, limit)
        cold = 0 if plain else log.read_text().count("Init Duration")
        return ok / elapsed, errors, cold
    finally:
        process.terminate()
        process.wait(15)


def cold_start(task_root: Path, memory: int, path: str, rounds: int) -> dict:
    from shoehorn.local import runtime_libs
    from shoehorn.local.containers import Function
    from shoehorn.local.logs import LambdaLog
    from shoehorn.local.pool import Pool
    from shoehorn.local.runtime_api import Succeeded
    from shoehorn.progress import discard

    libs = runtime_libs.ensure(task_root.parent.parent)
    function = Function(name="bench-dev", task_root=task_root, runtime_libs=libs, memory_mb=memory)
    event = _event(path)
    walls, inits, firsts, inproc = [], [], [], []
    for _ in range(rounds):
        pool = Pool(function, LambdaLog(discard), limit=1)
        began = time.perf_counter()
        outcome, report = pool.invoke(event)
        walls.append((time.perf_counter() - began) * 1000)
        pool.close()
        assert isinstance(outcome, Succeeded), outcome
        inits.append(report.init_duration_ms)
        firsts.append(report.duration_ms)
        done = subprocess.run([sys.executable, "-I", "-S", "-c", IN_PROCESS, str(task_root), json.dumps(event)],
                              capture_output=True, text=True, check=True, cwd=task_root)
        measured = json.loads(done.stdout)
        inproc.append(measured["import_ms"] + measured["first_call_ms"])
    return {"wall": statistics.median(walls), "init": statistics.median(inits),
            "first": statistics.median(firsts), "in_process": statistics.median(inproc)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, noisier numbers")
    args = parser.parse_args()
    seconds, limit, rounds = (1.5, 3000, 1) if args.quick else (5.0, 20000, 3)

    with tempfile.TemporaryDirectory(prefix="shoehorn-bench-") as tmp:
        app_dir = Path(tmp) / "trivial"
        app_dir.mkdir()
        (app_dir / "app.py").write_text(TRIVIAL_APP)
        task_root, _ = _bundle_root(app_dir)
        adapter_us = in_process_us(task_root, "/", 2000)
        print(f"# dev --lambda throughput, trivial WSGI endpoint, {seconds:g} s per run (Python {sys.version.split()[0]})")
        print(f"  in-process adapter        : {adapter_us:8.1f} µs/request  ({1e6 / adapter_us:,.0f} req/s on one core)")
        floor = {}
        for containers in (1, 4):
            rps, _, _ = throughput(app_dir, containers, seconds, limit, plain=True)
            floor[containers] = 1e6 / rps * containers
            print(f"  bare uvicorn+Starlette, {containers} client{'s' if containers > 1 else ' '}: {rps:8.0f} req/s   "
                  f"{floor[containers]:8.0f} µs/request/client (the HTTP floor: no Lambda at all)")
        single = None
        for containers in (1, 4):
            rps, errors, cold = throughput(app_dir, containers, seconds, limit)
            single = single or rps
            per_request_us = 1e6 / rps * containers
            print(f"  dev --lambda, {containers} container{'s' if containers > 1 else ' '}: {rps:8.0f} req/s   "
                  f"{per_request_us:8.0f} µs/request/client   x{rps / single:.2f} vs 1 container   "
                  f"emulator adds ~{per_request_us - floor[containers] - adapter_us:,.0f} µs/request over floor + adapter "
                  f"(non-200: {errors}, cold starts: {cold})")

        print(f"\n# container cold start per example (median of {rounds}), vs in-process import + first call")
        for example, path in EXAMPLES.items():
            copy = Path(tmp) / example
            import shutil

            shutil.copytree(ROOT / "examples" / example, copy, ignore=shutil.ignore_patterns("__pycache__", ".shoehorn"))
            root, config = _bundle_root(copy)
            numbers = cold_start(root, config.memory, path, rounds)
            print(f"  {example:12s}: cold request {numbers['wall']:7.1f} ms  (Init Duration {numbers['init']:6.1f} ms"
                  f" + first invoke {numbers['first']:5.1f} ms)   in-process {numbers['in_process']:6.1f} ms   "
                  f"x{numbers['wall'] / numbers['in_process']:.2f}, emulator adds {numbers['wall'] - numbers['in_process']:.0f} ms")


if __name__ == "__main__":
    main()
