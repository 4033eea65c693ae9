"""What `shoehorn dev` and `shoehorn dev --lambda` cost on top of the app and the adapter.

    python bench/local.py           # about a minute and a half
    python bench/local.py --quick   # a few seconds per part, noisier

0. Keep-alive: per-request time of `shoehorn dev` (reload on, the default) against
   `shoehorn dev --no-reload` and bare uvicorn + Starlette, one client reusing its connection,
   interleaved rounds. Target: reload within 1.2x of --no-reload.
1. Throughput: requests per second through `shoehorn dev --lambda` (a real subprocess: uvicorn
   front -> Runtime API -> awslambdaric container) with 1 and with 4 containers, for a trivial
   WSGI endpoint; the load comes from this process over loopback, one client thread per
   container, bounded in time and count. Next to it: the same request through the adapter
   in-process (``handler(event, context)``), so the emulator's own per-request overhead shows.
   Next to them, the floors of the Lambda path: awslambdaric driven by a minimal Runtime API
   (one socket, one thread, the fewest bytes that work) and shoehorn's own Runtime API + container
   (``Pool.invoke`` in this process), both on the same bundle and event. Targets: `dev --lambda`
   within 1.5x of the sum of the floors (HTTP + awslambdaric + adapter) per request; 4 containers
   at least 1.6x the throughput of 1.
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


def throughput(app_dir: Path, rounds: int, seconds: float, limit: int) -> dict[str, list[float]]:
    """req/s through `dev --lambda` (up to 4 containers) and through a bare Starlette app under
    uvicorn answering the same bytes (the floor of this HTTP stack and this client on this
    machine), with 1 and 4 clients, in interleaved rounds: each round's ratios compare runs
    made within seconds of each other, so the load of a shared machine cancels out."""
    runs: dict[str, list[float]] = {"bare 1": [], "bare 4": [], "lambda 1": [], "lambda 4": [], "errors": []}
    bare_port, lambda_port = _free_port(), _free_port()
    servers = [
        _serve_http([sys.executable, "-c", PLAIN_SERVER, str(bare_port)], f"http://127.0.0.1:{bare_port}/",
                    app_dir.parent / "bare.log"),
        # the log goes next to the app directory, not into it (the reloader watches it)
        _serve_http([sys.executable, "-m", "shoehorn", "dev", "--lambda", "-C", str(app_dir), "--port",
                     str(lambda_port), "--concurrency", "4"], f"http://127.0.0.1:{lambda_port}/__probe__",
                    app_dir.parent / "emulator.log"),
    ]
    urls = {"bare": f"http://127.0.0.1:{bare_port}/dev/", "lambda": f"http://127.0.0.1:{lambda_port}/dev/"}
    try:
        _load(urls["lambda"], 4, 1.0, 200)  # start every container: cold starts are measured below
        order = [(kind, clients) for clients in (1, 4) for kind in ("bare", "lambda")]
        for n in range(rounds):
            for kind, clients in order[n % 4:] + order[:n % 4]:  # each round starts with another run
                ok, errors, elapsed = _load(urls[kind], clients, seconds, limit)
                runs[f"{kind} {clients}"].append(ok / elapsed)
                runs["errors"].append(errors)
        # REPORT lines only: the access line of a cold request names its Init Duration too
        runs["cold starts"] = [float((app_dir.parent / "emulator.log").read_text().count("\tInit Duration: "))]
        return runs
    finally:
        for process in servers:
            process.terminate()
            process.wait(15)


def _serve_http(command: list[str], probe: str, log: Path) -> subprocess.Popen:
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(probe, timeout=5)
            return process
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start:\n{log.read_text()}")
            time.sleep(0.1)


def keep_alive(app_dir: Path, rounds: int, count: int) -> dict[str, tuple[float, float]]:
    """µs per request on one kept-alive connection (best round, median round) for each server."""
    servers = {}
    commands = {
        "shoehorn dev (reload)": [sys.executable, "-m", "shoehorn", "dev", "-C", str(app_dir)],
        "shoehorn dev --no-reload": [sys.executable, "-m", "shoehorn", "dev", "-C", str(app_dir), "--no-reload"],
        "bare uvicorn+Starlette": [sys.executable, "-c", PLAIN_SERVER],
    }
    try:
        for name, command in commands.items():
            port = _free_port()
            command = command + ([str(port)] if name.startswith("bare") else ["--port", str(port)])
            url = f"http://127.0.0.1:{port}/"
            servers[name] = (_serve_http(command, url, app_dir.parent / f"dev-{port}.log"), url)
        timings: dict[str, list[float]] = {name: [] for name in servers}
        clients = {name: httpx.Client(timeout=30) for name in servers}
        for name, (_, url) in servers.items():
            clients[name].get(url)  # connect and warm up
        for _ in range(rounds):  # interleaved: a busy machine slows every server alike
            for name, (_, url) in servers.items():
                began = time.perf_counter()
                for _ in range(count):
                    clients[name].get(url)
                timings[name].append((time.perf_counter() - began) / count * 1e6)
        for client in clients.values():
            client.close()
        return {name: (min(values), statistics.median(values)) for name, values in timings.items()}
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(15)


def _request(reader) -> bytes:
    """One request off the runtime's connection: its body (the headers are read and dropped)."""
    length = 0
    reader.readline()
    while (line := reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return reader.read(length)


def minimal_runtime_us(function, event: dict, count: int) -> float:
    """awslambdaric against the least Runtime API that works: one connection, one thread, fixed
    answers; µs per invocation, from handing out the event to the runtime's next poll."""
    import socket

    from shoehorn.local.containers import lambda_environment

    listener = socket.create_server(("127.0.0.1", 0))
    address = f"127.0.0.1:{listener.getsockname()[1]}"
    boot = ("import sys; sys.path[:0] = [sys.argv.pop(1), sys.argv.pop(1)]; "
            "import runpy; runpy.run_module('awslambdaric', run_name='__main__', alter_sys=True)")
    process = subprocess.Popen([sys.executable, "-I", "-S", "-c", boot, str(function.task_root),
                                str(function.runtime_libs), function.handler], cwd=function.task_root,
                               env=lambda_environment(function, address, "bench"), stdout=subprocess.DEVNULL)
    try:
        connection, _ = listener.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = connection.makefile("rb")
        body = json.dumps(event).encode()
        answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: bench\r\n"
                  b"Lambda-Runtime-Deadline-Ms: 99999999999999\r\nLambda-Runtime-Invoked-Function-Arn: "
                  + function.arn.encode() + b"\r\nLambda-Runtime-Trace-Id: Root=1-0-0\r\nContent-Length: "
                  + str(len(body)).encode() + b"\r\n\r\n" + body)
        accepted = b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        _request(reader)  # the first poll: init is over

        def invoke() -> None:
            connection.sendall(answer)
            assert b"statusCode" in _request(reader)
            connection.sendall(accepted)
            _request(reader)  # the next poll

        return _best_us(invoke, count)
    finally:
        process.kill()
        process.wait()
        listener.close()


