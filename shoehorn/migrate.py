"""Another deploy tool's configuration, read so `shoehorn init` can carry it over into shoehorn.toml.

Users come from Zappa, the Serverless Framework with serverless-wsgi, or AWS SAM with that tool's file
beside the app. It names the app in a module discovery does not look in (serverless-wsgi's `api.py`,
Zappa's `my_app.py`: init found no app), and settings that mean the same here (memory, timeout, runtime,
architecture, environment). Files are read, never run: a value the tool computes at deploy time
(`${ssm:...}`, `!Ref Table`) is not resolved, and an environment value that looks like a secret is not
copied into shoehorn.toml (a file usually committed): both are named, and listed there commented out.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from shoehorn.config import ARCHITECTURES, ENV_NAME, RESERVED_ENV, SUPPORTED_RUNTIMES, WARM, sanitise_name

# An environment value is withheld when its name or its text looks like a secret's.
_SECRET_NAME = re.compile(r"SECRET|PASSW|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_KEY|(^|_)KEY($|_)|DSN|AUTH",
                          re.IGNORECASE)
_CREDENTIALS_IN_URL = re.compile(r"://[^/\s:@]+:[^/\s@]+@")
# serverless-wsgi's own settings: shoehorn works the prefix out from each request (README, "Using the adapter")
_ADAPTER_VARIABLES = {
    "API_GATEWAY_BASE_PATH": "serverless-wsgi's; shoehorn finds a custom domain's base path in each request",
    "STRIP_STAGE_PATH": "serverless-wsgi's; shoehorn has no such setting: the app's URLs carry the stage "
                        "on the execute-api domain, and a custom domain's base path behind it",
}
_SERVERLESS_VARIABLE = re.compile(r"\$\{[^}]*\}")  # ${ssm:/x}, ${self:custom.x}, ${opt:stage}, ${env:X}


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A value the tool works out at deploy time (a CloudFormation `!Ref`, a `${...}` variable)."""

    text: str


@dataclass(frozen=True, slots=True)
class ToolSettings:
    """What one tool's file says, in shoehorn's terms, before it is checked."""

    source: str  # "zappa_settings.json (stage dev)", as init names it
    app: str | None = None  # "module:attribute"
    settings: dict[str, Any] = field(default_factory=dict)  # memory, timeout, runtime, architecture, ...
    environment: dict[str, Any] = field(default_factory=dict)  # name -> str, or Unresolved
    notes: list[str] = field(default_factory=list)  # what was not carried over, and what to do instead
    code_elsewhere: str | None = None  # SAM's CodeUri: the folder that holds the app, when not this one
    function_name: str | None = None  # the tool's Lambda function, when its name is known (Zappa's NAME-STAGE)


@dataclass(frozen=True, slots=True)
class Carried:
    """What init writes: shoehorn.toml settings, checked, and what it says about the rest."""

    source: str
    settings: dict[str, Any]  # shoehorn.toml keys, the environment among them
    withheld: dict[str, str]  # environment names whose values are not written -> why
    notes: tuple[str, ...]
    code_elsewhere: str | None = None
    function_name: str | None = None


def carry(directory: Path, stage: str) -> Carried | None:
    """The first other tool's file found for ``directory``, carried over; None when there is none.
    Zappa's other stages become [stages.<name>] tables of what differs (``settings["stages"]``)."""
    for reader in (_zappa, _serverless, _sam):
        found = reader(directory, stage)
        if found is not None:
            carried = _checked(found)
            return _with_zappa_stages(carried, found, directory, stage) if reader is _zappa else carried
    return None


def foreign_file(directory: Path) -> str | None:
    """The other tool's file beside the app, found without parsing it (the zero-config warning: every
    command loads the config)."""
    for name in (*_ZAPPA_FILES, *_SERVERLESS_FILES):
        if (directory / name).is_file():
            return name
    for name in _SAM_FILES:  # template.yaml is a common name: SAM's says so in its Transform
        try:
            if "AWS::Serverless" in (directory / name).read_text(encoding="utf-8", errors="replace"):
                return name
        except OSError:
            continue
    return None


