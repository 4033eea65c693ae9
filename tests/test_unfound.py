"""shoehorn/unfound.py: no app discovered, and the hint says where the files show one and what to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.discovery import discover
from shoehorn.errors import ConfigError

# Pyramid's quick tour (docs/quick_tour/hello_world/app.py): the app exists only when run as a script
PYRAMID_SCRIPT = '''from wsgiref.simple_server import make_server
from pyramid.config import Configurator


if __name__ == '__main__':
    with Configurator() as config:
        config.add_route('hello', '/')
        app = config.make_wsgi_app()
    server = make_server('0.0.0.0', 6543, app)
    server.serve_forever()
'''
# Bottle's README: the default app, never named, served by run() at import
BOTTLE_README = '''from bottle import route, run, template

@route('/hello/<name>')
def index(name):
    return template('<b>Hello {{name}}</b>!', name=name)

run(host='localhost', port=8080)
'''
# Sanic's README: "Sanic can now be easily run from CLI using sanic hello.app"
SANIC_HELLO = '''from sanic import Sanic
from sanic.response import json

app = Sanic("my-hello-world-app")
'''


def _hint(directory: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        discover(directory)
    assert "no WSGI/ASGI app found" in caught.value.message
    return " ".join(caught.value.hint.split())


def test_an_app_built_only_under_the_main_guard_is_named_with_the_move(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(PYRAMID_SCRIPT)
    hint = _hint(tmp_path)
    assert "app.py:8 builds `app` only under `if __name__ == \"__main__\":`" in hint
    assert "build the app at module level" in hint and "app:app" in hint


def test_a_default_app_served_at_import_is_named_with_what_to_bind(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BOTTLE_README)
    hint = _hint(tmp_path)
    assert "app.py:7 starts a server at import (run(host='localhost', port=8080))" in hint
    assert "app = bottle.default_app()" in hint and 'if __name__ == "__main__":' in hint


def test_an_app_in_a_file_of_another_name_is_named_with_its_reference(tmp_path: Path) -> None:
    (tmp_path / "hello.py").write_text(SANIC_HELLO)
    (tmp_path / "setup.py").write_text("from flask import Flask\nx = Flask('setup')\n")
    (tmp_path / "broken.py").write_text("def (:\n")  # a broken script beside it is not the error to show
    hint = _hint(tmp_path)
    assert "hello.py:4 binds app = Sanic(...)" in hint
    assert "shoehorn init --app hello:app" in hint and 'app = "hello:app"' in hint


def test_an_app_class_told_by_its_import_in_a_file_of_another_name_is_named(tmp_path: Path) -> None:
    # Connexion's README saves its FlaskApp in run.py (`uvicorn run:app`)
    (tmp_path / "run.py").write_text("from connexion import FlaskApp\n\napp = FlaskApp(__name__)\n")
    assert "run.py:3 binds app = FlaskApp(...)" in _hint(tmp_path) and "init --app run:app" in _hint(tmp_path)


def test_an_app_only_its_own_server_runs_in_another_file_is_named_with_why(tmp_path: Path) -> None:
    # Tornado's docs: `application = tornado.web.Application(...)` in a script of any name
    (tmp_path / "server.py").write_text("import tornado.ioloop\nimport tornado.web\n\n"
                                        "application = tornado.web.Application([])\n")
    hint = _hint(tmp_path)
    assert hint.startswith("server.py:4 binds application = tornado.web.Application([]): a Tornado Application, "
                           "which is neither WSGI nor ASGI")
    assert "shoehorn runs WSGI and ASGI apps only" in hint


# Klein's README: its default app, never named, served by run() at import
KLEIN_README = """from klein import run, route

@route('/')
def home(request):
    return 'Hello, world!'

