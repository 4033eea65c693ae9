"""The typer application and its error boundary (exit codes in shoehorn.errors)."""

from __future__ import annotations

import os
import shlex
import signal
import stat
import sys
import threading

import typer
from rich.markup import escape
from typer.core import TyperGroup

from shoehorn.errors import EXIT_CODES, ShoehornError

_HELP_NAMES = ["-h", "--help"]
# What users of other deploy tools type (serverless deploy, zappa undeploy, ...), and shoehorn's word for it.
_SYNONYMS = {"deploy": "up", "update": "up", "undeploy": "down", "destroy": "down", "delete": "down",
             "remove": "down", "diff": "plan", "package": "build", "info": "status", "tail": "logs",
             "exec": "run", "serve": "dev"}


class _Commands(TyperGroup):
    """An unknown command gets shoehorn's word for it (`deploy`: `up`) or the closest names (`stauts`:
    `status`), through click's public ``resolve_command``; hidden commands are never suggested."""

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            visible = [known for known, command in self.commands.items() if not command.hidden]
            synonym = _SYNONYMS.get(name.lower())
            matches = [synonym] if synonym in visible else difflib.get_close_matches(name, visible)
            suggestion = f" Did you mean {' or '.join(repr(m) for m in matches)}?" if matches else ""
            ctx.fail(f"No such command {name!r}.{suggestion}")
        return super().resolve_command(ctx, args)

_EPILOG = "Exit codes: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items())

app = typer.Typer(
    name="shoehorn",
    cls=_Commands,
    help=(
        "Put a whole WSGI (Flask, Django) or ASGI (FastAPI, Starlette) app into one AWS Lambda "
        "behind API Gateway. AWS credentials and region come from the standard AWS chain "
        "(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...)."
    ),
    epilog=_EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": _HELP_NAMES},
)

_state: dict = {"verbose": False, "signal": None}


def _print_version(value: bool) -> None:
    # An eager option callback runs while the arguments are parsed, before click asks for a
    # subcommand, so `shoehorn --version` works alone.
    if value:
        from shoehorn import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and AWS request details."),
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
    ),
) -> None:
    _state["verbose"] = verbose


def _is_click_error(error: BaseException) -> bool:
    # typer >= 0.20 vendors its own click (typer._click), so isinstance against the public click
    # package misses its usage errors; match the class by name along the MRO instead.
    return any(cls.__name__ == "ClickException" for cls in type(error).__mro__) and hasattr(error, "show")


def verbose() -> bool:
    return _state["verbose"]


def signalled() -> bool:
    """Whether SIGINT/SIGTERM arrived during the command (a server ends that way, with exit 0)."""
    return _state["signal"] is not None


def _command():
    """The click command behind ``app``, with on/off flags shown bare in --help (no `<bool>`)."""
    command = typer.main.get_command(app)
    every, pending = [], [command]
    while pending:  # groups too (env, cloud): their commands are a level down
        found = pending.pop()
        every.append(found)
        pending.extend(getattr(found, "commands", {}).values())
    _verbose_everywhere(command, every[1:])
    for sub in every:
        # --help is made on first use and kept; made here with the same names, it is bare too.
        context = sub.context_class(sub, help_option_names=_HELP_NAMES)
        for param in [*sub.params, sub.get_help_option(context)]:
            if param is not None and getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
    return command


def _verbose_everywhere(root, subcommands) -> None:
    """-v/--verbose after the subcommand too (`shoehorn build -v`), as click parses it: not a `--`'s
    argument (`run -- CMD -v` passes -v to CMD), nor an option's value. Each subcommand gets a copy of
    the root's option that only sets the flag (no value reaches the command's function)."""
    import copy

    option = next(param for param in root.params if param.name == "verbose")

    def turn_on(ctx, param, value):
        if value:
            _state["verbose"] = True

    for sub in subcommands:
        if any(param.name == "verbose" for param in sub.params):
            continue
        mine = copy.copy(option)
        mine.expose_value, mine.callback = False, turn_on
        sub.params.append(mine)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived. A KeyboardInterrupt, so code that ends on Ctrl-C (``logs -f``) also ends on it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _on_signal(signum: int, frame: object) -> None:
    _state["signal"] = signum
    raise Interrupted(signum)


