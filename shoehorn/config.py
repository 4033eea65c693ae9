"""Configuration: shoehorn.toml or [tool.shoehorn] -> one frozen Config per stage.

The ``Config`` fields below are the contract every other room reads (bundle,
deploy, local, cli). Loading, validation and app discovery live beside it.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from shoehorn.commandline import suggest
from shoehorn.errors import ConfigError
from shoehorn.progress import Progress, Warn, discard
from shoehorn.project import project_id

# Lambda runtimes shoehorn can target (AWS "Supported runtimes" page, Python rows).
SUPPORTED_RUNTIMES = ("python3.10", "python3.11", "python3.12", "python3.13", "python3.14")
ARCHITECTURES = ("x86_64", "arm64")
ENDPOINT_TYPES = ("REGIONAL", "EDGE")
DEFAULT_STAGE = "dev"


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Config:
    directory: Path  # the app directory, absolute
    name: str  # AWS-safe app name: [a-z0-9-], starts with a letter
    stage: str  # the stage this config was resolved for
    app: str  # "module:attribute" (or "module:factory()") of the WSGI/ASGI app inside ``directory``
    runtime: str = "python3.11"
    architecture: str = "x86_64"
    requirements: Path | None = None  # a requirements file, or None for "no dependencies"
    requirements_kind: str = "requirements"  # "requirements" | "pyproject" | "uv.lock" | "none"
    include: tuple[str, ...] = ()  # gitignore-style; forces files in (incl. secret-looking ones)
    exclude: tuple[str, ...] = ()  # gitignore-style; keeps files out
    memory: int = 512  # MB
    timeout: int = 30  # seconds
    ephemeral_storage: int = 512  # MB of /tmp (Lambda's EphemeralStorage)
    environment: Mapping[str, str] = field(default_factory=_frozen)
    log_retention_days: int = 30
    concurrency: int | None = None  # reserved concurrency (a cost cap); None = uncapped
    policies: tuple[str, ...] = ()  # managed policy ARNs attached to the role
    statements: tuple[Mapping[str, Any], ...] = ()  # inline IAM statements
    endpoint_type: str = "REGIONAL"
    warm: str | None = None  # e.g. "5m": EventBridge warm-up schedule
    source_file: Path | None = None  # where the settings came from (None: all defaults)
    interface: str | None = None  # "wsgi" | "asgi" forces it; None: detected from the app object
    source_dir: str = ""  # "src" for a src layout: the folder of the app's modules, put on sys.path
    django_settings: str | None = None  # "mysite.settings" when the app is a Django project
    prime: tuple[str, ...] = ()  # paths requested (GET) in the init phase, e.g. ("/healthz",)
    snapstart: bool = False  # publish versions with Lambda SnapStart (python3.12+)
    # which repository and folder the app is deployed from (shoehorn/project.py; None outside a git
    # repository with a remote): the function's shoehorn:project tag, by which a renamed app's old stack is found
    project: str | None = None

    @property
    def function_name(self) -> str:
        return f"{self.name}-{self.stage}"

    @property
    def role_name(self) -> str:
        return f"{self.name}-{self.stage}-lambda"

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def tags(self) -> dict[str, str]:
        return {"shoehorn:app": self.name, "shoehorn:stage": self.stage}

    @property
    def python_version(self) -> str:
        """"3.11" for runtime "python3.11"."""
        return self.runtime.removeprefix("python")


# --------------------------------------------------------------------------- loading

KEYS = (
    "name", "app", "runtime", "architecture", "requirements", "include", "exclude", "memory",
    "timeout", "ephemeral_storage", "environment", "log_retention_days", "concurrency", "policies", "statements",
    "endpoint_type", "warm", "interface", "prime", "snapstart",
)
TOP_ONLY = ("default_stage", "stages")
# CloudWatch Logs PutRetentionPolicy accepts only these values (API reference, retentionInDays).
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                  2192, 2557, 2922, 3288, 3653)
# Lambda rejects these names in a function's environment ("Defined runtime environment variables").
RESERVED_ENV = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})
API_GATEWAY_TIMEOUT = 29  # REST API integrations are cut at 29 s (API Gateway quotas page)
# No '-' and no capitals in a stage: app names hold '-' and IAM role names ignore case, so
# `{name}-{stage}` must be split only one way ("shop-api"+"dev" vs "shop"+"api-dev" clashed).
_STAGE = re.compile(r"[a-z0-9_]+")
# Lambda's rule for environment variable names: a letter, then letters, digits and '_', at least
# two characters (CreateFunction API, Environment.Variables key pattern [a-zA-Z]([a-zA-Z0-9_])+).
ENV_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]+")
# The keep-warm interval, as `warm` and `up --warm` read it: "5m", "1h", "1d", "10 minutes"...
# (EventBridge rates go no finer than a minute).
WARM = re.compile(r"\s*([1-9][0-9]*)\s*(m|min|minutes?|h|hours?|d|days?)\s*", re.IGNORECASE)
INTERFACES = ("wsgi", "asgi")


def app_directory(directory: Path) -> Path:
    """``directory`` made absolute; ConfigError when it is not a directory."""
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise ConfigError(f"{directory} is not a directory", "pass the app directory with -C/--dir")
    return directory


def load(directory: Path, stage: str | None = None, *, progress: Progress = discard, app: str | None = None,
         carried: tuple[dict[str, Any], str] | None = None) -> Config:
    """The Config of the app in ``directory`` for ``stage`` (default: ``default_stage`` or "dev").

    Settings come from ``shoehorn.toml`` or ``[tool.shoehorn]`` in ``pyproject.toml``; every key
    has a default, so a directory with ``app.py`` + ``requirements.txt`` needs no file at all.
    Warnings (e.g. a timeout API Gateway will cut) are emitted to ``progress``. ``app`` replaces
    the file's top-level ``app`` and is checked as it would be there (`init --app`). ``carried``:
    (settings, where they came from) taken as the file's when there is none (`init` carrying
    another tool's settings over, shoehorn/migrate.py).
    """
    directory = app_directory(directory)
    raw, source = read_settings(directory)
    where = _where(source, directory)
    if source is None and carried is not None:
        raw, where = carried
    elif source is None:
        _other_tool(directory, progress)
    if app is not None:
        raw = {**raw, "app": app}
    for key in raw:
        if key not in KEYS and key not in TOP_ONLY:
            _unknown(key, KEYS + TOP_ONLY, where)
    stages = raw.get("stages", {})
    if not isinstance(stages, dict):
        raise ConfigError(f"'stages' in {where} must be a table of [stages.<name>] tables")
    if stage == "":
        raise ConfigError("--stage is empty", f"name a stage, e.g. --stage prod (without --stage: {DEFAULT_STAGE!r} "
                                             "or the config's default_stage)")
    stage = stage or _typed(raw, "default_stage", str, where) or DEFAULT_STAGE
    if not _STAGE.fullmatch(stage):
        fix = re.sub(r"[^a-z0-9_]+", "_", stage.lower()).strip("_") or "dev"
        raise ConfigError(f"stage name {stage!r} is not allowed",
                          f"stage names hold lower-case letters, digits and '_' (e.g. {fix!r}): the app name may "
                          "hold '-', so a '-' in the stage could give two apps one AWS name, and IAM role "
                          "names ignore case")
    settings = {k: v for k, v in raw.items() if k not in TOP_ONLY}
    for name, table in stages.items():  # a typo in any stage is reported now, not at its first deploy
        if not isinstance(table, dict):
            raise ConfigError(f"'stages.{name}' in {where} must be a table")
        for key in table:
            if key not in KEYS:
                _unknown(key, KEYS, f"[stages.{name}] of {where}")
    typo = difflib.get_close_matches(stage, list(stages), n=1) if stage not in stages else []
    if typo:  # a mistyped --stage would otherwise deploy a whole new stack
        progress(Warn(f"stage {stage!r} has no [stages.{stage}] table in {where}; did you mean {typo[0]!r}?"))
    # every other stage's values are checked too (`memory = 100` in [stages.prod] failed only at its deploy)
    for name in stages:
        if name != stage:
            _build(directory, name, _for_stage(settings, stages[name]), source, f"[stages.{name}] of {where}", discard,
                   given_app=app)
    return _build(directory, stage, _for_stage(settings, stages.get(stage, {})), source,
                  f"[stages.{stage}] of {where}" if stage in stages else where, progress, given_app=app)


def _other_tool(directory: Path, progress: Progress) -> None:
    """With no settings of its own, a Zappa/Serverless/SAM file's memory, timeout and environment do not
    apply: said, as a user coming from that tool expects them to."""
    from shoehorn.migrate import foreign_file

    found = foreign_file(directory)
    if found is not None:
        progress(Warn(f"{found} is another tool's configuration, which shoehorn does not read: its settings "
                      f"(app, memory, timeout, environment...) do not apply here; `{suggest('init')}` carries them "
                      "over into shoehorn.toml"))


def _for_stage(settings: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The shared settings with a stage's table over them (its environment merged over the shared one)."""
    merged = dict(settings)
    for key, value in overrides.items():
        if key == "environment" and isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = {**merged[key], **value}
        merged[key] = value
    return merged


