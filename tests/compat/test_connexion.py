"""Connexion 3 from its sdist: the README's app (run.py, AsyncApp) and its openapi.yaml, then its FlaskApp."""

from __future__ import annotations

import tarfile
import textwrap

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot

pytestmark = pytest.mark.slow
CONNEXION = "connexion==3.2.0"


def readme_blocks(archive) -> tuple[list[str], list[str]]:
    """The README's python and yaml code blocks, dedented as one would save them."""
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/README.md"))
        text = tar.extractfile(member).read().decode()

    def blocks(fence: str) -> list[str]:
        return [textwrap.dedent(part.split("```", 1)[0]) for part in text.split(fence)[1:]]

    return blocks("```Python\n") + blocks("```python\n"), blocks("```yaml\n")


def readme_app(project) -> None:
    """run.py (the AsyncApp of "Creating your application" + "Registering an API") and openapi.yaml, whose
    header the README leaves out as `...`."""
    python, yaml = readme_blocks(sdist(CONNEXION))
    creating = next(b for b in python if "AsyncApp(__name__)" in b)
    registering = next(b for b in python if "add_api" in b)
    (project / "run.py").write_text(creating + "\n" + registering)
    header = 'openapi: "3.0.0"\ninfo: {title: Hello, version: "1"}'
    (project / "openapi.yaml").write_text(yaml[0].replace("...", header, 1))


def test_connexion_readme_app_is_named_its_invalid_spec_is_the_app_s_error_and_it_serves_under_the_stage(
        sandbox) -> None:
    project = sandbox.root / "hello"
    project.mkdir()
    readme_app(project)
    (project / "requirements.txt").write_text(f"connexion[swagger-ui]=={CONNEXION.split('==')[1]}\n")
    unfound = sandbox.shoehorn(project, "init")  # run.py is not a file discovery reads
    assert unfound.returncode == 2 and "shoehorn init --app run:app" in " ".join(unfound.stderr.split())
    sandbox.ok(project, "init", "--app", "run:app")
    # the README's response has no `description`, which OpenAPI requires: Connexion refuses the spec at import
    invalid = sandbox.shoehorn(project, "build")
    assert invalid.returncode != 0 and "run.py:" in invalid.stderr and "InvalidSpecification" in invalid.stderr
    spec = project / "openapi.yaml"
    spec.write_text(spec.read_text().replace("'200':\n", "'200':\n          description: greeting\n", 1))
    before = snapshot(project, skip=(".shoehorn", "shoehorn.toml"))  # (after the failed build's output)
    sandbox.ok(project, "build")
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        assert browser.post("/greeting/world", params={"greeting": "Hello"}).text == "Hello world"
        assert browser.post("/greeting/world").status_code == 400  # the spec's required query parameter
        # the spec and the Swagger UI it serves carry the stage prefix, from the request's root_path
        assert browser.get("/openapi.json").json()["servers"] == [{"url": "/dev"}]
        ui = browser.get("/ui")  # 307 to /dev/ui/, followed
        assert ui.status_code == 200 and str(ui.url).endswith("/dev/ui/") and '"/dev/openapi.json"' in ui.text
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)


# A Flask view beside the API, as a Connexion 2 app migrated to FlaskApp keeps them: a url_for redirect and a cookie
FLASK_VIEWS = '''
from flask import redirect, request, url_for


@app.route("/")
def index():
    response = redirect(url_for("hello"))
    response.set_cookie("visited", "yes")
    return response


@app.route("/hello")
def hello():
    return f"visited={request.cookies.get('visited')}"
'''


def test_connexion_flask_app_is_found_and_its_flask_views_and_api_serve_under_the_stage(sandbox) -> None:
    project = sandbox.root / "hello"
    project.mkdir()
    readme_app(project)
    python, _ = readme_blocks(sdist(CONNEXION))
    registering = next(b for b in python if "add_api" in b).replace("run.post_greeting", "app.post_greeting")
    (project / "run.py").unlink()
    (project / "app.py").write_text(next(b for b in python if "FlaskApp(__name__)" in b) + registering + FLASK_VIEWS)
    spec = project / "openapi.yaml"
    spec.write_text(spec.read_text().replace("run.post_greeting", "app.post_greeting")
                    .replace("'200':\n", "'200':\n          description: greeting\n", 1))
    (project / "requirements.txt").write_text(f"connexion[flask]=={CONNEXION.split('==')[1]}\n")
    before = snapshot(project)
    sandbox.ok(project, "init")  # app = FlaskApp(__name__) in app.py
    assert 'app = "app:app"' in (project / "shoehorn.toml").read_text()
    sandbox.ok(project, "build")
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        first = browser.get("/")
        assert [r.headers["location"] for r in first.history] == ["/dev/hello"]  # url_for under SCRIPT_NAME
        assert first.text == "visited=yes"  # the cookie set by the redirect came back
        assert browser.post("/greeting/world", params={"greeting": "Hi"}).text == "Hi world"
        assert browser.get("/openapi.json").json()["servers"] == [{"url": "/dev"}]
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
