"""ALB: undecoded query, header modes, client from the last X-Forwarded-For, rendering."""

from __future__ import annotations

import pytest

from shoehorn.runtime.events import alb, find_source
from shoehorn.runtime.types import Response


def test_detected_before_rest(alb_event):
    assert find_source(alb_event()) is alb


def test_query_values_are_passed_through_undecoded(alb_event):
    # rust alb_request_encoded_query_parameters.json: ALB leaves "%3FshowAll%3Dtrue" encoded
    req = alb.read(alb_event(queryStringParameters={"myKey": "%3FshowAll%3Dtrue", "p": "a+b"}))
    assert req.query_string == b"myKey=%3FshowAll%3Dtrue&p=a+b"


def test_multi_value_query_and_headers(alb_event):
    event = alb_event(multi_value=True)
    event["multiValueQueryStringParameters"] = {"a": ["1", "2"], "e": [""]}
    event["multiValueHeaders"]["x-h"] = ["v1", "v2"]
    req = alb.read(event)
    assert req.query_string == b"a=1&a=2&e="
    assert [v for k, v in req.headers if k == "x-h"] == ["v1", "v2"]


def test_client_is_the_last_forwarded_for_entry(alb_event):
    # the ALB appends the peer address; earlier entries come from the client and can be forged
    event = alb_event()
    event["headers"]["x-forwarded-for"] = "6.6.6.6, 10.0.0.1, 203.0.113.9"
    assert alb.read(event).client == ("203.0.113.9", 0)


def test_health_check_without_host(alb_event):
    # rust alb_health_check.json: only a user-agent header
    req = alb.read(alb_event("/", headers={"user-agent": "ELB-HealthChecker/2.0"}))
    assert req.server == ("localhost", 80) and req.scheme == "http" and req.client is None


def test_plain_http_listener(alb_event):
    event = alb_event()
    event["headers"].update({"x-forwarded-proto": "http", "x-forwarded-port": "80"})
    req = alb.read(event)
    assert req.scheme == "http" and req.server == ("alb.example.com", 80)


def test_render_status_description_and_single_value_mode(alb_event):
    out = alb.render(Response(404, (("Content-Type", "text/plain"),), b"nope"), alb_event())
    assert out["statusDescription"] == "404 Not Found"
    assert out["headers"] == {"Content-Type": "text/plain"} and "multiValueHeaders" not in out


def test_render_mirrors_multi_value_mode(alb_event):
    response = Response(200, (("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")), b"")
    out = alb.render(response, alb_event(multi_value=True))
    assert out["multiValueHeaders"] == {"Set-Cookie": ["a=1", "b=2"]} and "headers" not in out


def test_single_value_mode_keeps_every_set_cookie_with_case_variants(alb_event):
    cookies = [f"c{i}=v; Expires=Wed, 21 Oct 2026 07:28:00 GMT" for i in range(5)]
    response = Response(200, tuple(("Set-Cookie", c) for c in cookies) + (("X-A", "1"), ("X-A", "2")), b"")
    out = alb.render(response, alb_event())
    names = [k for k in out["headers"] if k.lower() == "set-cookie"]
    assert len(names) == 5 and len(set(names)) == 5
    assert sorted(out["headers"][n] for n in names) == sorted(cookies)
    assert out["headers"]["X-A"] == "1, 2"


@pytest.mark.parametrize(("status", "text"), [(200, "200 OK"), (302, "302 Found"), (599, "599")])
def test_status_descriptions(status, text):
    out = alb.render(Response(status, (), b""), {"headers": {}, "httpMethod": "GET"})
    assert out["statusDescription"] == text
