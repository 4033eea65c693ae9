"""Django Ninja's tutorial, as https://django-ninja.dev/tutorial/ builds it: `django-admin startproject`,
`api = NinjaAPI()` in api.py and `path("api/", api.urls)`; with "ninja" in INSTALLED_APPS, its docs page
serves Swagger UI from Ninja's own static files. The docs page, its assets and the OpenAPI schema it
loads, a GET with a query and a POST with a JSON body, all under the stage prefix."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, snapshot

pytestmark = pytest.mark.slow
django = pytest.importorskip("django")
NINJA = "django-ninja==1.7.1"

API = '''from ninja import NinjaAPI, Schema

api = NinjaAPI()


@api.get("/hello")
def hello(request, name: str = "world"):
    return f"Hello {name}"


class Item(Schema):
    name: str
    price: float


@api.post("/items")
def create(request, item: Item):
    return {"name": item.name, "price": item.price}
'''


def test_django_ninja_tutorial_docs_page_and_json_api_under_the_stage(sandbox) -> None:
    app = sandbox.root / "apidemo"
    app.mkdir()
    subprocess.run([sys.executable, "-m", "django", "startproject", "apidemo", "."], cwd=app, check=True,
                   env=sandbox.env)
    (app / "apidemo" / "api.py").write_text(API)
    urls = (app / "apidemo" / "urls.py").read_text()
    (app / "apidemo" / "urls.py").write_text(urls.replace(
        "from django.urls import path\n", "from django.urls import path\n\nfrom apidemo.api import api\n").replace(
        "    path('admin/', admin.site.urls),\n", "    path('admin/', admin.site.urls),\n    path('api/', api.urls),\n"))
    with (app / "apidemo" / "settings.py").open("a") as settings:
        settings.write("\nINSTALLED_APPS.append('ninja')\n")
    (app / "requirements.txt").write_text(f"django=={django.__version__}\n{NINJA}\n")
    sandbox.ok(app, "init")
    assert tomllib.loads((app / "shoehorn.toml").read_text())["app"] == "apidemo.wsgi:application"
    before = snapshot(app, skip=(".shoehorn", "shoehorn.toml"))
    # (no `shoehorn build` first: dev --lambda lays out the same bundle; the build's check of a startproject
    # is test_django.py's, and CI time is tight)
    with sandbox.dev_lambda(app) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(app)}
        docs = browser.get("/api/docs")
        assert docs.status_code == 200, docs.text[:2000]
        assets = re.findall(r'(?:href|src)="([^"]+)"', docs.text)
        assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets), docs.text
        for asset in assets:  # Swagger UI from Ninja's static files, linked under the stage
            assert asset.startswith("/dev/static/ninja/"), assets
            fetched = browser.get(asset.removeprefix("/dev"))
            assert fetched.status_code == 200 and fetched.content, asset
        schema_url = re.search(r'"url": "([^"]+)"', docs.text).group(1)
        assert schema_url == "/dev/api/openapi.json"
        schema = browser.get(schema_url.removeprefix("/dev")).json()
        assert set(schema["paths"]) == {"/dev/api/hello", "/dev/api/items"}  # what "Try it out" requests

        assert browser.get("/api/hello", params={"name": "ninja"}).json() == "Hello ninja"
        created = browser.post("/api/items", json={"name": "pen", "price": 1.5})
        assert created.status_code == 200 and created.json() == {"name": "pen", "price": 1.5}
        invalid = browser.post("/api/items", json={"name": "pen"})
        assert invalid.status_code == 422 and invalid.json()["detail"][0]["loc"] == ["body", "item", "price"]
    assert_wrote_nothing_into_its_code(app, before, sandbox, bundles)
