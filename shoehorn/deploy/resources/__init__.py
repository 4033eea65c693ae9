"""One module per AWS resource kind: ``desired(config, ...)``, ``observe(aws, config)``,
``diff(desired, observed) -> tuple[Action, ...]`` and ``EXECUTORS`` for its actions."""
