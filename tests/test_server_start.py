"""shoehorn/server_start.py: a module-level call that starts a server is found by reading the file."""

from __future__ import annotations

import ast

import pytest

from shoehorn.server_start import find


def _found(source: str, app_names: tuple[str, ...] = ("app",)) -> int | None:
    started = find(ast.parse(source), app_names)
    return started.line if started else None


@pytest.mark.parametrize("source", [
    # Bottle's README: the default app's run() ends the file
    "from bottle import route, run\n@route('/')\ndef index():\n    return 'hi'\nrun(host='localhost', port=8080)\n",
    "import bottle\napp = bottle.Bottle()\nbottle.run(app, port=8080)\n",
    "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n",
    "import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nuvicorn.run(app)\n",
    "from wsgiref.simple_server import make_server\napp = object()\nmake_server('', 8000, app).serve_forever()\n",
    # Falcon's README serves in a with block (under the __main__ guard there; unguarded here)
    "from wsgiref.simple_server import make_server\napp = object()\nwith make_server('', 8000, app) as httpd:\n"
    "    httpd.serve_forever()\n",
    "import dash\napp = dash.Dash(__name__)\napp.run_server(debug=True)\n",
    # CherryPy's tutorials' quickstart (under the __main__ guard there)
    "import cherrypy\nclass Root:\n    pass\ncherrypy.quickstart(Root())\n",
])
def test_a_server_started_at_import_is_found_with_its_line(source: str) -> None:
    assert _found(source) == source.count("\n")


@pytest.mark.parametrize("source", [
    "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run()\n",
    "import asyncio\nasyncio.run(setup())\napp = object()\n",  # returns: not a server
    "from flask import Flask\napp = Flask(__name__)\ndef main():\n    app.run()\n",
    "import subprocess\nsubprocess.run(['true'])\napp = object()\n",
    "from flask import Flask\nother = Flask('x')\napp = Flask(__name__)\nother.run()\n",  # not the app's run()
    # the app's own guard against Lambda: what it tests cannot be told by reading
    "import os\nfrom flask import Flask\napp = Flask(__name__)\nif 'AWS_LAMBDA_FUNCTION_NAME' not in os.environ:\n"
    "    app.run()\n",
])
def test_calls_that_do_not_serve_at_import_are_left_alone(source: str) -> None:
    assert _found(source) is None
