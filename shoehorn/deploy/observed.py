"""The observed state: everything ``up`` reads from AWS before deciding anything, as one snapshot.

``observe`` fills it (the reads), ``planner.plan`` decides from it (pure): tests plan against
hand-made snapshots of this shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.deploy.resources import api, bucket, function, logs, permission, role, schedule


@dataclass(frozen=True, slots=True)
class Observed:
    account: str
    region: str
    role: role.RoleObserved | None
    logs: logs.LogsObserved | None
    function: function.FunctionObserved | None
    api: api.ApiObserved | None
    statements: tuple[permission.Statement, ...]
    # read only when the code changes: for the upload of a bundle over 50 MB, or for what one left (left_behind)
    bucket: bucket.BucketObserved | None = None
    schedule: schedule.ScheduleObserved | None = None  # the warm-up rule, if any
