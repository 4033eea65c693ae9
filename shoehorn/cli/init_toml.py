"""The text `shoehorn init` writes: a commented shoehorn.toml with what was discovered, and with
every setting an existing file held (`init --force`), proven kept before anything is written."""

from __future__ import annotations

from typing import Any

from shoehorn.cli import tomlwrite
from shoehorn.paste_ini import is_ini

_REQUIREMENT_NOTES = {
    "requirements": "or pyproject.toml / uv.lock",
    "pyproject": "[project] dependencies; or requirements.txt / uv.lock",
    "uv.lock": "pinned by uv.lock; or requirements.txt / pyproject.toml",
}
_NONE_FOUND = ("none found yet: requirements.txt, pyproject.toml or uv.lock is found at each build; "
               "false = no dependencies")
# Written set from discovery when the file leaves them out.
DISCOVERED = ("name", "app", "runtime", "architecture", "requirements", "memory")
# Shown commented out, with an example value, when the file leaves them out.
EXAMPLES = {
    "timeout": 30, "exclude": ["docs/", "*.csv"], "include": [], "log_retention_days": 30, "concurrency": 10,
    "warm": "5m", "ephemeral_storage": 512, "prime": ["/"], "snapstart": True, "endpoint_type": "REGIONAL",
    "policies": [],
}
ORDER = ("name", "app", "interface", "runtime", "architecture", "requirements", "memory", "timeout", "exclude",
         "include", "log_retention_days", "concurrency", "warm", "ephemeral_storage", "prime", "snapstart",
         "endpoint_type", "policies", "default_stage")
_WIDEST = 40  # a longer line (a long list) puts its comment after it rather than pushing every comment right


