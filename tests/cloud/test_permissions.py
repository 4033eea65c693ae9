import json

from shoehorn.cloud.permissions import allows, method_arns

SOURCES = method_arns("us-east-1", "123456789012", "abc", "dev", ("GET", "ANY"), "/{proxy+}")


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _statement(source: str | None = None, principal=None, action="lambda:InvokeFunction", effect="Allow") -> dict:
    statement = {"Effect": effect, "Action": action, "Principal": principal or {"Service": "apigateway.amazonaws.com"}}
    if source is not None:
        statement["Condition"] = {"ArnLike": {"AWS:SourceArn": source}}
    return statement


def test_the_statement_shoehorn_adds_covers_every_stage_method_and_path() -> None:
    assert allows(_policy(_statement("arn:aws:execute-api:us-east-1:123456789012:abc/*")), SOURCES)


def test_no_policy_or_another_api_or_stage_is_refused() -> None:
    assert not allows(None, SOURCES)
    assert not allows(_policy(_statement("arn:aws:execute-api:us-east-1:123456789012:other/*")), SOURCES)
    assert not allows(_policy(_statement("arn:aws:execute-api:us-east-1:123456789012:abc/prod/*")), SOURCES)


def test_method_and_resource_scoped_patterns() -> None:
    assert allows(_policy(_statement("arn:aws:execute-api:us-east-1:123456789012:abc/dev/GET/*")), SOURCES)
    assert allows(_policy(_statement("arn:aws:execute-api:us-east-1:123456789012:abc/*/*/{proxy+}")), SOURCES)
    assert not allows(_policy(_statement("arn:aws:execute-api:us-east-1:123456789012:abc/dev/POST/*")), SOURCES)


def test_principal_action_and_effect_matter() -> None:
    source = "arn:aws:execute-api:us-east-1:123456789012:abc/*"
    assert not allows(_policy(_statement(source, principal={"Service": "events.amazonaws.com"})), SOURCES)
    assert not allows(_policy(_statement(source, action="lambda:GetFunction")), SOURCES)
    assert not allows(_policy(_statement(source, effect="Deny")), SOURCES)
    assert allows(_policy(_statement(source, action=["lambda:*"])), SOURCES)