def read_settings(directory: Path) -> tuple[dict[str, Any], Path | None]:
    """The raw settings table and the file it came from (None when there is none)."""
    toml_file = directory / "shoehorn.toml"
    pyproject = directory / "pyproject.toml"
    for path in (toml_file, pyproject):
        if path.exists() and not path.is_file():  # a folder of that name: read as no file, then init crashed
            raise ConfigError(f"{path} is not a file", f"rename or remove it: shoehorn reads its settings from "
                                                       f"a file named {path.name}")
    tool = _parse(pyproject).get("tool", {}) if pyproject.is_file() else {}
    if not isinstance(tool, dict):
        raise ConfigError(f"`tool` in {pyproject} must be a table ([tool.shoehorn], [tool.pytest.ini_options], ...)",
                          "fix pyproject.toml: every tool's settings live under [tool.<name>]")
    from_pyproject = tool.get("shoehorn")
    if toml_file.is_file():
        if from_pyproject is not None:
            raise ConfigError(f"settings for shoehorn are in both {toml_file.name} and {pyproject.name} "
                              "[tool.shoehorn]", "keep one of them")
        return _parse(toml_file), toml_file
    if from_pyproject is not None:
        if not isinstance(from_pyproject, dict):
            raise ConfigError(f"[tool.shoehorn] in {pyproject} must be a table")
        return from_pyproject, pyproject
    return {}, None


