"""`shoehorn init`: write a commented shoehorn.toml holding what shoehorn discovered."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from shoehorn.cli.app import app
from shoehorn.cli.options import Directory, Stage


@app.command()
def init(
    directory: Path = Directory,
    stage: str | None = Stage,
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
    config = load(directory, stage=stage)
    text = render_toml(config)
    target.write_text(text, encoding="utf-8")
    out = console_out()
    out.print(f"wrote {escape(str(target))} (app {escape(config.app)}, runtime {config.runtime}, "
              f"requirements {config.requirements.name if config.requirements else 'none'})", highlight=False)
    if config.django_settings or _local_databases(config.directory):
        out.print(DATABASE_NOTE, highlight=False, markup=False)


DATABASE_NOTE = (
    "note: on Lambda the code directory is read-only and /tmp belongs to one container and goes away "
    "with it, so a SQLite file is no place for data that must last: use a network database (RDS, Aurora "
    "Serverless, DynamoDB...) and set its URL in [environment]. A database that is only read (a dataset) can "
    "ship with the code: `include = [\"data.db\"]` (databases are left out by default), opened read-only "
    "(`file:data.db?mode=ro`). Run migrations and other one-off commands "
    "in the function with `shoehorn run -- python manage.py migrate` (or `-- flask --app APP init-db`).")


def _local_databases(directory: Path) -> bool:
    """A SQLite file beside the app, or app code that uses SQLite (flaskr keeps its database in the
    instance folder); a quick look at the top two levels only."""
    if any(directory.glob("*.sqlite*")) or any(directory.glob("*.db")):
        return True
    sources = [*directory.glob("*.py"), *directory.glob("*/*.py"), *directory.glob("src/*/*.py")][:200]
    return any("sqlite" in path.read_text(encoding="utf-8", errors="replace") for path in sources)


_REQUIREMENT_NOTES = {
    "requirements": "or pyproject.toml / uv.lock",
    "pyproject": "[project] dependencies; or requirements.txt / uv.lock",
    "uv.lock": "pinned by uv.lock; or requirements.txt / pyproject.toml",
}


def render_toml(config) -> str:
    """A commented shoehorn.toml for ``config``; loading it gives back the same settings."""
    import json

    from shoehorn.config import SUPPORTED_RUNTIMES

    def q(value: str) -> str:
        return json.dumps(value)  # a JSON string is a valid TOML basic string

    if config.requirements is not None:
        requirements = (f"requirements = {q(config.requirements.relative_to(config.directory).as_posix())}",
                        _REQUIREMENT_NOTES[config.requirements_kind])
    else:
        requirements = ("requirements = false", "no requirements file found")
    exclude = f"# exclude = {list(config.exclude) or ['docs/', '*.csv']}".replace("'", '"')
    include = f"# include = {list(config.include)}".replace("'", '"')
    timeout = (f"timeout = {config.timeout}" if config.source_file and config.timeout != 30 else "# timeout = 30")
    settings = [
        (f"name = {q(config.name)}", f"AWS names: {config.name}-<stage>, role {config.name}-<stage>-lambda"),
        (f"app = {q(config.app)}", "module:attribute of the WSGI/ASGI app, or a factory: module:create_app()"),
        *([(f"interface = {q(config.interface)}", "forced; leave it out to detect it")] if config.interface else []),
        (f"runtime = {q(config.runtime)}", f"one of {', '.join(SUPPORTED_RUNTIMES)}"),
        (f"architecture = {q(config.architecture)}", '"x86_64" or "arm64" (Graviton)'),
        requirements,
        (f"memory = {config.memory}", "MB, 128-10240; CPU grows with memory"),
        (timeout, "seconds, 1-900 (default 30); API Gateway ends requests at 29 s"),
        (exclude, "gitignore-style; .gitignore, caches, venvs and secrets are left out already"),
        (include, "forces files in, even secret-looking ones (.env, *.pem)"),
        (f"# log_retention_days = {config.log_retention_days}", "days of CloudWatch logs"),
        ("# concurrency = 10", "reserved concurrency: a cap on cost (shoehorn stop = 0)"),
        ('# warm = "5m"', "keep-warm ping schedule"),
        ("# ephemeral_storage = 512", "MB of /tmp, 512-10240 (only /tmp is writable on Lambda)"),
        ('# prime = ["/"]', "requests run at init, so the first user does not pay for lazy work"),
        ("# snapstart = true", "python3.12+: snapshot after init (cached and restored: both billed)"),
    ]
    width = max(len(code) for code, _ in settings) + 2
    lines = [
        f"# shoehorn settings for {config.directory.name}. Every key is optional: these are the values",
        "# shoehorn discovered. Per-stage overrides go in [stages.<name>] tables (see the end).",
        "",
        *(f"{code:<{width}}# {comment}" for code, comment in settings),
        "",
        "[environment]",
    ]
    lines += [f"{key} = {q(value)}" for key, value in sorted(config.environment.items())] or [
        "# LOG_LEVEL = \"info\""]
    other = "prod" if config.stage == "dev" else config.stage
    lines += ["", f"# [stages.{other}]", "# memory = 1024", f"# [stages.{other}.environment]",
              "# LOG_LEVEL = \"warning\"", ""]
    return "\n".join(lines)
