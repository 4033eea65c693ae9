from shoehorn.cloud.routes import DeployedResource, from_resources, match, method_for

ROUTES = (
    DeployedResource("root", "/", {"ANY": {"type": "AWS_PROXY"}}),
    DeployedResource("proxy", "/{proxy+}", {"ANY": {"type": "AWS_PROXY"}}),
    DeployedResource("user", "/users/{id}", {"GET": {"type": "AWS_PROXY"}}),
    DeployedResource("me", "/users/me", {"GET": {"type": "MOCK"}}),
)


def test_root_and_greedy_proxy() -> None:
    assert match(ROUTES, "/").route.resource_id == "root"
    hit = match(ROUTES, "/a/b%20c/")
    assert hit.route.resource_id == "proxy" and hit.parameters == {"proxy": "a/b c"}


def test_literal_beats_parameter_beats_greedy() -> None:
    assert match(ROUTES, "/users/me").route.resource_id == "me"
    hit = match(ROUTES, "/users/7")
    assert hit.route.resource_id == "user" and hit.parameters == {"id": "7"}
    assert match(ROUTES, "/users/7/posts").route.resource_id == "proxy"


def test_no_resource_without_a_greedy_one() -> None:
    assert match(ROUTES[:1], "/x") is None
    assert match(ROUTES[1:2], "/") is None  # {proxy+} needs at least one segment


def test_method_falls_back_to_any() -> None:
    assert method_for(ROUTES[0], "post")[0] == "ANY"
    assert method_for(ROUTES[2], "GET")[0] == "GET"
    assert method_for(ROUTES[2], "DELETE") is None


def test_any_stands_for_the_seven_methods_a_rest_api_has() -> None:
    for verb in ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"):
        assert method_for(ROUTES[1], verb)[0] == "ANY"
    for verb in ("PROPFIND", "REPORT", "MKCOL", "TRACE"):  # WebDAV's, and one HTTP has that API Gateway does not
        assert method_for(ROUTES[1], verb) is None


def test_from_get_resources_items() -> None:
    items = [{"id": "r1", "path": "/", "resourceMethods": {"ANY": {"methodIntegration": {"uri": "u"}}}},
             {"id": "r2", "path": "/{proxy+}"}]
    assert from_resources(items) == (DeployedResource("r1", "/", {"ANY": {"uri": "u"}}), DeployedResource("r2", "/{proxy+}", {}))
