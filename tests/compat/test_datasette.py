"""Datasette from its sdist: the ASGI app of its Python API, as NGINX Unit's Datasette how-to saves it (asgi.py)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot

pytestmark = pytest.mark.slow
DATASETTE = "datasette==0.65.5"
ASGI = "import glob\nfrom datasette.app import Datasette\n\napplication = Datasette(glob.glob('*.db')).app()\n"


def test_datasette_is_told_its_base_url_and_its_pages_and_links_serve_under_the_stage(sandbox) -> None:
    sdist(DATASETTE)  # (the requirement below installs the published wheel; the sdist pins what was tried)
    project = sandbox.root / "dogs"
    project.mkdir()
    (project / "asgi.py").write_text(ASGI)
    (project / "requirements.txt").write_text(f"{DATASETTE}\n")
    with sqlite3.connect(project / "data.db") as db:
        db.execute("create table dogs (id integer primary key, name text)")
        db.executemany("insert into dogs (name) values (?)", [("Cleo",), ("Pancakes",)])
    db.close()
    sandbox.ok(project, "init")
    # databases are left out of the bundle unless listed (build says so): this one is the data it serves
    (project / "shoehorn.toml").write_text('include = ["data.db"]\n' + (project / "shoehorn.toml").read_text())
    told = " ".join(sandbox.ok(project, "build").stderr.split())
    assert 'Datasette(..., settings={"base_url": "/dev/"})' in told
    (project / "asgi.py").write_text(ASGI.replace("Datasette(glob.glob('*.db'))",
                                                  "Datasette(glob.glob('*.db'), settings={'base_url': '/dev/'})"))
    before = snapshot(project, skip=(".shoehorn", "shoehorn.toml"))  # (after the first build's output)
    assert "base_url" not in sandbox.ok(project, "build").stderr
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        # Datasette routes on raw_path and never reads root_path: every page answered 404 under the stage, and
        # its links were base_url + the full path, /dev/dev/data/dogs.json
        page = browser.get("/data/dogs")
        assert page.status_code == 200 and "Pancakes" in page.text
        links = set(re.findall(r'href="(/[^"#]*)"', page.text))
        assert "/dev/data/dogs.json" in links and not any(link.startswith("/dev/dev/") for link in links)
        stylesheet = next(link for link in links if link.startswith("/dev/-/static/app.css"))
        for link in (stylesheet, "/dev/data/dogs.json", "/dev/data"):
            assert browser.get(link.removeprefix("/dev")).status_code == 200, link
        assert browser.get("/data/dogs.json").json()["rows"] == [[1, "Cleo"], [2, "Pancakes"]]
        assert browser.get("/data", params={"sql": "select count(*) from dogs"}).status_code == 200
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
