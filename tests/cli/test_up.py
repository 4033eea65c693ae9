"""``shoehorn up`` as a user runs it: a real subprocess against a real moto server (and a fault proxy)."""

from __future__ import annotations

import os
import signal

import pytest

from deploy.faultproxy import FaultProxy
from deploy.kit import wait_for_alias
from deployapp import flask_example, shoehorn, spawn, tiny_app
from shoehorn.deploy.aws import Aws


def _apis(config_name: str) -> list[str]:
    items = Aws().call("apigateway", "get_rest_apis")["items"]
    return [i["id"] for i in items if (i.get("tags") or {}).get("shoehorn:app") == config_name]


@pytest.mark.slow  # builds the Flask example (dependencies come from uv's cache after the first run)
def test_flask_example_first_deploy_then_no_op_then_code_change(aws_env_shared, unique_name, tmp_path) -> None:
    app = flask_example(tmp_path / "app", unique_name)
    first = shoehorn("up", "-C", str(app))
    assert first.returncode == 0, first.stderr
    url = first.stdout.strip()
    assert url.startswith("https://") and url.endswith(".execute-api.us-east-1.amazonaws.com/dev/")
    assert "deployed" in first.stderr and "create Lambda function" in first.stderr
    assert "do-not-print-me" not in first.stdout + first.stderr  # env values are masked
    assert "SECRET_KEY=********" in first.stderr
    assert "not checking the URL" in first.stderr  # AWS_ENDPOINT_URL: not real AWS

    second = shoehorn("up", "-C", str(app))
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == url
    assert "up to date" in second.stderr and "needed no changes" in second.stderr
    assert "•" not in second.stderr.split("build —")[-1]  # no action ran after the build

    (app / "app.py").write_text((app / "app.py").read_text() + "\n# a code change\n")
    third = shoehorn("up", "-C", str(app))
    assert third.returncode == 0, third.stderr
    assert "upload new code" in third.stderr and "version 2" in third.stderr
    aws = Aws()
    assert aws.call("lambda", "get_alias", FunctionName=f"{unique_name}-dev", Name="live")["FunctionVersion"] == "2"
    assert len(_apis(unique_name)) == 1