def pool_us(function, event: dict, count: int) -> float:
    """shoehorn's Runtime API + container: ``Pool.invoke`` in this process, µs per invocation."""
    from shoehorn.local.logs import LambdaLog
    from shoehorn.local.pool import Pool
    from shoehorn.progress import discard

    pool = Pool(function, LambdaLog(discard), limit=1)
    try:
        pool.invoke(event)  # the cold start
        return _best_us(lambda: pool.invoke(event), count)
    finally:
        pool.close()


def _best_us(call, count: int) -> float:
    call()
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(count):
            call()
        best = min(best, (time.perf_counter() - began) / count)
    return best * 1e6


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

        print(f"# shoehorn dev, one client on a kept-alive connection, {rounds * 2 + 1} interleaved rounds of 200")
        alive = keep_alive(app_dir, rounds * 2 + 1, 200)
        for name, (best, median) in alive.items():
            print(f"  {name:26s}: {best:8.0f} µs/request best, {median:8.0f} median")
        ratio = alive["shoehorn dev (reload)"][0] / alive["shoehorn dev --no-reload"][0]
        print(f"  reload / --no-reload       : x{ratio:.2f} (target <= 1.2x: {'met' if ratio <= 1.2 else 'MISSED'})\n")

        task_root, _ = _bundle_root(app_dir)
        adapter_us = in_process_us(task_root, "/", 2000)
        from shoehorn.local import runtime_libs
        from shoehorn.local.containers import Function

        function = Function(name="bench-dev", task_root=task_root, runtime_libs=runtime_libs.ensure(app_dir / ".shoehorn"))
        minimal = minimal_runtime_us(function, _event("/"), 1000)
        pooled = pool_us(function, _event("/"), 1000)
        print(f"# dev --lambda throughput, trivial WSGI endpoint, {seconds:g} s per run (Python {sys.version.split()[0]})")
        print(f"  in-process adapter        : {adapter_us:8.1f} µs/request  ({1e6 / adapter_us:,.0f} req/s on one core)")
        print(f"  awslambdaric, minimal Runtime API : {minimal:6.0f} µs/invocation (the floor of the Lambda path)")
        print(f"  shoehorn Runtime API + container  : {pooled:6.0f} µs/invocation (Pool.invoke)   x{pooled / minimal:.2f} the floor")
        runs = throughput(app_dir, rounds * 2 + 1, seconds / 2, limit)
        per = {key: [1e6 / rps for rps in values] for key, values in runs.items() if key[-1] in "14"}
        floors = [bare + minimal + adapter_us for bare in per["bare 1"]]
        over = [lam / fl for lam, fl in zip(per["lambda 1"], floors)]
        scale = [four / one for four, one in zip(runs["lambda 4"], runs["lambda 1"])]
        bare_scale = [four / one for four, one in zip(runs["bare 4"], runs["bare 1"])]
        med = statistics.median
        print(f"  {len(over)} interleaved rounds of {seconds / 2:g} s per run; median (best) of the rounds:")
        print(f"  bare uvicorn+Starlette, 1 client :  {med(runs['bare 1']):6.0f} req/s   {med(per['bare 1']):6.0f} µs/request "
              f"(the HTTP floor)")
        print(f"  bare uvicorn+Starlette, 4 clients:  {med(runs['bare 4']):6.0f} req/s   x{med(bare_scale):.2f} "
              f"({max(bare_scale):.2f}) vs 1 client: what this machine gives two processes now")
        print(f"  dev --lambda, 1 container        :  {med(runs['lambda 1']):6.0f} req/s   {med(per['lambda 1']):6.0f} µs/request "
              f"x{med(over):.2f} ({min(over):.2f}) the floors' sum (HTTP + awslambdaric + adapter: {med(floors):,.0f} µs)")
        front = [lam - bare - pooled for lam, bare in zip(per["lambda 1"], per["bare 1"])]
        print(f"  where 1 container's request goes : HTTP floor {med(per['bare 1']):,.0f} µs + Pool.invoke {pooled:,.0f} µs "
              f"+ the front's own work {med(front):,.0f} µs (gateway event, HTTP answer, log lines)")
        print(f"  dev --lambda, 4 containers       :  {med(runs['lambda 4']):6.0f} req/s   x{med(scale):.2f} "
              f"({max(scale):.2f}) vs 1 container   (non-200: {sum(runs['errors']):.0f}, cold starts: "
              f"{runs['cold starts'][0]:.0f}, all before the rounds)")
        print("  targets: 1 container within 1.5x the floors' sum; 4 containers >= 1.6x the throughput of 1")

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