# --------------------------------------------------------------------------- Zappa

_ZAPPA_FILES = ("zappa_settings.json", "zappa_settings.yml", "zappa_settings.yaml", "zappa_settings.toml")
# Zappa's keys that shoehorn has no use for, or does itself: not listed as "not carried over".
_ZAPPA_QUIET = {"s3_bucket", "slim_handler", "app_type", "binary_support", "extends", "keep_warm",
                "keep_warm_expression", "project_name", "delete_local_zip", "delete_s3_zip", "touch", "touch_path",
                "use_precompiled_packages", "log_level", "debug", "lambda_description", "apigateway_description"}


def _zappa_file(directory: Path) -> tuple[Path, dict[str, Any]] | None:
    """Zappa's settings file beside the app and its stages, when it holds any."""
    path = next((directory / name for name in _ZAPPA_FILES if (directory / name).is_file()), None)
    stages = _read(path) if path is not None else None
    return (path, stages) if isinstance(stages, dict) and stages else None


def _zappa_stage(stages: dict[str, Any], stage: str) -> str:
    """The stage carried over: the one asked for, else the file's first."""
    return stage if stage in stages else next(iter(stages))


def _zappa(directory: Path, stage: str) -> ToolSettings | None:
    found = _zappa_file(directory)
    if found is None:
        return None
    path, stages = found
    name = _zappa_stage(stages, stage)
    settings = _extended(stages, name)
    found = ToolSettings(f"{path.name} (stage {name})")
    if isinstance(settings.get("app_function"), str):
        module, _, attribute = settings["app_function"].rpartition(".")
        found = _with_app(found, f"{module}:{attribute}", directory, "app_function")
    if isinstance(settings.get("django_settings"), str):  # the app is the project's wsgi.py, found by discovery
        found.environment["DJANGO_SETTINGS_MODULE"] = settings["django_settings"]
    for theirs, ours in (("memory_size", "memory"), ("timeout_seconds", "timeout"), ("runtime", "runtime"),
                         ("architecture", "architecture"), ("lambda_concurrency", "concurrency")):
        if theirs in settings:
            found.settings[ours] = settings[theirs]
    if isinstance(settings.get("ephemeral_storage"), dict):
        found.settings["ephemeral_storage"] = settings["ephemeral_storage"].get("Size")
    exclude = [p for key in ("exclude", "exclude_glob") if isinstance(settings.get(key), list) for p in settings[key]]
    if exclude:
        found.settings["exclude"] = exclude
    if settings.get("extra_permissions"):
        found.settings["statements"] = settings["extra_permissions"]
    if settings.get("keep_warm") is True or "keep_warm_expression" in settings:
        rate = re.fullmatch(r"rate\((.*)\)", str(settings.get("keep_warm_expression", "rate(4 minutes)")))
        found.settings["warm"] = rate.group(1) if rate else Unresolved(str(settings["keep_warm_expression"]))
    for key in ("environment_variables", "aws_environment_variables"):
        if isinstance(settings.get(key), dict):
            found.environment.update(settings[key])
    _region(found, settings.get("aws_region"))
    if "profile_name" in settings:
        found.notes.append(f"profile_name {settings['profile_name']}: shoehorn uses the AWS settings' profile: "
                           f"export AWS_PROFILE={settings['profile_name']} (or pass --profile)")
    if "remote_env" in settings:
        found.notes.append(f"remote_env {settings['remote_env']}: its variables are not read; put them in "
                           "[environment], or have the app read them at startup")
    if "events" in settings:
        found.notes.append("events: shoehorn deploys the web app only, not scheduled or event-source functions "
                           "(nor zappa.asynchronous tasks, which need Zappa's handler)")
    domain = [k for k in ("domain", "base_path", "certificate_arn", "certificate") if k in settings]
    if domain:
        found.notes.append(f"{', '.join(domain)}: shoehorn sets up no custom domain (map one to its API in API "
                           "Gateway; the app sees the base path in each request, with no setting)")
    carried = {"app_function", "django_settings", "memory_size", "timeout_seconds", "runtime", "architecture",
               "lambda_concurrency", "ephemeral_storage", "exclude", "exclude_glob", "extra_permissions",
               "environment_variables", "aws_environment_variables", "aws_region", "profile_name", "remote_env",
               "events", *domain}
    _left(found, [k for k in settings if k not in carried and k not in _ZAPPA_QUIET])
    # Zappa names the function slug(project_name, default the folder's first 15 characters)-stage
    project = settings.get("project_name") or sanitise_name(directory.name)[:15]
    return replace(found, function_name=sanitise_name(f"{project}-{name}"))