def _parse(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}", "fix the syntax (https://toml.io)") from None
    except UnicodeDecodeError as error:  # TOML files are UTF-8 (toml.io)
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise ConfigError(f"{path} is not UTF-8 text (line {line}: byte {error.object[error.start]:#04x})",
                          "TOML files are UTF-8: save it with that encoding") from None


def _where(source: Path | None, directory: Path) -> str:
    if source is None:
        return "the defaults"
    return f"{source}" + (" [tool.shoehorn]" if source.name == "pyproject.toml" else "")


def _unknown(key: str, known: tuple[str, ...], where: str) -> None:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(known)
    raise ConfigError(f"unknown key '{key}' in {where}", hint)


def _typed(settings: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, what: str = ""):
    value = settings.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = what or (kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind))
        raise ConfigError(f"'{key}' in {where} must be {names}, not {value!r}")
    return value


def _default(value: Any, default: Any) -> Any:
    return default if value is None else value


def _bad(key: str, value: Any, where: str, allowed: str) -> ConfigError:
    return ConfigError(f"'{key}' = {value!r} in {where} is not allowed", f"allowed: {allowed}")


def _build(directory: Path, stage: str, s: dict[str, Any], source: Path | None, where: str,
           progress: Progress, given_app: str | None = None) -> Config:
    name = _name(s, directory, stage, where)
    runtime = _runtime(s, where)
    architecture = _typed(s, "architecture", str, where) or "x86_64"
    if architecture not in ARCHITECTURES:
        raise _bad("architecture", architecture, where, ", ".join(ARCHITECTURES))
    memory = _default(_typed(s, "memory", int, where, "an integer (MB)"), 512)
    if not 128 <= memory <= 10240:
        raise _bad("memory", memory, where, "128 to 10240 (MB), Lambda's range")
    timeout = _default(_typed(s, "timeout", int, where, "an integer (seconds)"), 30)
    if not 1 <= timeout <= 900:
        raise _bad("timeout", timeout, where, "1 to 900 (seconds), Lambda's range")
    # /tmp size: 512 MB (the default, free) to 10,240 MB ("Configuring ephemeral storage", Lambda docs).
    storage = _default(_typed(s, "ephemeral_storage", int, where, "an integer (MB)"), 512)
    if not 512 <= storage <= 10240:
        raise _bad("ephemeral_storage", storage, where, "512 to 10240 (MB of /tmp), Lambda's range")
    if s.get("timeout") is not None and timeout > API_GATEWAY_TIMEOUT:
        progress(Warn(f"timeout = {timeout} s ({where}): API Gateway ends requests after "
                      f"{API_GATEWAY_TIMEOUT} s, so callers see a 504 while the function keeps running"))
    retention = _default(_typed(s, "log_retention_days", int, where, "an integer (days)"), 30)
    if retention not in RETENTION_DAYS:
        raise _bad("log_retention_days", retention, where, ", ".join(map(str, RETENTION_DAYS)))
    concurrency = _typed(s, "concurrency", int, where, "an integer")
    if concurrency is not None and concurrency < 1:
        raise _bad("concurrency", concurrency, where, f"an integer >= 1 (use `{suggest('stop')}` to pause)")
    endpoint = (_typed(s, "endpoint_type", str, where) or "REGIONAL").upper()
    if endpoint not in ENDPOINT_TYPES:
        raise _bad("endpoint_type", endpoint, where, ", ".join(ENDPOINT_TYPES))
    warm = s.get("warm")
    if warm is False:
        warm = None
    elif warm is not None and not (isinstance(warm, str) and WARM.fullmatch(warm)):
        raise _bad("warm", warm, where, 'a rate like "5m", "1h" or "1d", or false')
    interface = _typed(s, "interface", str, where)
    if interface is not None and interface not in INTERFACES:
        raise _bad("interface", interface, where, '"wsgi" or "asgi" (leave it out to detect it)')
    prime, snapstart = _prime(s, where), _snapstart(s, runtime, storage, where)
    requirements, kind = _requirements(s, directory, where)
    environment = _environment(s, where)
    # an app given on the command line is named as such in its errors (a stage's own `app` stays the file's)
    app_where = "--app" if given_app is not None and s.get("app") == given_app else where
    app, source_dir, django_settings = _app(s, directory, app_where, interface, kind != "none", environment,
                                            progress)
    if django_settings and "DJANGO_SETTINGS_MODULE" not in environment:
        environment["DJANGO_SETTINGS_MODULE"] = django_settings  # wsgi.py's (else manage.py's) default, as on a server
    if django_settings and "DJANGO_CONFIGURATION" not in environment:
        # django-configurations: the settings class goes with the module, or `shoehorn run -- python manage.py
        # migrate` would run manage.py's class ("Dev", its database) while the web app runs wsgi.py's
        from shoehorn.django_project import django_default

        configuration = django_default(directory, app, source_dir, "DJANGO_CONFIGURATION")
        if configuration:
            environment["DJANGO_CONFIGURATION"] = configuration
    check_environment_size(environment, f"of {where}")
    return Config(
        directory=directory, name=name, stage=stage, app=app, runtime=runtime, architecture=architecture,
        requirements=requirements, requirements_kind=kind,
        include=_patterns(s, "include", where), exclude=_patterns(s, "exclude", where),
        memory=memory, timeout=timeout, ephemeral_storage=storage, environment=_frozen(environment),
        log_retention_days=retention, concurrency=concurrency,
        policies=_policies(s, where), statements=_statements(s, where),
        endpoint_type=endpoint, warm=warm, source_file=source,
        interface=interface, source_dir=source_dir, django_settings=django_settings,
        prime=prime, snapstart=snapstart, project=project_id(directory),
    )


