"""The rules that choose the season, log, difference, window and strategy (rnnkit.series.auto)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnkit.series import auto
from rnnkit.series.auto import (
    Choice,
    choose_difference,
    choose_log,
    choose_season,
    choose_settings,
    choose_strategy,
    choose_window,
    kpss_statistic,
    level_spread,
    training_part,
)

RNG = np.random.default_rng(0)
T = np.arange(240)
SEASONAL = 5 * np.sin(2 * np.pi * T / 12)


def trending(seed: int = 0) -> np.ndarray:
    """Additive: a linear trend, a constant seasonal swing and noise."""
    return 50 + 0.5 * T + SEASONAL + np.random.default_rng(seed).normal(0, 2, len(T))


def stationary(seed: int = 0) -> np.ndarray:
    """A constant level, a seasonal swing and noise."""
    return 50 + SEASONAL + np.random.default_rng(seed).normal(0, 2, len(T))


def multiplicative(seed: int = 0) -> np.ndarray:
    """Exponential growth with a seasonal swing in proportion to the level."""
    noise = np.random.default_rng(seed).normal(0, 0.03, len(T))
    return 100 * np.exp(0.01 * T + 0.15 * np.sin(2 * np.pi * T / 12) + noise)


def random_walk(seed: int = 0) -> np.ndarray:
    return 100 + np.cumsum(np.random.default_rng(seed).normal(size=len(T)))


def autoregressive(seed: int = 0, phi: float = 0.5) -> np.ndarray:
    """A stationary AR(1) around 20."""
    noise = np.random.default_rng(seed).normal(size=len(T))
    values = np.zeros(len(T))
    for t in range(1, len(T)):
        values[t] = phi * values[t - 1] + noise[t]
    return 20 + values


# ============================================================================ log

@pytest.mark.parametrize("seed", range(5))
def test_log_for_multiplicative_series_only(seed):
    assert choose_log(training_part(multiplicative(seed)), 12).value is True
    assert choose_log(training_part(trending(seed)), 12).value is False  # constant spread
    assert choose_log(training_part(stationary(seed)), 12).value is False


def test_no_log_for_values_at_or_below_zero():
    values = multiplicative()
    values[3] = 0.0
    choice = choose_log(training_part(values), 12)
    assert choice.value is False and "<= 0" in choice.reason


def test_no_log_when_the_level_hardly_changes():
    # the spread grows with the level, but the level changes only ~1.1x: the log changes little
    level = 100 + 0.05 * T
    values = level * (1 + 0.1 * np.sin(2 * np.pi * T / 12) * level / 100)
    choice = choose_log(training_part(values), 12)
    assert choice.value is False and "changes only" in choice.reason


def test_level_spread_slope_is_one_for_a_constant_coefficient_of_variation():
    slope, ratio, blocks = level_spread(training_part(multiplicative()), 12)
    assert slope == pytest.approx(1.0, abs=0.15) and ratio > 3 and blocks == 14
    slope, _, _ = level_spread(training_part(trending()), 12)
    assert abs(slope) < 0.3
    assert math.isnan(level_spread(np.arange(1.0, 6.0), 12)[0])  # too few blocks


def test_blocks_without_a_season_are_an_eighth_of_the_training_part():
    _, _, blocks = level_spread(training_part(multiplicative()), None)
    assert blocks == 8


# ============================================================================ difference

def test_kpss_statistic_by_hand():
    # e = [-2, -1, 0, 1, 2]; partial sums [-2, -3, -3, -2, 0] → 26; variance 2 (no lags)
    assert kpss_statistic(np.arange(1.0, 6.0), lags=0) == pytest.approx(26 / (25 * 2))
    assert math.isnan(kpss_statistic(np.full(50, 3.0)))


@pytest.mark.parametrize("seed", range(5))
def test_difference_for_a_trend(seed):
    assert choose_difference(training_part(trending(seed)), 12).value is True
    assert choose_difference(np.log(training_part(multiplicative(seed))), 12).value is True


def difference_rate(make, season=None, runs=100):
    """The share of `runs` series (seeds 0..runs-1) for which the rule differences."""
    return np.mean([choose_difference(training_part(make(seed)), season).value
                    for seed in range(runs)])


def test_difference_rates_for_random_walks_and_stationary_levels():
    # both tests at 5 %: nearly every random walk is differenced, few stationary series are
    # (a persistent AR(1) more often: KPSS is known to over-reject near a unit root)
    assert difference_rate(random_walk) >= 0.95
    assert difference_rate(stationary, 12) <= 0.1
    assert difference_rate(autoregressive) <= 0.15


def test_a_near_unit_root_is_differenced():
    # AR(1) with phi 0.95: the ADF test cannot rule out a unit root in 168 values
    assert difference_rate(lambda seed: autoregressive(seed, phi=0.95)) >= 0.8


def test_a_short_training_part_is_differenced_whatever_it_looks_like():
    short = training_part(stationary())[:99]
    choice = choose_difference(short, 12)
    assert choice.value is True and "99 values" in choice.reason and "< 100" in choice.reason
    assert choose_difference(short[:60], 12).value is True


def test_adf_statistic_tells_a_stationary_series_from_a_random_walk():
    stationary_t, rows = auto.adf_statistic(training_part(autoregressive()))
    walk_t, _ = auto.adf_statistic(training_part(random_walk()))
    assert stationary_t < auto.adf_critical_5(rows) < walk_t
    assert rows == 168 - 1 - 5  # one difference, trunc(167 ** (1/3)) = 5 lags
    assert auto.adf_critical_5(10_000) == pytest.approx(-2.8624, abs=1e-4)  # asymptotic
    assert math.isnan(auto.adf_statistic(np.full(120, 4.0))[0])


def test_the_seasonal_profile_is_not_taken_for_a_trend():
    # a long, strong seasonal swing with little noise: stationary once the profile is removed
    values = 50 + 20 * np.sin(2 * np.pi * T / 24) + RNG.normal(0, 1, len(T))
    assert choose_difference(training_part(values), 24).value is False


def test_difference_reasons_name_the_test():
    choice = choose_difference(training_part(trending()), 12)
    assert "KPSS statistic" in choice.reason and "> 0.463" in choice.reason
    flat = choose_difference(np.full(140, 2.0))
    assert flat.value is False and "constant" in flat.reason
    choice = choose_difference(training_part(stationary()), 12)
    assert choice.value is False and "KPSS" in choice.reason and "ADF" in choice.reason
    walk = choose_difference(training_part(autoregressive(0, phi=0.99)))
    assert walk.value is True and ("ADF" in walk.reason or "KPSS" in walk.reason)


# ============================================================================ season, window

def test_season_given_else_from_the_frequency():
    assert choose_season(stationary(), season=7) == Choice(7, "given", given=True)
    assert choose_season(stationary(), frequency="MS").value == 12
    assert choose_season(stationary(), frequency="QS-OCT").value == 4


def test_season_detected_without_dates():
    values = np.sin(2 * np.pi * np.arange(480) / 24) + RNG.normal(0, 0.2, 480)
    choice = choose_season(training_part(values))
    assert choice.value == 24 and "autocorrelation" in choice.reason
    assert choose_season(training_part(RNG.normal(size=300))).value is None


def test_window_is_two_seasons_else_24_at_most_half_the_training_part():
    assert choose_window(12, 100).value == 24
    assert choose_window(4, 52).value == 8
    assert choose_window(None, 500) == Choice(24, "no season known")
    bounded = choose_window(52, 60)
    assert bounded.value == 30 and "half the 60 training rows" in bounded.reason
    assert choose_window(None, 1).value == 1


def test_strategy_with_the_lower_validation_error():
    assert choose_strategy({"recursive": 0.9, "direct": 0.7}, 12).value == "direct"
    assert choose_strategy({"recursive": 0.7, "direct": 0.7}, 12).value == "recursive"
    assert choose_strategy({"recursive": float("nan"), "direct": 2.0}, 4).value == "direct"


# ============================================================================ all together

def test_settings_on_synthetic_series():
    growing = choose_settings(multiplicative(), season=12)
    assert (growing.log.value, growing.difference.value, growing.window.value) == (True, True, 24)
    additive = choose_settings(trending(), season=12)
    assert (additive.log.value, additive.difference.value) == (False, True)
    flat = choose_settings(stationary(), season=12)
    assert (flat.log.value, flat.difference.value) == (False, False)


def test_given_settings_are_kept_and_marked():
    settings = choose_settings(multiplicative(), season=12, log=False, difference=False,
                               window=5)
    assert settings.log == Choice(False, "given", given=True)
    assert settings.difference.given and settings.window.value == 5


def test_rules_read_only_the_training_part():
    values = stationary()
    later = values.copy()
    later[170:] = 1000 + 50 * np.arange(70)  # a jump and a trend after the training part
    assert training_part(values).size == 168
    assert choose_settings(later, season=12) == choose_settings(values, season=12)


def test_the_shipped_sample_gets_log_and_difference():
    from rnnkit.datasets import load_series

    passengers = load_series("airpassengers")["passengers"].to_numpy(dtype="float64")
    settings = choose_settings(passengers, frequency="MS")
    assert settings.season.value == 12 and settings.window.value == 24
    assert settings.log.value is True and settings.difference.value is True


def test_constants_are_the_documented_ones():
    assert (auto.KPSS_CRITICAL_5, auto.LOG_SLOPE, auto.LOG_RATIO) == (0.463, 0.5, 1.5)
    assert auto.STATIONARY_MIN_VALUES == 100
