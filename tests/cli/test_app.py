"""The CLI's error boundary: messages with hints, meaningful exit codes, instant --help."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from shoehorn.cli import app, main
from shoehorn.errors import ConfigError, ShoehornError


@app.command("_raise-config", hidden=True)
def _raise_config() -> None:
    raise ConfigError("unknown key 'memroy' in shoehorn.toml", "did you mean 'memory'?")


@app.command("_raise-bug", hidden=True)
def _raise_bug() -> None:
    raise RuntimeError("boom")


def test_shoehorn_error_prints_message_and_hint_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["_raise-config"])
    err = capsys.readouterr().err
    assert code == ConfigError.exit_code == 2
    assert "unknown key 'memroy'" in err
    assert "did you mean 'memory'?" in err
    assert "Traceback" not in err


def test_unexpected_error_is_reported_as_bug_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["_raise-bug"])
    err = capsys.readouterr().err
    assert code == 1
    assert "RuntimeError: boom" in err
    assert "-v" in err and "Traceback" not in err


def test_verbose_shows_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["-v", "_raise-bug"])
    assert code == 1
    assert "Traceback" in capsys.readouterr().err


def test_verbose_after_the_command_works_too(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    # QA: `shoehorn build -v` said "No such option: -v", while exit 1 asks for "-v output"
    assert main(["_raise-bug", "-v"]) == 1
    assert "Traceback" in capsys.readouterr().err
    assert main(["build", "-C", str(tmp_path), "--verbose"]) == 2  # no app there: a ConfigError, with its traceback
    assert "Traceback" in capsys.readouterr().err
    assert main(["build", "-C", str(tmp_path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_bug_names_the_command_to_run_again_with_v(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["_raise-bug"]) == 1
    assert "`shoehorn -v _raise-bug`" in capsys.readouterr().err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    assert "no-such-command" in capsys.readouterr().err


@pytest.mark.parametrize(("typed", "said"), [("deploy", "Did you mean 'up'?"), ("destroy", "Did you mean 'down'?"),
                                             ("stauts", "Did you mean 'status'")])
def test_an_unknown_command_gets_a_suggestion(typed, said, capsys: pytest.CaptureFixture[str]) -> None:
    # QA: `shoehorn deploy` said "No such command 'deploy'." and nothing else
    assert main([typed]) == 2
    err = capsys.readouterr().err
    assert f"No such command '{typed}'" in err and said in err


def test_hidden_commands_are_never_suggested(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["_raise-bugs"]) == 2
    assert "Did you mean" not in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from shoehorn import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == __version__


def test_help_is_fast_and_lists_exit_codes() -> None:
    # --help must not import the heavy rooms (boto3, uv, uvicorn): lazy imports keep it instant.
    code = (
        "import sys, io, contextlib\n"
        "from shoehorn.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    main(['--help'])\n"
        "heavy = sorted(m for m in ('boto3', 'botocore', 'uvicorn', 'httpx', 'starlette') if m in sys.modules)\n"
        "print(heavy)\n"
        "print('Exit codes' in out.getvalue())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    heavy, has_codes = done.stdout.strip().splitlines()[-2:]
    assert heavy == "[]"
    assert has_codes == "True"


def test_error_str_has_message_and_hint() -> None:
    error = ShoehornError("what", "fix")
    assert str(error) == "what\nfix"


@app.command("_raise-brackets", hidden=True)
def _raise_brackets() -> None:
    raise ConfigError("unknown key 'x' in [stages.prod] of shoehorn.toml [/x]", "e.g. [environment] LOG_LEVEL = \"info\"")


@app.command("_bug-brackets", hidden=True)
def _bug_brackets() -> None:
    raise TypeError("expected list[str] [/api]")


def test_brackets_in_messages_are_printed_as_they_are_never_as_markup(capsys: pytest.CaptureFixture[str]) -> None:
    # rich reads "[...]" as markup: "[/x]" raised MarkupError inside the error printer, "[stages.prod]" vanished
    assert main(["_raise-brackets"]) == 2
    err = capsys.readouterr().err
    assert "[stages.prod]" in err and "[/x]" in err and "[environment]" in err and "Traceback" not in err
    assert main(["_bug-brackets"]) == 1
    err = capsys.readouterr().err
    assert "TypeError: expected list[str] [/api]" in err and "Traceback" not in err


def test_a_directory_with_brackets_in_its_name_is_named_as_it_is(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-m", "shoehorn", "build", "-C", str(tmp_path / "[/x]")], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "[/x]" in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"]])
def test_a_closed_output_pipe_ends_quietly_with_141_not_as_a_bug(args) -> None:
    # `shoehorn ... | head`: the reader is gone before we write. It was exit 1, "a bug in shoehorn".
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "shoehorn", *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=60, stdin=subprocess.DEVNULL)
    finally:
        os.close(write_end)
    assert done.returncode == 141 and done.stderr == ""


@app.command("_abort", hidden=True)
def _abort() -> None:
    raise typer.Abort()


def test_an_aborted_prompt_is_not_reported_as_a_bug(capsys: pytest.CaptureFixture[str]) -> None:
    # Ctrl-D at `down`'s confirmation: click raises Abort; it exited 1 ("a bug in shoehorn")
    assert main(["_abort"]) == 130
    assert "nothing was changed" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "said"), [
    (["rollback", "--list", "3"], "--list only lists"),
    (["logs", "-f", "--limit", "5"], "--limit does not apply with -f"),
    (["dev", "--source", "http"], "--source only applies with --lambda"),
    (["dev", "--concurrency", "2", "--local-platform"], "--concurrency, --local-platform only apply with --lambda"),
    (["dev", "--lambda", "--multi-value"], "--multi-value only applies with --source alb"),
    (["invoke", "GET", "/", "--source", "http", "--multi-value"], "--multi-value only applies with --source alb"),
])
def test_options_that_cannot_apply_are_refused_not_ignored(args, said, tmp_path, capsys) -> None:
    # each was silently ignored
    assert main([*args, "-C", str(tmp_path)]) == 2
    assert said in capsys.readouterr().err
