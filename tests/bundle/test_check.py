"""The isolated import check: only the bundle and the stdlib on sys.path, a real GET /."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from shoehorn.bundle import check, zipper
from shoehorn.bundle.shim import source
from shoehorn.errors import AppCodeError, BuildError
from tests.bundle.conftest import WSGI_APP

HERE = f"python{sys.version_info.major}.{sys.version_info.minor}"


def bundle(tmp_path: Path, files: dict[str, str], app: str = "app:app") -> Path:
    from shoehorn.bundle.shim import runtime_files

    entries = {n: zipper.Entry(n, data=p.read_bytes()) for n, p in runtime_files().items()}
    entries["shoehorn_handler.py"] = zipper.Entry("shoehorn_handler.py", data=source(app).encode())
    entries.update({n: zipper.Entry(n, data=t.encode()) for n, t in files.items()})
    path = tmp_path / "b.zip"
    zipper.write(entries, path)
    return path


def test_a_working_bundle_answers_get_and_imports_only_the_stdlib(tmp_path: Path) -> None:
    outcome = check.check(bundle(tmp_path, {"app.py": WSGI_APP}), HERE, "x86_64", {})
    assert outcome.ran and outcome.status == 200 and outcome.note == ""
    outside = {m.split(".")[0] for m in outcome.modules} - set(sys.stdlib_module_names) - {
        "shoehorn", "shoehorn_handler", "app", "__main__", "_frozen_importlib", "_frozen_importlib_external"}
    assert outside == set()


def test_site_packages_of_this_machine_are_not_visible(tmp_path: Path) -> None:
    # flask is installed in the venv running the tests, but not in the bundle.
    path = bundle(tmp_path, {"app.py": "import flask\napp = flask.Flask(__name__)\n"})
    with pytest.raises(AppCodeError) as caught:
        check.check(path, HERE, "x86_64", {})
    assert "'flask'" in caught.value.message and "requirements" in caught.value.hint
    assert "app.py:1" in caught.value.message and caught.value.exit_code == 2


def test_import_errors_fail_with_the_original_error(tmp_path: Path) -> None:
    path = bundle(tmp_path, {"app.py": "raise RuntimeError('no DATABASE_URL')\n"})
    with pytest.raises(AppCodeError, match="app.py:1: RuntimeError: no DATABASE_URL"):
        check.check(path, HERE, "x86_64", {})


def test_a_variable_the_app_reads_at_import_is_named_with_where_to_set_it(tmp_path: Path) -> None:
    # settings read from the environment (twelve-factor Django): "fix the error above" blamed the app, whose
    # variable only had to be set where shoehorn takes the function's environment from
    path = bundle(tmp_path, {"app.py": "import os\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n" + WSGI_APP})
    with pytest.raises(AppCodeError) as caught:
        check.check(path, HERE, "x86_64", {}, settings_file="pyproject.toml")
    assert "app.py:2" in caught.value.message
    assert 'DJANGO_SECRET_KEY = "..."' in caught.value.hint and "[tool.shoehorn.environment]" in caught.value.hint
    assert "left out of the bundle" not in caught.value.hint
    with pytest.raises(AppCodeError) as caught:  # where the settings found it locally: a .env the build left out
        check.check(path, HERE, "x86_64", {}, left_out=("config/settings/.env",))
    assert "config/settings/.env is left out of the bundle" in caught.value.hint


def test_a_get_that_waits_is_stopped_with_where_it_waited_and_the_build_goes_on(tmp_path: Path, monkeypatch) -> None:
    # a Django view on a PostgreSQL this machine cannot reach (in the function's VPC): the check waited 60 s and
    # failed the build, `up` included, blaming "work done at import time"
    monkeypatch.setattr(check, "REQUEST_S", 3.0)
    app = ("import time\ndef connect_to_the_database():\n    time.sleep(60)\n"
           "def app(environ, start_response):\n    connect_to_the_database()\n")
    outcome = check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert outcome.ran and outcome.status is None and outcome.import_ms is not None
    assert "GET / had no answer after 3 s in the bundle check" in outcome.note and "cannot reach" in outcome.note
    assert "in connect_to_the_database" in outcome.note  # from the runtime's own report, a second before


def test_a_settings_file_the_build_left_out_is_named_when_the_settings_fail(tmp_path: Path) -> None:
    # Mezzanine's local_settings.py (DATABASES, SECRET_KEY) is in its .gitignore: every page answered 500,
    # "settings.DATABASES is improperly configured", with nothing said of the file
    app = ("def app(environ, start_response):\n"
           "    raise RuntimeError('ImproperlyConfigured: settings.DATABASES is improperly configured')\n")
    path = bundle(tmp_path, {"app.py": app})
    outcome = check.check(path, HERE, "x86_64", {}, left_out=("site/local_settings.py", "notes.txt"))
    assert outcome.status == 500 and "site/local_settings.py is left out of the bundle" in outcome.note
    assert 'include = ["site/local_settings.py"]' in outcome.note
    assert "left out" not in check.check(path, HERE, "x86_64", {}, left_out=("notes.txt",)).note


def test_the_config_environment_is_passed(tmp_path: Path) -> None:
    app = "import os\nos.environ['DATABASE_URL']\n" + WSGI_APP
    assert check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {"DATABASE_URL": "x"}).ran


def test_a_missing_module_imported_while_answering_fails_the_build(tmp_path: Path) -> None:
    app = "def app(environ, start_response):\n    import markdown\n"
    with pytest.raises(AppCodeError, match="'markdown'.*while answering GET /"):
        check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})


def test_other_server_errors_are_a_warning(tmp_path: Path) -> None:
    app = "def app(environ, start_response):\n    raise ValueError('boom')\n"
    outcome = check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert outcome.status == 500 and "ValueError: boom" in outcome.note


def test_a_database_the_first_request_would_create_in_the_code_directory_gets_the_fix(tmp_path: Path) -> None:
    # (DRF's quickstart with startproject's db.sqlite3, which the bundle leaves out): the 500's note said
    # where only /tmp is writable for a refused open(), not for the refused SQLite file
    app = ("import sqlite3\ndef app(environ, start_response):\n"
           "    sqlite3.connect('db.sqlite3').execute('select 1')\n")
    outcome = check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert outcome.status == 500 and "unable to open database file 'db.sqlite3'" in outcome.note
    assert "SQLite databases under /tmp" in outcome.note


def test_the_error_an_apps_failing_error_handler_hid_is_named_with_the_read_only_fix(tmp_path: Path) -> None:
    # Roundup's tracker on its read-only sqlite database: its error handler mails the traceback to the admin, no
    # mail host answers, and the log's tail showed only "couldn't send email", never the database's refusal
    app = ("import sqlite3\n"
           "def mail(depth):\n    if depth:\n        mail(depth - 1)\n"
           "    raise ConnectionRefusedError(111, 'Connection refused')\n"
           "def app(environ, start_response):\n    try:\n"
           "        raise sqlite3.OperationalError('attempt to write a readonly database')\n"
           "    except sqlite3.OperationalError:\n        mail(10)\n")
    outcome = check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert outcome.status == 500 and "ConnectionRefusedError" in outcome.note
    assert "raised first, above: sqlite3.OperationalError: attempt to write a readonly database" in outcome.note
    assert "SQLite databases under /tmp" in outcome.note


def test_a_django_400_warns_about_allowed_hosts_and_another_400_does_not(tmp_path: Path) -> None:
    # startproject's ALLOWED_HOSTS = [] allows localhost under DEBUG: every local request works, every AWS
    # request is 400 DisallowedHost. (A module named django stands in; the real project: tests/compat.)
    answer_400 = ("def app(environ, start_response):\n"
                  "    start_response('400 Bad Request', [('Content-Type', 'text/plain')])\n    return [b'no']\n")
    outcome = check.check(bundle(tmp_path, {"django.py": "", "app.py": "import django\n" + answer_400}), HERE, "x86_64",
                          {"DJANGO_SETTINGS_MODULE": "config.settings.production"})
    assert outcome.status == 400 and "ALLOWED_HOSTS" in outcome.note and ".execute-api." in outcome.note
    # a settings package (cookiecutter-django) has no settings.py; dev --lambda's host is 127.0.0.1
    assert "config/settings/production.py" in outcome.note and '"127.0.0.1" for `dev --lambda`' in outcome.note
    (tmp_path / "other").mkdir()
    outcome = check.check(bundle(tmp_path / "other", {"app.py": answer_400}), HERE, "x86_64", {})
    assert outcome.status == 400 and outcome.note == ""


def test_the_mlflow_servers_403_to_the_api_gateway_host_names_its_allowed_hosts_setting(tmp_path: Path) -> None:
    # MLflow 3.5+ refuses a Host outside localhost and private addresses with 403: dev --lambda and the local
    # cloud (127.0.0.1) work, every request on the execute-api URL is refused. (A package named mlflow.server
    # stands in; it answers as MLflow's host validation does.)
    answer_403 = ("def app(environ, start_response):\n"
                  "    start_response('403 Forbidden', [('Content-Type', 'text/plain')])\n"
                  "    return [b'Invalid Host header - possible DNS rebinding attack detected']\n")
    files = {"mlflow/__init__.py": "", "mlflow/server/__init__.py": answer_403,
             "app.py": "from mlflow.server import app\n"}
    outcome = check.check(bundle(tmp_path, files), HERE, "x86_64", {})
    assert outcome.status == 403 and "MLFLOW_SERVER_ALLOWED_HOSTS" in outcome.note
    assert "*.execute-api.us-east-1.amazonaws.com,127.0.0.1:*" in outcome.note
    # an app that only imports the tracking client is not the server
    (tmp_path / "other").mkdir()
    files = {"mlflow/__init__.py": "", "mlflow/tracking.py": "", "app.py": "import mlflow.tracking\n" + answer_403}
    outcome = check.check(bundle(tmp_path / "other", files), HERE, "x86_64", {})
    assert outcome.status == 403 and outcome.note == ""


def test_another_platform_checks_tags_and_says_why(tmp_path: Path) -> None:
    elf_arm = b"\x7fELF" + bytes(14) + (0xB7).to_bytes(2, "little")
    path = bundle(tmp_path, {"app.py": WSGI_APP})
    outcome = check.check(path, HERE, "arm64", {})
    assert not outcome.ran and "skipped" in outcome.note and "arm64" in outcome.note
    entries = {"m/_c.cpython-311-x86_64-linux-gnu.so": zipper.Entry("m/_c.cpython-311-x86_64-linux-gnu.so",
                                                                       data=b"\x7fELF" + bytes(14) + b"\x3e\x00")}
    zipper.write(entries, tmp_path / "wrong.zip")
    with pytest.raises(BuildError, match="another platform"):
        check.check(tmp_path / "wrong.zip", HERE, "arm64", {})
    zipper.write({"m/x.so": zipper.Entry("m/x.so", data=elf_arm)}, tmp_path / "right.zip")
    assert not check.check(tmp_path / "right.zip", HERE, "arm64", {}).ran


def test_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = bundle(tmp_path, {"app.py": "from pkg.views import app\n", "pkg/__init__.py": "",
                             "pkg/views.py": "x = 1\ndef app(environ, start_response)\n    pass\n"})
    with pytest.raises(AppCodeError, match=r"pkg/views\.py:2: SyntaxError"):
        check.check(path, HERE, "x86_64", {})


def test_a_missing_attribute_names_the_line_that_failed(tmp_path: Path) -> None:
    path = bundle(tmp_path, {"app.py": "import os\napp = os.not_there\n"})
    with pytest.raises(AppCodeError, match=r"app\.py:2: AttributeError"):
        check.check(path, HERE, "x86_64", {})


def test_a_factory_named_without_parentheses_gets_a_hint(tmp_path: Path) -> None:
    path = bundle(tmp_path, {"app.py": "def create_app(config=None):\n    pass\n"}, app="app:create_app")
    with pytest.raises(AppCodeError) as caught:
        check.check(path, HERE, "x86_64", {})
    assert 'create_app()' in caught.value.hint


def test_a_lambda_handler_named_as_the_app_fails_with_the_fix(tmp_path: Path) -> None:
    app = WSGI_APP + "\ndef handler(event, context):\n    return {}\n"
    with pytest.raises(AppCodeError) as caught:
        check.check(bundle(tmp_path, {"app.py": app}, app="app:handler"), HERE, "x86_64", {})
    assert "Lambda handler" in caught.value.message and "point the app reference" in caught.value.hint


def test_an_app_that_runs_on_its_server_attribute_fails_with_the_fix(tmp_path: Path) -> None:
    # a Dash app named as the app: the check's generic hint (a factory? interface=?) replaced the runtime's
    app = WSGI_APP + "\nclass Dash:\n    server = staticmethod(app)\n    def __call__(self, *args):\n" \
                     "        return self.server(*args)\n\ndash_app = Dash()\n"
    with pytest.raises(AppCodeError) as caught:
        check.check(bundle(tmp_path, {"app.py": app}, app="app:dash_app"), HERE, "x86_64", {})
    assert "`server` attribute" in caught.value.message and 'app = "module:app.server"' in caught.value.hint


def test_an_app_only_its_own_server_runs_fails_with_why_and_no_setting_to_try(tmp_path: Path) -> None:
    # an aiohttp app built where discovery cannot see it: the hint sent the user to call it as a factory
    app = ("class Application:\n    def __call__(self):\n        return self\n\n"
           "Application.__module__ = 'aiohttp.web_app'\napp = Application()\n")
    with pytest.raises(AppCodeError) as caught:
        check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert "aiohttp web.Application, which is neither WSGI nor ASGI" in caught.value.message
    assert caught.value.hint.startswith("shoehorn runs WSGI and ASGI apps only")


def test_a_failed_lifespan_startup_is_told_once(tmp_path: Path) -> None:
    # the failure's message holds the app's traceback: the stderr tail after it repeated the same lines
    app = ("async def app(scope, receive, send):\n    await receive()\n    try:\n"
           "        raise ConnectionError('Error 111 connecting to localhost:6379')\n    except ConnectionError:\n"
           "        import traceback\n"
           "        await send({'type': 'lifespan.startup.failed', 'message': traceback.format_exc()})\n")
    with pytest.raises(AppCodeError) as caught:
        check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert caught.value.message.count("ConnectionError: Error 111 connecting to localhost:6379") == 1
    assert "startup" in caught.value.hint


def test_a_lifespan_startup_that_raises_is_told_from_the_apps_line_with_its_traceback(tmp_path: Path) -> None:
    # Starlette sends the traceback as text and raises: the error names the app's line (not shoehorn's
    # runtime/lifespan.py), followed by the end of the app's own traceback, as any other failure is told
    app = ("import traceback\n"
           "def connect():\n"
           "    raise ConnectionError('Error 111 connecting to localhost:6379')\n"
           "async def app(scope, receive, send):\n    await receive()\n    try:\n        connect()\n"
           "    except ConnectionError:\n"
           "        await send({'type': 'lifespan.startup.failed', 'message': traceback.format_exc()})\n"
           "        raise\n")
    with pytest.raises(AppCodeError) as caught:
        check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    message = caught.value.message
    assert message.startswith("the bundle failed the isolated import check while starting the app (its ASGI "
                              "lifespan startup): app.py:3: ConnectionError: Error 111 connecting to localhost:6379")
    assert 'in connect\n    raise ConnectionError' in message and "LifespanFailed" not in message
    assert "startup" in caught.value.hint


def test_the_code_directory_is_read_only_and_the_error_names_the_path(tmp_path: Path) -> None:
    writes = "import os\nos.makedirs('instance/cache', exist_ok=True)\n" + WSGI_APP
    with pytest.raises(AppCodeError) as caught:
        check.check(bundle(tmp_path, {"app.py": writes}), HERE, "x86_64", {})
    assert "instance" in caught.value.message and "app.py:2" in caught.value.message
    assert "/tmp" in caught.value.hint


# Starlette's lifespan (and FastAPI's on_startup), as starlette-admin's README quickstart and FastAPI's SQL
# tutorial create their tables: the startup sends lifespan.startup.failed with the traceback, then raises
LIFESPAN_CREATES_TABLES = """
import sqlite3, traceback

