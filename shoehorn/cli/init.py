"""`shoehorn init`: write a commented shoehorn.toml holding what shoehorn discovered."""

from __future__ import annotations

from pathlib import Path

import typer

from shoehorn.cli.app import app
from shoehorn.cli.options import Directory


@app.command()
def init(
    directory: Path = Directory,
    force: bool = typer.Option(False, "--force", help="Overwrite an existing shoehorn.toml."),
) -> None:
    """Write shoehorn.toml for the app in the directory, with the settings it discovered."""
    from shoehorn.cli.render import console_out
    from shoehorn.config import load
    from shoehorn.errors import ConfigError

    target = directory.resolve() / "shoehorn.toml"
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists", "pass --force to overwrite it")
    pyproject = directory.resolve() / "pyproject.toml"
    if pyproject.is_file() and "[tool.shoehorn]" in pyproject.read_text(encoding="utf-8"):
        raise ConfigError(f"{pyproject} already holds [tool.shoehorn]",
                          "keep the settings there, or move them to shoehorn.toml by hand")
    config = load(directory)
    text = render_toml(config)
    target.write_text(text, encoding="utf-8")
    console_out().print(f"wrote {target} (app {config.app}, runtime {config.runtime}, "
                        f"requirements {config.requirements.name if config.requirements else 'none'})")


def render_toml(config) -> str:
    """A commented shoehorn.toml for ``config``; loading it gives back the same settings."""
    import json

    from shoehorn.config import SUPPORTED_RUNTIMES

    def q(value: str) -> str:
        return json.dumps(value)  # a JSON string is a valid TOML basic string

    if config.requirements is not None:
        requirements = f"requirements = {q(config.requirements.relative_to(config.directory).as_posix())}"
    else:
        requirements = "requirements = false          # no requirements file found"
    lines = [
        f"# shoehorn settings for {config.directory.name}. Every key is optional: these are the values",
        "# shoehorn discovered. Per-stage overrides go in [stages.<name>] tables (see the end).",
        "",
        f"name = {q(config.name):<24}# AWS names: {config.name}-<stage>, role {config.name}-<stage>-lambda",
        f"app = {q(config.app):<25}# module:attribute of the WSGI/ASGI app",
        f"runtime = {q(config.runtime):<21}# one of {', '.join(SUPPORTED_RUNTIMES)}",
        f"architecture = {q(config.architecture):<16}# \"x86_64\" or \"arm64\" (Graviton)",
        requirements + ("" if config.requirements is None else "   # or pyproject.toml / uv.lock"),
        f"memory = {config.memory:<22}# MB, 128-10240; CPU grows with memory",
        (f"timeout = {config.timeout:<21}# seconds, 1-900; API Gateway ends requests at 29 s"
         if config.source_file and config.timeout != 30 else
         "# timeout = 30                # seconds (default), 1-900; API Gateway ends requests at 29 s"),
        f"# exclude = {list(config.exclude) or ['docs/', '*.csv']}".replace("'", '"')
        + "   # gitignore-style; .gitignore, caches, venvs and secrets are left out already",
        f"# include = {list(config.include)}".replace("'", '"')
        + "   # forces files in, even secret-looking ones (.env, *.pem)",
        f"# log_retention_days = {config.log_retention_days}",
        "# concurrency = 10              # reserved concurrency: a cap on cost (shoehorn stop = 0)",
        "# warm = \"5m\"                  # keep-warm ping schedule",
        "",
        "[environment]",
    ]
    lines += [f"{key} = {q(value)}" for key, value in sorted(config.environment.items())] or [
        "# LOG_LEVEL = \"info\""]
    lines += ["", "# [stages.prod]", "# memory = 1024", "# [stages.prod.environment]", "# LOG_LEVEL = \"warning\"", ""]
    return "\n".join(lines)
