"""Another tool's file beside the app, carried over into shoehorn's settings (shoehorn/migrate.py).

Each project here is written as a user of that tool writes it; tests/compat/test_migrate_sources.py
takes the tools' own published examples.
"""

from __future__ import annotations

import json
from pathlib import Path

from shoehorn.migrate import carry, foreign_file

FLASK = "from flask import Flask\napp = Flask(__name__)\n"


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return directory


def zappa(directory: Path, stages: dict) -> Path:
    return write(directory, {"my_app.py": FLASK, "zappa_settings.json": json.dumps(stages)})


def test_zappa_settings_carry_the_app_and_what_maps_one_to_one(tmp_path: Path) -> None:
    zappa(tmp_path, {"dev": {
        "app_function": "my_app.app", "aws_region": "eu-west-1", "s3_bucket": "zappa-x", "memory_size": 1024,
        "timeout_seconds": 20, "runtime": "python3.12", "exclude": ["*.gz"], "exclude_glob": ["tests/**/*"],
        "lambda_concurrency": 5, "ephemeral_storage": {"Size": 1024}, "keep_warm_expression": "rate(4 minutes)",
        "extra_permissions": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}],
        "environment_variables": {"LOG_LEVEL": "debug", "WORKERS": 2},
        "aws_environment_variables": {"FEATURE_X": "on"}, "cors": True, "domain": "shop.example.com"}})
    carried = carry(tmp_path, "dev")
    assert carried.source == "zappa_settings.json (stage dev)"
    assert carried.settings == {
        "app": "my_app:app", "memory": 1024, "timeout": 20, "runtime": "python3.12", "concurrency": 5,
        "ephemeral_storage": 1024, "exclude": ["*.gz", "tests/**/*"], "warm": "4 minutes",
        "statements": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}],
        "environment": {"LOG_LEVEL": "debug", "WORKERS": "2", "FEATURE_X": "on"}}
    notes = "\n".join(carried.notes)
    assert "AWS_REGION=eu-west-1" in notes and "not carried over: cors (" in notes
    assert "domain: shoehorn sets up no custom domain" in notes
    assert "s3_bucket" not in notes  # shoehorn makes its own bucket when it needs one: nothing to say
    assert carried.function_name == f"{tmp_path.name.lower().replace('_', '-')[:15]}-dev"


def test_secret_values_are_withheld_and_named(tmp_path: Path) -> None:
    zappa(tmp_path, {"dev": {"app_function": "my_app.app", "environment_variables": {
        "DATABASE_URL": "postgres://shop:hunter2@db.internal/shop", "SECRET_KEY": "x" * 40,
        "STRIPE_API_KEY": "sk_live_1", "CACHE_URL": "redis://cache:6379/0"}}})
    carried = carry(tmp_path, "dev")
    assert carried.settings["environment"] == {"CACHE_URL": "redis://cache:6379/0"}
    assert set(carried.withheld) == {"DATABASE_URL", "SECRET_KEY", "STRIPE_API_KEY"}
    shown = repr(carried)
    assert "hunter2" not in shown and "sk_live_1" not in shown and "x" * 40 not in shown


def test_zappa_stage_extends_another_and_the_others_are_named(tmp_path: Path) -> None:
    zappa(tmp_path, {"common": {"app_function": "my_app.app", "memory_size": 256},
                     "dev": {"extends": "common", "timeout_seconds": 10},
                     "production": {"extends": "common", "memory_size": 2048, "project_name": "shop"}})
    assert carry(tmp_path, "dev").settings == {"app": "my_app:app", "memory": 256, "timeout": 10,
                                               "stages": {"common": {}, "production": {"memory": 2048}}}
    production = carry(tmp_path, "production")
    assert production.settings["memory"] == 2048 and production.function_name == "shop-production"
    # the other stages, as [stages.<name>] tables of what differs
    assert production.settings["stages"] == {"common": {"memory": 256}, "dev": {"memory": 256, "timeout": 10}}
    assert any("other stages of zappa_settings.json (common, dev)" in note for note in production.notes)
    assert carry(tmp_path, "qa").source == "zappa_settings.json (stage common)"  # no such stage: the first


