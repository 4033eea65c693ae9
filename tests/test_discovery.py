"""App discovery parses files with ast and never imports the user's code."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.discovery import candidates, discover
from shoehorn.errors import ConfigError


def write(directory: Path, name: str, text: str) -> None:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_finds_app_without_importing_it(tmp_path: Path) -> None:
    write(tmp_path, "main.py", "raise SystemExit('imported!')\nfrom fastapi import FastAPI\napp = FastAPI()\n")
    assert discover(tmp_path).ref == "main:app"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("wsgi.py", "application = get_wsgi_application()\n", "wsgi:application"),
        ("asgi.py", "app: object = make()\n", "asgi:app"),
        ("app.py", "def app(environ, start_response):\n    pass\n", "app:app"),
        ("application.py", "from server import app\n", "application:app"),
        ("app.py", "app = Flask(__name__)\napplication = app\n", "app:app"),
        # FastHTML's first example: its app bound by tuple unpacking, then serve() (uvicorn only as __main__)
        ("main.py", "from fasthtml.common import *\napp, rt = fast_app()\n@rt('/')\ndef get(): return P('hi')\n"
                    "serve()\n", "main:app"),
    ],
)
def test_module_level_bindings(tmp_path: Path, name: str, text: str, expected: str) -> None:
    write(tmp_path, name, text)
    assert discover(tmp_path).ref == expected


def test_finds_app_in_a_package(tmp_path: Path) -> None:
    write(tmp_path, "notes/__init__.py", "")
    write(tmp_path, "notes/wsgi.py", "application = object()\n")
    write(tmp_path, "tests/__init__.py", "")
    write(tmp_path, "tests/app.py", "app = object()\n")  # tests never hold the app
    assert discover(tmp_path).ref == "notes.wsgi:application"


def test_ignores_names_bound_inside_functions(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "def create():\n    app = object()\n    return app\n")
    assert candidates(tmp_path) == []


def test_none_found_says_where_it_looked_and_how_to_pick(tmp_path: Path) -> None:
    write(tmp_path, "server.py", "app = object()\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "app.py" in caught.value.message and "main.py" in caught.value.message
    assert 'app = "' in caught.value.hint


def test_several_candidates_are_listed(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "app = object()\n")
    write(tmp_path, "main.py", "app = object()\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "app:app" in caught.value.message and "main:app" in caught.value.message
    assert 'app = "app:app"' in caught.value.hint


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "x = 1\napp = (\n")
    with pytest.raises(ConfigError, match=r"app\.py:2: SyntaxError"):
        discover(tmp_path)


def test_a_factory_is_found_when_no_app_object_is(tmp_path: Path) -> None:
    # flaskr's layout: a package whose __init__ defines create_app(test_config=None).
    write(tmp_path, "flaskr/__init__.py", "def create_app(test_config=None):\n    return object()\n")
    write(tmp_path, "flaskr/db.py", "def get_db():\n    pass\n")
    found = discover(tmp_path)
    assert found.ref == "flaskr:create_app()" and found.source_dir == ""


def test_an_app_in_a_conventionally_named_packages_init_is_found(tmp_path: Path) -> None:
    # the Flask Mega-Tutorial: app/__init__.py binds `app`, microblog.py imports it; `flask run` finds it
    write(tmp_path, "app/__init__.py", "from flask import Flask\napp = Flask(__name__)\nfrom app import routes\n")
    write(tmp_path, "app/routes.py", "from app import app\n")
    write(tmp_path, "microblog.py", "from app import app\n")
    assert discover(tmp_path).ref == "app:app"


def test_a_factory_that_needs_arguments_says_how_to_pass_them(tmp_path: Path) -> None:
    # discovery wrote create_app() and the build check then failed in shoehorn_handler.py with a TypeError
    write(tmp_path, "app.py", "def create_app(config_name, *, debug=False, region):\n    return object()\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "create_app(config_name, region)" in caught.value.message and "app.py:1" in caught.value.message
    assert 'app = "app:create_app(config_name=..., region=...)"' in caught.value.hint


def test_an_app_object_beats_a_factory(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "def create_app():\n    return object()\napp = create_app()\n")
    assert discover(tmp_path).ref == "app:app"


def test_create_app_beats_make_app_in_one_module(tmp_path: Path) -> None:
    write(tmp_path, "wsgi.py", "def make_app():\n    pass\ndef create_app():\n    pass\n")
    assert discover(tmp_path).ref == "wsgi:create_app()"


def test_a_factory_without_arguments_beats_one_that_needs_them(tmp_path: Path) -> None:
    # Falcon's tutorial (examples/look/look/app.py): create_app(image_store) is called by get_app(), which
    # the tutorial hands gunicorn; asking for image_store=... (an object, no literal) led nowhere
    (tmp_path / "look").mkdir()
    write(tmp_path, "look/__init__.py", "")
    write(tmp_path, "look/app.py", "def create_app(image_store):\n    pass\n\n\ndef get_app():\n"
                                   "    return create_app(None)\n")
    assert discover(tmp_path).ref == "look.app:get_app()"


def test_a_src_layout_is_found(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'notes'\nversion = '1'\n")
    write(tmp_path, "src/notes/__init__.py", "")
    write(tmp_path, "src/notes/app.py", "app = object()\n")
    found = discover(tmp_path)
    assert (found.ref, found.source_dir) == ("notes.app:app", "src")


def test_a_django_project_is_read_from_manage_py(tmp_path: Path) -> None:
    write(tmp_path, "manage.py", "import os\ndef main():\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
          "'mysite.settings')\n")
    write(tmp_path, "mysite/__init__.py", "")
    write(tmp_path, "mysite/settings.py", "")
    write(tmp_path, "mysite/wsgi.py", "application = get_wsgi_application()\n")
    write(tmp_path, "mysite/asgi.py", "application = get_asgi_application()\n")
    found = discover(tmp_path)
    assert (found.ref, found.django_settings) == ("mysite.wsgi:application", "mysite.settings")
    assert discover(tmp_path, "asgi").ref == "mysite.asgi:application"
    (tmp_path / "mysite/wsgi.py").unlink()
    assert discover(tmp_path).ref == "django.core.wsgi:get_wsgi_application()"


def test_a_manage_py_without_settings_says_what_to_set(tmp_path: Path) -> None:
    write(tmp_path, "manage.py", "print('hi')\n")
    with pytest.raises(ConfigError, match="DJANGO_SETTINGS_MODULE"):
        discover(tmp_path)


@pytest.mark.parametrize(("text", "ref", "ok"), [
    ("app = 1\n", "app:app", True),
    ("app = 1\n", "app:ap", False),
    ("def create_app():\n    pass\n", "app:create_app(debug=True)", True),
    ("def create_app():\n    pass\n", "app:make_app()", False),
    ("try:\n    from x import app\nexcept ImportError:\n    app = None\n", "app:app", True),
    ("if True:\n    server = 1\n", "app:server.app", True),
    ("from x import *\n", "app:anything", True),
    ("def __getattr__(name):\n    pass\n", "app:anything", True),
    ("globals()['app'] = 1\n", "app:app", True),
    ("with open('x') as app:\n    pass\n", "app:app", True),
])
def test_a_configured_attribute_must_be_bound(tmp_path: Path, text: str, ref: str, ok: bool) -> None:
    from shoehorn.appref import check_attribute

    write(tmp_path, "app.py", text)
    if ok:
        check_attribute(tmp_path, ref, "", "shoehorn.toml")
    else:
        with pytest.raises(ConfigError, match=r"app\.py binds no module-level name"):
            check_attribute(tmp_path, ref, "", "shoehorn.toml")


def test_a_submodule_is_an_attribute_of_its_package(tmp_path: Path) -> None:
    from shoehorn.appref import check_attribute

    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/views.py", "app = 1\n")
    check_attribute(tmp_path, "pkg:views.app", "", "shoehorn.toml")


def test_a_syntax_error_in_the_configured_module_asks_to_fix_it_not_to_name_the_app(tmp_path: Path) -> None:
    # QA: the hint said "or name the app explicitly with app = ..." when the app was named explicitly
    from shoehorn.config import load

    write(tmp_path, "shoehorn.toml", 'app = "app:app"\n')
    write(tmp_path, "app.py", "app = 1\ndef broken(:\n    pass\n")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert "app.py:2: SyntaxError" in caught.value.message and "looking for the app" not in caught.value.message
    assert caught.value.hint == f"fix the syntax error at {tmp_path / 'app.py'}:2"


# -- apps already wrapped for Lambda (Mangum, apig-wsgi, serverless-wsgi) and Chalice -------------


def test_a_handler_bound_to_app_is_followed_to_the_app_it_wraps(tmp_path: Path) -> None:
    write(tmp_path, "main.py", "from fastapi import FastAPI\nfrom mangum import Mangum\n"
                               "api = FastAPI()\napp = Mangum(api)\n")
    assert discover(tmp_path).ref == "main:api"
    write(tmp_path, "main.py", "app = Flask(__name__)\nhandler = make_lambda_handler(app)\n")
    assert discover(tmp_path).ref == "main:app"  # the usual spelling: found as before
    write(tmp_path, "main.py", "site = Flask(__name__)\napp = make_lambda_handler(wsgi_app=site)\n")
    assert discover(tmp_path).ref == "main:site"


def test_a_handler_that_takes_the_apps_name_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "app = Flask(__name__)\napp = make_lambda_handler(app)\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "app.py:2" in caught.value.message and "handler = make_lambda_handler(app)" in caught.value.hint


def test_a_chalice_app_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "from chalice import Chalice\napp = Chalice(app_name='hello')\n")
    with pytest.raises(ConfigError, match="Chalice app, which is neither WSGI nor ASGI"):
        discover(tmp_path)


# aiohttp's README and Tornado's "Hello, world" (the shapes their docs give), saved as app.py
AIOHTTP_APP = """from aiohttp import web