def _app(s: dict[str, Any], directory: Path, where: str, interface: str | None, installs: bool,
         environment: dict[str, str], progress: Progress = discard) -> tuple[str, str, str | None]:
    """(app reference, source dir, Django settings module) — configured or discovered."""
    from shoehorn import appref, discovery, django_project, paste_ini
    from shoehorn.app_imports import misspelt
    from shoehorn.discovery import source_dir_of

    app = _typed(s, "app", str, where)
    if app is None:
        found = discovery.discover(directory, interface)
        return found.ref, found.source_dir, environment.get("DJANGO_SETTINGS_MODULE") or found.django_settings
    if paste_ini.is_ini(app):  # `pserve production.ini`'s file: PasteDeploy finds the factory in it
        try:
            paste_ini.check(directory, app, where)
        except ValueError as error:
            raise _bad("app", app, where, f'an .ini file of the app directory, e.g. "production.ini" or '
                       f'"production.ini#main" (here: {error})') from None
        return app, paste_ini.source_dir(directory, app), None
    try:
        appref.parse(app)
    except ValueError as error:
        raise _bad("app", app, where, f'"module:attribute" or "module:factory()", e.g. "app:app", '
                   f'"mypkg.wsgi:application" or "mypkg:create_app()", or a PasteDeploy file, "production.ini" '
                   f'(here: {error})') from None
    source_dir = appref.check_module(directory, app, where, installs)
    module = app.split(":", 1)[0]
    if source_dir_of(directory, module) is None:
        # Taken as a dependency's module (the app has requirements); a close name of the app's own is
        # more likely a typo: said now, as `build --no-check` would otherwise zip an app that cannot start.
        close = misspelt(directory, module)
        if close:
            progress(Warn(f"'app' = {app!r} in {where}: no module {module.split('.')[0]!r} in {directory}, "
                          f"so it must come from a dependency; did you mean {close!r}?"))
    appref.check_attribute(directory, app, source_dir, where)
    appref.check_not_lambda_handler(directory, app, source_dir, where)
    settings = environment.get("DJANGO_SETTINGS_MODULE")
    if settings is None and django_project.manage_py(directory) is not None:
        try:  # still a Django project once `init` wrote app = "..." (collectstatic needs the settings)
            settings = discovery.discover(directory, interface).django_settings
        except ConfigError:
            settings = None  # a manage.py that is not Django's: the configured app stands
    return app, source_dir, settings