def _report_interruption(argv: list[str] | None) -> int:
    """One line: what was in progress and that re-running the command finishes it (deploys converge)."""
    from shoehorn.cli.render import console_err, step_in_progress

    signum = _state.get("signal") or signal.SIGINT
    step = step_in_progress()
    command = "shoehorn " + shlex.join(sys.argv[1:] if argv is None else argv)
    during = f" during: {escape(step)}" if step else ""
    console_err().print(f"[yellow]interrupted ({signal.Signals(signum).name}){during}[/]; "
                        f"run `{escape(command.strip())}` again to finish", highlight=False)
    return 128 + signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; turn ShoehornError into a message + exit code, never a traceback.

    SIGINT and SIGTERM both raise ``Interrupted`` in the main thread, even in the middle of an
    AWS call, and end the command with 130 / 143 and one line saying how to finish it.
    """
    from shoehorn import commandline
    from shoehorn.cli.render import forget_step

    _state["signal"] = None
    forget_step()
    commandline.forget()
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        try:
            return _run(argv)
        finally:
            commandline.forget()
    previous = {signum: signal.signal(signum, _on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _run(argv)
    finally:
        commandline.forget()
        for signum, handler in previous.items():
            # As the process's own command (argv None) it exits next: a signal now comes after the work is
            # done and reported, and must not turn it into a killed process (exit 130/143 with no word).
            signal.signal(signum, handler if argv is not None else signal.SIG_IGN)


PIPE_CLOSED = 141  # 128 + SIGPIPE: what a command-line tool exits with when `| head` stops reading


def _stdout_kind() -> int | None:
    """What stdout is (its st_mode), None when it has no file."""
    try:
        return os.fstat(sys.__stdout__.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return None


def _output_closed(was: int | None) -> bool:
    """Whether the reader of our stdout went away: the pipe reports an error to poll, or rich
    found it broken and put /dev/null in its place (Console.on_broken_pipe, then exit 1)."""
    import select

    if was is None or not stat.S_ISFIFO(was):
        return False
    now = _stdout_kind()
    if now is None or not stat.S_ISFIFO(now):
        return True
    poller = select.poll()
    poller.register(sys.__stdout__.fileno(), select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


def _run(argv: list[str] | None) -> int:
    from shoehorn.cli.render import console_err

    stdout_was = _stdout_kind()
    try:
        # Outside standalone mode click returns the code of a `typer.Exit(code)` instead of raising.
        code = _command()(args=argv, prog_name="shoehorn", standalone_mode=False)
        if code and _state["signal"]:  # typer turns KeyboardInterrupt into a returned 130
            return _report_interruption(argv)
        return code if isinstance(code, int) else 0
    except ShoehornError as error:
        console = console_err()
        console.print(f"[bold red]error:[/] {escape(error.message)}", highlight=False)
        if error.hint:
            console.print(f"[yellow]hint:[/] {escape(error.hint)}", highlight=False)
        if _state["verbose"]:
            console.print_exception()
        return error.exit_code
    except KeyboardInterrupt:
        return _report_interruption(argv)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        if _state["signal"]:  # click turns Ctrl-C at a prompt into Abort
            return _report_interruption(argv)
        console_err().print("[yellow]aborted[/]: nothing was changed")  # e.g. Ctrl-D at a prompt
        return 130
    except SystemExit as done:  # click usage errors in non-standalone mode surface here
        if done.code == 1 and _output_closed(stdout_was):  # how click and rich end on a closed pipe
            return PIPE_CLOSED
        return done.code if isinstance(done.code, int) else 1
    except Exception as error:  # noqa: BLE001 - the boundary: everything else is our bug
        if _is_click_error(error):
            error.show(file=sys.stderr)  # type: ignore[attr-defined]
            return int(getattr(error, "exit_code", 2))
        console = console_err()
        console.print(f"[bold red]internal error:[/] {type(error).__name__}: {escape(str(error))}", highlight=False)
        if _state["verbose"]:
            console.print_exception()
        else:
            again = shlex.join(["shoehorn", "-v", *(sys.argv[1:] if argv is None else argv)])
            console.print(f"Run it again as `{escape(again)}` for the traceback, and please report it.", highlight=False)
        return 1
    return code if isinstance(code, int) else 0