def render_toml(config, written: dict[str, Any] | None = None, *, stage: str | None = None,
                origin: str | None = None, withheld: dict[str, str] | None = None) -> str:
    """A commented shoehorn.toml: the settings in ``written`` (a file's table, as tomllib reads it)
    exactly as they are, and ``config``'s discovered values for the keys it leaves out; loading it
    gives back the same settings for every stage. ``origin``: the other tool's file the settings were
    carried over from; ``withheld``: environment names whose values were not, listed commented out."""
    from shoehorn.config import SUPPORTED_RUNTIMES

    written = dict(written or {})
    stage = stage or config.stage
    requirements = (config.requirements.relative_to(config.directory).as_posix()
                    if config.requirements is not None else False)
    discovered = {"name": config.name, "app": config.app, "runtime": config.runtime,
                  "architecture": config.architecture, "requirements": requirements, "memory": config.memory}
    comments = {
        "name": f"AWS names: {config.name}-<stage>, role {config.name}-<stage>-lambda",
        "app": ("the .ini `pserve` runs (its [app:main]), loaded as pserve loads it" if is_ini(config.app)
                else "module:attribute of the WSGI/ASGI app, or a factory: module:create_app()"),
        "interface": "forced; leave it out to detect it",
        "runtime": f"one of {', '.join(SUPPORTED_RUNTIMES)}",
        "architecture": '"x86_64" or "arm64" (Graviton)',
        "requirements": (_REQUIREMENT_NOTES[config.requirements_kind] if config.requirements is not None
                         else "no dependencies" if "requirements" in written else _NONE_FOUND),
        "memory": "MB, 128-10240; CPU grows with memory",
        "timeout": "seconds, 1-900 (default 30); API Gateway ends requests at 29 s",
        "exclude": "gitignore-style; .gitignore, caches, venvs and secrets are left out already",
        "include": "forces files in, even secret-looking ones (.env, *.pem)",
        "log_retention_days": "days of CloudWatch logs",
        "concurrency": "reserved concurrency: a cap on cost (shoehorn stop = 0)",
        "warm": "keep-warm ping schedule",
        "ephemeral_storage": "MB of /tmp, 512-10240 (only /tmp is writable on Lambda)",
        "prime": "requests run at init, so the first user does not pay for lazy work",
        "snapstart": "python3.12+: snapshot after init (cached and restored: both billed)",
        "endpoint_type": '"REGIONAL" or "EDGE" (API Gateway endpoint)',
        "policies": "managed policy ARNs attached to the function's role",
        "default_stage": "the stage when --stage is not given",
    }
    # Tables and arrays of tables go after [environment]; anything else the file sets goes on a line here.
    rest = {k: v for k, v in written.items() if k != "environment" and (k not in ORDER or tomlwrite.is_section(v))}
    settings = []
    for name in ORDER:
        if name in rest:
            continue
        if name in written:
            settings.append((f"{name} = {tomlwrite.value(written[name])}", comments[name]))
        elif name == "requirements" and config.requirements is None:
            # Left out, not `false`: a requirements file added after init is then found at the next
            # build (a frozen `false` made the bundle ignore it, and `build` failed on the import).
            settings.append((f"# {name} = \"requirements.txt\"", comments[name]))
        elif name in DISCOVERED:
            settings.append((f"{name} = {tomlwrite.value(discovered[name])}", comments[name]))
        elif name in EXAMPLES:
            settings.append((f"# {name} = {tomlwrite.value(EXAMPLES[name])}", comments[name]))
    settings += [(f"{tomlwrite.key(k)} = {tomlwrite.value(v)}", "") for k, v in rest.items()
                 if not tomlwrite.is_section(v)]
    width = max((len(code) for code, _ in settings if len(code) <= _WIDEST), default=0) + 2
    lines = [
        f"# shoehorn settings for {config.directory.name}. Every key is optional: these are the values",
        "# shoehorn discovered. Per-stage overrides go in [stages.<name>] tables (see the end).",
        *([f"# Carried over from {origin}: what was not is listed in `shoehorn init`'s output."] if origin else []),
        "",
        *(f"{code.ljust(max(width, len(code) + 2))}# {comment}" if comment else code for code, comment in settings),
        "",
    ]
    environment = written.get("environment", {})
    if isinstance(environment, dict):
        environment = dict(environment)
        # Django's settings module and django-configurations' class, as the function runs them: in the file, where
        # the user sees which deploys (the class: wsgi.py's "Production", not manage.py's "Dev")
        for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_CONFIGURATION") if config.django_settings else ():
            if name not in environment and name in config.environment:
                environment[name] = config.environment[name]
        lines += tomlwrite.sections(["environment"], environment) if environment else [
            "[environment]", *([] if withheld else ["# LOG_LEVEL = \"info\""])]
        lines += [f"# {tomlwrite.key(name)} = \"...\"  # {why}" for name, why in (withheld or {}).items()]
    else:  # not a table: load refuses it unless every stage replaces it; kept as written all the same
        lines.insert(-1, f"environment = {tomlwrite.value(environment)}")
    sections = {k: v for k, v in rest.items() if tomlwrite.is_section(v)}
    if sections:
        lines += ["", *tomlwrite.sections([], sections)]
    if not written.get("stages"):
        other = "prod" if stage == "dev" else stage
        lines += ["", f"# [stages.{other}]", "# memory = 1024", f"# [stages.{other}.environment]",
                  "# LOG_LEVEL = \"warning\""]
    return "\n".join(lines) + "\n"


def check_kept(written: dict[str, Any], text: str) -> None:
    """Raise (a bug in shoehorn; nothing is written) unless ``text`` holds every setting of ``written``
    with its value. Discovery may only add keys; this makes a dropped setting impossible."""
    import tomllib

    new = tomllib.loads(text)
    lost = [k for k in written if k != "environment" and new.get(k) != written[k]]
    before, after = written.get("environment"), new.get("environment")
    if isinstance(before, dict) and isinstance(after, dict):
        lost += [f"environment.{k}" for k in before if k not in after or after[k] != before[k]]
    elif "environment" in written and before != after:
        lost.append("environment")
    if lost:
        raise RuntimeError(f"init would change {', '.join(lost)} of shoehorn.toml; nothing was written")