def _with_zappa_stages(main: Carried, main_found: ToolSettings, directory: Path, stage: str) -> Carried:
    """``main`` (one Zappa stage) with each other stage as a [stages.<name>] table: the settings and
    variables where it differs (shoehorn merges a stage's table over the shared settings, its
    environment over the shared one), and notes for what a table cannot say."""
    path, stages = _zappa_file(directory)
    this = _zappa_stage(stages, stage)
    main_raw = main_found.environment  # (values withheld from both: named once, for main)
    tables: dict[str, dict[str, Any]] = {}
    notes = list(main.notes)
    for name in stages:
        if name == this:
            continue
        if not _STAGE_NAME.fullmatch(name):
            notes.append(f"stage {name!r}: not carried over (shoehorn's stage names are lower-case letters, digits "
                         f"and '_'); write it as [stages.{_STAGE_SAFE.sub('_', name.lower())}]")
            continue
        raw = _zappa(directory, name)
        other = _checked(raw)
        # (its withheld variables are named below: the notes that say "listed there" speak of the main stage)
        notes += [f"stage {name}: {note}" for note in other.notes
                  if note not in main.notes and not note.startswith("environment ")]
        table = {k: v for k, v in other.settings.items() if k != "environment" and main.settings.get(k) != v}
        shared_env = main.settings.get("environment", {})
        its_env = other.settings.get("environment", {})
        environment = {k: v for k, v in its_env.items() if shared_env.get(k) != v}
        if environment:
            table["environment"] = environment
        inherited = [k for k in main.settings if k not in other.settings and k not in ("environment", "app")]
        inherited += [f"environment {k}" for k in shared_env if k not in its_env]
        if inherited:
            notes.append(f"stage {name}: {', '.join(inherited)} set in stage {this} and not in {name}: shoehorn's "
                         f"[stages.{name}] inherits them; set them there to differ")
        withheld = [k for k in other.withheld if k not in main.withheld or raw.environment[k] != main_raw.get(k)]
        if withheld:
            notes.append(f"stage {name}: environment {', '.join(withheld)} not copied (secret-looking, or "
                         f"worked out at deploy time): set them in [stages.{name}.environment], or have the app "
                         "read them from SSM Parameter Store or Secrets Manager at startup")
        tables[name] = table
    if not tables:
        return replace(main, notes=tuple(notes))
    notes.append(f"other stages of {path.name} ({', '.join(tables)}): carried over as [stages.<name>] tables of what "
                 "differs; deploy one with `--stage NAME`")
    return replace(main, settings={**main.settings, "stages": tables}, notes=tuple(notes))


_STAGE_NAME = re.compile(r"[a-z0-9_]+")  # config.py's stage names
_STAGE_SAFE = re.compile(r"[^a-z0-9_]")


def _extended(stages: dict[str, Any], name: str) -> dict[str, Any]:
    """A Zappa stage's settings, over those of the stage it ``extends`` (and so on)."""
    chain, seen = [], set()
    while name in stages and name not in seen and isinstance(stages[name], dict):
        seen.add(name)
        chain.append(stages[name])
        name = stages[name].get("extends")
    merged: dict[str, Any] = {}
    for settings in reversed(chain):
        merged.update(settings)
    return merged


