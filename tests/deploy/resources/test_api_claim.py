"""Two first `up`s of the same app and stage at once: the account keeps exactly one REST API, and one run
succeeds. QA: `_claim` made each run delete its own API whenever it saw another, so both often failed."""

from __future__ import annotations

import json
import re
import threading
import time

import boto3

from deploy.faultproxy import FaultProxy
from shoehorn import deploy
from shoehorn.deploy.resources import api
from shoehorn.errors import ConflictError
from shoehorn.progress import Warn


def _tagged_apis(aws, config) -> list[str]:
    return [item["id"] for item in api.find(aws, config)]


class SiblingsConflict(FaultProxy):
    """moto lets two CreateResource calls make the same path under one parent; API Gateway refuses the
    second with ConflictException. This hop answers as API Gateway does, so the race is AWS's."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self.moto = boto3.client("apigateway", endpoint_url=upstream, region_name="us-east-1")
        self.creating = threading.Lock()

    def answer(self, method, path, headers, body):
        made = re.fullmatch(r"/restapis/([^/]+)/resources/([^/?]+)", path)
        if method != "POST" or not made:
            return super().answer(method, path, headers, body)
        with self.creating:
            part = json.loads(body)["pathPart"]
            siblings = self.moto.get_resources(restApiId=made.group(1), limit=500)["items"]
            if any(r.get("parentId") == made.group(2) and r.get("pathPart") == part for r in siblings):
                return 409, {"Content-Type": "application/json", "x-amzn-ErrorType": "ConflictException"}, \
                    json.dumps({"message": f"Another resource with the same parent already has this name: {part}"}
                               ).encode()
            return super().answer(method, path, headers, body)


def test_two_first_ups_at_once_keep_one_api_and_one_succeeds(new_aws, app_config, app_bundle, monkeypatch,
                                                            recorder, aws_env_shared) -> None:
    hop = SiblingsConflict(aws_env_shared).__enter__()
    monkeypatch.setenv("AWS_ENDPOINT_URL", hop.url)
    # The race made certain: both runs observe before either writes (so both plan CreateApi), and both
    # have created their API before either lists them.
    from shoehorn.deploy import apply as applying

    both_observed, both_created = threading.Barrier(2, timeout=60), threading.Barrier(2, timeout=60)
    apply, claim = applying.apply, api._claim

    def after_both_observed(steps, ctx):
        both_observed.wait()
        apply(steps, ctx)

    monkeypatch.setattr(applying, "apply", after_both_observed)

    def after_both(ctx, created):
        both_created.wait()
        claim(ctx, created)

    monkeypatch.setattr(api, "_claim", after_both)
    outcomes: list[object] = [None, None]

    def run(i: int) -> None:
        try:
            outcomes[i] = deploy.up(app_config, app_bundle, new_aws(), recorder)
        except Exception as error:  # noqa: BLE001 - the outcome is what is checked
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    kept = _tagged_apis(new_aws(), app_config)
    assert len(kept) == 1, outcomes
    won = [o for o in outcomes if isinstance(o, deploy.Result)]
    lost = [o for o in outcomes if not isinstance(o, deploy.Result)]
    # CreateFunction lets one run make the function; the other is told another deploy is in progress
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], ConflictError), outcomes
    assert won[0].api_id == kept[0]
    assert any(isinstance(e, Warn) and "at the same time" in e.message for e in recorder.events)
    monkeypatch.setattr(api, "_claim", claim)
    assert deploy.plan(app_config, app_bundle, new_aws()) == ()  # the winner finished the job
    hop.__exit__(None, None, None)


def test_a_run_whose_api_is_first_deletes_a_later_one_made_meanwhile(new_aws, app_config, app_bundle,
                                                                     monkeypatch) -> None:
    """The run that listed first saw only its own API: the later one is deleted by the run holding the first."""
    claim = api._claim
    later: list[str] = []

    def another_run_creates_one(ctx, created):
        time.sleep(1.1)  # createdDate has one-second resolution: this one is later for certain
        made = ctx.aws.call("apigateway", "create_rest_api", name=app_config.function_name,
                            tags=dict(app_config.tags))
        later.append(made["id"])
        claim(ctx, created)

    monkeypatch.setattr(api, "_claim", another_run_creates_one)
    result = deploy.up(app_config, app_bundle, new_aws())
    assert _tagged_apis(new_aws(), app_config) == [result.api_id] and result.api_id not in later
