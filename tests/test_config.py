"""shoehorn.config.load: defaults, files, stages, and errors that name the key and the file."""

from __future__ import annotations

import re

import sys
from pathlib import Path

import pytest

from shoehorn.config import load, sanitise_name
from shoehorn.errors import ConfigError
from shoehorn.progress import Recorder, Warn

APP = "from flask import Flask\napp = Flask(__name__)\n"


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "My_Cool App"
    directory.mkdir()
    (directory / "app.py").write_text(APP)
    (directory / "requirements.txt").write_text("flask\n")
    return directory


def toml(directory: Path, text: str) -> Path:
    path = directory / "shoehorn.toml"
    path.write_text(text)
    return path


def test_defaults_for_a_plain_directory(app_dir: Path) -> None:
    config = load(app_dir)
    assert config.directory == app_dir.resolve()
    assert config.name == "my-cool-app"
    assert config.stage == "dev"
    assert config.app == "app:app"
    assert config.runtime == f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert config.architecture == "x86_64"
    assert config.requirements == app_dir / "requirements.txt"
    assert config.requirements_kind == "requirements"
    assert config.source_file is None
    assert (config.memory, config.timeout, config.log_retention_days) == (512, 30, 30)
    assert config.ephemeral_storage == 512


def test_settings_and_stage_overrides_merge_environment(app_dir: Path) -> None:
    path = toml(app_dir, '''
name = "notes"
architecture = "arm64"
runtime = "3.12"
memory = 1024
exclude = ["docs/"]
default_stage = "staging"
[environment]
LOG_LEVEL = "info"
WORKERS = 4
[stages.prod]
memory = 2048
[stages.prod.environment]
LOG_LEVEL = "warning"
''')
    staging = load(app_dir)
    assert (staging.stage, staging.memory, staging.runtime) == ("staging", 1024, "python3.12")
    assert dict(staging.environment) == {"LOG_LEVEL": "info", "WORKERS": "4"}
    assert staging.source_file == path and staging.exclude == ("docs/",)
    prod = load(app_dir, "prod")
    assert prod.memory == 2048
    assert dict(prod.environment) == {"LOG_LEVEL": "warning", "WORKERS": "4"}
    assert (prod.function_name, prod.role_name) == ("notes-prod", "notes-prod-lambda")


def test_pyproject_tool_table(app_dir: Path) -> None:
    (app_dir / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.shoehorn]\nmemory = 256\n')
    config = load(app_dir)
    assert config.memory == 256 and config.source_file == app_dir / "pyproject.toml"


def test_unknown_key_suggests_the_closest_and_names_the_file(app_dir: Path) -> None:
    path = toml(app_dir, "memroy = 256\n")
    with pytest.raises(ConfigError) as caught:
        load(app_dir)
    assert "memroy" in caught.value.message and str(path) in caught.value.message
    assert "memory" in caught.value.hint


def test_unknown_key_in_a_stage_table(app_dir: Path) -> None:
    toml(app_dir, "[stages.prod]\ntimout = 10\n")
    with pytest.raises(ConfigError) as caught:
        load(app_dir, "prod")
    assert "timout" in caught.value.message and "[stages.prod]" in caught.value.message
    assert "timeout" in caught.value.hint


@pytest.mark.parametrize(
    ("text", "key", "allowed"),
    [
        ("memory = 64", "memory", "128 to 10240"),
        ("memory = 0", "memory", "128 to 10240"),
        ("timeout = 901", "timeout", "1 to 900"),
        ("ephemeral_storage = 511", "ephemeral_storage", "512 to 10240"),
        ("ephemeral_storage = 10241", "ephemeral_storage", "512 to 10240"),
        ('ephemeral_storage = "1GB"', "ephemeral_storage", "an integer (MB)"),
        ('architecture = "amd64"', "architecture", "x86_64, arm64"),
        ('runtime = "python3.8"', "runtime", "python3.12"),
        ("log_retention_days = 10", "log_retention_days", "14"),
        ('endpoint_type = "PRIVATE"', "endpoint_type", "REGIONAL"),
        ('name = "My App"', "name", "lower-case"),
        ('app = "not a ref"', "app", "module:attribute"),
        ('warm = "5s"', "warm", "5m"),
        ("concurrency = 0", "concurrency", ">= 1"),
        ('policies = ["AmazonS3ReadOnlyAccess"]', "policies", "arn:aws:iam"),
        ("[environment]\nDEBUG = true", "environment.DEBUG", "string"),
        ('[environment]\nAWS_REGION = "eu-west-1"', "environment.AWS_REGION", "reserved"),
        # QA: accepted, then refused by Lambda at CreateFunction, after the role, log group and API were made
        ('[environment]\nX = "1"', "environment.X", "at least 2 characters"),
        ('[environment]\n_PRIVATE = "1"', "environment._PRIVATE", "a letter"),
        # QA: 1.10 reached the app as "1.1" (the TOML text is gone once parsed)
        ("[environment]\nAPI_VERSION = 1.10", "environment.API_VERSION", 'API_VERSION = "..."'),
        ('warm = "1w"', "warm", '"1d"'),
        ('prime = ["/y#frag"]', "prime", "#fragment"),
    ],
)
def test_bad_values_name_key_file_and_allowed_values(app_dir: Path, text: str, key: str, allowed: str) -> None:
    path = toml(app_dir, text + "\n")
    with pytest.raises(ConfigError) as caught:
        load(app_dir)
    assert f"'{key}'" in caught.value.message and str(path) in caught.value.message
    assert allowed in str(caught.value)