def test_zappa_stages_become_stage_tables_that_load_as_zappa_deployed_them(tmp_path: Path) -> None:
    from shoehorn.config import load

    zappa(tmp_path, {
        "dev": {"app_function": "my_app.app", "memory_size": 512, "environment_variables": {"LOG_LEVEL": "debug",
                                                                                              "FEATURE": "on"}},
        "production": {"extends": "dev", "memory_size": 2048, "aws_region": "eu-west-1", "cors": True,
                       "environment_variables": {"LOG_LEVEL": "warning", "SECRET_KEY": "s" * 40}},
        "prod-eu": {"extends": "production"}})
    carried = carry(tmp_path, "dev")
    assert carried.settings["stages"] == {"production": {"memory": 2048, "environment": {"LOG_LEVEL": "warning"}}}
    notes = "\n".join(carried.notes)
    assert "stage production: region eu-west-1" in notes and "stage production: not carried over: cors" in notes
    assert "stage production: environment SECRET_KEY not copied" in notes and "s" * 40 not in repr(carried)
    assert "stage 'prod-eu': not carried over" in notes and "[stages.prod_eu]" in notes
    # what shoehorn then deploys for each stage is what Zappa deployed (the secret aside)
    write(tmp_path, {"shoehorn.toml": _toml(carried.settings)})
    production = load(tmp_path, stage="production")
    assert production.memory == 2048 and dict(production.environment) == {"LOG_LEVEL": "warning", "FEATURE": "on"}
    dev = load(tmp_path, stage="dev")
    assert dev.memory == 512 and dict(dev.environment) == {"LOG_LEVEL": "debug", "FEATURE": "on"}


def _toml(settings: dict) -> str:
    from shoehorn.cli import tomlwrite

    plain = {k: v for k, v in settings.items() if not tomlwrite.is_section(v)}
    return "\n".join([*(f"{k} = {tomlwrite.value(v)}" for k, v in plain.items()),
                      *tomlwrite.sections([], {k: v for k, v in settings.items() if tomlwrite.is_section(v)})]) + "\n"


def test_values_shoehorn_does_not_take_are_left_to_its_defaults(tmp_path: Path) -> None:
    zappa(tmp_path, {"dev": {"app_function": "my_app.app", "runtime": "python3.8", "memory_size": 20000,
                             "keep_warm_expression": "cron(0/5 * * * ? *)", "environment_variables": {"A": "1"}}})
    carried = carry(tmp_path, "dev")
    assert carried.settings == {"app": "my_app:app"}
    assert {n.split(":")[0] for n in carried.notes if "not a value shoehorn takes" in n} == {
        "runtime 'python3.8'", "memory 20000", "warm cron(0/5 * * * ? *)"}
    assert any("environment A: not a name Lambda takes" in n for n in carried.notes)


def test_an_app_function_outside_the_app_directory_is_left_to_discovery(tmp_path: Path) -> None:
    zappa(tmp_path, {"dev": {"app_function": "gone.app"}})
    carried = carry(tmp_path, "dev")
    assert "app" not in carried.settings and any("names module 'gone'" in n for n in carried.notes)


def test_a_zappa_django_project_sets_its_settings_module(tmp_path: Path) -> None:
    write(tmp_path, {"zappa_settings.json": json.dumps({"dev": {"django_settings": "shop.settings_lambda"}})})
    assert carry(tmp_path, "dev").settings == {"environment": {"DJANGO_SETTINGS_MODULE": "shop.settings_lambda"}}


