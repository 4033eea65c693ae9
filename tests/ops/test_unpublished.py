"""What $LATEST holds that live does not: fields that describe a version are not settings."""

from __future__ import annotations

from shoehorn.ops.unpublished import environment_difference, settings_difference

LIVE = {
    "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:shop-dev:4", "Version": "4", "RevisionId": "r4",
    "LastModified": "2024-01-01T00:00:00.000+0000", "CodeSha256": "abc=", "Runtime": "python3.12",
    "Handler": "shoehorn_handler.handler", "MemorySize": 512, "Timeout": 30,
    "Role": "arn:aws:iam::123456789012:role/shop-dev-lambda", "Architectures": ["x86_64"],
    "EphemeralStorage": {"Size": 512}, "SnapStart": {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"},
    "Layers": [{"Arn": "arn:aws:lambda:us-east-1:123456789012:layer:deps:3", "CodeSize": 10}],
    "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""}, "TracingConfig": {"Mode": "PassThrough"},
    "Environment": {"Variables": {"A": "1", "B": "2"}},
}


def test_what_describes_a_version_is_no_difference() -> None:
    latest = {**LIVE, "FunctionArn": LIVE["FunctionArn"][:-2], "Version": "$LATEST", "RevisionId": "r9",
              "LastModified": "2024-02-01T00:00:00.000+0000",
              "SnapStart": {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"},  # never "On" on $LATEST
              "Layers": [{"Arn": LIVE["Layers"][0]["Arn"], "CodeSize": 11}], "VpcConfig": {}}
    assert settings_difference(latest, LIVE) == () and environment_difference(latest, LIVE) == ()


def test_each_published_setting_is_named() -> None:
    latest = {**LIVE, "MemorySize": 2048, "CodeSha256": "new=", "Layers": [],
              "Role": "arn:aws:iam::123456789012:role/admin", "Environment": {"Variables": {"A": "1", "C": "3"}}}
    assert settings_difference(latest, LIVE) == ("code", "memory (2048 MB on $LATEST, 512 MB live)", "role", "layers")
    assert environment_difference(latest, LIVE) == ("B", "C")
