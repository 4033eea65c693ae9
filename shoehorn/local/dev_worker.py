"""How `shoehorn dev` runs uvicorn: the worker's start and the reloader around it.

An app that fails to start must not leave a server that takes connections and answers none.
Without reload the failure ends `dev` (exit 2, the error shown). With reload the worker answers
every request with a 500 page naming the failure and waits for the next file change, which starts
a fresh worker: uvicorn's own worker would exit and leave the supervisor's socket accepting
connections nobody serves. An edited config that no longer loads restarts nothing: it is reported
and the running worker keeps serving, as `dev --lambda` keeps the previous bundle.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import ChangeReload

from shoehorn.config import Config
from shoehorn.errors import AppCodeError, ShoehornError

logger = logging.getLogger("uvicorn.error")


def serve_once(config: Config, sock: socket.socket, announce=lambda: None) -> None:
    """`dev --no-reload`: the app in this process; an AppCodeError (exit 2) when it cannot start.
    ``announce()`` runs once the app is imported (the URL is printed only for an app that loads)."""
    from shoehorn.local.server import colors, load_app, use_config

    use_config(config)
    failures: list[str] = []
    app = _recording_startup_failure(load_app(), failures)  # an import error raises here, with file:line
    announce()
    try:
        uvicorn.Server(uvicorn.Config(app, log_level="info", use_colors=colors())).run(sockets=[sock])
    except SystemExit as exit:
        if exit.code != STARTUP_FAILURE:
            raise
        raise AppCodeError(f"the app's startup failed: {_last_line(failures)}",
                           "fix the error in the app's startup (lifespan) code: its traceback is above") from None


class ConfigReloader(ChangeReload):
    """uvicorn's watchfiles reloader; its workers run ``_worker``, and a config that does not load restarts nothing."""

    def __init__(self, config: uvicorn.Config, directory: Path, stage: str, sockets: list[socket.socket]) -> None:
        super().__init__(config, target=_Worker(config), sockets=sockets)
        self.directory = directory
        self.stage = stage

    def should_restart(self) -> list[Path] | None:
        changes = super().should_restart()
        if changes:
            from shoehorn.config import load

            try:
                load(self.directory, stage=self.stage)
            except ShoehornError as error:
                hint = f" ({error.hint})" if error.hint else ""
                logger.warning("reload failed, still serving the previous app: %s%s", error.message, hint)
                return None
        return changes


class _Worker:
    """The worker process's target (picklable: the spawned process gets a copy)."""

    def __init__(self, config: uvicorn.Config) -> None:
        self.config = config

    def __call__(self, sockets: list[socket.socket]) -> None:
        from shoehorn.local.server import load_app

        failures: list[str] = []
        try:
            app = load_app()
        except Exception as error:  # noqa: BLE001 - whatever the app (or its config) raises is shown
            failure = str(error) if isinstance(error, ShoehornError) else f"{type(error).__name__}: {error}"
        else:
            try:
                self._run(_recording_startup_failure(app, failures), sockets)
                return
            except SystemExit as exit:  # uvicorn's "Application startup failed. Exiting."
                if exit.code != STARTUP_FAILURE:
                    raise
            failure = f"the app's startup failed: {_last_line(failures)}"
        logger.error("%s\nAnswering every request with 500 until a file changes.", failure)
        self._run(_failure_page(failure), sockets, lifespan="off")

    def _run(self, app: Any, sockets: list[socket.socket], lifespan: str = "auto") -> None:
        config = self.config
        config.app, config.factory, config.lifespan, config.loaded = app, False, lifespan, False
        uvicorn.Server(config).run(sockets=sockets)


def _recording_startup_failure(app: Any, failures: list[str]) -> Any:
    """``app`` noting the traceback its lifespan startup reports (Starlette sends it with the failure)."""

    async def recording(scope, receive, send):
        if scope["type"] != "lifespan":
            return await app(scope, receive, send)

        async def sending(message):
            if message["type"] == "lifespan.startup.failed":
                failures.append(message.get("message") or "")
            await send(message)

        await app(scope, receive, sending)

    return recording


def _last_line(failures: list[str]) -> str:
    lines = [line for text in failures for line in text.strip().splitlines()]
    return lines[-1] if lines else "its lifespan startup reported a failure (see above)"


def _failure_page(failure: str) -> Any:
    body = (f"shoehorn dev: the app failed to start.\n\n{failure}\n\n"
            "Fix it and save: the server restarts on the next file change.\n").encode()

    async def page(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 500,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return page