# --------------------------------------------------------------------------- Serverless Framework

_SERVERLESS_FILES = ("serverless.yml", "serverless.yaml")
_WSGI_HANDLERS = ("wsgi_handler.handler", "wsgi.handler")  # serverless-wsgi's (and its name before 1.7)


def _serverless(directory: Path, stage: str) -> ToolSettings | None:
    path = next((directory / name for name in _SERVERLESS_FILES if (directory / name).is_file()), None)
    data = _read(path) if path is not None else None
    if not isinstance(data, dict):
        return None
    provider = data.get("provider") if isinstance(data.get("provider"), dict) else {}
    functions = data.get("functions") if isinstance(data.get("functions"), dict) else {}
    web = [f for f in functions.values() if isinstance(f, dict) and
           (f.get("handler") in _WSGI_HANDLERS or any(isinstance(e, dict) and ("http" in e or "httpApi" in e)
                                                      for e in f.get("events") or ()))]
    function = web[0] if web else {}
    found = ToolSettings(path.name)
    wsgi = (data.get("custom") or {}).get("wsgi") if isinstance(data.get("custom"), dict) else None
    app = wsgi.get("app") if isinstance(wsgi, dict) else None
    if isinstance(app, str) and "/" in app:  # "web/api.app": the app and its requirements live in web/
        found = replace(found, code_elsewhere=app.rpartition("/")[0])
    elif isinstance(app, str):
        module, _, attribute = app.rpartition(".")
        found = _with_app(found, f"{module}:{attribute}", directory, "custom.wsgi.app")
    elif isinstance(function.get("handler"), str):
        found = _with_handler(found, function["handler"], directory)
    for theirs, ours in (("memorySize", "memory"), ("timeout", "timeout"), ("runtime", "runtime"),
                         ("architecture", "architecture")):
        value = function.get(theirs, provider.get(theirs))
        if value is not None:
            found.settings[ours] = value
    for table in (provider.get("environment"), function.get("environment")):
        if isinstance(table, dict):
            found.environment.update(table)
    _region(found, provider.get("region"))
    _left(found, [f"provider.{k}" for k in ("vpc", "iam", "layers", "apiGateway", "httpApi") if k in provider]
          + [f"plugins: {p}" for p in data.get("plugins") or () if p not in ("serverless-wsgi",
                                                                              "serverless-python-requirements")])
    return found


# --------------------------------------------------------------------------- AWS SAM

_SAM_FILES = ("template.yaml", "template.yml")


def _sam(directory: Path, stage: str) -> ToolSettings | None:
    here = next((directory / name for name in _SAM_FILES if (directory / name).is_file()), None)
    if here is not None and (function := _sam_function(directory, None)) is not None:
        name, properties, code = function
        if code.resolve() != directory.resolve():
            return ToolSettings(f"{here.name} ({name})", code_elsewhere=os.path.relpath(code, directory))
        path = here
    else:  # the template above the function's code folder (`sam init` puts it there)
        above = next((directory.parent / n for n in _SAM_FILES if (directory.parent / n).is_file()), None)
        function = _sam_function(directory.parent, directory) if above is not None else None
        if function is None:
            return None
        name, properties, code = function
        path = above
    found = ToolSettings(f"{'../' if path.parent != directory else ''}{path.name} ({name})")
    if isinstance(properties.get("Handler"), str):
        found = _with_handler(found, properties["Handler"], directory)
    for theirs, ours in (("MemorySize", "memory"), ("Timeout", "timeout"), ("Runtime", "runtime")):
        if theirs in properties:
            found.settings[ours] = properties[theirs]
    if isinstance(properties.get("Architectures"), list) and properties["Architectures"]:
        found.settings["architecture"] = properties["Architectures"][0]
    variables = (properties.get("Environment") or {}).get("Variables")
    if isinstance(variables, dict):
        found.environment.update(variables)
    _left(found, [k for k in ("VpcConfig", "Layers", "Policies", "Role") if k in properties])
    return found