async def handle(request):
    return web.Response(text="Hello")

app = web.Application()
app.add_routes([web.get('/', handle)])

if __name__ == '__main__':
    web.run_app(app)
"""
TORNADO_APP = """import asyncio
import tornado

class MainHandler(tornado.web.RequestHandler):
    def get(self):
        self.write("Hello, world")

def make_app():
    return tornado.web.Application([
        (r"/", MainHandler),
    ])
"""


def test_apps_only_their_own_server_runs_are_refused_saying_why(tmp_path: Path) -> None:
    # found as app:app and make_app(), they failed the bundle check after the install, told to call the
    # aiohttp app as a factory or to set `interface` for the Tornado one: neither can ever run
    write(tmp_path, "app.py", AIOHTTP_APP)
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert caught.value.message.startswith("app.py:6 binds app = web.Application(): an aiohttp web.Application, "
                                           "which is neither WSGI nor ASGI")
    assert "GunicornWebWorker" in caught.value.message and "HTTPEndpoint" in caught.value.hint
    write(tmp_path, "app.py", TORNADO_APP)
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert caught.value.message.startswith("app.py:8 defines make_app(), which returns tornado.web.Application(...): "
                                           "a Tornado Application")
    assert "removed tornado.wsgi.WSGIAdapter" in caught.value.message
    for source in ("from aiohttp import web as w\nasync def create_app():\n    a = w.Application()\n    return a\n",
                   "from tornado.web import Application\napplication = Application([])\n"):
        write(tmp_path, "app.py", source)
        with pytest.raises(ConfigError, match="neither WSGI nor ASGI"):
            discover(tmp_path)


# Klein's docs (klein.readthedocs.io, "Introduction"): an app object, served by app.run() under the main guard
KLEIN_APP = """from klein import Klein
app = Klein()

