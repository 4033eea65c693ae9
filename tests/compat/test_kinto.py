"""Kinto, Mozilla's JSON storage server, a published Pyramid app: `pip install kinto`, then `kinto init` writes
config/kinto.ini (`use = egg:kinto`, pserve's [server:main] with a port `kinto start` passes in, logging sections
with Kinto's own handler class), which `pserve` runs. Found in config/ and loaded from it as pserve loads it, with
accounts, buckets, collections and records created over basic auth under the stage prefix."""

from __future__ import annotations

import tarfile

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot

pytestmark = pytest.mark.slow
KINTO = "kinto==26.5.0"
# what `kinto init --backend memory --cache-backend memory` fills its template with (kinto/config/__init__.py)
MEMORY = {"host": "127.0.0.1", "secret": "a" * 64, "bucket_id_salt": "b" * 64, "kinto_version": "26.5.0",
          "config_file_timestamp": "Mon, 01 Jan 2024 00:00:00 +0000",
          "storage_backend": "kinto.core.storage.memory", "storage_url": "",
          "permission_backend": "kinto.core.permission.memory", "permission_url": "",
          "cache_backend": "kinto.core.cache.memory", "cache_url": ""}


def test_kinto_runs_from_the_ini_kinto_init_writes_and_stores_records_under_the_stage(sandbox) -> None:
    project = sandbox.root / "kinto"
    (project / "config").mkdir(parents=True)
    (project / "requirements.txt").write_text(f"{KINTO}\n")
    with tarfile.open(sdist(KINTO)) as archive:  # `kinto init`: its template, rendered as it renders it
        template = archive.extractfile("kinto-26.5.0/kinto/config/kinto.tpl").read().decode()
    ini = template.format_map(MEMORY)
    assert "port = %(http_port)s" in ini and "class = kinto.core.StreamHandlerWithRequestID" in ini
    (project / "config" / "kinto.ini").write_text(ini)
    sandbox.ok(project, "init")
    assert 'app = "config/kinto.ini"' in (project / "shoehorn.toml").read_text()
    before = snapshot(project, skip=(".shoehorn", "shoehorn.toml"))
    built = sandbox.ok(project, "build")
    # Kinto redirects / to "/v1" + the path with the prefix in it: named by the check, as it leaves the stage
    assert "a redirect to https://shoehorn-check.execute-api.us-east-1.amazonaws.com/v1/check/" in \
        " ".join((built.stdout + built.stderr).split())
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        hello = browser.get("/v1/")
        assert hello.status_code == 200 and hello.json()["url"].endswith("/dev/v1/")  # its links keep the stage
        admin = ("admin", "s3cret")
        assert browser.put("/v1/accounts/admin", json={"data": {"password": "s3cret"}}).status_code == 201
        assert browser.post("/v1/buckets", json={"data": {"id": "blog"}}, auth=admin).status_code == 201
        assert browser.post("/v1/buckets/blog/collections", json={"data": {"id": "posts"}}, auth=admin).status_code == 201
        made = browser.post("/v1/buckets/blog/collections/posts/records", json={"data": {"title": "hi"}}, auth=admin)
        assert made.status_code == 201
        listed = browser.get("/v1/buckets/blog/collections/posts/records", auth=admin)
        assert listed.status_code == 200 and [r["title"] for r in listed.json()["data"]] == ["hi"]
        assert browser.get("/v1/buckets/blog", auth=("admin", "wrong")).status_code == 401
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