def create_all():
    sqlite3.connect("blog.db").execute("create table if not exists posts (id integer)")

async def app(scope, receive, send):
    await receive()
    try:
        create_all()
    except Exception:
        await send({"type": "lifespan.startup.failed", "message": traceback.format_exc()})
        raise
"""


def test_a_sqlite_database_created_in_the_code_directory_at_startup_is_named_with_the_fix(tmp_path: Path) -> None:
    # QA (starlette-admin's quickstart): the build printed a hundred-line traceback "at"
    # shoehorn/runtime/lifespan.py, and a hint about lifespan handlers, not that only /tmp is writable
    with pytest.raises(AppCodeError) as caught:
        check.check(bundle(tmp_path, {"app.py": LIFESPAN_CREATES_TABLES}), HERE, "x86_64", {})
    message = caught.value.message
    assert message.startswith("the app writes into its own directory while starting the app (its ASGI lifespan "
                              "startup): blog.db (app.py:5: OperationalError: unable to open database file")
    assert "lifespan.py" not in message and message.count("\n") < 3
    assert "SQLite databases under /tmp" in caught.value.hint


def test_a_sqlite_database_created_in_the_code_directory_at_import_is_named_with_the_fix(tmp_path: Path) -> None:
    creates = "import sqlite3\nsqlite3.connect('data/app.db')\n" + WSGI_APP
    with pytest.raises(AppCodeError) as caught:
        check.check(bundle(tmp_path, {"app.py": creates, "data/keep.txt": ""}), HERE, "x86_64", {})
    assert caught.value.message.startswith("the app writes into its own directory while importing the app: "
                                           "data/app.db (app.py:2: OperationalError: unable to open database file")
    assert "SQLite databases under /tmp" in caught.value.hint


def test_tmpdir_is_writable_during_the_check(tmp_path: Path) -> None:
    writes = ("import os, tempfile\nwith open(os.path.join(tempfile.gettempdir(), 'x.log'), 'w') as f:\n"
              "    f.write('ok')\n" + WSGI_APP)
    assert check.check(bundle(tmp_path, {"app.py": writes}), HERE, "x86_64", {}).status == 200


def test_websocket_routes_are_named_in_a_warning(tmp_path: Path) -> None:
    # they were deployed without a word, and answered 404 (a route table as Starlette's, by class name)
    app = '''
class WebSocketRoute:
    def __init__(self, path): self.path = path
class APIWebSocketRoute(WebSocketRoute): pass
class Route:
    def __init__(self, path): self.path = path
class Mount:
    def __init__(self, path, routes): self.path, self.routes = path, routes
class App:
    routes = [Route("/"), APIWebSocketRoute("/ws"), Mount("/sub", [WebSocketRoute("/feed")])]
    def __call__(self, environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
app = App()
'''
    outcome = check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert outcome.status == 200 and "WebSocket routes (/ws, /sub/feed)" in outcome.note
    (tmp_path / "plain").mkdir()
    assert check.check(bundle(tmp_path / "plain", {"app.py": WSGI_APP}), HERE, "x86_64", {}).note == ""


# A WSGI answer for the stand-ins below: the warnings come from the app object's attributes, whatever it serves.
ANSWER = """
    def __call__(self, environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
"""


def test_websocket_rules_of_quart_and_flask_sock_are_named(tmp_path: Path) -> None:
    # Quart's @app.websocket and flask-sock's @sock.route add werkzeug Rules made with websocket=True;
    # the warning covered Starlette's route tables only. A failing lookup elsewhere (extensions) costs nothing.
    app = '''
class Rule:
    def __init__(self, rule, websocket=False): self.rule, self.websocket = rule, websocket
class Map:
    def iter_rules(self): return iter([Rule("/"), Rule("/ws", websocket=True), Rule("/feed/<room>", websocket=True)])
class Quart:
    url_map = Map()
    @property
    def extensions(self): raise RuntimeError("not here")
''' + ANSWER + "app = Quart()\n"
    outcome = check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert outcome.status == 200 and "WebSocket routes (/ws, /feed/<room>)" in outcome.note


def test_sanic_websocket_routes_are_named(tmp_path: Path) -> None:
    # @app.websocket sets websocket_enabled and marks the route's extra.websocket
    app = '''
from types import SimpleNamespace
class Route:
    def __init__(self, uri, websocket): self.uri, self.extra = uri, SimpleNamespace(websocket=websocket)
class Sanic:
    websocket_enabled = True
    router = SimpleNamespace(routes=(Route("/", False), Route("/live", True)))
''' + ANSWER + "app = Sanic()\n"
    outcome = check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert outcome.status == 200 and "WebSocket routes (/live)" in outcome.note


def test_django_channels_websocket_routing_is_named(tmp_path: Path) -> None:
    # application = ProtocolTypeRouter({"http": ..., "websocket": AuthMiddlewareStack(URLRouter([...]))}):
    # the URLRouter's patterns when it can be reached through the middleware, else the "websocket" entry
    app = '''
from types import SimpleNamespace
class URLRouter:
    def __init__(self, routes): self.routes = routes
class Middleware:
    def __init__(self, inner): self.inner = inner
class OriginValidator:
    def __init__(self, application): self.application = application
class ProtocolTypeRouter:
    def __init__(self, mapping): self.application_mapping = mapping
''' + ANSWER + '''
route = SimpleNamespace(pattern="ws/chat/<str:room>/")
app = ProtocolTypeRouter({"http": None, "websocket": OriginValidator(Middleware(URLRouter([route])))})
opaque = ProtocolTypeRouter({"http": None, "websocket": lambda scope, receive, send: None})
'''
    outcome = check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert outcome.status == 200 and "WebSocket routes (ws/chat/<str:room>/) (Django Channels' URLRouter)" in outcome.note
    (tmp_path / "opaque").mkdir()
    outcome = check.check(bundle(tmp_path / "opaque", {"app.py": app}, "app:opaque"), HERE, "x86_64", {})
    assert "routes WebSockets through Django Channels" in outcome.note


def test_flask_socketio_is_told_it_needs_a_server_that_keeps_connections(tmp_path: Path) -> None:
    # SocketIO(app) registers itself as app.extensions["socketio"]; long-polling fails too on Lambda
    app = '''
class SocketIO:
    server_options = {"socketio_path": "live/socket.io"}
class Flask:
    extensions = {"socketio": SocketIO()}
''' + ANSWER + "app = Flask()\n"
    outcome = check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert outcome.status == 200 and "the app uses Flask-SocketIO (/live/socket.io)" in outcome.note
    assert "long-polling" in outcome.note and "long-running server" in outcome.note


def test_a_slow_import_is_named_in_a_warning(tmp_path: Path, monkeypatch) -> None:
    # likely over Lambda's 10 s init limit there, with a fraction of this machine's CPU
    monkeypatch.setattr(check, "SLOW_IMPORT_S", 0.2)
    slow = "import time\ntime.sleep(0.3)\n" + WSGI_APP
    outcome = check.check(bundle(tmp_path, {"app.py": slow}), HERE, "x86_64", {})
    assert outcome.status == 200 and "importing the app took 0." in outcome.note and "`memory`" in outcome.note


def test_a_missing_module_behind_the_libraries_own_error_is_named_as_missing(tmp_path: Path) -> None:
    # Litestar's client-side sessions: MissingDependencyException ... `pip install 'litestar[cryptography]'`
    # raised from a ModuleNotFoundError; "fix the error above" sent the user to pip, not to the requirements
    # (installed here, cryptography came with another package)
    lib = ("try:\n    import cryptography_not_here\nexcept ImportError as error:\n"
           "    raise ImportError(\"Package 'cryptography_not_here' is not installed but required. You can install it "
           "by running `pip install 'lib[crypto]'`\") from error\n")
    path = bundle(tmp_path, {"lib.py": lib, "app.py": "import lib\n" + WSGI_APP})
    with pytest.raises(check.MissingModule) as caught:
        check.check(path, HERE, "x86_64", {})
    assert caught.value.module == "cryptography_not_here"
    assert "lib[crypto]" in caught.value.message and "lib.py:4" in caught.value.message
    assert "add lib[crypto] (what the error's `pip install` names)" in caught.value.hint
    assert "requirements" in caught.value.hint and "installed on this machine does not count" in caught.value.hint


def test_an_import_error_that_only_happened_while_handling_a_missing_module_is_the_apps_own(tmp_path: Path) -> None:
    # (an optional import's fallback that fails otherwise: the missing module is context, not the cause)
    app = "try:\n    import ujson_not_here\nexcept ImportError:\n    raise RuntimeError('bad config')\n"
    with pytest.raises(AppCodeError) as caught:
        check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert not isinstance(caught.value, check.MissingModule) and "RuntimeError: bad config" in caught.value.message


def test_a_table_the_database_lacks_is_named_with_the_command_that_migrates_it(tmp_path: Path) -> None:
    # `wagtail start`'s home page is a row: GET / failed with "no such table: wagtailcore_site" until migrated
    app = ("import os, sqlite3\n"
           "def app(environ, start_response):\n"
           "    sqlite3.connect(os.path.join(os.environ['TMPDIR'], 'db.sqlite3')).execute('select * from pages')\n")
    outcome = check.check(bundle(tmp_path, {"app.py": app}), HERE, "x86_64", {})
    assert outcome.status == 500
    assert "the database has no table pages" in outcome.note
    assert "shoehorn run -- flask --app APP init-db" in outcome.note


# Stands in for django.conf: LazySettings keeps each setting it has computed in its own __dict__.
FAKE_DJANGO_CONF = "class LazySettings:\n    pass\nsettings = LazySettings()\n"


@pytest.mark.parametrize("read_at_import, warned", [(True, True), (False, False)])
def test_a_static_url_django_computed_at_import_is_named_with_the_wagtail_setting(
        tmp_path: Path, read_at_import: bool, warned: bool) -> None:
    # Wagtail's admin (DEBUG off, ManifestStaticFilesStorage) reads STATIC_URL at import: Django kept "/static/"
    # without the stage for the container's life, and every static link of its production settings answered 403
    early = "settings.STATIC_URL = '/static/'\n" if read_at_import else ""
    files = {"django/__init__.py": "", "django/conf.py": FAKE_DJANGO_CONF,
             "site_settings.py": "STATIC_URL = 'static/'\n",
             "app.py": "import site_settings\nfrom django.conf import settings\n" + early + WSGI_APP}
    outcome = check.check(bundle(tmp_path, files), HERE, "x86_64", {"DJANGO_SETTINGS_MODULE": "site_settings"})
    assert outcome.status == 200
    assert ("was read while the app was imported" in outcome.note) is warned
    assert ("WAGTAILADMIN_STATIC_FILE_VERSION_STRINGS = False" in outcome.note) is warned


def test_a_redirect_of_get_out_of_the_stage_prefix_is_a_warning(tmp_path: Path) -> None:
    # Kinto's version redirect, "/v1" + request.path (which holds SCRIPT_NAME): / -> /v1/check/, outside the stage
    def redirecting(location: str) -> str:
        return ("def app(environ, start_response):\n"
                f"    start_response('307 Temporary Redirect', [('Location', {location})])\n    return [b'']\n")

    outcome = check.check(bundle(tmp_path, {"app.py": redirecting("'/v1' + environ['SCRIPT_NAME'] + '/'")}), HERE,
                          "x86_64", {})
    assert outcome.status == 307 and "a redirect to /v1/check/" in outcome.note
    assert "leaves the prefix" in outcome.note and "custom domain" in outcome.note
    for where, location in (("kept", "environ['SCRIPT_NAME'] + '/v1/'"), ("relative", "'v1/'"),
                            ("elsewhere", "'https://accounts.example.com/login'")):
        (tmp_path / where).mkdir()
        outcome = check.check(bundle(tmp_path / where, {"app.py": redirecting(location)}), HERE, "x86_64", {})
        assert outcome.status == 307 and outcome.note == "", where


def test_a_file_the_build_left_out_is_named_when_the_app_fails_to_open_it(tmp_path: Path) -> None:
    # pypiserver.app(password_file=".htpasswd") reads it at import; .htpasswd is left out as secret-looking
    path = bundle(tmp_path, {"app.py": "open('.htpasswd').read()\n" + WSGI_APP})
    with pytest.raises(AppCodeError) as failed:
        check.check(path, HERE, "x86_64", {}, left_out=(".htpasswd",))
    assert "the build left it out" in failed.value.hint and 'include = [".htpasswd"]' in failed.value.hint
    with pytest.raises(AppCodeError) as elsewhere:  # a file the build did not leave out: the app's own error
        check.check(path, HERE, "x86_64", {}, left_out=("notes.txt",))
    assert "left it out" not in elsewhere.value.hint
    (tmp_path / "request").mkdir()  # read while answering: the 500's note says it
    opened = "import os\ndef app(environ, start_response):\n    open(os.path.abspath('users/.htpasswd'))\n"
    outcome = check.check(bundle(tmp_path / "request", {"app.py": opened}), HERE, "x86_64", {},
                          left_out=("users/.htpasswd",))
    assert outcome.status == 500 and 'include = ["users/.htpasswd"]' in outcome.note


def test_fasthtml_s_session_key_file_written_at_import_is_told_its_way_out(tmp_path: Path) -> None:
    # FastHTML's first example with no .sesskey beside it: fast_app() writes one at import, read-only on Lambda
    failed = check._failure({"stage": "import", "error": "OSError: [Errno 30] Read-only file system: '.sesskey'",
                             "where": "main.py:3: OSError: [Errno 30] Read-only file system: '.sesskey'",
                             "readonly_path": ".sesskey"}, "", tmp_path)
    assert failed.message.startswith("the app writes into its own directory while importing the app: .sesskey")
    assert "secret_key=" in failed.hint and 'include = [".sesskey"]' in failed.hint


def test_a_package_folder_the_build_left_out_is_named_when_the_app_fails_to_import_it(tmp_path: Path) -> None:
    # TurboGears' quickstart: its .gitignore lists `lib/`, which is also its package's example/lib/; the check
    # failed with "cannot import name 'lib' from 'example'" and "fix the error above"
    files = {"example/__init__.py": "", "app.py": "from example import lib\n" + WSGI_APP}
    with pytest.raises(AppCodeError) as failed:
        check.check(bundle(tmp_path, files), HERE, "x86_64", {}, left_out=("example/lib/",))
    assert "example/lib/ is in the app directory" in failed.value.hint
    assert 'include = ["example/lib/"]' in failed.value.hint
    (tmp_path / "dotted").mkdir()  # `import example.lib`: a missing submodule of the app's own package
    files["app.py"] = "import example.lib\n" + WSGI_APP
    with pytest.raises(AppCodeError) as dotted:
        check.check(bundle(tmp_path / "dotted", files), HERE, "x86_64", {}, left_out=("src/example/lib.py",))
    assert 'include = ["src/example/lib.py"]' in dotted.value.hint
    with pytest.raises(AppCodeError) as elsewhere:  # nothing of that name left out: the app's own error
        check.check(bundle(tmp_path, files), HERE, "x86_64", {}, left_out=("lib/",))
    assert "left it out" not in elsewhere.value.hint
