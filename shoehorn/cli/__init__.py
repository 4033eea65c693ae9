"""The ``shoehorn`` command: a typer app behind one error boundary.

Each command lives in its own module in this package and registers itself on
``app``; heavy rooms (bundle, deploy, local) are imported inside the command
functions so ``shoehorn --help`` stays instant.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

from shoehorn.cli.app import app

_NOT_COMMANDS = {"app", "options", "render", "local_target"}


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name not in _NOT_COMMANDS and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the process exit code."""
    from shoehorn.cli.app import PIPE_CLOSED, run, signalled

    try:
        code = run(argv)
        if argv is None:
            sys.stdout.flush()  # a closed pipe shows here, not at exit (where Python would say so and exit 120)
    except BrokenPipeError:
        # The reader of our output went away (`shoehorn logs | head`): stop quietly with the exit
        # status of a process SIGPIPE ended, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = PIPE_CLOSED
    if argv is None:
        if code in (130, 143) or signalled():
            # Interrupted: deploy threads may still wait on an AWS call, and a normal exit would
            # join them. The work converges on the next run, so leave now, with the streams flushed.
            # (A server stopped by Ctrl-C, exit 0, leaves the same way: its threads are done with.)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        sys.exit(code)
    return code
