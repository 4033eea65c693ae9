from __future__ import annotations

import asyncio
import json
import threading

from shoehorn.local.containers import Crashed, TimedOut
from shoehorn.local.logs import LambdaLog
from shoehorn.local.pool import GaveUp, Pool, Throttled
from shoehorn.local.runtime_api import InitFailed, Succeeded
from shoehorn.progress import Recorder

from tests.local.bundles import handler_bundle

SLOW = '''
import os, time

def handler(event, context):
    if event.get("exit"):
        os._exit(9)
    time.sleep(event.get("sleep", 0))
    return {"statusCode": 200, "body": str(os.getpid())}
'''


def _pool(tmp_path, make_function, limit=10, source=SLOW):
    recorder = Recorder()
    pool = Pool(make_function(handler_bundle(tmp_path / "b", source)), LambdaLog(recorder), limit=limit)
    return pool, recorder


def test_idle_containers_are_reused_and_only_the_first_call_is_cold(tmp_path, make_function):
    pool, recorder = _pool(tmp_path, make_function)
    try:
        results = [pool.invoke({}) for _ in range(3)]
    finally:
        pool.close()
    assert all(isinstance(outcome, Succeeded) for outcome, _ in results)
    assert len({outcome.payload for outcome, _ in results}) == 1  # one process served them all
    assert pool.started == 1
    assert results[0][1].init_duration_ms is not None
    assert results[1][1].init_duration_ms is None and results[2][1].init_duration_ms is None
    messages = [event.message for event in recorder.events]
    assert sum(m.startswith("START RequestId: ") for m in messages) == 3
    assert sum(m.startswith("REPORT RequestId: ") for m in messages) == 3
    assert sum("Init Duration" in m for m in messages) == 1


