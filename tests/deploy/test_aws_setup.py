"""A wrong AWS setup on the user's side is an AwsSetupError (exit 4) that names what to fix, not a
botocore exception that the CLI reports as "internal error" (QA day 2, bug 6).

No server: every one of these fails while botocore reads its configuration, before a request.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shoehorn.deploy.aws import Aws
from shoehorn.errors import AwsSetupError

NOWHERE = "http://127.0.0.1:9"  # never reached: the setup fails first


@pytest.fixture
def setup_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Fake credentials and us-east-1 from the environment, no profile; returns the AWS config file
    (missing until a test writes it)."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL_")]:
        monkeypatch.delenv(name)
    config = tmp_path / "config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", NOWHERE)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return config


def _setup_error(make) -> AwsSetupError:
    with pytest.raises(AwsSetupError) as caught:
        make()
    assert caught.value.exit_code == 4
    return caught.value


@pytest.mark.parametrize("variable", ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])
@pytest.mark.parametrize("region_set", [True, False])
def test_a_profile_from_the_environment_that_does_not_exist(setup_env, monkeypatch, variable, region_set) -> None:
    setup_env.write_text("[profile dev]\nregion = eu-west-1\n")
    monkeypatch.setenv(variable, "nope")
    if not region_set:  # the region then comes from the profile: botocore reads it first
        monkeypatch.delenv("AWS_REGION")
        monkeypatch.delenv("AWS_DEFAULT_REGION")
    error = _setup_error(lambda: Aws().call("sts", "get_caller_identity"))
    assert "'nope'" in error.message and variable in error.message
    assert f"unset {variable}" in error.hint and "dev" in error.hint  # the profiles there are


def test_the_profile_option_wins_over_a_broken_environment_profile(setup_env, monkeypatch) -> None:
    setup_env.write_text("[profile dev]\naws_access_key_id = dev\naws_secret_access_key = dev\n")
    monkeypatch.setenv("AWS_PROFILE", "nope")
    assert Aws(profile="dev").has_credentials()


@pytest.mark.parametrize(("where", "named"), [
    ("argument", "--region"), ("AWS_REGION", "AWS_REGION"), ("AWS_DEFAULT_REGION", "AWS_DEFAULT_REGION"),
    ("profile", "region` of your AWS profile"),
])
def test_a_malformed_region_names_where_it_was_set(setup_env, monkeypatch, where, named) -> None:
    bad = "eu-west-1/x" if where == "argument" else "us east 1"
    if where != "argument":
        monkeypatch.delenv("AWS_REGION")
        monkeypatch.delenv("AWS_DEFAULT_REGION")
    if where in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.setenv(where, bad)
    if where == "profile":
        setup_env.write_text(f"[default]\nregion = {bad}\n")
    error = _setup_error(lambda: Aws(region=bad if where == "argument" else None))
    assert repr(bad) in error.message and named in error.message
    assert "us-east-1" in error.hint


def test_a_malformed_endpoint_url_is_named_before_any_client_is_made(setup_env, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "not a url")
    error = _setup_error(Aws)
    assert "'not a url'" in error.message and "AWS_ENDPOINT_URL" in error.message
    assert "http://" in error.hint and "unset" in error.hint


def test_a_malformed_service_endpoint_url(setup_env, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "not a url")
    error = _setup_error(lambda: Aws().call("lambda", "get_function", FunctionName="f"))
    assert "not a url" in error.message and "AWS_ENDPOINT_URL_LAMBDA" in error.hint


def test_a_config_file_that_does_not_parse(setup_env) -> None:
    setup_env.write_text("[default\nregion\n")
    error = _setup_error(lambda: Aws().call("sts", "get_caller_identity"))
    assert str(setup_env) in error.message and "AWS_CONFIG_FILE" in error.hint


def test_partial_credentials(setup_env, monkeypatch) -> None:
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    error = _setup_error(lambda: Aws().call("sts", "get_caller_identity"))
    assert "AWS_SECRET_ACCESS_KEY" in error.message and "aws configure" in error.hint
    assert "AWS_SECRET_ACCESS_KEY" in _setup_error(lambda: Aws().has_credentials()).message  # `up`'s early check


@pytest.mark.parametrize(("profile", "said"), [
    ("[profile p]\nsts_regional_endpoints = bogus\n", "bogus"),  # InvalidSTSRegionalEndpointsConfigError
    ("[profile p]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = ghost\n", "ghost"),  # InvalidConfigError
    ("[profile p]\nrole_arn = arn:aws:iam::123456789012:role/x\n", "source_profile"),  # PartialCredentialsError
    ("[profile p]\ncredential_process = false\n", "custom-process"),  # CredentialRetrievalError
])
def test_invalid_settings_in_a_profile(setup_env, monkeypatch, profile, said) -> None:
    setup_env.write_text(profile)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")  # an explicit profile's own credentials are used
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    error = _setup_error(lambda: Aws(profile="p").call("sts", "get_caller_identity"))
    assert said in error.message