SERVERLESS = """\
service: shop
provider:
  name: aws
  runtime: python3.12
  region: eu-central-1
  memorySize: 256
  timeout: 20
  environment:
    DEBUG: false
    API_GATEWAY_BASE_PATH: ${self:custom.customDomain.basePath}
    TABLE: ${self:service}-${opt:stage}
    SECRET_KEY: ${ssm:/shop/secret}
plugins:
  - serverless-wsgi
  - serverless-python-requirements
functions:
  cron:
    handler: jobs.nightly
    events:
      - schedule: rate(1 day)
  api:
    handler: wsgi_handler.handler
    timeout: 25
    events:
      - http: ANY /
      - http: ANY /{proxy+}
custom:
  wsgi:
    app: api.app
"""


def test_serverless_wsgi_carries_its_app_and_the_web_functions_settings(tmp_path: Path) -> None:
    write(tmp_path, {"api.py": FLASK, "serverless.yml": SERVERLESS})
    carried = carry(tmp_path, "dev")
    assert carried.settings == {"app": "api:app", "memory": 256, "timeout": 25, "runtime": "python3.12",
                                "environment": {"DEBUG": "false"}}
    assert carried.withheld == {"TABLE": "${self:service}-${opt:stage} in serverless.yml, worked out at deploy time",
                                "SECRET_KEY": "${ssm:/shop/secret} in serverless.yml: not copied"}
    assert any("API_GATEWAY_BASE_PATH: serverless-wsgi's" in n for n in carried.notes)


def test_serverless_with_mangum_is_followed_from_the_handler_to_the_app(tmp_path: Path) -> None:
    write(tmp_path, {"server.py": "from fastapi import FastAPI\nfrom mangum import Mangum\napi = FastAPI()\n"
                                  "handler = Mangum(api)\n",
                     "serverless.yml": "service: s\nprovider:\n  name: aws\nfunctions:\n  web:\n"
                                       "    handler: server.handler\n    events:\n      - httpApi: '*'\n"})
    assert carry(tmp_path, "dev").settings == {"app": "server:api"}


SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 15
    MemorySize: 768
    Runtime: python3.12
    Environment:
      Variables:
        TABLE_NAME: !Ref Table
        STAGE: prod
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: worker/
      Handler: jobs.run
  HelloWorldFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: hello_world/
      Handler: app.handler
      MemorySize: !Ref Memory
      Architectures:
        - arm64
      Events:
        Proxy:
          Type: Api
          Properties:
            Path: /{proxy+}
            Method: ANY
  Table:
    Type: AWS::Serverless::SimpleTable
Outputs:
  Api:
    Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod/"
"""
MANGUM_APP = "from fastapi import FastAPI\nfrom mangum import Mangum\napi = FastAPI()\nhandler = Mangum(api)\n"


def test_sam_template_above_the_code_folder_is_read_with_its_tags(tmp_path: Path) -> None:
    write(tmp_path, {"template.yaml": SAM, "hello_world/app.py": MANGUM_APP, "worker/jobs.py": ""})
    carried = carry(tmp_path / "hello_world", "dev")
    assert carried.source == "../template.yaml (HelloWorldFunction)"
    assert carried.settings == {"app": "app:api", "timeout": 15, "runtime": "python3.12", "architecture": "arm64",
                                "environment": {"STAGE": "prod"}}
    assert carried.withheld == {"TABLE_NAME": "!Ref Table in ../template.yaml (HelloWorldFunction), worked out "
                                              "at deploy time"}
    assert any(n.startswith("memory !Ref Memory: not a value") for n in carried.notes)
    # from the template's own folder: the code is elsewhere, which init reports
    assert carry(tmp_path, "dev").code_elsewhere == "hello_world"


def test_nothing_to_carry_and_unreadable_files(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": FLASK})
    assert carry(tmp_path, "dev") is None and foreign_file(tmp_path) is None
    write(tmp_path, {"serverless.yml": "provider: [unclosed\n", "template.yaml": "kind: Deployment\n"})
    assert carry(tmp_path, "dev") is None  # not the tools' files, or not readable: init goes on with discovery
    assert foreign_file(tmp_path) == "serverless.yml"
    (tmp_path / "serverless.yml").unlink()
    assert foreign_file(tmp_path) is None  # a template.yaml that is not SAM's
