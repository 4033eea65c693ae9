"""What the local cloud costs: `up --local` to the first answer, and requests per second through it.

    .venv/bin/python bench/cloud.py           # about a minute and a half
    .venv/bin/python bench/cloud.py --quick   # shorter load runs, noisier

1. For each example: the wall time from `shoehorn up --local` (a real subprocess) to the first
   200 through the URL it prints — once on a fresh copy (cold build: no .shoehorn cache; the
   dependencies come from uv's cache, as on any second project), once again after a code change
   (warm build: a new version, so the first request is a cold container too). The local cloud is
   already running and has had a first deploy (both shown apart), as for every `up --local` but the first.
2. Throughput of a trivial WSGI endpoint through the local cloud URL (front -> API Gateway data
   plane -> permission check -> alias -> version -> container) with 1 and 4 clients, next to
   `dev --lambda` (bench/local.py's measurement) in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from local import TRIVIAL_APP, _load, throughput  # bench/local.py: the dev --lambda side, measured the same way

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = {"flask_app": "api/notes", "fastapi_app": "items"}


def _env(state: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    nowhere = str(state / "no-aws-config")
    env.update(XDG_STATE_HOME=str(state), AWS_CONFIG_FILE=nowhere, AWS_SHARED_CREDENTIALS_FILE=nowhere,
               AWS_EC2_METADATA_DISABLED="true")
    return env


def _shoehorn(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "shoehorn", *args], env=env, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise SystemExit(f"shoehorn {' '.join(args)} failed:\n{done.stderr}")
    return done


def up_to_first_answer(env: dict[str, str], app: Path, path: str) -> float:
    began = time.perf_counter()
    url = _shoehorn(env, "up", "--local", "--no-check", "-C", str(app)).stdout.strip()
    answer = httpx.get(url + path, timeout=60)
    took = time.perf_counter() - began
    assert answer.status_code == 200, (answer.status_code, answer.text[:200])
    return took


def cloud_rps(env: dict[str, str], app: Path, clients: int, seconds: float, limit: int) -> tuple[float, int]:
    url = _shoehorn(env, "up", "--local", "--no-check", "-C", str(app)).stdout.strip()
    _load(url, clients, 1.0, 50 * clients)  # warm every container (cold starts excluded)
    ok, errors, elapsed = _load(url, clients, seconds, limit)
    return ok / elapsed, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter load runs, noisier numbers")
    args = parser.parse_args()
    seconds, limit = (1.5, 3000) if args.quick else (5.0, 20000)
    with tempfile.TemporaryDirectory(prefix="shoehorn-bench-cloud-") as tmp:
        env = _env(Path(tmp) / "state")
        began = time.perf_counter()
        _shoehorn(env, "cloud", "start")
        print(f"# local cloud start (moto + front, in the background): {time.perf_counter() - began:.1f} s "
              f"(Python {sys.version.split()[0]})")
        try:
            trivial = Path(tmp) / "trivial"
            trivial.mkdir()
            (trivial / "app.py").write_text(TRIVIAL_APP)
            first = up_to_first_answer(env, trivial, "")
            print(f"# first `up --local` into the fresh cloud, trivial app: {first:.1f} s (moto loads IAM's managed "
                  "policies on the first IAM call, once per cloud)")
            print("\n# `up --local` to the first 200 through the printed URL (cloud already running)")
            for example, path in EXAMPLES.items():
                app = Path(tmp) / example
                shutil.copytree(ROOT / "examples" / example, app,
                                ignore=shutil.ignore_patterns("__pycache__", ".shoehorn", "test_*.py"))
                cold = up_to_first_answer(env, app, path)
                (app / "app.py").write_text((app / "app.py").read_text() + "\n# a code change\n")
                warm = up_to_first_answer(env, app, path)
                print(f"  {example:12s}: cold build {cold:5.1f} s   warm build (code changed) {warm:5.1f} s")

            print(f"\n# throughput, trivial WSGI endpoint, {seconds:g} s per run")
            for clients in (1, 4):
                rps, errors = cloud_rps(env, trivial, clients, seconds, limit)
                dev_rps, dev_errors, _ = throughput(trivial, clients, seconds, limit)
                if not dev_rps:
                    raise SystemExit(f"dev --lambda answered no request with 200 ({dev_errors} others):\n"
                                     + (Path(tmp) / f"emulator-{clients}-False.log").read_text()[-3000:])
                print(f"  {clients} client{'s' if clients > 1 else ' '}: local cloud {rps:7.0f} req/s   dev --lambda "
                      f"{dev_rps:7.0f} req/s   x{rps / dev_rps:.2f}   (non-200: {errors} / {dev_errors})")
        finally:
            _shoehorn(env, "cloud", "stop")


if __name__ == "__main__":
    main()