def test_interrupted_deploy_converges_without_duplicates(aws_env_shared, unique_name, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", unique_name)
    with FaultProxy(aws_env_shared) as proxy:
        stall = proxy.stall("CreateRestApi")
        env = dict(os.environ, AWS_ENDPOINT_URL=proxy.url)
        process = spawn("up", "-C", str(app), env=env)
        try:
            assert stall.reached.wait(120), "the deploy never reached CreateRestApi"
            wait_for_alias(Aws(), f"{unique_name}-dev")  # made side by side with the API: killed once it exists
        finally:
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL
    assert Aws().call("lambda", "get_function", FunctionName=f"{unique_name}-dev")  # killed after the function
    assert _apis(unique_name) == []

    resumed = shoehorn("up", "-C", str(app))
    assert resumed.returncode == 0, resumed.stderr
    assert "create REST API" in resumed.stderr
    assert "create IAM role" not in resumed.stderr and "create Lambda function" not in resumed.stderr
    assert len(_apis(unique_name)) == 1
    roles = [r["RoleName"] for r in Aws().call("iam", "list_roles", MaxItems=1000)["Roles"]]
    assert roles.count(f"{unique_name}-dev-lambda") == 1
    again = shoehorn("up", "-C", str(app))
    assert "needed no changes" in again.stderr, again.stderr


def test_missing_credentials_exit_4_with_how_to_fix(aws_env_shared, unique_name, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", unique_name)
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    result = shoehorn("up", "-C", str(app), env=env)
    assert result.returncode == 4
    assert "no AWS credentials found" in result.stderr and "aws configure" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_region_exit_4_before_building(aws_env_shared, unique_name, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", unique_name)
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    result = shoehorn("up", "-C", str(app), env=env)
    assert result.returncode == 4
    assert "no AWS region" in result.stderr and "AWS_REGION" in result.stderr
    assert "zip" not in result.stderr  # failed before the build


@pytest.mark.parametrize("operation,fault,extra,code,words", [
    ("CreateFunction", "access-denied", "", 4, ["lambda:CreateFunction", "Add lambda:CreateFunction"]),
    ("PutFunctionConcurrency", "concurrency-limit", "concurrency = 5000\n", 5,
     ["more than this account can spare", "Lower `concurrency`"]),
])
def test_aws_refusals_exit_non_zero_with_a_fix(aws_env_shared, unique_name, tmp_path, operation, fault, extra, code,
                                               words) -> None:
    app = tiny_app(tmp_path / "app", unique_name, extra_toml=extra)
    with FaultProxy(aws_env_shared) as proxy:
        proxy.fail(operation, fault, times=100)
        result = shoehorn("up", "-C", str(app), env=dict(os.environ, AWS_ENDPOINT_URL=proxy.url))
    assert result.returncode == code, result.stderr
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.stderr


def test_throttling_is_retried_and_announced(aws_env_shared, unique_name, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", unique_name)
    with FaultProxy(aws_env_shared) as proxy:
        proxy.fail("CreateDeployment", "throttle", times=2)
        proxy.fail("CreateFunction", "iam-propagation", times=1)
        result = shoehorn("up", "-C", str(app), env=dict(os.environ, AWS_ENDPOINT_URL=proxy.url))
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("waiting for AWS to accept more requests (throttled)") == 2
    assert "waiting for the new IAM role to propagate to Lambda" in result.stderr


def test_concurrent_deploy_conflict_is_reported(aws_env_shared, unique_name, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", unique_name)
    assert shoehorn("up", "-C", str(app)).returncode == 0
    tiny_app(app, unique_name, marker="v2")
    # moto has no RevisionIds: the proxy answers the code update as Lambda does after another writer.
    with FaultProxy(aws_env_shared) as proxy:
        proxy.fail("UpdateFunctionCode", "revision-conflict")
        result = shoehorn("up", "-C", str(app), env=dict(os.environ, AWS_ENDPOINT_URL=proxy.url))
    assert result.returncode == 5
    assert "another deploy is in progress" in result.stderr


def test_check_url_reports_the_status_a_real_get_returns() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from shoehorn.cli.up import check_url

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            # (check_url is given the stage's root URL, as `up` prints it)
            redirects = {"/login-first/": "/login-first/login/", "/loop/": "/loop/", "/lost/": "/login/",
                         # datasette 0.65 behind /dev, given the full path: "/dev/" -> "/dev", which reaches the
                         # app as "/dev/" again and so redirects to "/dev" for ever
                         "/ds/": "/ds", "/ds": "/ds"}
            if self.path == "/secure/":  # Django's SECURE_SSL_REDIRECT: the same URL over https
                redirects[self.path] = f"https://{self.headers['Host']}/secure/"
            self.send_response(302 if self.path in redirects else {"/dev/": 200, "/dev/missing": 404}.get(self.path, 403))
            if self.path in redirects:
                self.send_header("Location", redirects[self.path])
            # MLflow's server refusing the execute-api Host (its MLFLOW_SERVER_ALLOWED_HOSTS)
            body = b"Invalid Host header - possible DNS rebinding attack detected" if self.path == "/mlflow/" else b""
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert check_url(base + "/dev/") == "200 OK"
        assert check_url(base + "/other") == "403 Forbidden"  # what API Gateway says without a permission
        # the app's 403 (MLflow's), told apart from API Gateway's by its body, with the setting that fixes it
        refused = check_url(base + "/mlflow/")
        assert refused.startswith("403 Forbidden, answered by the app: MLflow refuses a Host") and \
            'MLFLOW_SERVER_ALLOWED_HOSTS = "*.execute-api.us-east-1.amazonaws.com,127.0.0.1:*"' in refused
        # any other 4xx is the app's own answer (the FastAPI example has no "/" route)
        assert check_url(base + "/dev/missing") == "404 Not Found, answered by the app (API Gateway and the function work)"
        # a redirect is the app's answer, reported where it points (urllib's own following printed its
        # "infinite loop" error); a chain that comes back is named as the loop a browser gives up on
        assert check_url(base + "/login-first/") == "302 Found to /login-first/login/, answered by the app"
        assert check_url(base + "/loop/").startswith(
            "302 Found to /loop/, answered by the app, which redirects back to /loop/: a redirect loop")
        looping = check_url(base + "/ds/")
        assert looping.startswith("302 Found to /ds, answered by the app, which redirects back to /ds: a redirect loop")
        assert "datasette: base_url" in looping
        # (cookiecutter-django's production settings in the local cloud, which serves plain http)
        secure = check_url(base + "/secure/")
        assert secure.startswith(f"302 Found to https://{base[7:]}/secure/, answered by the app (the same URL over "
                                 "https: the app redirects plain http, and the local cloud serves plain http"), secure
        lost = check_url(base + "/lost/")
        assert lost.startswith("302 Found to /login/, answered by the app (outside /lost: the app builds URLs")
    finally:
        server.shutdown()
        server.server_close()
    assert check_url(base + "/dev/", timeout=2).startswith("no answer")


def test_a_5xx_after_the_deploy_points_at_the_logs_with_the_options_given() -> None:
    from pathlib import Path

    from shoehorn.cli.up import logs_hint

    said = "500 Internal Server Error"
    assert logs_hint(said, directory=Path("."), stage=None, local=True) == (
        "hint: the deploy succeeded but the app failed that request: `shoehorn logs --local` shows its error")
    assert "`shoehorn logs -C apps/flaskr --stage prod` " in logs_hint(
        "502 Bad Gateway", directory=Path("apps/flaskr"), stage="prod", local=False)
    for fine in ("200 OK", "404 Not Found, answered by the app (API Gateway and the function work)",
                 "302 Found to /x/, answered by the app", "no answer (timed out)"):
        assert logs_hint(fine, directory=Path("."), stage=None, local=False) is None


def test_a_400_from_a_django_project_names_allowed_hosts() -> None:
    # cookiecutter-django's production ALLOWED_HOSTS (example.com) on the execute-api URL: every page 400,
    # reported as "answered by the app (API Gateway and the function work)" and nothing more
    from shoehorn.cli.up import disallowed_host_hint

    said = disallowed_host_hint("config.settings.production")
    assert "ALLOWED_HOSTS (config.settings.production)" in said and ".execute-api.REGION.amazonaws.com" in said
    assert disallowed_host_hint(None) is None  # not Django: a 400 is the app's own business
