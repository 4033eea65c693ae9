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
