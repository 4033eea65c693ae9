"""shoehorn.runtime answers the same on every Lambda Python this machine has.

The runtime ships in the bundle and runs on the function's Python (python3.10 to python3.14), while
the suite runs on one. A call that exists only on newer Pythons (``a2b_base64(strict_mode=...)``,
3.11+) made every base64 body a 400 on python3.10. Each other CPython found here
(shoehorn/local/interpreters.py: PATH, pyenv, uv) runs tests/runtime/answers_probe.py, and its
answers to every conformance event must equal this Python's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pythons import others

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parents[1]
EVENTS = HERE.parent / "conformance" / "events"
OTHERS = others()


def answers(python: str) -> dict:
    done = subprocess.run([python, "-I", "-S", str(HERE / "answers_probe.py"), str(CHECKOUT), str(EVENTS)],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def ours() -> dict:
    found = answers(sys.executable)
    assert found["lifespan startups"] == 1
    assert found["wsgi made-0"]["statusCode"] == 200 and found["wsgi made-1"]["statusCode"] == 400
    assert found["asgi made-2"]["statusCode"] == 201 and found["asgi made-2"]["isBase64Encoded"] is True
    return found


def test_the_probe_covers_the_conformance_events(ours) -> None:
    assert sum(key.startswith("wsgi ") and isinstance(value, dict) for key, value in ours.items()) >= 40


@pytest.mark.skipif(not OTHERS, reason="this machine has no CPython for another Lambda runtime")
@pytest.mark.parametrize(("runtime", "python"), OTHERS, ids=[runtime for runtime, _ in OTHERS])
def test_another_lambda_python_answers_every_event_as_this_one(ours, runtime, python) -> None:
    theirs = answers(python)
    differ = sorted(key for key in ours.keys() | theirs.keys() if ours.get(key) != theirs.get(key))
    assert not differ, f"{runtime} ({python}) answers differently: " + "; ".join(
        f"{key}: {ours.get(key)!r:.200} vs {theirs.get(key)!r:.200}" for key in differ[:5])