def sanitise_name(raw: str) -> str:
    """An AWS-safe app name: lower-case letters, digits and '-', starting with a letter."""
    name = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
    if not name or not name[0].isalpha():
        name = "app-" + name if name else "app"
    return name


def _name(s: dict[str, Any], directory: Path, stage: str, where: str) -> str:
    given = _typed(s, "name", str, where)
    name = sanitise_name(given if given is not None else directory.name)
    if given is not None and name != given:
        raise _bad("name", given, where, f"lower-case letters, digits and '-', starting with a letter "
                                         f"(e.g. {name!r})")
    longest = len(f"{name}-{stage}-lambda")  # the IAM role name, limited to 64 characters
    if longest > 64:
        raise ConfigError(f"app name {name!r} with stage {stage!r} makes the IAM role name "
                          f"'{name}-{stage}-lambda' {longest} characters long; AWS allows 64",
                          f"use a shorter stage, or a shorter `name` in "
                          f"{where if where != 'the defaults' else 'shoehorn.toml'}")
    return name


def local_runtime() -> str:
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


def _runtime(s: dict[str, Any], where: str) -> str:
    given = _typed(s, "runtime", str, where)
    if given is None:
        runtime = local_runtime()
        if runtime not in SUPPORTED_RUNTIMES:
            raise ConfigError(f"this machine runs {runtime}, which AWS Lambda does not offer",
                              "set runtime = one of " + ", ".join(SUPPORTED_RUNTIMES) + " in shoehorn.toml")
        return runtime
    runtime = given if given.startswith("python") else f"python{given}"
    if runtime not in SUPPORTED_RUNTIMES:
        raise _bad("runtime", given, where, ", ".join(SUPPORTED_RUNTIMES))
    return runtime


def _requirements(s: dict[str, Any], directory: Path, where: str) -> tuple[Path | None, str]:
    given = s.get("requirements")
    if given is False:
        return None, "none"
    if given is not None:
        if not isinstance(given, str) or not given:
            raise _bad("requirements", given, where, 'a path like "requirements.txt", or false')
        path = (directory / given).resolve()
        if not path.is_file():
            raise ConfigError(f"'requirements' = {given!r} in {where}: {path} does not exist",
                              "point it at a requirements file, pyproject.toml or uv.lock, or set false")
        kind = {"pyproject.toml": "pyproject", "uv.lock": "uv.lock"}.get(path.name, "requirements")
        if kind == "pyproject":
            _refuse_poetry_only(path)
        return path, kind
    if (directory / "requirements.txt").is_file():
        return directory / "requirements.txt", "requirements"
    # A lock file pins exact versions, so it beats the ranges in pyproject.toml when both exist.
    if (directory / "uv.lock").is_file() and (directory / "pyproject.toml").is_file():
        return directory / "uv.lock", "uv.lock"
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file():
        _refuse_poetry_only(pyproject)
        project = _parse(pyproject).get("project", {})
        if isinstance(project, dict) and project.get("dependencies"):
            return pyproject, "pyproject"
    return None, "none"


