import pytest

from shoehorn.deploy.resources.schedule_rate import rate_expression
from shoehorn.errors import ConfigError


@pytest.mark.parametrize(
    ("warm", "expression"),
    [("5m", "rate(5 minutes)"), ("1m", "rate(1 minute)"), ("1h", "rate(1 hour)"), ("2 hours", "rate(2 hours)"),
     ("1d", "rate(1 day)"), ("15min", "rate(15 minutes)")],
)  # fmt: skip
def test_rate_expressions(warm: str, expression: str) -> None:
    assert rate_expression(warm) == expression


@pytest.mark.parametrize("bad", ["0m", "30s", "5", "fast", "-1m"])
def test_bad_intervals_say_what_works(bad: str) -> None:
    with pytest.raises(ConfigError) as caught:
        rate_expression(bad)
    assert '"5m"' in caught.value.hint


def test_warm_flag_overrides_the_config_for_one_run() -> None:
    from pathlib import Path

    from shoehorn.config import Config
    from shoehorn.deploy.resources.schedule_rate import with_warm

    base = Config(directory=Path("/x"), name="shop", stage="dev", app="app:app", warm="5m")
    assert with_warm(base, None) is base
    assert with_warm(base, "1h").warm == "1h"
    assert with_warm(base, "off").warm is None and with_warm(base, "OFF").warm is None
    with pytest.raises(ConfigError):
        with_warm(base, "30s")
