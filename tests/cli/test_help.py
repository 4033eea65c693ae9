"""--help reads cleanly: flags without a `<bool>` placeholder, invoke's arguments as METHOD PATH."""

from __future__ import annotations

import contextlib
import io

import pytest

from shoehorn.cli import main
from shoehorn.cli.app import app


def help_of(*command: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        assert main([*command, "--help"]) == 0
    return out.getvalue()


COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands]
# the commands of groups (env, cloud) too: their flags showed `<bool>`
COMMANDS += [f"{group.name} {c.name or c.callback.__name__}" for group in app.registered_groups
             for c in group.typer_instance.registered_commands]


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_no_bool_placeholders(command: str) -> None:
    text = help_of(*command.split())
    assert "<bool>" not in text and "Usage:" in text


def test_invoke_usage_names_method_and_path() -> None:
    text = help_of("invoke")
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert usage.split("Usage:", 1)[1].split() == ["shoehorn", "invoke", "[OPTIONS]", "METHOD", "PATH"]


def test_short_help_still_works() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["build", "-h"]) == 0
    assert "--no-check" in out.getvalue()