def test_ephemeral_storage_per_stage(app_dir: Path) -> None:
    toml(app_dir, "ephemeral_storage = 1024\n[stages.prod]\nephemeral_storage = 10240\n")
    assert load(app_dir).ephemeral_storage == 1024
    assert load(app_dir, "prod").ephemeral_storage == 10240


def test_wrong_type_names_the_key(app_dir: Path) -> None:
    toml(app_dir, 'memory = "512"\n')
    with pytest.raises(ConfigError, match="'memory'.*must be an integer"):
        load(app_dir)


def test_timeout_above_api_gateway_limit_warns_through_progress(app_dir: Path) -> None:
    toml(app_dir, "timeout = 60\n")
    recorder = Recorder()
    assert load(app_dir, progress=recorder).timeout == 60
    (warning,) = recorder.of(Warn)
    assert "29 s" in warning.message


def test_default_timeout_does_not_warn(app_dir: Path) -> None:
    recorder = Recorder()
    load(app_dir, progress=recorder)
    assert recorder.events == []


def test_stage_name_is_validated(app_dir: Path) -> None:
    with pytest.raises(ConfigError, match="stage name"):
        load(app_dir, "prod/eu")


@pytest.mark.parametrize("stage", ["api-dev", "Dev"])
def test_stages_that_could_give_two_apps_one_aws_name_are_refused(app_dir: Path, stage: str) -> None:
    """App "shop-api" stage "dev" and app "shop" stage "api-dev" would both be function shop-api-dev;
    "Dev" and "dev" would share an IAM role (role names ignore case)."""
    with pytest.raises(ConfigError, match="stage name") as caught:
        load(app_dir, stage)
    assert repr(stage.lower().replace("-", "_")) in (caught.value.hint or "")
    assert load(app_dir, "api_dev").function_name.endswith("-api_dev")


def test_long_names_are_refused_before_aws_does(tmp_path: Path) -> None:
    directory = tmp_path / ("a" * 60)
    directory.mkdir()
    (directory / "app.py").write_text(APP)
    with pytest.raises(ConfigError, match="64"):
        load(directory)


def test_sanitise_name() -> None:
    assert sanitise_name("My_Cool App!") == "my-cool-app"
    assert sanitise_name("2fast") == "app-2fast"
    assert sanitise_name("___") == "app"


def test_requirements_sources(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    assert load(tmp_path).requirements_kind == "none"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["flask"]\n')
    assert load(tmp_path).requirements_kind == "pyproject"
    (tmp_path / "uv.lock").write_text("version = 1\n")
    assert load(tmp_path).requirements_kind == "uv.lock"
    (tmp_path / "requirements.txt").write_text("flask\n")
    assert load(tmp_path).requirements_kind == "requirements"
    toml(tmp_path, "requirements = false\n")
    assert load(tmp_path).requirements is None


POETRY = ('[tool.poetry]\nname = "p"\nversion = "0.1.0"\n'
          '[tool.poetry.dependencies]\npython = "^3.11"\nflask = "^3.0"\n')


@pytest.mark.parametrize("setting", [None, 'requirements = "pyproject.toml"\n'])
def test_poetry_only_dependencies_are_an_error_saying_how_to_export_them(tmp_path: Path, setting: str | None) -> None:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "pyproject.toml").write_text(POETRY)
    if setting:
        toml(tmp_path, setting)
    with pytest.raises(ConfigError, match=r"flask\) under \[tool.poetry.dependencies\]") as caught:
        load(tmp_path)
    assert "poetry export -f requirements.txt" in caught.value.hint and "[project].dependencies" in caught.value.hint