def _sam_function(template_dir: Path, code_dir: Path | None) -> tuple[str, dict[str, Any], Path] | None:
    """(logical id, Properties over Globals.Function, code folder) of the template's web function: the one
    whose code is ``code_dir`` when given, else the one with an Api/HttpApi event (or the only one)."""
    path = next((template_dir / n for n in _SAM_FILES if (template_dir / n).is_file()), None)
    data = _read(path) if path is not None else None
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        return None
    defaults = ((data.get("Globals") or {}).get("Function") or {}) if isinstance(data.get("Globals"), dict) else {}
    functions = []
    for name, resource in data["Resources"].items():
        if not isinstance(resource, dict) or resource.get("Type") not in ("AWS::Serverless::Function",
                                                                          "AWS::Lambda::Function"):
            continue
        properties = {**(defaults if isinstance(defaults, dict) else {}), **(resource.get("Properties") or {})}
        uri = properties.get("CodeUri", ".")
        if not isinstance(uri, str) or "://" in uri:  # s3://: code built elsewhere, no folder here
            continue
        code = template_dir / uri
        events = properties.get("Events") if isinstance(properties.get("Events"), dict) else {}
        web = any(isinstance(e, dict) and e.get("Type") in ("Api", "HttpApi") for e in events.values())
        functions.append((name, properties, code, web))
    if code_dir is not None:
        functions = [f for f in functions if f[2].resolve() == code_dir.resolve()]
    chosen = [f for f in functions if f[3]] or functions
    return chosen[0][:3] if chosen else None


# --------------------------------------------------------------------------- shared


def _read(path: Path) -> Any:
    """The file's data, or None when it cannot be read (init then goes on with discovery alone)."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            return json.loads(text)
        if path.suffix == ".toml":
            return tomllib.loads(text)
        return _yaml(text)
    except (OSError, ValueError):  # JSON's, TOML's and UTF-8's errors are ValueErrors
        return None


def _yaml(text: str) -> Any:
    """YAML with CloudFormation's short forms (`!Ref X`, `!Sub ...`) read as Unresolved, which a plain
    safe loader refuses."""
    import yaml  # only when such a file is there

    class Loader(yaml.SafeLoader):
        pass

    def tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Unresolved:
        shown = node.value if isinstance(node, yaml.ScalarNode) else "..."
        return Unresolved(f"!{suffix} {shown}")

    Loader.add_multi_constructor("!", tagged)
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return None


def _with_app(found: ToolSettings, ref: str, directory: Path, key: str) -> ToolSettings:
    """``found`` with ``ref`` as its app when the module is the app's own; else a note."""
    from shoehorn.discovery import source_dir_of

    module = ref.partition(":")[0]
    if module and source_dir_of(directory, module) is not None:
        return replace(found, app=ref)
    found.notes.append(f"{key} names module {module!r}, which {directory} does not hold: the app is left to "
                       "discovery")
    return found


def _with_handler(found: ToolSettings, handler: str, directory: Path) -> ToolSettings:
    """``found`` with the app a Lambda handler ("app.handler": `handler = Mangum(api)`) wraps."""
    from shoehorn.discovery import lambda_handler, parse_file, source_dir_of

    module, _, name = handler.rpartition(".")
    source_dir = source_dir_of(directory, module) if module else None
    if source_dir is None:
        return found
    base = (directory / source_dir).joinpath(*module.split("."))
    tree = parse_file(base / "__init__.py" if base.is_dir() else base.with_suffix(".py"))
    wrapped = lambda_handler(tree, name)
    if wrapped is not None and wrapped.wraps_name and wrapped.wraps_name != name:
        return _with_app(found, f"{module}:{wrapped.wraps_name}", directory, "Handler")
    return found