def test_concurrent_calls_start_containers_up_to_the_limit_and_throttle_beyond(tmp_path, make_function):
    pool, _ = _pool(tmp_path, make_function, limit=3)
    outcomes: list = []
    gate = threading.Barrier(8)

    def call():
        gate.wait()
        outcomes.append(pool.invoke({"sleep": 1.5})[0])

    threads = [threading.Thread(target=call) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        pool.close()
    served = [o for o in outcomes if isinstance(o, Succeeded)]
    throttled = [o for o in outcomes if isinstance(o, Throttled)]
    assert len(served) + len(throttled) == 8
    assert 2 <= pool.started <= 3
    assert len({o.payload for o in served}) == pool.started  # each ran in its own process
    assert throttled and throttled[0] == Throttled(3)


def test_a_crashed_container_is_replaced_by_a_cold_one(tmp_path, make_function):
    pool, recorder = _pool(tmp_path, make_function)
    try:
        first, _ = pool.invoke({})
        crashed, _ = pool.invoke({"exit": True})
        after, report = pool.invoke({})
    finally:
        pool.close()
    assert crashed == Crashed(9)
    assert any("Error: Runtime exited with error: exit status 9" in e.message for e in recorder.events)
    assert isinstance(after, Succeeded) and after.payload != first.payload
    assert report.init_duration_ms is not None
    assert pool.started == 2


def test_an_init_failure_is_returned_and_frees_its_slot(tmp_path, make_function):
    pool, _ = _pool(tmp_path, make_function, limit=1, source="import missing_dependency\n")
    try:
        outcome, report = pool.invoke({})
        again, _ = pool.invoke({})
    finally:
        pool.close()
    assert isinstance(outcome, InitFailed) and "missing_dependency" in outcome.message
    assert isinstance(again, InitFailed)  # not Throttled: the failed container left the pool
    assert report is None and pool.size == 0


def test_an_event_over_six_megabytes_never_reaches_a_container(tmp_path, make_function):
    from shoehorn.local.pool import PayloadTooLarge

    pool, _ = _pool(tmp_path, make_function)
    try:
        outcome, report = pool.invoke({"body": "x" * (6 * 1024 * 1024)})
    finally:
        pool.close()
    assert isinstance(outcome, PayloadTooLarge) and outcome.size > 6 * 1024 * 1024
    assert report is None and pool.started == 0


def test_replace_hands_new_requests_to_containers_on_the_new_code(tmp_path, make_function):
    pool, recorder = _pool(tmp_path, make_function)
    newer = make_function(handler_bundle(tmp_path / "b2", SLOW.replace('"statusCode": 200', '"statusCode": 201')))
    busy: list = []
    try:
        first, _ = pool.invoke({})
        worker = threading.Thread(target=lambda: busy.append(pool.invoke({"sleep": 1.0})))
        second_old = threading.Thread(target=lambda: busy.append(pool.invoke({})))
        worker.start()
        worker.join(0.3)  # the long request runs on the old container
        assert pool.replace(newer) == 0  # no idle container: the only one is busy
        after, report = pool.invoke({})
        worker.join()
        second_old.start()
        second_old.join()
    finally:
        pool.close()
    status = lambda outcome: json.loads(outcome.payload)["statusCode"]  # noqa: E731
    assert status(first) == 200
    assert status(busy[0][0]) == 200  # the request already running finished on the old code
    assert status(after) == 201 and report.init_duration_ms is not None  # a cold start on the new code
    assert status(busy[1][0]) == 201  # the old container was not reused once it finished
    assert pool.started == 2


def test_replace_stops_idle_containers_at_once(tmp_path, make_function):
    pool, _ = _pool(tmp_path, make_function)
    try:
        pool.invoke({})
        assert pool.size == 1
        assert pool.replace(make_function(handler_bundle(tmp_path / "b2", SLOW))) == 1
        assert pool.size == 0
    finally:
        pool.close()


SLOW_INIT = '''
import os, time
time.sleep(float(os.environ.get("INIT_SLEEP", "0")))

def handler(event, context):
    time.sleep(event.get("sleep", 0))
    return {"statusCode": 200, "body": "ok", "left_ms": context.get_remaining_time_in_millis()}
'''


def _slow_init_pool(tmp_path, make_function, monkeypatch, init_s: float, timeout_s: int):
    """A pool whose containers take ``init_s`` to start, with Lambda's init limit at 0.5 s."""
    from shoehorn.local import containers

    monkeypatch.setattr(containers, "INIT_LIMIT_S", 0.5)
    monkeypatch.setattr("shoehorn.local.pool.INIT_LIMIT_S", 0.5)
    function = make_function(handler_bundle(tmp_path / "b", SLOW_INIT), timeout_s=timeout_s,
                             environment={"INIT_SLEEP": str(init_s)})
    recorder = Recorder()
    return Pool(function, LambdaLog(recorder), limit=1), recorder


def test_an_init_past_lambdas_limit_counts_against_the_first_invocations_timeout(tmp_path, make_function,
                                                                                  monkeypatch):
    pool, recorder = _slow_init_pool(tmp_path, make_function, monkeypatch, init_s=1, timeout_s=2)
    try:
        # 1 s of init: over the limit, so the first request has what is left of its 2 s
        slow, _ = pool.invoke({"sleep": 1.5})
        quick, _ = pool.invoke({"sleep": 0.2})  # a cold start again: 1 s + 0.2 s fits
        warm, _ = pool.invoke({"sleep": 1.5})  # a warm container has the whole timeout again
    finally:
        pool.close()
    assert isinstance(slow, TimedOut) and isinstance(quick, Succeeded) and isinstance(warm, Succeeded)
    assert pool.started == 2
    messages = [event.message for event in recorder.events]
    assert any("INIT_REPORT Init Duration: 500.00 ms\tPhase: init\tStatus: timeout" in m for m in messages)


def test_an_init_longer_than_the_function_timeout_times_out(tmp_path, make_function, monkeypatch):
    pool, recorder = _slow_init_pool(tmp_path, make_function, monkeypatch, init_s=30, timeout_s=1)
    try:
        outcome, _ = pool.invoke({})
    finally:
        pool.close()
    assert isinstance(outcome, TimedOut) and outcome.seconds == 1 and pool.size == 0
    assert any("Task timed out after 1.00 seconds" in event.message for event in recorder.events)


# -- invoke_async: the gateway front's, on its event loop -----------------------------------------


async def _reported(recorder: Recorder, request_count: int) -> list[str]:
    """The REPORT lines, once ``request_count`` invocations have ended (END and REPORT come last)."""
    for _ in range(200):
        reports = [e.message for e in recorder.events if e.message.startswith("REPORT RequestId: ")]
        if len(reports) >= request_count:
            return reports
        await asyncio.sleep(0.05)
    raise AssertionError(f"{request_count} invocations never ended: {[e.message for e in recorder.events]}")


async def test_a_caller_that_stops_waiting_leaves_the_function_running_to_its_end(tmp_path, make_function):
    # API Gateway gives up after its integration timeout; the function runs on, its container busy
    pool, recorder = _pool(tmp_path, make_function, limit=1)
    try:
        first, _ = await pool.invoke_async({})
        gave_up, report = await pool.invoke_async({"sleep": 1.0}, wait_s=0.2)
        meanwhile, _ = await pool.invoke_async({})
        reports = await _reported(recorder, 2)
        after, after_report = await pool.invoke_async({})
    finally:
        pool.close()
    assert isinstance(first, Succeeded) and gave_up == GaveUp(0.2) and report is None
    assert meanwhile == Throttled(1)  # the one container was still running the abandoned request
    ran_ms = float(reports[1].split("Duration: ")[1].split(" ms")[0])
    assert ran_ms >= 1000  # it ran its whole second, then ended as any invocation does
    assert after.payload == first.payload and after_report.init_duration_ms is None  # back in the pool, warm
    assert pool.started == 1


async def test_a_caller_that_stops_waiting_during_a_cold_start_leaves_it_running(tmp_path, make_function,
                                                                                 monkeypatch):
    pool, recorder = _slow_init_pool(tmp_path, make_function, monkeypatch, init_s=1, timeout_s=5)
    try:
        gave_up, _ = await pool.invoke_async({}, wait_s=0.2)
        reports = await _reported(recorder, 1)
        warm, report = await pool.invoke_async({})
    finally:
        pool.close()
    assert gave_up == GaveUp(0.2)
    assert "Init Duration" in reports[0]  # the cold request was served once the container was up
    assert isinstance(warm, Succeeded) and report.init_duration_ms is None and pool.started == 1


async def test_invoke_async_reports_what_invoke_reports(tmp_path, make_function):
    pool, recorder = _pool(tmp_path, make_function, limit=1)
    try:
        cold, cold_report = await pool.invoke_async({})
        crashed, _ = await pool.invoke_async({"exit": True})
    finally:
        pool.close()
    assert isinstance(cold, Succeeded) and cold_report.init_duration_ms is not None
    assert crashed == Crashed(9)
    messages = [e.message for e in recorder.events]
    assert sum(m.startswith("START RequestId: ") for m in messages) == 2
    assert sum(m.startswith("END RequestId: ") for m in messages) == 2
    assert any("Error: Runtime exited with error: exit status 9" in m for m in messages)
