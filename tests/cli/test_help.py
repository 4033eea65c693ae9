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


def test_the_readme_names_exactly_the_commands_without_dir_or_stage() -> None:
    # QA: the README said "Every command takes -C/--dir PATH and --stage S"; clean has no --stage, cloud neither
    from pathlib import Path

    from shoehorn.cli.app import _command

    def leaves(group, prefix=""):
        for name, command in sorted(group.commands.items()):
            if hasattr(command, "commands"):
                yield from leaves(command, f"{prefix}{name} ")
            elif not command.hidden:
                yield f"{prefix}{name}", {opt for param in command.params for opt in getattr(param, "opts", ())}

    found = dict(leaves(_command()))
    assert sorted(name for name, opts in found.items() if "-C" not in opts) == ["cloud start", "cloud status", "cloud stop"]
    assert sorted(name for name, opts in found.items() if "--stage" not in opts) == [
        "clean", "cloud start", "cloud status", "cloud stop"]
    assert all("-v" in opts for opts in found.values())
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    assert ("Every command but `cloud start/status/stop` takes `-C/--dir PATH` (the app directory, default `.`), and "
            "every one but those and `clean` takes `--stage S`") in readme