def test_poetry_projects_that_shoehorn_can_read_load(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "pyproject.toml").write_text('[tool.poetry.dependencies]\npython = "^3.11"\n')
    assert load(tmp_path).requirements_kind == "none"  # nothing beyond python
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\ndependencies = ["flask"]\n' + POETRY)
    assert load(tmp_path).requirements_kind == "pyproject"  # Poetry 2 reads [project] too
    (tmp_path / "pyproject.toml").write_text(POETRY)
    (tmp_path / "requirements.txt").write_text("flask\n")
    assert load(tmp_path).requirements_kind == "requirements"  # e.g. `poetry export`ed
    (tmp_path / "requirements.txt").unlink()
    toml(tmp_path, "requirements = false\n")
    assert load(tmp_path).requirements is None  # said explicitly


def test_missing_requirements_file_is_an_error(app_dir: Path) -> None:
    toml(app_dir, 'requirements = "reqs/prod.txt"\n')
    with pytest.raises(ConfigError, match="'requirements'.*does not exist"):
        load(app_dir)


def test_settings_in_two_places_is_an_error(app_dir: Path) -> None:
    toml(app_dir, "memory = 256\n")
    (app_dir / "pyproject.toml").write_text("[tool.shoehorn]\nmemory = 512\n")
    with pytest.raises(ConfigError, match="both"):
        load(app_dir)


def test_invalid_toml_names_the_file(app_dir: Path) -> None:
    path = toml(app_dir, "memory = \n")
    with pytest.raises(ConfigError, match=str(path)):
        load(app_dir)


@pytest.mark.parametrize("where", ["shoehorn.toml", "pyproject.toml"])
def test_a_config_file_that_is_not_utf8_is_a_config_error_naming_the_line(app_dir: Path, where: str) -> None:
    path = app_dir / where
    path.write_bytes(("[tool.shoehorn]\n" if where == "pyproject.toml" else "") .encode() + b'memory = 512\n# caf\xe9\n')
    with pytest.raises(ConfigError, match=r"is not UTF-8 text \(line \d: byte 0xe9\)"):
        load(app_dir)


def test_an_empty_stage_is_refused_not_taken_as_the_default(app_dir: Path) -> None:
    toml(app_dir, "memory = 512\n")
    with pytest.raises(ConfigError, match="--stage is empty"):
        load(app_dir, "")


def test_an_app_reference_without_a_colon_says_so_once(app_dir: Path) -> None:
    toml(app_dir, 'app = "app"\n')
    with pytest.raises(ConfigError) as caught:
        load(app_dir)
    assert "no ':' between the module and the attribute" in caught.value.hint
    assert caught.value.hint.count("e.g.") == 1  # it gave two lists of examples


def test_a_stage_too_long_for_the_role_name_says_the_stage_may_be_shortened(app_dir: Path) -> None:
    toml(app_dir, 'name = "x"\n')
    with pytest.raises(ConfigError, match="AWS allows 64") as caught:
        load(app_dir, "s" * 60)
    assert "shorter stage" in caught.value.hint


def test_explicit_app_module_must_exist(app_dir: Path) -> None:
    toml(app_dir, 'app = "server:app"\nrequirements = false\n')
    with pytest.raises(ConfigError, match="module 'server'"):
        load(app_dir)
    (app_dir / "server.py").write_text(APP)
    assert load(app_dir).app == "server:app"


def test_an_app_from_a_dependency_is_accepted_when_requirements_can_install_it(app_dir: Path) -> None:
    (app_dir / "requirements.txt").write_text("datasette\n")
    toml(app_dir, 'app = "datasette.app:Datasette().app()"\n')
    with pytest.raises(ConfigError, match="keywords"):
        load(app_dir)  # positional calls and chained calls are not literal keywords
    toml(app_dir, 'app = "somepkg.web:create_app(debug=False)"\n')
    assert load(app_dir).app == "somepkg.web:create_app(debug=False)"


@pytest.mark.parametrize("ref", ['"app:create_app(1)"', '"app:create_app(x=os.environ)"', '"app:"', '"app"',
                                 '"app:create_app(**opts)"'])
def test_factory_arguments_must_be_literal_keywords(app_dir: Path, ref: str) -> None:
    toml(app_dir, f"app = {ref}\n")
    with pytest.raises(ConfigError, match="'app'"):
        load(app_dir)


def test_a_factory_reference_with_literal_keywords_loads(app_dir: Path) -> None:
    (app_dir / "app.py").write_text("def create_app(config=None, debug=False):\n    pass\n")
    toml(app_dir, "app = \"app:create_app(config={'DATABASE': '/tmp/x.db'}, debug=True)\"\n")
    assert load(app_dir).app.startswith("app:create_app(")


