"""``shoehorn url``: the URL only, for scripts; clear errors when there is nothing (or no API) to point at."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn.deploy.aws import Aws

try:
    from . import opskit
except ImportError:
    import opskit


@pytest.fixture(scope="module")
def app_dir(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        yield opskit.make_app(tmp_path_factory.mktemp("url") / "app", "statusapp")


def test_before_up_and_for_a_missing_stage(app_dir: Path) -> None:
    code, out, err = opskit.run("url", "-C", str(app_dir))
    assert (code, out) == (6, "") and "nothing deployed for app statusapp stage dev" in err


def test_prints_exactly_the_url_up_printed(app_dir: Path) -> None:
    url = opskit.up(app_dir)
    assert url.startswith("https://") and url.endswith(".execute-api.us-east-1.amazonaws.com/dev/")
    assert opskit.run("url", "-C", str(app_dir)) == (0, url + "\n", "")
    done = opskit.run_process("url", "-C", str(app_dir))  # as a script would call it
    assert (done.returncode, done.stdout) == (0, url + "\n")
    code, _, err = opskit.run("url", "-C", str(app_dir), "--stage", "prod")
    assert code == 6 and "deployed stages: dev" in err


def test_api_deleted_out_of_band_is_named_and_up_brings_a_new_url(app_dir: Path) -> None:
    opskit.up(app_dir)
    aws = Aws()
    (api,) = [item for item in aws.call("apigateway", "get_rest_apis")["items"] if item["name"] == "statusapp-dev"]
    aws.call("apigateway", "delete_rest_api", restApiId=api["id"])
    code, _, err = opskit.run("url", "-C", str(app_dir))
    assert code == 6 and "REST API of statusapp (stage dev) is missing" in err and "shoehorn up" in err
    status = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])
    assert status["url"] is None and any("REST API" in item["what"] for item in status["drift"])
    new_url = opskit.up(app_dir)
    assert opskit.run("url", "-C", str(app_dir))[1].strip() == new_url
