"""The REST reader's read of the commonest event equals its general read.

``rest.read`` reads the commonest event straight off the event and hands any other to
``read_general``; on every REST sample, on mutations of them and on the odd cases below, the
fast read gives exactly the general Request or hands over — and the common samples do take it
(else the fast read proves nothing).
"""

from __future__ import annotations

import copy
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoehorn.runtime.events import find_source, rest

from .test_conformance import _files, load
from .test_properties import DERANDOMIZE, EXAMPLES, mutated_sample

REST_SAMPLES = [p for p in _files() if find_source(load(p)) is rest]


def _same(event: dict) -> bool:
    """Asserts equality when the fast read applies; says whether it applied."""
    before = copy.deepcopy(event)
    with mock.patch.object(rest, "read_general", return_value=None):
        fast = rest.read(event)  # the fast read's Request, or None where it hands over
    assert event == before, "the fast read changed the event"
    try:
        general = rest.read_general(event)
    except Exception:  # noqa: BLE001 — malformed: the fast read must decline too
        assert fast is None
        return False
    if fast is None:
        return False
    assert fast == general
    return True


@pytest.mark.parametrize("path", REST_SAMPLES, ids=lambda p: p.name)
def test_every_rest_sample(path):
    _same(load(path))


def test_the_common_samples_take_the_fast_read():
    taken = {p.name for p in REST_SAMPLES if _same(load(p))}
    assert {"AwsProxy.json", "ag-v1-stage-prefix.json", "ag-v1-cookies.json", "ag-v1-body-base64.json"} <= taken


ODD = [
    {"headers": {"Host": "h", "host": "h2"}, "multiValueHeaders": {"Host": ["h"], "host": ["h2"]}},
    {"headers": {"X": "1"}, "multiValueHeaders": {"X": ["1", "2"]}},
    {"headers": {"X": "1"}, "multiValueHeaders": {"X": []}},
    {"headers": {"X": "1", "Y": "2"}, "multiValueHeaders": {"Y": ["2"], "X": ["1"]}},
    {"headers": {"Cookie": ""}, "multiValueHeaders": {"Cookie": [""]}},
    {"headers": {"X": "a"}, "multiValueHeaders": {"X": "a"}},  # not arrays: 400 both ways
    {"headers": {"X": "k"}, "multiValueHeaders": {"X": {"k": 1}}},
    {"headers": {"X": "a"}, "multiValueHeaders": {"X": ("a",)}},  # a tuple from Python code: an array
    {"queryStringParameters": {"a": "b"}, "multiValueQueryStringParameters": {"a": "b"}},
    {"headers": {"Content-Length": "99"}, "multiValueHeaders": {"Content-Length": ["99"]}, "body": "abc"},
    {"headers": {"X_Y": "1"}, "multiValueHeaders": {"X_Y": ["1"]}},
    {"headers": {"X": None}, "multiValueHeaders": {"X": [None]}},
    {"headers": {"X": "é"}, "multiValueHeaders": {"X": ["é"]}},
    {"queryStringParameters": {"a": "b c"}, "multiValueQueryStringParameters": {"a": ["b c"]}},
    {"queryStringParameters": {"a": "b=c"}, "multiValueQueryStringParameters": {"a": ["b=c"]}},
    {"queryStringParameters": {"a=b": "c"}, "multiValueQueryStringParameters": {"a=b": ["c"]}},
    {"queryStringParameters": {"a": "1"}, "multiValueQueryStringParameters": {"a": ["1", "2"]}},
    {"queryStringParameters": {"a": None}, "multiValueQueryStringParameters": {"a": [None]}},
    {"httpMethod": "get"},
    {"httpMethod": "PROPFIND"},
    {"body": "aGk=", "isBase64Encoded": True},
    {"body": "not base64!", "isBase64Encoded": True},
]


@pytest.mark.parametrize("change", ODD, ids=range(len(ODD)))
def test_odd_cases(change, rest_event):
    event = rest_event("/a/b")
    event.update(change)
    _same(event)
    assert _same(rest_event("/a/b"))  # the plain event takes it


def test_a_custom_domain_base_path_takes_it_too(rest_event):
    event = rest_event("/base/a/b", resource="/{proxy+}", pathParameters={"proxy": "a/b"})
    event["requestContext"].update(path="/base/a/b")
    assert _same(event) and rest.read(event).root_path == "/base"


@pytest.mark.parametrize("change", [
    {"path": "/a%20b"},
    {"requestContext": {"stage": "pr od", "path": "/pr od/a/b", "identity": {"sourceIp": "1.2.3.4"}}},
    {"requestContext": {"stage": "prod", "path": "/prod/a/b", "identity": {"sourceIp": "1.2.3.4/32"}}},
])
def test_other_prefixes_and_paths_go_the_general_way(change, rest_event):
    event = rest_event("/a/b")
    event.update(change)
    assert not _same(event)


@settings(max_examples=EXAMPLES * 200 // 300, deadline=None, derandomize=DERANDOMIZE, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sample().filter(lambda e: find_source(e) is rest))
def test_mutations(event):
    _same(event)
