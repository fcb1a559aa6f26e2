"""Lesson 34 claims: p95/p99 from latency samples, checked against the standard library."""

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .measure import percentile

# Latencies in seconds: never negative, and finite.
latencies = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)


@given(samples=st.lists(latencies, min_size=2, max_size=60), p=st.integers(1, 99))
def test_percentile_agrees_with_statistics_quantiles(samples: list[float], p: int) -> None:
    """Hypothesis: percentile(samples, p) equals statistics.quantiles(..., method="inclusive")."""
    # quantiles(n=100) returns the 99 cut points p1..p99; the oracle is the standard library.
    expected = statistics.quantiles(samples, n=100, method="inclusive")[p - 1]
    assert math.isclose(percentile(samples, p), expected, rel_tol=1e-9, abs_tol=1e-9)


@given(samples=st.lists(latencies, min_size=1, max_size=60))
def test_percentile_0_is_the_minimum_and_100_the_maximum(samples: list[float]) -> None:
    """Hypothesis: p0 is the fastest sample, p100 the slowest, and p50 lies between."""
    assert percentile(samples, 0) == min(samples)
    assert percentile(samples, 100) == max(samples)
    assert min(samples) <= percentile(samples, 50) <= max(samples)


def test_a_small_slow_tail_moves_p99_but_not_the_mean_p50_or_p95() -> None:
    """98 requests of 10 ms and 2 of 500 ms: mean 19.8 ms, p50 and p95 10 ms, p99 500 ms."""
    samples = [0.010] * 98 + [0.500] * 2
    assert math.isclose(statistics.fmean(samples), 0.0198)
    assert percentile(samples, 50) == 0.010
    assert percentile(samples, 95) == 0.010
    assert percentile(samples, 99) == 0.500


def test_percentile_interpolates_between_neighbouring_samples() -> None:
    """Between two ranks the value is interpolated: p50 of 1, 2, 3, 4 is 2.5, p90 is 3.7."""
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5  # the order of the samples is irrelevant
    assert math.isclose(percentile([1.0, 2.0, 3.0, 4.0], 90), 3.7)


@pytest.mark.parametrize(
    ("samples", "p", "message"),
    [
        ([], 50, "percentile of no samples"),
        ([1.0], -0.5, "p must be between 0 and 100, got -0.5"),
        ([1.0], 100.5, "p must be between 0 and 100, got 100.5"),
    ],
)
def test_percentile_refuses_no_samples_and_p_outside_0_to_100(
    samples: list[float], p: float, message: str
) -> None:
    """No samples, or p outside 0..100, is a ValueError naming the problem."""
    with pytest.raises(ValueError, match=r"^(percentile|p must)") as error:
        percentile(samples, p)
    assert str(error.value) == message
