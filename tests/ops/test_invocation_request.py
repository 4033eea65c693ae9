"""``shoehorn invoke`` arguments: method, path + query, -H headers, --data @file | - | text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from shoehorn.errors import ConfigError
from shoehorn.ops.invocation_request import parse_header, read_data, request


def test_path_query_headers_and_json_body() -> None:
    req = request("post", "/items?x=1&y=2", data='{"name": "hat"}', headers=("X-Trace: abc", "Accept:  */*"))
    assert (req.method, req.path, req.query_string) == ("POST", "/items", "x=1&y=2")
    assert req.body == b'{"name": "hat"}'
    assert req.headers == (("X-Trace", "abc"), ("Accept", "*/*"), ("Content-Type", "application/json"))


def test_plain_body_gets_curls_default_type_and_explicit_type_wins() -> None:
    assert ("Content-Type", "application/x-www-form-urlencoded") in request("POST", "/f", data="a=1").headers
    req = request("POST", "/f", data="a=1", headers=("content-type: text/plain",))
    assert req.headers == (("content-type", "text/plain"),)
    assert request("GET", "items").path == "/items"
    assert request("GET", "/").headers == ()


def test_data_from_file_and_stdin(tmp_path: Path) -> None:
    payload = tmp_path / "body.bin"
    payload.write_bytes(b"\x00\x01binary")
    assert read_data(f"@{payload}") == b"\x00\x01binary"
    assert read_data("-", io.BytesIO(b"from stdin")) == b"from stdin"
    assert read_data(None) == b""
    with pytest.raises(ConfigError, match="cannot read"):
        read_data(f"@{tmp_path / 'missing'}")


@pytest.mark.parametrize("bad", ["no colon", ": value", "Two Words: x", "\x1b: x", "X(1): y", "caf\u00e9: z"])
def test_bad_headers(bad: str) -> None:
    # a name that is not an HTTP token used to reach the function, which answered 400 (a fuzz run found it)
    with pytest.raises(ConfigError, match="not a header"):
        parse_header(bad)


def test_a_control_character_in_a_header_value_is_refused() -> None:
    with pytest.raises(ConfigError, match="control character"):
        parse_header("X-A: 1\r\nX-B: 2")
    assert parse_header("X-A:\tkeeps a tab\t") == ("X-A", "keeps a tab")


def test_bad_method_and_url_instead_of_path() -> None:
    with pytest.raises(ConfigError, match="not an HTTP method"):
        request("FETCH", "/")
    with pytest.raises(ConfigError) as caught:
        request("GET", "https://example.com/x")
    assert "path" in caught.value.hint


def test_a_fragment_is_dropped_as_every_http_client_drops_it() -> None:
    # QA day 2, bug 13a: PATH_INFO was /x#frag, which no request through the URL can produce
    assert (request("GET", "/x#frag").path, request("GET", "/x#frag").query_string) == ("/x", "")
    built = request("GET", "/items?page=2#top")
    assert (built.path, built.query_string) == ("/items", "page=2")
    assert request("GET", "/a%23b").path == "/a%23b"  # an encoded # is part of the path
