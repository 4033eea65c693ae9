"""How many AWS calls (read vs write) and how much wall time `shoehorn up` spends, against a moto server.

    python bench/deploy.py            # about 40 s
    python bench/deploy.py --rounds 1

Scenarios, each on a fresh app name in the same moto server, with the bundle built once
beforehand (packaging has its own bench): first deploy, code-only update, no-op deploy.
Calls are counted by shoehorn's own AWS door (every attempt, retries included). Targets: a no-op
deploy uploads nothing and makes only reads; a code-only update makes at most 6 writes.

AWS answers control-plane calls in ~50-300 ms each, moto in a few: every call goes through the
fault-injecting proxy of the tests (tests/deploy/faultproxy.py) holding it ``--delay`` (100 ms)
first, so the wall times show what waiting on AWS costs. Each round runs the scenarios once in
plan order, one call at a time (``apply.WORKERS = 1``: the sequential baseline), and once with
independent actions and reads side by side (the default), interleaved; the ratio compares the
two in the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shoehorn import deploy  # noqa: E402
from shoehorn.bundle.artifact import Bundle  # noqa: E402
from shoehorn.config import Config  # noqa: E402
from shoehorn.deploy import apply  # noqa: E402
from shoehorn.deploy.aws import Aws  # noqa: E402
from tests.deploy.faultproxy import FaultProxy  # noqa: E402

MODES = {"sequential": 1, "concurrent": apply.WORKERS}
SCENARIOS = ("first deploy", "code-only update", "no-op deploy")


def start_moto() -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/moto-api/data.json", timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("moto server did not start")


def bundle(directory: Path, marker: str) -> Bundle:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("shoehorn_handler.py", (1980, 1, 1, 0, 0, 0)),
                         f"# {marker}\ndef handler(event, context):\n    return {{'statusCode': 200}}\n")
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    path = directory / f"{marker}.zip"
    path.write_bytes(data)
    # content: what a real build records, so uploads write the shoehorn:code tag as they do for real
    return Bundle(path=path, sha256=digest, zipped_bytes=len(data), unzipped_bytes=len(data), runtime="python3.11",
                  architecture="x86_64", content=hashlib.sha256(marker.encode()).hexdigest())


def measure(config: Config, built: Bundle) -> tuple[float, int, int, int]:
    aws = Aws()
    started = time.perf_counter()
    result = deploy.up(config, built, aws)
    return time.perf_counter() - started, aws.reads, aws.writes, len(result.actions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds added to every AWS call (default 0.1)")
    args = parser.parse_args()
    process, url = start_moto()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                      AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
    rows = {(mode, name): [] for mode in MODES for name in SCENARIOS}
    try:
        with tempfile.TemporaryDirectory() as tmp, FaultProxy(url) as proxy:
            os.environ["AWS_ENDPOINT_URL"] = proxy.url
            v1, v2 = bundle(Path(tmp), "v1"), bundle(Path(tmp), "v2")
            Aws().call("iam", "list_roles")  # moto loads AWS managed policies on first IAM use: not ours to time
            proxy.delay = args.delay
            for n in range(args.rounds):
                for mode, workers in (MODES.items() if n % 2 == 0 else reversed(MODES.items())):
                    apply.WORKERS = workers
                    # project: as an app in a git repository with a remote is deployed (shoehorn/project.py): a
                    # first deploy then asks whether the project's stage is deployed under another name
                    config = Config(directory=Path(tmp), name=f"bench{n}{mode[0]}-{os.getpid()}", stage="dev",
                                    app="app:app", environment={"SECRET": "x"}, project=f"bench-{os.getpid()}")
                    rows[mode, "first deploy"].append(measure(config, v1))
                    rows[mode, "code-only update"].append(measure(config, v2))
                    rows[mode, "no-op deploy"].append(measure(config, v2))
                    deploy.down(config, Aws())
    finally:
        process.terminate()
        process.wait(10)

    print(f"shoehorn up against moto behind a proxy adding {args.delay * 1000:.0f} ms to every AWS call — "
          f"{args.rounds} round(s), median wall time; calls per run")
    print(f"{'scenario':<18} {'sequential':>11} {'concurrent':>11} {'ratio':>6} {'reads':>6} {'writes':>7} {'actions':>8}")
    for name in SCENARIOS:
        walls = {mode: statistics.median(r[0] for r in rows[mode, name]) for mode in MODES}
        reads, writes, actions = rows["concurrent", name][-1][1:]
        print(f"{name:<18} {walls['sequential'] * 1000:>9.0f}ms {walls['concurrent'] * 1000:>9.0f}ms "
              f"{walls['concurrent'] / walls['sequential']:>5.2f}x {reads:>6} {writes:>7} {actions:>8}")
    noop = rows["concurrent", "no-op deploy"][-1]
    code = rows["concurrent", "code-only update"][-1]
    print(f"target: no-op makes only reads ........ {'met' if noop[2] == 0 else 'MISSED'} ({noop[2]} writes)")
    print(f"target: code-only update <= 6 writes .. {'met' if code[2] <= 6 else 'MISSED'} ({code[2]} writes)")

if __name__ == "__main__":
    main()