def _region(found: ToolSettings, region: Any) -> None:
    if isinstance(region, str) and not _SERVERLESS_VARIABLE.search(region):
        found.notes.append(f"region {region}: shoehorn takes the region from the AWS settings: export "
                           f"AWS_REGION={region} (or pass --region {region})")


def _left(found: ToolSettings, keys: list[str]) -> None:
    if keys:
        found.notes.append(f"not carried over: {', '.join(keys)} (no shoehorn.toml setting does the same)")


# One check per carried key, as config applies it (Lambda's ranges); a value it refuses is left to the
# default and named, rather than fail init on a setting the user cannot edit there.
_CHECKS: dict[str, Callable[[Any], bool]] = {
    "memory": lambda v: isinstance(v, int) and not isinstance(v, bool) and 128 <= v <= 10240,
    "timeout": lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 900,
    "ephemeral_storage": lambda v: isinstance(v, int) and not isinstance(v, bool) and 512 <= v <= 10240,
    "concurrency": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
    "runtime": lambda v: v in SUPPORTED_RUNTIMES,
    "architecture": lambda v: v in ARCHITECTURES,
    "warm": lambda v: isinstance(v, str) and WARM.fullmatch(v) is not None,
    "exclude": lambda v: isinstance(v, list) and all(isinstance(p, str) and p for p in v),
    "statements": lambda v: isinstance(v, list) and all(isinstance(s, dict) for s in v),
}


def _checked(found: ToolSettings) -> Carried:
    """``found`` as init writes it: values shoehorn refuses left out, secrets and deploy-time values withheld."""
    settings: dict[str, Any] = {"app": found.app} if found.app else {}
    notes = list(found.notes)
    for key, value in found.settings.items():
        if isinstance(value, str) and key in ("memory", "timeout") and value.isdigit():
            value = int(value)  # serverless.yml's `timeout: '20'`
        if _CHECKS[key](value):
            settings[key] = value
        else:
            shown = value.text if isinstance(value, Unresolved) else repr(value)
            notes.append(f"{key} {shown}: not a value shoehorn takes (README, Configuration): left to its default")
    environment, withheld, computed, secrets = {}, {}, [], []
    for name, value in found.environment.items():
        if isinstance(value, bool):
            value = "true" if value else "false"  # as the tool passes it to Lambda
        elif isinstance(value, (int, float)):
            value = str(value)
        if not isinstance(name, str) or not ENV_NAME.fullmatch(name) or name in RESERVED_ENV:
            notes.append(f"environment {name}: not a name Lambda takes; left out")
            continue
        if name in _ADAPTER_VARIABLES:
            notes.append(f"environment {name}: {_ADAPTER_VARIABLES[name]}; left out")
            continue
        plain = isinstance(value, str) and not _SERVERLESS_VARIABLE.search(value)
        shown = value if isinstance(value, str) else getattr(value, "text", "...")  # `${ssm:/x}`, `!Ref Table`
        if _SECRET_NAME.search(name) or plain and _CREDENTIALS_IN_URL.search(value):
            withheld[name] = f"{shown if not plain else 'a secret'} in {found.source}: not copied"
            secrets.append(name)
        elif not plain:
            withheld[name] = f"{shown} in {found.source}, worked out at deploy time"
            computed.append(name)
        else:
            environment[name] = value
    if environment:
        settings["environment"] = environment
    if computed:
        notes.append(f"environment {', '.join(computed)}: {found.source} works their values out at deploy time "
                     "(listed in shoehorn.toml, commented out): write the values in [environment]")
    if secrets:
        notes.append(f"environment {', '.join(secrets)}: secret-looking values, not copied into shoehorn.toml (a "
                     "file usually committed; listed there, commented out). `up` deploys [environment] as "
                     "written: set them there if the file stays private, or have the app read them from SSM "
                     "Parameter Store or Secrets Manager at startup")
    return Carried(found.source, settings, withheld, tuple(notes), found.code_elsewhere, found.function_name)
