"""Pyramid from its sdist: the quick tour's routing app (docs/quick_tour/routing), which builds its app only
when run as a script; moved to module level as init's hint says, it is found inside its `with` block. And the
quick tour's package (docs/quick_tour/package), the cookiecutter's layout, found as its production.ini and
loaded from it as `pserve` loads it, with its settings."""

from __future__ import annotations

import re

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot, unpack

pytestmark = pytest.mark.slow
PYRAMID = "pyramid==2.1"


def moved_out_of_main(source: str) -> str:
    """``source`` with the lines that build the app moved above the ``__main__`` guard, as the hint says."""
    lines = source.splitlines()
    guard = lines.index("if __name__ == '__main__':")
    built = next(index for index, line in enumerate(lines) if "make_wsgi_app()" in line)
    return "\n".join([*lines[:guard], *(line[4:] for line in lines[guard + 1:built + 1]), lines[guard],
                      *lines[built + 1:]]) + "\n"


def test_pyramid_quick_tour_app_is_found_in_its_with_block_once_built_at_module_level(sandbox) -> None:
    project = unpack(sdist(PYRAMID), "docs/quick_tour/routing", sandbox.root / "routing")
    (project / "requirements.txt").write_text(f"{PYRAMID}\n")
    unfound = sandbox.shoehorn(project, "init")
    assert unfound.returncode == 2
    assert "app.py:8 builds `app` only under `if __name__ == \"__main__\":`" in " ".join(unfound.stderr.split())
    (project / "app.py").write_text(moved_out_of_main((project / "app.py").read_text()))
    sandbox.ok(project, "init")  # `app = config.make_wsgi_app()` inside `with Configurator() as config:`
    assert 'app = "app:app"' in (project / "shoehorn.toml").read_text()
    before = snapshot(project, skip=(".shoehorn", "shoehorn.toml"))
    sandbox.ok(project, "build")
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        hello = browser.get("/howdy/Amy/Smith")  # config.scan('views') found its view
        assert hello.status_code == 200 and hello.text == "<h1>Hi Amy Smith!</h1>"
        assert browser.get("/nothing").status_code == 404
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)


def test_pyramid_project_runs_from_its_production_ini_with_its_settings_and_static_assets(sandbox) -> None:
    # docs/quick_tour/package: the layout of Pyramid's cookiecutter, run with `pserve production.ini`
    project = unpack(sdist(PYRAMID), "docs/quick_tour/package", sandbox.root / "package")
    (project / "requirements.txt").write_text(f"{PYRAMID}\npyramid_jinja2==2.10.1\nplaster_pastedeploy==1.0.1\n")
    # without its .ini files, the factory is the hint (pserve's settings are then the user's to pass)
    aside = sandbox.root / "aside"
    aside.mkdir()
    for ini in ("development.ini", "production.ini"):
        (project / ini).rename(aside / ini)
    unfound = sandbox.shoehorn(project, "init")
    told = " ".join(unfound.stderr.split())
    assert unfound.returncode == 2 and "`shoehorn init --app 'hello_world:main(global_config={})' -C" in told
    for ini in ("development.ini", "production.ini"):
        (aside / ini).rename(project / ini)
    # a setting of [app:main] the app shows: layout.jinja2 writes <html lang="{{request.locale_name}}">; and a
    # filter in front of it (`filter-with`), PasteDeploy's own proxy-prefix one, making its URLs https
    production = (project / "production.ini").read_text()
    assert "pyramid.default_locale_name = en\n" in production and "use = egg:hello_world\n" in production
    (project / "production.ini").write_text(
        production.replace("default_locale_name = en", "default_locale_name = de")
        .replace("use = egg:hello_world\n", "use = egg:hello_world\nfilter-with = proxy\n")
        + "\n[filter:proxy]\nuse = egg:PasteDeploy#prefix\nprefix = /dev\nscheme = https\n")
    sandbox.ok(project, "init")
    assert 'app = "production.ini"' in (project / "shoehorn.toml").read_text()
    before = snapshot(project, skip=(".shoehorn", "shoehorn.toml"))
    sandbox.ok(project, "build")
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        home = browser.get("/")
        assert home.status_code == 200 and "Pyramid" in home.text
        assert '<html lang="de">' in home.text  # the .ini's settings reached main(global_config, **settings)
        theme = next(href for href in re.findall(r'href="([^"]+)"', home.text) if href.endswith("theme.css"))
        assert theme.startswith("https://") and "/dev/static/" in theme  # the filter's scheme; under the stage
        css = browser.get(theme.replace("https://", "http://", 1))  # (dev --lambda serves http)
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        assert browser.get("/nothing").status_code == 404
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
