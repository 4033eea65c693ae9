"""A Dash app as Dash's docs lay one out (written here; Dash itself from PyPI), under the stage prefix."""

from __future__ import annotations

import re

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, snapshot

pytestmark = pytest.mark.slow
DASH = "dash==4.4.1"
APP = '''from dash import Dash, Input, Output, callback, dcc, html

app = Dash(__name__)
server = app.server

app.layout = html.Div([
    html.H1("Hello Dash"),
    dcc.Input(id="name", value="world", type="text"),
    html.Div(id="greeting"),
])


@callback(Output("greeting", "children"), Input("name", "value"))
def greet(name):
    return f"Hello, {name}!"


if __name__ == "__main__":
    app.run(debug=True)
'''


def test_dash_app_found_as_its_server_and_told_how_to_load_under_the_stage(sandbox) -> None:
    project = sandbox.root / "board"
    project.mkdir()
    (project / "app.py").write_text(APP)
    (project / "requirements.txt").write_text(f"{DASH}\n")
    before = snapshot(project)
    sandbox.ok(project, "init")
    config = (project / "shoehorn.toml").read_text()
    assert re.search(r'^app = "app:app\.server"', config, re.M)  # the Flask app Dash runs on, not the Dash object
    built = sandbox.ok(project, "build")
    assert 'DASH_REQUESTS_PATHNAME_PREFIX = "/dev/"' in built.stdout + built.stderr
    # the setting the warning names, where it says to put it
    (project / "shoehorn.toml").write_text(config + '\n[stages.dev.environment]\nDASH_REQUESTS_PATHNAME_PREFIX = "/dev/"\n')
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        page = browser.get("/")
        assert page.status_code == 200
        scripts = re.findall(r'<script src="([^"]+)"', page.text)
        assert scripts and all(src.startswith("/dev/_dash-component-suites/") for src in scripts)
        renderer = next(src for src in scripts if "dash_renderer" in src)
        assert browser.get(renderer.removeprefix("/dev")).status_code == 200
        assert browser.get("/_dash-layout").json()["props"]["children"][0]["props"]["children"] == "Hello Dash"
        answer = browser.post("/_dash-update-component", json={
            "output": "greeting.children", "outputs": {"id": "greeting", "property": "children"},
            "inputs": [{"id": "name", "property": "value", "value": "Ada"}], "changedPropIds": ["name.value"],
            "state": []})
        assert answer.json()["response"]["greeting"]["children"] == "Hello, Ada!"
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
