"""What the data planes read from the control plane, cached until the next write.

Every control-plane write passes through the front, which calls ``changed()`` for writes to
Lambda and API Gateway (the only services the request path reads). Reads are cached until
then, so a warm request costs no control-plane call at all, and a write made behind
shoehorn's back with boto3 (a deleted permission) is seen by the very next request.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from shoehorn.deploy.aws import Aws, AwsError

MISSING = ("ResourceNotFoundException", "NotFoundException", "NoSuchKey", "NoSuchBucket", "404")


class Missing:
    """A cached "not found" answer."""

    def __init__(self, error: AwsError) -> None:
        self.error = error


class Control:
    def __init__(self, make_aws: Callable[[str], Aws]) -> None:
        self._make_aws = make_aws
        self._doors: dict[str, Aws] = {}
        self._cache: dict[tuple, Any] = {}
        self._lock = threading.Lock()
        self.generation = 0
        self._regions: set[str] = {"us-east-1"}  # regions seen in control-plane traffic

    def aws(self, region: str) -> Aws:
        with self._lock:
            if region not in self._doors:
                self._doors[region] = self._make_aws(region)
            door = self._doors[region]
            door.log.clear()  # a long-running process: keep the door's per-call log from growing
            return door

    def saw_region(self, region: str) -> None:
        with self._lock:
            self._regions.add(region)

    @property
    def regions(self) -> list[str]:
        with self._lock:
            return sorted(self._regions)

    def changed(self) -> None:
        with self._lock:
            self.generation += 1
            self._cache.clear()

    def read(self, region: str, service: str, operation: str, **params: Any) -> Any:
        """``service.operation(**params)`` in ``region``, cached; a ``Missing`` for not-found answers."""
        key = (region, service, operation, tuple(sorted((k, repr(v)) for k, v in params.items())))
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            generation = self.generation
        try:
            answer: Any = self.aws(region).call(service, operation, expect=MISSING, **params)
        except AwsError as error:
            answer = Missing(error)
        with self._lock:
            if generation == self.generation:  # a write landed meanwhile: do not cache a stale answer
                self._cache[key] = answer
        return answer

    def call(self, region: str, service: str, operation: str, **params: Any) -> Any:
        """An uncached call (writes, big reads)."""
        return self.aws(region).call(service, operation, **params)
