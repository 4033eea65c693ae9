"""WSGI driver: PEP 3333 environ (checked by wsgiref.validate), close(), write(), errors."""

from __future__ import annotations

import sys
from wsgiref.validate import validator

import pytest
from flask import Flask, redirect, request, url_for

from shoehorn.runtime import wsgi
from shoehorn.runtime.errors import AppError
from shoehorn.runtime.events import rest


def _request(rest_event, path="/caf%C3%A9/x", **kw):
    kw.setdefault("requestContext", {"path": "/prod" + path})
    return rest.read(rest_event(path, **kw))


def test_environ_passes_wsgiref_validate(rest_event, wsgi_echo):
    req = _request(rest_event, "/x", method="POST", body="a=1", headers={"Content-Type": "application/x-www-form-urlencoded", "X-A": "1"}, multiValueHeaders=None)
    response = wsgi.run(validator(wsgi_echo), req, {}, None)
    assert response.status == 200


def test_pep3333_strings(rest_event):
    env = wsgi.build_environ(_request(rest_event), {"e": 1}, "ctx")
    assert env["SCRIPT_NAME"] == "/prod"
    # UTF-8 bytes shown as latin-1 (Miserlou/Zappa #1199)
    assert env["PATH_INFO"] == "/café/x".encode().decode("latin-1")
    assert all(type(v) is str for k, v in env.items() if k.isupper())


def test_constants_and_aws_objects(rest_event):
    event = rest_event("/x")
    env = wsgi.build_environ(rest.read(event), event, "ctx")
    assert env["wsgi.errors"] is sys.stderr
    assert (env["wsgi.multithread"], env["wsgi.multiprocess"], env["wsgi.run_once"]) == (False, False, False)
    assert env["aws.event"] is event and env["aws.context"] == "ctx"
    assert env["REMOTE_ADDR"] == "198.51.100.7"
    assert env["wsgi.url_scheme"] == "https" and env["SERVER_PORT"] == "443"


def test_repeated_headers_joined_with_comma(rest_event):
    req = rest.read(rest_event("/x", multiValueHeaders={"X-A": ["1", "2"]}, headers=None))
    assert wsgi.build_environ(req, {}, None)["HTTP_X_A"] == "1,2"


def test_content_type_and_length_have_cgi_names(rest_event):
    req = rest.read(rest_event("/x", "POST", body="abc", headers={"Content-Type": "text/plain"}, multiValueHeaders=None))
    env = wsgi.build_environ(req, {}, None)
    assert env["CONTENT_TYPE"] == "text/plain" and env["CONTENT_LENGTH"] == "3"
    assert "HTTP_CONTENT_TYPE" not in env and env["wsgi.input"].read() == b"abc"


class _Body:
    def __init__(self, chunks):
        self.chunks = chunks
        self.closed = False

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        self.closed = True


def test_close_called_and_empty_chunks_skipped(rest_event):
    body = _Body([b"", b"a", b"", b"b"])

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    response = wsgi.run(app, _request(rest_event), {}, None)
    assert response.body == b"ab" and body.closed


def test_close_called_when_iteration_fails(rest_event):
    class Failing(_Body):
        def __iter__(self):
            yield b"a"
            raise RuntimeError("boom")

    body = Failing([])

    def app(environ, start_response):
        start_response("200 OK", [])
        return body

    with pytest.raises(RuntimeError):
        wsgi.run(app, _request(rest_event), {}, None)
    assert body.closed


def test_write_callable_is_honoured(rest_event):
    def app(environ, start_response):
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"legacy ")
        return [b"and iterable"]

    assert wsgi.run(app, _request(rest_event), {}, None).body == b"legacy and iterable"


def test_exc_info_replaces_headers_before_body(rest_event):
    def app(environ, start_response):
        start_response("200 OK", [("X", "1")])
        try:
            raise ValueError("late")
        except ValueError:
            start_response("500 Internal Server Error", [("X", "2")], sys.exc_info())
        return [b"err"]

    response = wsgi.run(app, _request(rest_event), {}, None)
    assert response.status == 500 and response.headers == (("X", "2"),)


def test_exc_info_after_body_reraises(rest_event):
    def app(environ, start_response):
        write = start_response("200 OK", [("X", "1")])
        write(b"partial")
        try:
            raise ValueError("late")
        except ValueError:
            start_response("500 Internal Server Error", [("X", "2")], sys.exc_info())
        return [b"err"]

    with pytest.raises(AppError) as info:  # PEP 3333: too late to replace the headers
        wsgi.run(app, _request(rest_event), {}, None)
    assert str(info.value.__cause__) == "late"


def test_app_that_never_starts_a_response(rest_event):
    with pytest.raises(AppError, match="start_response"):
        wsgi.run(lambda environ, start_response: [b""], _request(rest_event), {}, None)


def test_flask_url_for_and_redirect_include_the_stage(rest_event):
    app = Flask(__name__)

    @app.post("/form")
    def form():
        return redirect(url_for("done", _external=False))

    @app.get("/done")
    def done():
        return {"self": url_for("done", _external=True), "path": request.path, "root": request.root_path}

    req = rest.read(rest_event("/form", "POST", requestContext={"path": "/prod/form"}))
    response = wsgi.run(app, req, {}, None)
    assert dict(response.headers)["Location"] == "/prod/done"
    req = rest.read(rest_event("/done"))
    import json

    body = json.loads(wsgi.run(app, req, {}, None).body)
    assert body == {"self": "https://abc.execute-api.us-east-1.amazonaws.com/prod/done", "path": "/done", "root": "/prod"}


def test_start_response_twice_without_exc_info_is_the_apps_error(rest_event):
    # PEP 3333: "a fatal error"; the second call's headers used to win silently
    def app(environ, start_response):
        start_response("200 OK", [("X", "1")])
        start_response("404 Not Found", [("X", "2")])
        return [b"body"]

    with pytest.raises(AppError) as info:
        wsgi.run(app, _request(rest_event), {}, None)
    assert "second time without exc_info" in str(info.value.__cause__)


def test_start_response_given_no_status_is_named_as_such(rest_event):
    def app(environ, start_response):
        start_response(None, [])
        return [b""]

    with pytest.raises(AppError, match="status None"):
        wsgi.run(app, _request(rest_event), {}, None)


def test_headers_given_as_a_dict_are_the_apps_error(rest_event):
    # iterating a dict gives its keys: a two-character key would have become a one-letter header
    def app(environ, start_response):
        start_response("200 OK", {"ab": "ignored"})
        return [b""]

    with pytest.raises(AppError, match="as a dict"):
        wsgi.run(app, _request(rest_event), {}, None)
