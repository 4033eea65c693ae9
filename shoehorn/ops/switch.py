"""``shoehorn stop`` / ``start``: the kill switch, via the function's reserved concurrency.

Reserved concurrency 0 means Lambda runs no invocation at all: every call is throttled
(Lambda "Reserved concurrency": "setting it to 0 ... throttles all invocations"), so a
runaway app stops costing money at once and nothing is deleted. ``start`` puts back the
cap the config asks for, or removes the cap.
"""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.ops.deployment import Deployment

# What callers see while stopped: Lambda answers Invoke with 429 TooManyRequestsException and a
# REST API's Lambda proxy integration does not pass that on: the client gets a 5xx, usually 500
# {"message": "Internal server error"} (re:Post QUfI6bsdd0SOiPeyimzxSkfQ, "API Gateway proxy
# integration does not forward Lambda throttling (HTTP 429) to client").
STOPPED_EFFECT = (
    "every request now fails: Lambda throttles each invocation (429 TooManyRequestsException) and "
    "API Gateway answers the client with a 5xx, usually 500 Internal server error; `shoehorn start` undoes it"
)


@dataclass(frozen=True)
class Switched:
    function_name: str
    before: int | None  # reserved concurrency before (None = uncapped)
    after: int | None
    changed: bool


def stop(deployment: Deployment) -> Switched:
    before = deployment.reserved_concurrency
    if before == 0:
        return Switched(deployment.function_name, before, 0, changed=False)
    deployment.aws.call(
        "lambda", "put_function_concurrency", FunctionName=deployment.function_name, ReservedConcurrentExecutions=0
    )
    return Switched(deployment.function_name, before, 0, changed=True)


def start(deployment: Deployment) -> Switched:
    """Back to the configured cap (``concurrency`` in the config), or uncapped without one."""
    before = deployment.reserved_concurrency
    wanted = deployment.config.concurrency
    if before == wanted:
        return Switched(deployment.function_name, before, wanted, changed=False)
    if wanted is None:
        deployment.aws.call("lambda", "delete_function_concurrency", FunctionName=deployment.function_name)
    else:
        deployment.aws.call(
            "lambda", "put_function_concurrency", FunctionName=deployment.function_name,
            ReservedConcurrentExecutions=wanted,
        )  # fmt: skip
    return Switched(deployment.function_name, before, wanted, changed=True)
