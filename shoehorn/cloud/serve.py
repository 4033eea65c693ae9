"""The local cloud process: ``python -m shoehorn.cloud.serve --state-dir DIR [--port N]``.

Started in the background by ``shoehorn up --local`` / ``shoehorn cloud start`` (``lifecycle``);
runs until SIGTERM (``shoehorn cloud stop``). It writes ``cloud.json`` (pid, port, URL) in the
state directory once its port is bound; its output goes to ``cloud.log`` there.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

from shoehorn.cloud import PROFILE_ENV

STATE_FILE = "cloud.json"


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # asyncio sets TCP_NODELAY only on the sockets it creates; connections accepted on a socket handed
    # to uvicorn inherit this one's. Without it a keep-alive client waits ~40 ms per request (Nagle +
    # delayed ACK on the separate header and body writes).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(512)
    return sock


def _warm_iam(control) -> None:
    from shoehorn.errors import ShoehornError

    try:
        control.call("us-east-1", "iam", "get_policy",
                     PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    except ShoehornError:
        pass  # only a head start: the first deploy loads them otherwise


def _exit_after_shutdown(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shoehorn.cloud.serve")
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    state: Path = args.state_dir
    state.mkdir(parents=True, exist_ok=True)
    try:
        sock = _bind(args.port)
    except OSError as error:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {error}", file=sys.stderr, flush=True)
        return 7
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    # Every AWS call made here (data-plane reads, log writes) and by the functions goes through
    # the front, so writes are seen by the cache; dummy credentials unless the user set some.
    os.environ["AWS_ENDPOINT_URL"] = url
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    for variable in PROFILE_ENV:  # the shell that started the cloud may name a profile it does not have
        os.environ.pop(variable, None)
    # `up` attaches AWSLambdaBasicExecutionRole, which moto knows only with managed policies loaded.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

    import uvicorn
    from moto.server import ThreadedMotoServer

    from shoehorn.cloud.apigateway import Gateway
    from shoehorn.cloud.cloudwatch import LogWriter
    from shoehorn.cloud.codestore import CodeStore
    from shoehorn.cloud.control import Control
    from shoehorn.cloud.front import Cloud, create_app
    from shoehorn.cloud.lambdas import Lambdas
    from shoehorn.cloud.schedules import Scheduler
    from shoehorn.deploy.aws import Aws
    from shoehorn.local import runtime_client

    # moto's werkzeug server logs every control-plane request; the cloud's log keeps what matters.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    moto_host, moto_port = moto.get_host_and_port()
    control = Control(lambda region: Aws(region=region, deadline=30.0))
    store = CodeStore(state / "code")
    writer = LogWriter(control)
    libs, client = runtime_client.choose(state)
    lambdas = Lambdas(control, store, writer, libs, client, (runtime_client.install(state), runtime_client.MODULE))
    label = "awslambdaric" if client == runtime_client.AWSLAMBDARIC else "shoehorn's stdlib client (no awslambdaric here)"
    cloud = Cloud(control, store, lambdas, Gateway(control, lambdas), f"http://{moto_host}:{moto_port}",
                  runtime_client=label, started=time.time())
    # moto loads IAM's ~1,000 managed policies on the first IAM call (seconds): do it now, while the
    # `up --local` that started this cloud is still building its bundle.
    threading.Thread(target=_warm_iam, args=(control,), name="warm-iam", daemon=True).start()
    scheduler = Scheduler(control, lambdas)
    scheduler.start()
    # Keep-alive longer than any poll of the cloud's own clients (the scheduler reads every 5 s, which met
    # uvicorn's default 5 s: the connection closed as a request went out, logged every minute or so).
    server = uvicorn.Server(uvicorn.Config(create_app(cloud), log_level="warning", lifespan="off",
                                           timeout_graceful_shutdown=2, timeout_keep_alive=75,
                                           server_header=False, date_header=False,  # API Gateway's: the front's
                                           proxy_headers=False))  # sourceIp is the peer, never X-Forwarded-For
    (state / STATE_FILE).write_text(json.dumps({"pid": os.getpid(), "port": port, "url": url,
                                                "started": time.time()}) + "\n")
    print(f"local cloud on {url} (pid {os.getpid()}; moto {moto_host}:{moto_port})", file=sys.stderr, flush=True)
    # uvicorn shuts down on SIGTERM/SIGINT, then raises the signal again with the handlers it found:
    # the default ones ended the process there, before the cleanup below (containers and their /tmp
    # folders were left behind by every `shoehorn cloud stop`).
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _exit_after_shutdown)
    try:
        server.run(sockets=[sock])
    except SystemExit:
        pass
    finally:
        scheduler.stop()
        lambdas.close()
        writer.close()
        moto.stop()
        try:
            recorded = json.loads((state / STATE_FILE).read_text())
            if isinstance(recorded, dict) and recorded.get("pid") == os.getpid():
                (state / STATE_FILE).unlink()
        except (OSError, ValueError):
            pass
        print("local cloud stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
