"""stop/start really change reserved concurrency (read back from moto) and are idempotent."""

from __future__ import annotations

from shoehorn.deploy.aws import Aws
from shoehorn.ops.deployment import locate
from shoehorn.ops.switch import start, stop

from . import deployed


def concurrency(aws: Aws, name: str) -> int | None:
    return aws.call("lambda", "get_function_concurrency", FunctionName=name).get("ReservedConcurrentExecutions")


def test_stop_then_start_uncapped_and_capped(aws_env: str) -> None:
    aws = Aws()
    cfg = deployed.config()
    deployed.deploy(aws, cfg, versions=1)

    first = stop(locate(aws, cfg))
    assert (first.before, first.after, first.changed) == (None, 0, True)
    assert concurrency(aws, "shop-dev") == 0
    again = stop(locate(aws, cfg))
    assert again.changed is False and concurrency(aws, "shop-dev") == 0

    started = start(locate(aws, cfg))
    assert (started.before, started.after, started.changed) == (0, None, True)
    assert concurrency(aws, "shop-dev") is None
    assert start(locate(aws, cfg)).changed is False

    capped = deployed.config(concurrency=5)
    stop(locate(aws, capped))
    restored = start(locate(aws, capped))
    assert (restored.before, restored.after) == (0, 5)
    assert concurrency(aws, "shop-dev") == 5