def test_a_misspelt_attribute_is_reported_at_load(app_dir: Path) -> None:
    toml(app_dir, 'app = "app:ap"\n')
    with pytest.raises(ConfigError, match="binds no module-level name 'ap'") as caught:
        load(app_dir)
    assert "'app'" in caught.value.hint


def test_interface_is_wsgi_or_asgi(app_dir: Path) -> None:
    toml(app_dir, 'interface = "asgi"\n')
    assert load(app_dir).interface == "asgi"
    toml(app_dir, 'interface = "rsgi"\n')
    with pytest.raises(ConfigError, match="interface"):
        load(app_dir)


def test_a_django_project_sets_its_settings_module(tmp_path: Path) -> None:
    (tmp_path / "manage.py").write_text("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n")
    (tmp_path / "site1").mkdir()
    for name in ("__init__", "settings", "wsgi"):
        (tmp_path / "site1" / f"{name}.py").write_text("application = None\n")
    config = load(tmp_path)
    assert config.app == "site1.wsgi:application" and config.django_settings == "site1.settings"
    assert config.environment["DJANGO_SETTINGS_MODULE"] == "site1.settings"
    toml(tmp_path, 'app = "site1.wsgi:application"\n[environment]\nDJANGO_SETTINGS_MODULE = "site1.settings"\n')
    assert load(tmp_path).django_settings == "site1.settings"  # still Django once init wrote the file


def test_a_django_configurations_project_deploys_the_class_its_wsgi_py_names(tmp_path: Path) -> None:
    # django-configurations: only DJANGO_SETTINGS_MODULE reached the function, so `shoehorn run -- python
    # manage.py migrate` ran manage.py's class (Dev: its database) while the web app ran wsgi.py's
    setdefault = ("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n"
                  "os.environ.setdefault('DJANGO_CONFIGURATION', '{}')\n")
    (tmp_path / "manage.py").write_text(setdefault.format("Dev"))
    (tmp_path / "site1").mkdir()
    for name in ("__init__", "settings"):
        (tmp_path / "site1" / f"{name}.py").write_text("")
    (tmp_path / "site1" / "wsgi.py").write_text(setdefault.format("Production") + "application = None\n")
    assert load(tmp_path).environment["DJANGO_CONFIGURATION"] == "Production"
    toml(tmp_path, 'app = "site1.wsgi:application"\n')
    assert load(tmp_path).environment["DJANGO_CONFIGURATION"] == "Production"  # the app named: still wsgi.py's
    toml(tmp_path, '[environment]\nDJANGO_CONFIGURATION = "Staging"\n')
    assert load(tmp_path).environment["DJANGO_CONFIGURATION"] == "Staging"  # the user's stands
    toml(tmp_path, "")
    (tmp_path / "site1" / "wsgi.py").write_text("application = None\n")  # no default of its own: manage.py's
    assert load(tmp_path).environment["DJANGO_CONFIGURATION"] == "Dev"
    (tmp_path / "manage.py").write_text("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n")
    assert "DJANGO_CONFIGURATION" not in load(tmp_path).environment  # plain Django: nothing added


def test_a_django_project_under_src_with_its_app_named_is_still_django(tmp_path: Path) -> None:
    # `init --app mysite.wsgi:application` on src/manage.py: no settings module, so no collectstatic
    (tmp_path / "src" / "site1").mkdir(parents=True)
    (tmp_path / "src" / "manage.py").write_text("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                                                "'site1.settings')\n")
    for name in ("__init__", "settings", "wsgi"):
        (tmp_path / "src" / "site1" / f"{name}.py").write_text("application = None\n")
    toml(tmp_path, 'app = "site1.wsgi:application"\n')
    config = load(tmp_path)
    assert (config.source_dir, config.django_settings) == ("src", "site1.settings")
    assert config.environment["DJANGO_SETTINGS_MODULE"] == "site1.settings"


def test_a_typo_in_any_stage_table_is_reported_naming_the_table(app_dir: Path) -> None:
    toml(app_dir, "[stages.prod]\nmemory = 1024\n[stages.staging]\nmemroy = 512\n")
    with pytest.raises(ConfigError, match=r"\[stages\.staging\]") as caught:
        load(app_dir, "prod")
    assert "memory" in caught.value.hint


