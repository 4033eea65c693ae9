"""Radicale, a CalDAV/CardDAV server from PyPI, served through its WSGI entry point as its docs describe."""

from __future__ import annotations

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, snapshot

pytestmark = pytest.mark.slow
RADICALE = "radicale==3.9.0"


def test_radicale_is_told_its_webdav_methods_never_reach_it_and_gets_execute_apis_answer(sandbox) -> None:
    project = sandbox.root / "calendar"
    project.mkdir()
    (project / "app.py").write_text("from radicale import application\n")  # "Entry point for external WSGI servers"
    (project / "requirements.txt").write_text(f"{RADICALE}\n")
    # its collections in a writable place (only /tmp is, on Lambda), found through RADICALE_CONFIG
    (project / "radicale.conf").write_text(f"[auth]\ntype = none\n[storage]\nfilesystem_folder = "
                                           f"{sandbox.root / 'collections'}\n")
    before = snapshot(project)
    sandbox.ok(project, "init")
    config = (project / "shoehorn.toml").read_text()
    assert 'app = "app:application"' in config
    (project / "shoehorn.toml").write_text(config.replace("[environment]\n", '[environment]\nRADICALE_CONFIG = "radicale.conf"\n'))
    built = sandbox.ok(project, "build")
    said = " ".join((built.stdout + built.stderr).split())
    assert "the app serves Radicale (CalDAV/CardDAV)" in said and "PROPFIND" in said
    with sandbox.dev_lambda(project) as (browser, server):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        web = browser.get("/")  # its web interface, under the stage
        assert web.status_code == 200 and str(web.url).endswith("/dev/.web/") and "Radicale" in web.text
        offered = browser.options("/", auth=("ada", "x"))  # OPTIONS is forwarded: Radicale offers WebDAV
        assert "PROPFIND" in offered.headers["allow"] and "calendar-access" in offered.headers["dav"]
        for method in ("PROPFIND", "REPORT", "MKCOL"):  # what a calendar client sends next, as AWS answers it
            answer = browser.request(method, "/ada/", auth=("ada", "x"), headers={"Depth": "1"})
            assert answer.status_code == 403 and answer.json() == {"message": "Missing Authentication Token"}
        log = server.output()
        assert "GATEWAY\tPROPFIND /dev/ada/: not a method API Gateway's REST API forwards" in log
        assert log.count("never reaches the function behind API Gateway's REST API") == 1
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