run("localhost", 8080)
"""


@pytest.mark.parametrize("name", ["app.py", "hello.py"])
def test_klein_s_default_app_is_told_it_is_one_only_twisted_serves(tmp_path: Path, name: str) -> None:
    # it was told "no WSGI/ASGI app found ... set app = ..." (in app.py: to bind Bottle's default app): none can be
    (tmp_path / name).write_text(KLEIN_README)
    hint = _hint(tmp_path)
    assert hint.startswith(f"{name}:3 routes with @route(...), on Klein's default app: a Klein app, which is neither "
                           "WSGI nor ASGI (Klein serves it only on Twisted's web server")
    assert "Bottle" not in hint and "Flask" in hint


@pytest.mark.parametrize("name", ["app.py", "server.py"])
def test_an_http_server_script_is_told_it_has_no_app_to_bind(tmp_path: Path, name: str) -> None:
    # in app.py it was told to "bind the app at module level (Bottle's default app...)": there is none
    (tmp_path / name).write_text("from http.server import BaseHTTPRequestHandler, HTTPServer\n\n"
                                 "class Handler(BaseHTTPRequestHandler):\n    def do_GET(self):\n"
                                 "        self.send_response(200)\n\n"
                                 "HTTPServer(('', 8000), Handler).serve_forever()\n")
    hint = _hint(tmp_path)
    assert hint.startswith(f"{name}:3 serves HTTP with Handler, a request handler class of the standard library's "
                           "http.server, which is neither WSGI nor ASGI")
    assert "Bottle" not in hint and "(environ, start_response)" in hint
    assert ("it is then found as app:app" if name == "app.py" else "shoehorn init --app server:app") in hint


def test_a_cherrypy_quickstart_is_told_the_wsgi_app_that_serves_under_the_stage(tmp_path: Path) -> None:
    # CherryPy's tutorials: the root object served by quickstart() under the guard; tree.mount()'s app, the
    # usual WSGI spelling, answers 404 under the stage (its mount point '' is fixed, not the request's)
    (tmp_path / "hello.py").write_text("import cherrypy\n\nclass HelloWorld:\n    @cherrypy.expose\n"
                                       "    def index(self):\n        return 'Hello world!'\n\n"
                                       "if __name__ == '__main__':\n"
                                       "    cherrypy.quickstart(HelloWorld(), config='t.conf')\n")
    hint = _hint(tmp_path)
    assert hint.startswith("hello.py:9 serves HelloWorld() with cherrypy.quickstart()")
    assert "app = cherrypy.Application(HelloWorld(), script_name=None)" in hint
    assert "name it with `shoehorn init --app hello:app`" in hint


def test_nothing_to_go_by_keeps_the_plain_hint(tmp_path: Path) -> None:
    (tmp_path / "tool.py").write_text("print('hi')\n")
    assert 'set app = "module:attribute"' in _hint(tmp_path)


def test_a_pyramid_project_s_paste_factory_is_named_with_the_call(tmp_path: Path) -> None:
    # Pyramid's quick tour "package" (as its cookiecutter lays a project out), without the .ini `pserve` runs
    # (with one, the .ini is the app: tests/test_paste_ini.py); an .ini that defines no app is no app
    (tmp_path / "hello_world").mkdir()
    (tmp_path / "hello_world" / "__init__.py").write_text(
        "from pyramid.config import Configurator\n\n\ndef main(global_config, **settings):\n    pass\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n")
    hint = _hint(tmp_path)
    assert "hello_world/__init__.py:4 defines main(global_config, **settings)" in hint
    assert "shoehorn init --app 'hello_world:main(global_config={})'" in hint


# The first examples of UI frameworks whose page stays connected to their own server: a script, no app object
STREAMLIT_FIRST = 'import streamlit as st\n\nst.write("Hello world")\nx = st.slider("x")\n'
GRADIO_QUICKSTART = '''import gradio as gr

def greet(name, intensity):
    return "Hello, " + name + "!" * int(intensity)

demo = gr.Interface(fn=greet, inputs=["text", "slider"], outputs=["text"])

demo.launch()
'''
NICEGUI_FIRST = "from nicegui import ui\n\nui.label('Hello NiceGUI!')\n\nui.run()\n"
PANEL_SERVABLE = '''import panel as pn

pn.extension()
slider = pn.widgets.IntSlider(value=5, start=1, end=5)
pn.Column(slider, pn.bind(lambda n: "*" * n, slider)).servable()
'''
BOKEH_SERVER = '''from bokeh.io import curdoc
from bokeh.plotting import figure

p = figure()
p.line([1, 2, 3], [4, 6, 5])
curdoc().add_root(p)
'''


@pytest.mark.parametrize(("name", "text", "start", "says"), [
    # it was told only 'set app = "module:attribute"': no setting can name an app that does not exist
    ("streamlit_app.py", STREAMLIT_FIRST, "streamlit_app.py:1 imports streamlit: a Streamlit app, which is neither "
     "WSGI nor ASGI (`streamlit run` runs it on Streamlit's own Tornado server", "AWS App Runner"),
    ("app.py", GRADIO_QUICKSTART, "app.py:8 calls demo.launch(): a Gradio app, which is neither WSGI nor ASGI",
     "Server-Sent Events"),
    ("main.py", NICEGUI_FIRST, "main.py:5 calls ui.run(): a NiceGUI app, whose FastAPI app is ASGI, but whose pages "
     "work only on one long-running server",
     "socket.io WebSocket"),
    ("app.py", PANEL_SERVABLE, "app.py:5 calls .servable(): a Panel app", "`--to pyodide-worker`"),
    ("app.py", BOKEH_SERVER, "app.py:6 calls curdoc(): a Bokeh server app", "over a WebSocket"),
    # Solara's, Flet's and Reflex's first examples: as Streamlit's, only 'set app = ...'
    ("app.py", "import solara\n\n@solara.component\ndef Page():\n    solara.Button('Click')\n",
     "app.py:1 imports solara: a Solara app, which is neither WSGI nor ASGI", "virtual kernel"),
    ("main.py", "import flet as ft\n\ndef main(page: ft.Page):\n    page.add(ft.Text('Hi'))\n\nft.app(main)\n",
     "main.py:1 imports flet: a Flet app", "flet build web"),
    ("rxconfig.py", "import reflex as rx\n\nconfig = rx.Config(app_name='myapp')\n",
     "rxconfig.py:1 imports reflex: a Reflex app", "reflex deploy"),
    # Shiny Express binds no App: `shiny run app.py` makes one
    ("app.py", "from shiny.express import input, render, ui\n\nui.input_slider('n', 'N', 0, 100, 20)\n",
     "app.py:1 imports shiny: a Shiny for Python app", "shinylive export"),
])
def test_a_live_ui_script_is_told_why_lambda_cannot_serve_it_and_where_to(tmp_path: Path, name: str, text: str,
                                                                           start: str, says: str) -> None:
    (tmp_path / name).write_text(text)
    hint = _hint(tmp_path)
    assert hint.startswith(start)
    assert says in hint and "shoehorn cannot run it" in hint and "container" in hint


def test_a_gradio_script_is_told_what_mounting_it_on_fastapi_would_do(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(GRADIO_QUICKSTART)
    hint = _hint(tmp_path)
    assert "gr.mount_gradio_app(FastAPI(), demo" in hint and "250 MB" in hint


def test_a_static_bokeh_plot_is_no_live_ui(tmp_path: Path) -> None:
    # bokeh's show() writes an HTML file: nothing here is a server app, so nothing is said of Bokeh's server
    (tmp_path / "plot.py").write_text("from bokeh.plotting import figure, show\n\np = figure()\nshow(p)\n")
    assert 'set app = "module:attribute"' in _hint(tmp_path)
