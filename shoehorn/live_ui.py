"""UI frameworks whose pages stay connected to their own server, read from the app's files (never imported).

Streamlit, Gradio, NiceGUI, Panel and Bokeh, and Shiny for Python, Solara, Reflex and Flet, turn a script into a
web page, and their first examples bind no WSGI/ASGI app: ``streamlit run app.py``, ``demo.launch()``,
``ui.run()``, ``panel serve app.py``, ``solara run app.py``, ``ft.app(main)`` start the framework's own server.
Discovery found nothing in them and said only "set app = ...", which no setting can satisfy; Panel's ``app =
pn.serve(layout)``, which serves at import, was found as the app, and so were NiceGUI's ``from nicegui import
app, ui``, Shiny's ``app = App(app_ui, server)`` (ASGI: its page loaded and nothing on it reacted) and Reflex's
``app = rx.App()``. Their pages also talk to that server over a WebSocket (Streamlit, NiceGUI's and Reflex's
socket.io, Bokeh's session, which Panel's is) or a Server-Sent Events stream (Gradio's queue): a Lambda behind
API Gateway's REST API answers one buffered HTTP response per request, and keeps nothing between them that the
next request is sure to reach. So each is named with why, and where it runs instead.

Gradio alone has an ASGI way in, ``gr.mount_gradio_app(FastAPI(), demo, path=...)``: that is found as a
FastAPI app and left alone (MOUNTED says what then happens), and a launch() script is told it too. NiceGUI's
``ui.run_with(app)`` on a FastAPI app is found too; the build's WebSocket check names its Socket.IO server
(bundle/websockets.py).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from shoehorn import qualified
from shoehorn.errors import ConfigError

_CONTAINER = "a container service that keeps its server running (AWS App Runner, or ECS on Fargate)"


@dataclass(frozen=True, slots=True)
class Framework:
    name: str  # "Streamlit"
    serves: str  # how its own server runs the file: "`streamlit run` runs it on Streamlit's own Tornado server"
    connection: str  # what the page needs of that server, that API Gateway's REST API does not give
    instead: str  # the way out
    # what its app is to a WSGI/ASGI server: none of them has one, but NiceGUI's (`from nicegui import app`)
    interface: str = "which is neither WSGI nor ASGI"


_WEBSOCKET = "API Gateway's REST API does not carry WebSockets, and a Lambda keeps no connection open"
FRAMEWORKS = {
    "streamlit": Framework(
        "Streamlit", "`streamlit run` runs it on Streamlit's own Tornado server, again for each interaction",
        f"the page gets every update over a WebSocket to that server: {_WEBSOCKET}",
        f"deploy it where `streamlit run` runs: {_CONTAINER}, or Streamlit Community Cloud"),
    "gradio": Framework(
        "Gradio", "launch() starts Gradio's own server",
        "each prediction joins Gradio's queue with one request and reads its result as a Server-Sent Events "
        "stream with another: a Lambda answers each with one buffered response (a generator's partial outputs "
        "arrive all at once, at the end), and the second request may reach another Lambda container, which "
        "holds no such session (404)",
        f"deploy it where launch() runs: {_CONTAINER}, or Hugging Face Spaces"),
    "nicegui": Framework(
        "NiceGUI", "ui.run() starts NiceGUI's own server, FastAPI under uvicorn",
        "each page lives in that server's memory and is driven over a socket.io WebSocket: " + _WEBSOCKET
        + " (socket.io's long-polling fallback needs every poll to reach the same process)",
        f"deploy it where ui.run() runs: {_CONTAINER}",
        "whose FastAPI app is ASGI, but whose pages work only on one long-running server"),
    "panel": Framework(
        "Panel", "`panel serve` or pn.serve() runs it on Bokeh's Tornado server, a session per page",
        f"the page syncs its widgets with that session over a WebSocket: {_WEBSOCKET}",
        f"deploy it where `panel serve` runs: {_CONTAINER}; or, with no server at all, `panel convert` with "
        "`--to pyodide-worker` makes static files of the script that run it in the browser"),
    "bokeh": Framework(
        "Bokeh server", "`bokeh serve` runs it on Bokeh's Tornado server, a session per page",
        f"the page syncs its document with that session over a WebSocket: {_WEBSOCKET}",
        f"deploy it where `bokeh serve` runs: {_CONTAINER}; a plot with no Python callbacks can be saved as a "
        "static page instead (bokeh.plotting.save)"),
    "shiny": Framework(
        "Shiny for Python", "`shiny run` serves it with uvicorn, a session per page",
        "every input and output goes over a WebSocket to that session: " + _WEBSOCKET
        + " (through a Lambda the page loads, and nothing on it reacts)",
        f"deploy it where `shiny run` runs: {_CONTAINER}, or Posit Connect Cloud / shinyapps.io; or, with no "
        "server at all, `shinylive export` makes static files of the app that run it in the browser",
        "whose App is ASGI, but whose pages work only on one long-running server"),
    "solara": Framework(
        "Solara", "`solara run` runs it on Solara's own Starlette server, a virtual kernel per page",
        f"the page renders and syncs its widgets over a WebSocket to that kernel: {_WEBSOCKET}",
        f"deploy it where `solara run` runs: {_CONTAINER}, or Hugging Face Spaces"),
    "reflex": Framework(
        "Reflex", "`reflex run` compiles a Next.js frontend and runs the state on Reflex's own FastAPI backend",
        "every event goes over a socket.io WebSocket to the state held on that backend: " + _WEBSOCKET,
        f"deploy it with `reflex deploy` (Reflex Cloud) or where `reflex run --env prod` runs: {_CONTAINER}",
        "whose App makes an ASGI backend, but whose pages need its compiled frontend and one long-running server"),
    "flet": Framework(
        "Flet", "ft.app() or ft.run() starts Flet's own server, the page a Flutter client",
        f"the client gets every update of the page over a WebSocket to that server: {_WEBSOCKET}",
        f"deploy it where ft.app() runs: {_CONTAINER}; or, with no server at all, `flet build web` (or `flet "
        "publish`) makes static files of the app that run its Python in the browser (Pyodide)"),
}
# Panel is built on Bokeh, so a Panel script imports both: it is told as Panel.
_ORDER = ("streamlit", "gradio", "nicegui", "panel", "bokeh", "shiny", "solara", "reflex", "flet")
# What starts a framework's server or makes its page, by the dotted name it calls (the module's imports say
# it): NiceGUI's ui.run(), Panel's pn.serve() and .servable() (`panel serve` runs such a script), Bokeh's
# curdoc() (`bokeh serve` serves the document it fills). A Streamlit script calls nothing special: importing
# streamlit says it; a Gradio app's .launch() is a method of an object the module made. Panel and Bokeh are
# imported to draw static plots and notebooks too, so for them only such a call counts.
_STARTS = {"nicegui.ui.run": "nicegui", "panel.serve": "panel", "bokeh.io.curdoc": "bokeh",
           "bokeh.plotting.curdoc": "bokeh"}
_METHODS = {"gradio": ("launch",), "panel": ("servable", "show")}
_CALLED_ONLY = ("panel", "bokeh")
# Gradio's own ways to an ASGI app: mount_gradio_app returns the FastAPI app it is given, App.create_app makes one.
_ASGI_APPS = ("gradio.mount_gradio_app", "gradio.routes.mount_gradio_app", "gradio.routes.App.create_app")


@dataclass(frozen=True, slots=True)
class LiveUi:
    framework: str  # a key of FRAMEWORKS
    line: int
    how: str  # what shows it: "imports streamlit", "calls demo.launch()"


def find(tree: ast.Module | None) -> LiveUi | None:
    """The live-UI framework ``tree`` runs its page on, by its imports and what it calls; None for none."""
    if tree is None:
        return None
    names = qualified.imported(tree)
    used = {name.partition(".")[0] for name in names.values()}
    for framework in _ORDER:
        if framework not in used:
            continue
        found = _started(tree, names, framework)
        if found is not None:
            return found
        if framework not in _CALLED_ONLY:
            return _imported(tree, framework)
    return None


def bound(tree: ast.Module | None, name: str) -> LiveUi | None:
    """How ``name`` is bound at module level when that is a call into a live-UI framework other than Gradio's
    mount onto FastAPI (Panel's ``app = pn.serve(layout)``, which serves at import; ``app = gr.Blocks()``)."""
    from shoehorn.discovery import bound_call

    if tree is None:
        return None
    imported = _imported_name(tree, name)
    if imported is not None:
        return imported
    value = bound_call(tree, name)
    called = qualified.called(value, qualified.imported(tree)) if value is not None else None
    framework = (called or "").partition(".")[0]
    if framework not in FRAMEWORKS or called in _ASGI_APPS:
        return None
    return LiveUi(framework, value.lineno, f"binds {name} = {ast.unparse(value.func)}(...)")


def _imported_name(tree: ast.Module, name: str) -> LiveUi | None:
    """``name`` imported at module level from a live-UI framework: NiceGUI's docs write `from nicegui import
    app, ui` (its App, on which ui.run() starts its server), which discovery found as the app, and `shoehorn
    dev` then hung without a word (ui.run() re-runs the command's own script as __main__)."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and not node.level and node.module \
                and node.module.partition(".")[0] in FRAMEWORKS:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    framework = node.module.partition(".")[0]
                    return LiveUi(framework, node.lineno, f"imports {name} from {node.module}")
    return None


def _started(tree: ast.Module, names: dict[str, str], framework: str) -> LiveUi | None:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _STARTS.get(qualified.called(node, names) or "") == framework:
            return LiveUi(framework, node.lineno, f"calls {ast.unparse(node.func)}()")
        if isinstance(node.func, ast.Attribute) and node.func.attr in _METHODS.get(framework, ()):
            called = ast.unparse(node.func)  # `demo.launch`; a layout built in the call is left out
            return LiveUi(framework, node.lineno, f"calls {called if len(called) <= 30 else '.' + node.func.attr}()")
    return None


def _imported(tree: ast.Module, framework: str) -> LiveUi:
    lines = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Import)
             and any(alias.name.partition(".")[0] == framework for alias in node.names)
             or isinstance(node, ast.ImportFrom) and (node.module or "").partition(".")[0] == framework]
    return LiveUi(framework, min(lines), f"imports {framework}")


def describe(found: LiveUi, shown: str) -> str:
    """"app.py:1 imports streamlit: a Streamlit app, which is neither WSGI nor ASGI (...), and ..."; ``shown`` is the
    file as the user knows it."""
    framework = FRAMEWORKS[found.framework]
    return (f"{shown}:{found.line} {found.how}: a {framework.name} app, {framework.interface} "
            f"({framework.serves}), and {framework.connection}")


def error(found: LiveUi, shown: str, what: str = "") -> ConfigError:
    """The error for a live-UI app where the WSGI/ASGI app should be; ``what`` is what named it (`'app' =
    "app:app" in shoehorn.toml: `)."""
    return ConfigError(f"{what}{describe(found, shown)}, so shoehorn cannot run it", _way_out(found.framework))


def hint(found: LiveUi, shown: str) -> str:
    """What to say of a file that runs its page on a live-UI framework's server: why it cannot run, and where."""
    return f"{describe(found, shown)}. shoehorn cannot run it; {_way_out(found.framework)}"


def _way_out(framework: str) -> str:
    """Where it runs instead; for Gradio, also what its one ASGI way in would do."""
    instead = FRAMEWORKS[framework].instead
    return f"{instead}. {MOUNTED}" if framework == "gradio" else instead


# Found by trying it (Gradio 6.31 on Python 3.11): through shoehorn.testing's REST path, mounted on FastAPI, one
# process serves the page under the stage (Gradio takes its root from the request) and completes a queued
# prediction; but `shoehorn build` (and so `dev --lambda`) stops at the bundle, 306 MB unzipped, gradio, pandas and
# numpy the largest.
MOUNTED = ("Mounted on FastAPI (app = gr.mount_gradio_app(FastAPI(), demo, path=\"/\")) it is an ASGI app "
           "shoehorn finds, but Gradio with its dependencies (pandas, numpy) is over 300 MB unzipped, more than "
           "the 250 MB Lambda takes in a zip bundle, so `shoehorn build` refuses it")


# The frameworks that require pandas and numpy (NiceGUI does not: its FastAPI example builds to 94 MB).
HEAVY = ("gradio", "streamlit", "panel", "bokeh")


def too_big(framework: str) -> str:
    """The way out of a bundle over Lambda's size limit with ``framework`` among its largest packages."""
    return (f"{framework}, with the pandas and numpy it requires, leaves no room in a Lambda zip bundle, and a "
            f"{FRAMEWORKS[framework].name} app needs one long-running server anyway: run it in {_CONTAINER}")
