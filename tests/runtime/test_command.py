"""`shoehorn run`'s command event: told apart from every HTTP event, run with its output and exit code."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from shoehorn.runtime.command import command_event, executable, is_command
from shoehorn.runtime.handler import adapt

EVENTS = Path(__file__).parents[1] / "conformance" / "events"  # AWS's and others' published events, kept in the repo
SAMPLES = sorted(EVENTS.glob("*/*.json"))
assert SAMPLES, f"no conformance samples under {EVENTS}"


def echo(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"app answered"]


class Context:
    aws_request_id = "req-1"

    def __init__(self, remaining_ms: int = 30_000) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.mark.skipif(not SAMPLES, reason=f"conformance events not found at {EVENTS}")
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_http_event_is_a_command_even_carrying_one(path: Path) -> None:
    event = json.loads(path.read_text())
    assert not is_command(event)
    # The client controls values below the top level (body, headers, query): still not a command.
    carried = dict(event, body=json.dumps(command_event(["id"])))
    if isinstance(event.get("headers"), dict):
        carried["headers"] = {**event["headers"], "shoehorn": "command", "argv": "id"}
    assert not is_command(carried)
    # Nor does adding the command's keys to an HTTP event make it one.
    assert not is_command({**event, **command_event(["id"])})


@pytest.mark.parametrize("event", [
    {"shoehorn": "command", "argv": []}, {"shoehorn": "command", "argv": "ls"}, {"shoehorn": "command"},
    {"shoehorn": "command", "argv": ["ls", 1]}, {"shoehorn": "warm"}, {"shoehorn": "command", "argv": ["ls"], "x": 1},
    ["shoehorn", "command"],
])
def test_only_the_exact_shape_is_a_command(event) -> None:
    assert not is_command(event)


def test_the_handler_runs_a_command_and_answers_its_output_and_exit_code() -> None:
    handler = adapt(echo)
    code = "import os; print('hello', os.environ.get('STAGE_NAME')); raise SystemExit(3)"
    answer = handler(command_event(["python", "-c", code]), Context())
    assert answer["exit_code"] == 3 and answer["output"].startswith("hello") and not answer["timed_out"]
    assert answer["timeout_s"] == pytest.approx(28.5)


def test_the_command_is_bounded_by_the_time_the_invocation_has_left() -> None:
    began = time.monotonic()
    answer = adapt(echo)(command_event([sys.executable, "-c", "import time; time.sleep(20)"]), Context(2_500))
    assert answer["timed_out"] and answer["exit_code"] == 124 and time.monotonic() - began < 10


def test_the_child_imports_the_functions_path_then_what_pythonpath_named(tmp_path, monkeypatch) -> None:
    # Lambda's PYTHONPATH is its runtime directory; the local containers add their read-only hook there
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), sys.path[0] or "."]))
    code = "import os, sys; print(os.environ['PYTHONPATH'])"
    seen = adapt(echo)(command_event(["python", "-c", code]), Context())["output"].strip().split(os.pathsep)
    assert seen == [*(p for p in sys.path if p), str(tmp_path)]  # an entry already on sys.path is not repeated


def test_a_missing_command_answers_127() -> None:
    answer = adapt(echo)(command_event(["no-such-command-anywhere"]), Context())
    assert answer["exit_code"] == 127 and "no-such-command-anywhere" in answer["output"]


def test_python_and_console_scripts_become_this_interpreter(tmp_path, monkeypatch) -> None:
    assert executable(["python", "-V"]) == [sys.executable, "-V"]
    # A console script is not in the bundle (no bin/): its module runs instead, as `flask` -> `python -m flask`.
    assert executable(["json-tool-not-a-binary"])[0] == "json-tool-not-a-binary"
    assert executable(["calendar", "2024"]) == [sys.executable, "-m", "calendar", "2024"]
    assert executable(["test", "-f", "x"]) == ["test", "-f", "x"]  # /usr/bin/test, not the stdlib package
    # A module the bundle holds beats a program of the same name on PATH.
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "bundledtool").write_text("#!/bin/sh\n")
    (tmp_path / "bin" / "bundledtool").chmod(0o755)
    (tmp_path / "root" / "bundledtool").mkdir(parents=True)
    (tmp_path / "root" / "bundledtool" / "__init__.py").write_text("")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    monkeypatch.syspath_prepend(str(tmp_path / "root"))
    assert executable(["bundledtool"]) == ["bundledtool"]
    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(tmp_path / "root"))
    assert executable(["bundledtool", "x"]) == [sys.executable, "-m", "bundledtool", "x"]


def test_a_console_script_whose_module_is_not_its_name_runs_through_its_entry_point(tmp_path, monkeypatch) -> None:
    # `shoehorn run -- roundup-admin -i tracker initialise` (roundup.scripts.roundup_admin:run) was "No such file
    # or directory": the bundle has no bin/, and `python -m roundup_admin` names no module.
    root = tmp_path / "root"
    (root / "tracker_tool").mkdir(parents=True)
    (root / "tracker_tool" / "__init__.py").write_text("")
    (root / "tracker_tool" / "admin.py").write_text(
        "import sys\ndef run():\n    print('admin', sys.argv[0], sys.argv[1:])\n    return 3\n")
    info = root / "tracker_tool-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tracker-tool\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[console_scripts]\ntracker-admin = tracker_tool.admin:run\n")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(root))
    assert executable(["tracker-admin", "-i", "x"]) == [
        sys.executable, "-m", "shoehorn.runtime.script", "tracker-admin", "-i", "x"]
    answer = adapt(echo)(command_event(["tracker-admin", "-i", "x"]), Context())
    assert answer["exit_code"] == 3 and "admin tracker-admin ['-i', 'x']" in answer["output"], answer