def _refuse_poetry_only(pyproject: Path) -> None:
    """A Poetry project lists its dependencies where only Poetry reads them: say so, not "no dependencies".

    Poetry's version constraints (^, ~) and its lock are Poetry's own; shoehorn does not resolve them.
    """
    data = _parse(pyproject)
    project = data.get("project", {})
    poetry = data.get("tool", {}).get("poetry", {})
    deps = poetry.get("dependencies", {}) if isinstance(poetry, dict) else {}
    if isinstance(project, dict) and "dependencies" in project:
        return  # Poetry 2 reads [project].dependencies too, and so does shoehorn
    named = sorted(name for name in deps if name.lower() != "python") if isinstance(deps, dict) else []
    if named:
        raise ConfigError(
            f"{pyproject} lists its dependencies ({', '.join(named[:3])}{', ...' if len(named) > 3 else ''}) "
            "under [tool.poetry.dependencies], which only Poetry reads",
            "export them for shoehorn: `poetry export -f requirements.txt --output requirements.txt "
            "--without-hashes` (Poetry 2 needs `poetry self add poetry-plugin-export` first), or move them "
            "to [project].dependencies (Poetry 2 reads that table); set requirements = false if the app "
            "needs none of them")


def _patterns(s: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = s.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _bad(key, value, where, 'a list of gitignore-style patterns, e.g. ["docs/", "*.csv"]')
    if value:
        from shoehorn.bundle.ignore import invalid_pattern  # pathspec loads only for configs that list patterns
    for pattern in value:
        why = invalid_pattern(pattern)
        if why is not None:
            raise ConfigError(f"{key} pattern {pattern!r} in {where} is not a gitignore pattern ({why})",
                              f'write {key} as gitignore lines, e.g. ["docs/", "*.csv", "!keep.csv"]')
    return tuple(value)


def _environment(s: dict[str, Any], where: str) -> dict[str, str]:
    table = s.get("environment", {})
    if not isinstance(table, dict):
        raise _bad("environment", table, where, 'a table, e.g. [environment] LOG_LEVEL = "info"')
    env = {}
    for key, value in table.items():
        if not ENV_NAME.fullmatch(key) or key in RESERVED_ENV:
            raise _bad(f"environment.{key}", value, where, "a name Lambda takes: a letter, then letters, digits "
                       "and '_', at least 2 characters, not one reserved by Lambda (AWS_REGION, AWS_ACCESS_KEY_ID, "
                       "LAMBDA_TASK_ROOT, ...)")
        # An integer is written in decimal. A float is refused: TOML's text is gone once parsed, and
        # "1.10" would reach the app as "1.1"; booleans too, since "true"/"True"/"1" differ between apps.
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise _bad(f"environment.{key}", value, where, f'a string (quote it: {key} = "...")')
        env[key] = value if isinstance(value, str) else str(value)
    return env


# Lambda refuses a function whose variables take more than 4 KB ("Lambda quotas": "4 KB, for all
# environment variables associated with the function"). The docs do not say how it counts; users
# report that keys, values and their JSON quoting all count, so they are counted as compact JSON.
ENVIRONMENT_LIMIT = 4096


def environment_size(variables: Mapping[str, str]) -> int:
    """Bytes Lambda counts for ``variables`` (compact JSON, UTF-8)."""
    return len(json.dumps(dict(variables), separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def check_environment_size(variables: Mapping[str, str], where: str) -> None:
    """ConfigError when ``variables`` would not fit in a Lambda function's 4 KB environment."""
    size = environment_size(variables)
    if size > ENVIRONMENT_LIMIT:
        largest = sorted(variables, key=lambda key: -len(variables[key]))[:3]
        raise ConfigError(
            f"the environment {where} takes {size} bytes; Lambda refuses more than {ENVIRONMENT_LIMIT} "
            f"(largest: {', '.join(largest)})",
            "keep big values out of the environment: put them in SSM Parameter Store or Secrets Manager "
            "and read them at startup, or in a file shipped with the app",
        )


def _policies(s: dict[str, Any], where: str) -> tuple[str, ...]:
    value = s.get("policies", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.startswith("arn:") for v in value):
        raise _bad("policies", value, where, 'a list of managed policy ARNs ("arn:aws:iam::aws:policy/...")')
    return tuple(value)


def _statements(s: dict[str, Any], where: str) -> tuple[Mapping[str, Any], ...]:
    value = s.get("statements", [])
    example = ('IAM statements: [[statements]] Effect = "Allow", Action = ["s3:GetObject"], '
               'Resource = ["arn:aws:s3:::bucket/*"]')
    if not isinstance(value, list):
        raise _bad("statements", value, where, example)
    for index, statement in enumerate(value, 1):
        problem = _statement_problem(statement)
        if problem:
            raise _bad("statements", value, where, f"{example} (statement {index}: {problem})")
    return tuple(_frozen(v) for v in value)


# An identity-based policy's statement (IAM JSON policy elements reference): Effect, one of
# Action/NotAction, one of Resource/NotResource, optional Sid and Condition. A Principal belongs to
# resource-based policies: IAM refuses it here ("Policy document should not specify a principal").
_STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")


def _statement_problem(statement: Any) -> str | None:
    if not isinstance(statement, dict):
        return "not a table"
    unknown = [key for key in statement if key not in _STATEMENT_KEYS]
    if unknown:
        return f"{unknown[0]!r} is not an element of a role's policy statement ({', '.join(_STATEMENT_KEYS)})"
    if statement.get("Effect") not in ("Allow", "Deny"):
        return 'Effect is "Allow" or "Deny"'
    for one, other in (("Action", "NotAction"), ("Resource", "NotResource")):
        given = [key for key in (one, other) if key in statement]
        if len(given) != 1:
            return f"exactly one of {one} and {other}"
        found = statement[given[0]]
        if not (isinstance(found, str) or isinstance(found, list) and found and all(isinstance(x, str) for x in found)):
            return f"{given[0]} is a string or a list of strings"
    if "Condition" in statement and not isinstance(statement["Condition"], dict):
        return "Condition is a table"
    return None


def _prime(s: dict[str, Any], where: str) -> tuple[str, ...]:
    """``prime = true`` -> ("/",); a list of paths -> those; false or absent -> ()."""
    value = s.get("prime", False)
    if value is True:
        return ("/",)
    if value is False:
        return ()
    if isinstance(value, str):
        value = [value]
    # a "#fragment" never reaches a server (it was sent as part of the path, a 404 at init)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.startswith("/") and "#" not in v
                                              for v in value):
        raise _bad("prime", value, where, 'true (GET /), false, or a list of paths starting with "/" '
                   '(a query is fine, a #fragment is not), e.g. prime = ["/healthz"]')
    return tuple(value)


# SnapStart for Python starts at python3.12, and it does not support ephemeral storage over 512 MB
# ("Supported features and limitations" of https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html).
SNAPSTART_RUNTIMES = ("python3.12", "python3.13", "python3.14")


def _snapstart(s: dict[str, Any], runtime: str, storage: int, where: str) -> bool:
    snapstart = bool(_typed(s, "snapstart", bool, where, "true or false"))
    if snapstart and runtime not in SNAPSTART_RUNTIMES:
        raise ConfigError(f"'snapstart' = true in {where}, but AWS Lambda offers SnapStart only for "
                          f"{', '.join(SNAPSTART_RUNTIMES)}, not {runtime}",
                          'set runtime = "python3.12" (or later), or remove snapstart')
    if snapstart and storage > 512:
        raise ConfigError(f"'snapstart' = true in {where} with ephemeral_storage = {storage}: AWS Lambda does not "
                          "offer SnapStart with more than 512 MB of /tmp",
                          "remove ephemeral_storage (512 MB), or remove snapstart")
    return snapstart