@app.route('/')
def home(request):
    return 'Hello, world!'

if __name__ == '__main__':
    app.run("localhost", 8080)
"""


@pytest.mark.parametrize("source", [KLEIN_APP, "import klein\napplication = klein.Klein()\n",
                                    "from klein.app import Klein\ndef make_app():\n    return Klein()\n"])
def test_a_klein_app_is_refused_as_one_only_twisted_serves(tmp_path: Path, source: str) -> None:
    # found as app:app, it failed the bundle check after the install with "it is not callable: pass the WSGI/ASGI
    # application object itself", and the hint sent the user to `interface`, which cannot work
    write(tmp_path, "app.py", source)
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "a Klein app, which is neither WSGI nor ASGI (Klein serves it only on Twisted's web server" in \
        caught.value.message
    assert "Flask" in caught.value.hint and "interface" not in caught.value.hint


def test_an_application_of_an_asgi_framework_is_not_taken_for_one_of_its_own_server(tmp_path: Path) -> None:
    # the class is told by where its name comes from: BlackSheep's and Falcon's are ASGI apps
    write(tmp_path, "app.py", "from blacksheep import Application\napp = Application()\n")
    assert discover(tmp_path).ref == "app:app"
    write(tmp_path, "app.py", "import falcon.asgi\ndef make_app():\n    return falcon.asgi.App()\n")
    assert discover(tmp_path).ref == "app:make_app()"


def test_app_classes_of_common_names_are_told_by_where_they_come_from(tmp_path: Path) -> None:
    # Responder's `api = responder.API()` was not found in main.py; Flask-RESTful's Api(app) is no app
    write(tmp_path, "main.py", "import responder\napi = responder.API()\n")
    assert discover(tmp_path).ref == "main:api"
    write(tmp_path, "main.py", "from microdot.asgi import Microdot\nweb = Microdot()\n")
    assert discover(tmp_path).ref == "main:web"
    write(tmp_path, "main.py", "from flask_restful import Api\nfrom site_app import site\napi = Api(site)\n")
    with pytest.raises(ConfigError, match="no WSGI/ASGI app found"):
        discover(tmp_path)


def test_microdot_s_own_app_is_told_to_import_the_asgi_one(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "from microdot import Microdot\napp = Microdot()\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert "microdot's own Microdot" in caught.value.message
    assert "`from microdot.asgi import Microdot`" in caught.value.hint


def test_a_configured_app_only_its_own_server_runs_is_refused(tmp_path: Path) -> None:
    from shoehorn.config import load

    write(tmp_path, "server.py", TORNADO_APP)
    for ref in ("server:make_app()", "server:make_app"):
        write(tmp_path, "shoehorn.toml", f'app = "{ref}"\ninterface = "asgi"\nrequirements = false\n')
        with pytest.raises(ConfigError) as caught:
            load(tmp_path)
        assert f"'app' = '{ref}'" in caught.value.message and "server.py:8 defines make_app()" in caught.value.message


def test_a_configured_lambda_handler_is_refused_naming_the_app(tmp_path: Path) -> None:
    from shoehorn.config import load

    write(tmp_path, "main.py", "from fastapi import FastAPI\nfrom mangum import Mangum\n"
                               "app = FastAPI()\nhandler = Mangum(app, lifespan='off')\n")
    write(tmp_path, "shoehorn.toml", 'app = "main:handler"\nrequirements = false\n')
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert "main.py:4" in caught.value.message and 'app = "main:app"' in caught.value.hint
    write(tmp_path, "main.py", "import serverless_wsgi\nfrom site_app import site\n"
                               "def handler(event, context):\n"
                               "    return serverless_wsgi.handle_request(site, event, context)\n")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert 'app = "main:site"' in caught.value.hint


def test_a_dash_app_is_found_as_the_server_it_runs_on(tmp_path: Path) -> None:
    # Dash's own layout: `app = Dash(__name__)`; the WSGI app is app.server (Dash 4's object is callable
    # with *args, so its interface cannot be told; Dash 2's is not callable at all)
    (tmp_path / "app.py").write_text("from dash import Dash, html\n\napp = Dash(__name__)\nserver = app.server\n"
                                     "app.layout = html.Div('hi')\n")
    assert discover(tmp_path).ref == "app:app.server"


def test_a_dash_apps_server_bound_to_application_is_the_app(tmp_path: Path) -> None:
    # Dash's docs for Elastic Beanstalk: `application = app.server`; both names used to be offered
    (tmp_path / "application.py").write_text("import dash\n\napp = dash.Dash(__name__)\napplication = app.server\n")
    assert discover(tmp_path).ref == "application:application"


def test_a_dash_app_under_another_name_is_found_as_its_server(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("import dash\n\ndashboard = dash.Dash(__name__)\n")
    assert discover(tmp_path).ref == "main:dashboard.server"


def test_an_app_built_inside_a_with_block_is_found(tmp_path: Path) -> None:
    # Pyramid's docs: `with Configurator() as config: ... app = config.make_wsgi_app()` at module level
    (tmp_path / "app.py").write_text("from pyramid.config import Configurator\n\nwith Configurator() as config:\n"
                                     "    config.add_route('hello', '/')\n    app = config.make_wsgi_app()\n\n"
                                     "if __name__ == '__main__':\n    application = None\n")
    assert discover(tmp_path).ref == "app:app"  # (and not `application`, bound only when run as a script)


def test_an_app_class_bound_inside_a_try_block_is_found(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("try:\n    import uvloop\nexcept ImportError:\n    pass\n"
                                      "try:\n    from sanic import Sanic\n    api = Sanic('x')\nfinally:\n    pass\n")
    assert discover(tmp_path).ref == "main:api"


def test_a_panel_app_served_at_import_is_refused_with_why(tmp_path: Path) -> None:
    # Panel's docs: `app = pn.serve(layout)` was found as app:app, and the build hung on the server it starts
    write(tmp_path, "app.py", "import panel as pn\n\npn.extension()\nlayout = pn.Column('Hello')\n\n"
                              "app = pn.serve(layout, port=5007, show=True)\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert caught.value.message.startswith("app.py:6 binds app = pn.serve(...): a Panel app, which is neither WSGI "
                                           "nor ASGI")
    assert "over a WebSocket" in caught.value.message and "App Runner" in caught.value.hint


@pytest.mark.parametrize(("text", "start", "says"), [
    # Shiny's first example: found as app:app (ASGI), its page loaded through a Lambda and nothing on it reacted
    ("from shiny import App, render, ui\n\napp_ui = ui.page_fluid(ui.input_slider('n', 'N', 0, 100, 20))\n\n"
     "def server(input, output, session):\n    pass\n\napp = App(app_ui, server)\n",
     "app.py:8 binds app = App(...): a Shiny for Python app, whose App is ASGI", "shinylive export"),
    # Reflex's app, in a file discovery reads: its state lives on Reflex's backend, reached over socket.io
    ("import reflex as rx\n\napp = rx.App()\n", "app.py:3 binds app = rx.App(...): a Reflex app", "reflex deploy"),
])
def test_a_live_ui_s_asgi_app_is_refused_with_why(tmp_path: Path, text: str, start: str, says: str) -> None:
    write(tmp_path, "app.py", text)
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert caught.value.message.startswith(start)
    assert "WebSocket" in caught.value.message and says in caught.value.hint


def test_a_robyn_app_is_refused_as_one_only_its_own_server_runs(tmp_path: Path) -> None:
    # Robyn's first example: found as app:app, a Rust server's app no WSGI/ASGI server can call
    write(tmp_path, "app.py", "from robyn import Robyn\n\napp = Robyn(__file__)\n\n@app.get('/')\n"
                              "async def h(request):\n    return 'Hello, world!'\n\napp.start(port=8080)\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert caught.value.message.startswith("app.py:3 binds app = Robyn(__file__): a Robyn app, which is neither WSGI "
                                           "nor ASGI")
    assert "FastAPI" in caught.value.hint


def test_nicegui_s_app_imported_beside_ui_is_refused_with_why(tmp_path: Path) -> None:
    # NiceGUI's docs import its app with ui (app.storage, app.add_static_files): found as main:app, `shoehorn dev`
    # then hung without a word, ui.run() running the command's own script again as __main__
    write(tmp_path, "main.py", "from nicegui import app, ui\n\nui.label('Hello NiceGUI!')\n\nui.run()\n")
    with pytest.raises(ConfigError) as caught:
        discover(tmp_path)
    assert caught.value.message.startswith("main.py:1 imports app from nicegui: a NiceGUI app")
    assert "socket.io WebSocket" in caught.value.message and "container" in caught.value.hint


def test_a_configured_panel_app_is_refused(tmp_path: Path) -> None:
    from shoehorn.config import load

    write(tmp_path, "dash.py", "import panel as pn\napp = pn.serve(pn.Column('Hello'))\n")
    write(tmp_path, "shoehorn.toml", 'app = "dash:app"\nrequirements = false\n')
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert caught.value.message.startswith("'app' = 'dash:app' in ")
    assert "shoehorn.toml: dash.py:2 binds app = pn.serve(...): a Panel app" in caught.value.message


def test_a_gradio_app_mounted_on_fastapi_is_found(tmp_path: Path) -> None:
    # Gradio's docs: mount_gradio_app returns the FastAPI app it is given, an ASGI app
    write(tmp_path, "app.py", "from fastapi import FastAPI\nimport gradio as gr\n\napp = FastAPI()\n"
                              "io = gr.Interface(lambda x: 'Hello, ' + x + '!', 'textbox', 'textbox')\n"
                              "app = gr.mount_gradio_app(app, io, path='/gradio')\n")
    assert discover(tmp_path).ref == "app:app"
    write(tmp_path, "app.py", "import gradio as gr\ndemo = gr.Interface(str, 'textbox', 'textbox')\n"
                              "app = gr.routes.App.create_app(demo)\n")
    assert discover(tmp_path).ref == "app:app"
