"""The QA repro of bug 6 as a user types it: a wrong AWS_PROFILE, region or AWS_ENDPOINT_URL is exit 4
with the variable or option to fix, never "internal error" (exit 1, "please report it")."""

from __future__ import annotations

import pytest

try:
    from . import opskit  # tests/cli as a package
except ImportError:
    import opskit


@pytest.mark.parametrize(("env", "args", "named"), [
    ({"AWS_PROFILE": "nope"}, ["status"], "AWS_PROFILE"),
    ({"AWS_PROFILE": "nope"}, ["url"], "AWS_PROFILE"),
    ({}, ["status", "--profile", "nope"], "--profile"),  # was already right: stays so
    ({"AWS_REGION": "us east 1"}, ["status"], "AWS_REGION"),
    ({}, ["url", "--region", "eu-west-1/x"], "--region"),
    ({"AWS_ENDPOINT_URL": "not a url"}, ["status"], "AWS_ENDPOINT_URL"),
])
def test_a_wrong_aws_setup_is_exit_4_naming_what_to_fix(monkeypatch, tmp_path, env, args, named) -> None:
    opskit.point_at(monkeypatch, "http://127.0.0.1:9", tmp_path)  # never reached: the setup fails first
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = opskit.make_app(tmp_path / "app", "setupapp")
    code, _, err = opskit.run(*args, "-C", str(app))
    assert code == 4, err
    assert "internal error" not in err and "please report" not in err
    assert named in err and "hint:" in err
