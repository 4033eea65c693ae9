"""Reserved concurrency, held to an account's limits as Lambda holds it (moto accepts any number).

The local cloud is one account with Lambda's default quota: 1,000 concurrent executions per region,
of which at least 100 stay unreserved for the functions without a reservation ("Configuring reserved
concurrency": https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html, "You can
reserve up to the Unreserved account concurrency value that is shown, minus 100"). Without this,
`up --local` succeeded with a `concurrency` that `up` on AWS is refused.
"""

from __future__ import annotations

ACCOUNT_LIMIT = 1000
UNRESERVED_MINIMUM = 100


class Reservations:
    """Per region, each function's reserved concurrency. Only the front's event loop uses it."""

    def __init__(self) -> None:
        self._reserved: dict[str, dict[str, int]] = {}

    def refusal(self, region: str, name: str, wanted) -> str | None:
        """Lambda's message when reserving ``wanted`` for ``name`` would leave too few unreserved; else None."""
        if type(wanted) is not int:
            return None  # moto says what is wrong with the request
        others = sum(n for function, n in self._reserved.get(region, {}).items() if function != name)
        if ACCOUNT_LIMIT - others - wanted >= UNRESERVED_MINIMUM:
            return None
        # Lambda's own wording (InvalidParameterValueException), which deploy/aws.py recognises
        return ("Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{UNRESERVED_MINIMUM}].")

    def reserved(self, region: str, name: str, count: int) -> None:
        self._reserved.setdefault(region, {})[name] = count

    def forget(self, region: str, name: str) -> None:
        """DeleteFunctionConcurrency or DeleteFunction."""
        self._reserved.get(region, {}).pop(name, None)

    def reset(self) -> None:
        self._reserved.clear()