def test_a_stage_close_to_a_configured_one_warns(app_dir: Path) -> None:
    toml(app_dir, "[stages.prod]\nmemory = 1024\n")
    recorder = Recorder()
    assert load(app_dir, "prdo", progress=recorder).memory == 512
    (warning,) = recorder.of(Warn)
    assert "'prod'" in warning.message
    quiet = Recorder()
    load(app_dir, "dev", progress=quiet)
    assert quiet.events == []


@pytest.mark.parametrize(("key", "pattern"), [("exclude", "!"), ("include", "\\"), ("exclude", "[z-a]")])
def test_a_pattern_that_is_not_gitignore_is_a_config_error_naming_it(app_dir: Path, key: str, pattern: str) -> None:
    # pathspec raised GitIgnorePatternError / re.error out of `build`, reported as a crash
    toml(app_dir, f"{key} = ['{pattern}']\n")
    with pytest.raises(ConfigError, match=f"{key} pattern .* is not a gitignore pattern"):
        load(app_dir)


def test_an_environment_past_lambda_s_4_kb_is_a_config_error(app_dir: Path) -> None:
    toml(app_dir, f'[environment]\nSMALL = "1"\nHUGE = "{"x" * 4096}"\n')
    with pytest.raises(ConfigError, match="takes 41[0-9]{2} bytes; Lambda refuses more than 4096 .largest: HUGE"):
        load(app_dir)
    toml(app_dir, f'[environment]\nFITS = "{"x" * 4000}"\n')
    assert len(load(app_dir).environment["FITS"]) == 4000


def test_environment_size_is_the_json_lambda_measures() -> None:
    from shoehorn.config import environment_size

    assert environment_size({"A": "1", "B": "é"}) == len('{"A":"1","B":"é"}'.encode())


def test_a_warm_rate_in_days_is_read_as_up_warm_reads_it(app_dir: Path) -> None:
    # `up --warm 5s` told users to write warm = "1d", which the config then refused
    toml(app_dir, 'warm = "1d"\n')
    from shoehorn.deploy.resources.schedule_rate import rate_expression

    assert rate_expression(load(app_dir).warm) == "rate(1 day)"


def test_an_integer_environment_value_is_written_in_decimal(app_dir: Path) -> None:
    toml(app_dir, "[environment]\nWORKERS = 4\n")
    assert load(app_dir).environment == {"WORKERS": "4"}


def test_a_pyproject_whose_tool_is_not_a_table_is_a_config_error(app_dir: Path) -> None:
    # `tool = 5` was "internal error: AttributeError: 'int' object has no attribute 'get'"
    (app_dir / "pyproject.toml").write_text("tool = 5\n")
    with pytest.raises(ConfigError, match="must be a table"):
        load(app_dir)


@pytest.mark.parametrize(("statement", "said"), [
    ('Effect = "Allow"\nAction = 5\nResource = "*"', "Action is a string or a list of strings"),
    ('Effect = "Allow"\nAction = "s3:*"\nResource = "*"\nPrincipal = "*"', "'Principal' is not an element"),
    ('Effect = "Allow"\nAction = "s3:*"\nNotAction = "s3:Delete*"\nResource = "*"', "exactly one of Action"),
])
def test_iam_statements_are_checked_as_iam_reads_them(app_dir: Path, statement: str, said: str) -> None:
    # QA: Action = 5 and a Principal passed and failed later in IAM
    toml(app_dir, f"[[statements]]\n{statement}\n")
    with pytest.raises(ConfigError, match="statement 1: " + re.escape(said)):
        load(app_dir)


def test_not_action_and_not_resource_statements_are_valid_iam(app_dir: Path) -> None:
    # QA: refused, though IAM takes them
    toml(app_dir, '[[statements]]\nEffect = "Deny"\nNotAction = ["s3:GetObject"]\nNotResource = "arn:aws:s3:::b/*"\n')
    assert load(app_dir).statements[0]["NotAction"] == ["s3:GetObject"]


def test_every_stage_is_checked_when_any_is_loaded_and_named(app_dir: Path) -> None:
    # QA: `[stages.prod] memory = 100` passed while loading dev, and errors named only the file
    toml(app_dir, "memory = 512\n[stages.prod]\nmemory = 100\n")
    for stage in ("dev", "prod"):
        with pytest.raises(ConfigError, match=r"\[stages\.prod\] of"):
            load(app_dir, stage)


def test_a_folder_named_shoehorn_toml_is_a_config_error(app_dir: Path) -> None:
    # QA: read as "no file", then `init` crashed writing it (internal error)
    (app_dir / "shoehorn.toml").mkdir()
    with pytest.raises(ConfigError, match="is not a file"):
        load(app_dir)
