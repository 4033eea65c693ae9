"""Run a plan through a dict keyed by action class, independent actions side by side.

Each AWS control-plane call takes tens to hundreds of milliseconds, so a first deploy that
waited for each call in turn spent most of its time waiting. ``shoehorn.deploy.order`` says
which action needs which; an action starts as soon as those have finished, in a few threads
(each call blocks on the network, not the CPU). Every step still announces its start and end,
and retries stay inside ``Aws.call``, so the output is the same lines, interleaved. When an
action fails, nothing new starts, the ones already running finish, and the first failure is
raised: the next run reads what exists and carries on.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Callable

from shoehorn.deploy import actions as a
from shoehorn.deploy import order
from shoehorn.deploy.context import Context
from shoehorn.deploy.resources import api, bucket, function, logs, permission, role, schedule
from shoehorn.progress import StepDone, StepStarted

Executor = Callable[[a.Action, Context], None]

EXECUTORS: dict[type[a.Action], Executor] = {
    **role.EXECUTORS, **bucket.EXECUTORS, **function.EXECUTORS, **logs.EXECUTORS, **api.EXECUTORS,
    **permission.EXECUTORS, **schedule.EXECUTORS,
}
# AWS calls a deploy makes at once. More than any plan runs at once (a first deploy peaks at 3-4);
# 1 applies and observes strictly in plan order (bench/deploy.py's sequential baseline).
WORKERS = 6


def _run(action: a.Action, ctx: Context) -> None:
    started = time.monotonic()
    ctx.progress(StepStarted(action.describe(), action.reason))
    EXECUTORS[type(action)](action, ctx)
    ctx.progress(StepDone(action.describe(), time.monotonic() - started))


def apply(plan: a.Plan, ctx: Context) -> None:
    """Apply ``plan``, each action once all it needs has finished, at most ``WORKERS`` at a time."""
    limit = WORKERS
    needs = order.needs(plan)
    pending = list(range(len(plan)))
    finished: set[int] = set()
    running: dict[Future, int] = {}
    failure: BaseException | None = None
    pool = ThreadPoolExecutor(max_workers=limit, thread_name_prefix="shoehorn-apply")
    try:
        while True:
            if failure is None:
                ready = [i for i in pending if needs[i] <= finished][: limit - len(running)]
                for i in ready:
                    pending.remove(i)
                    running[pool.submit(_run, plan[i], ctx)] = i
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=running.__getitem__):
                i = running.pop(future)
                error = future.exception()
                if error is None:
                    finished.add(i)
                elif failure is None:
                    failure = error
    finally:
        # Normally nothing runs any more here. After Ctrl-C or SIGTERM (raised in this thread while
        # workers wait on AWS) do not wait for calls already on the wire: the CLI exits at once and
        # the next run reads what they did and converges.
        pool.shutdown(wait=False, cancel_futures=True)
    if failure is not None:
        raise failure
