"""The door ``shoehorn run --local`` uses into a running ``shoehorn dev --lambda``.

On AWS a command reaches the function as a direct Invoke (never through the HTTP gateway);
locally the same holds: this is a second listener, not a route of the emulated gateway, so
no HTTP request to the app can become a command. It answers Lambda's Invoke path
(``POST /2015-03-31/functions/{name}/invocations``) for command events only, on 127.0.0.1,
and only with the session's token, which lives in ``.shoehorn/dev-lambda.json`` (mode 0600):
a web page the developer visits cannot run commands on their machine.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from shoehorn.runtime.command import is_command

STATE_FILE = "dev-lambda.json"  # in the app's .shoehorn/
_PATH = "/2015-03-31/functions/{name}/invocations"


@dataclass(frozen=True, slots=True)
class Session:
    """What ``run --local`` reads to reach a running ``dev --lambda``."""

    pid: int
    url: str  # http://127.0.0.1:PORT/2015-03-31/functions/NAME/invocations
    token: str


class InvokeApi:
    """A threaded loopback HTTP server passing command events to ``invoke`` (Pool.invoke)."""

    def __init__(self, function_name: str, invoke: Callable[[dict], tuple], shoehorn_dir: Path) -> None:
        self.token = secrets.token_urlsafe(32)
        self.path = _PATH.format(name=function_name)
        self.state = shoehorn_dir / STATE_FILE
        api = self

        class CommandDoor(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                given = self.headers.get("Authorization", "")
                if not hmac.compare_digest(given, f"Bearer {api.token}") or self.path != api.path:
                    return self._answer(403, {"message": "Forbidden"})
                try:
                    event = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                except ValueError:
                    event = None
                if not is_command(event):
                    return self._answer(400, {"message": "only `shoehorn run` command events come this way"})
                from shoehorn.local.runtime_api import Succeeded

                outcome, _ = invoke(event)
                if isinstance(outcome, Succeeded):
                    return self._answer(200, json.loads(outcome.payload))
                kind = getattr(outcome, "error_type", type(outcome).__name__)
                self._answer(200, {"errorType": kind, "errorMessage": str(getattr(outcome, "message", outcome))},
                             function_error=True)

            def _answer(self, status: int, body: dict, function_error: bool = False) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if function_error:
                    self.send_header("X-Amz-Function-Error", "Unhandled")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args) -> None:  # the pool logs START/END/REPORT already
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), CommandDoor)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="shoehorn-invoke-api", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self.state.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.state, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as state:
            json.dump({"pid": os.getpid(), "url": self.url, "token": self.token}, state)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        try:
            if json.loads(self.state.read_text()).get("token") == self.token:
                self.state.unlink()
        except (OSError, ValueError):
            pass


def running_session(shoehorn_dir: Path) -> Session | None:
    """The ``dev --lambda`` session serving this app, if one is running."""
    try:
        saved = json.loads((shoehorn_dir / STATE_FILE).read_text())
        session = Session(int(saved["pid"]), str(saved["url"]), str(saved["token"]))
        os.kill(session.pid, 0)  # alive? (signal 0 checks without signalling)
        port = int(session.url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        socket.create_connection(("127.0.0.1", port), timeout=2).close()  # still listening (not a reused pid)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return session
