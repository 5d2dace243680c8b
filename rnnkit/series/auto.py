"""Settings chosen from the data: the season, the log, the differencing, the window.

`rnnkit forecast` leaves `--season`, `--log`, `--difference` and `--window`
to these rules unless they are given. Each rule returns a :class:`Choice`
(the value and the reason, which the command prints), and each reads the
TRAINING part only (the first `split[0]` of the rows, as `SeriesWindows`
splits), so the validation and test parts stay out of sample:

* **season** (:func:`choose_season`): the given one; else the one of the
  dates' frequency (monthly 12, quarterly 4, weekly 52, daily 7, hourly 24);
  else :func:`rnnkit.series.calendar.detect_season` on the training part
  (the autocorrelation); else none.
* **log** (:func:`choose_log`), for variation that grows with the level: all
  values are > 0, the level changes enough to tell (the highest block mean
  is ≥ 1.5× the lowest, blocks one season long), and the spread grows with
  the level: the slope of log(std) on log(mean) over the blocks is ≥ 0.5.
  This is Guerrero's (1993) estimate of the Box-Cox λ = 1 - slope: the log
  (λ = 0) is nearer than no transform (λ = 1). A level that changes less
  than 1.5× gets no log, which would change the model little.
* **difference** (:func:`choose_difference`), unless the level is clearly
  stationary. A network trained on levels cannot forecast a level outside
  the range it was trained on, while one trained on differences loses little
  on a stationary series (measured: about 10 % more error on synthetic
  stationary series, against 1.3 to 5 times the error on the visnights
  regions whose level left its training range). So the level is kept only
  when the training part (after the log when chosen, the seasonal profile
  removed) holds at least 100 values (fewer cannot show stationarity with
  any power) and both tests agree it is stationary: the KPSS test
  (Kwiatkowski et al. 1992; trunc(4 (n/100)^¼) Bartlett lags, as R's
  `forecast::ndiffs`) does not reject a stationary level at 5 % (statistic
  ≤ 0.463), and the augmented Dickey-Fuller test (constant,
  trunc((n - 1)^⅓) lags) rejects a unit root at 5 % (MacKinnon's critical
  value, about -2.87).
* **window** (:func:`choose_window`): two seasons when a season is known,
  else 24; at most half the training part.

The strategy of `--strategy auto` (:func:`choose_strategy`) is the one with
the lower MASE on a backtest of the validation part.

Example:
>>> import numpy as np
>>> t = np.arange(240)
>>> growing = 100 * np.exp(0.01 * t + 0.2 * np.sin(2 * np.pi * t / 12))  # multiplicative
>>> settings = choose_settings(growing, season=12)
>>> settings.log.value, settings.difference.value, settings.window.value
(True, True, 24)
>>> print(settings.log)
on: values > 0, spread grows with level: slope 1.00 of log std on log mean over 14 blocks \
of 12, level 4.8x
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnkit.series.parts import split_bounds

__all__ = ["Choice", "AutoSettings", "choose_settings", "choose_season", "choose_log",
           "choose_difference", "choose_window", "choose_strategy", "training_part",
           "level_spread", "kpss_statistic", "adf_statistic", "adf_critical_5",
           "KPSS_CRITICAL_5", "STATIONARY_MIN_VALUES", "LOG_SLOPE", "LOG_RATIO",
           "DEFAULT_WINDOW"]

#: KPSS level-stationarity test: the 5 % critical value (Kwiatkowski et al. 1992, table 1).
KPSS_CRITICAL_5 = 0.463
#: The fewest training values from which a stationary level is believed (else: difference).
STATIONARY_MIN_VALUES = 100
#: The log is chosen when log(std) grows with log(mean) at least this fast (Box-Cox λ ≤ 0.5).
LOG_SLOPE = 0.5
#: ... and when the highest block mean is at least this many times the lowest.
LOG_RATIO = 1.5
#: The window when no season is known.
DEFAULT_WINDOW = 24


@dataclass(frozen=True)
class Choice:
    """A chosen setting and why.

    Attributes:
        value: the setting (e.g. `True`, `24`, `"recursive"`, `None`).
        reason: why, in words (e.g. `"the dates' frequency MS"`).
        given: whether the caller gave the value (no rule was run).

    Example:
    >>> str(Choice(True, "the values are > 0"))
    'on: the values are > 0'
    """

    value: Any
    reason: str
    given: bool = False

    def __str__(self) -> str:
        shown = {True: "on", False: "off", None: "none"}.get(self.value, self.value) \
            if isinstance(self.value, (bool, type(None))) else self.value
        return f"{shown}: {self.reason}"


@dataclass(frozen=True)
class AutoSettings:
    """The season, log, difference and window chosen for one series (see the module rules)."""

    season: Choice
    log: Choice
    difference: Choice
    window: Choice


def training_part(values: Any, split: Sequence[float] = (0.7, 0.15, 0.15)) -> np.ndarray:
    """The first `split[0]` of the values, as float64: the part the rules may look at.

    Example:
    >>> training_part(list(range(10)), (0.6, 0.2, 0.2)).tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    """
    values = np.asarray(values, dtype="float64").ravel()
    _, stop = split_bounds(len(values), tuple(split))["train"]
    return values[:stop]


def choose_season(train: np.ndarray, *, season: int | None = None,
                  frequency: str | None = None) -> Choice:
    """The season length: given, else the frequency's, else detected from the autocorrelation.

    Example:
    >>> choose_season(np.zeros(40), frequency="MS")
    Choice(value=12, reason="the dates' frequency MS", given=False)
    """
    from rnnkit.series import calendar

    found, source = calendar.resolve_season(train, season=season, frequency=frequency)
    reasons = {"given": "given", "frequency": f"the dates' frequency {frequency}",
               "detected": "detected from the autocorrelation of the training part",
               None: "no frequency and no clear peak of the autocorrelation"}
    return Choice(found, reasons[source], given=source == "given")


def _blocks(train: np.ndarray, season: int | None) -> np.ndarray:
    """The training part as rows of whole blocks: one season long, else an eighth of it."""
    length = season if season and season >= 2 and len(train) >= 4 * season else \
        max(3, len(train) // 8)
    count = len(train) // length
    return train[: count * length].reshape(count, length)


def level_spread(train: np.ndarray, season: int | None = None) -> tuple[float, float, int]:
    """How the spread grows with the level: `(slope, level ratio, blocks)`.

    The training part is cut into blocks (one season long, else an eighth
    of the part); `slope` is the least-squares slope of log(std) on
    log(mean) over the blocks, `level ratio` the highest block mean over the
    lowest. NaN when a block mean is ≤ 0 or there are fewer than 3 blocks.

    Example:
    >>> t = np.arange(120)
    >>> slope, ratio, blocks = level_spread(np.exp(0.02 * t) * (1 + 0.1 * np.sin(t)), 12)
    >>> round(slope, 1), round(ratio, 1), blocks
    (1.0, 8.6, 10)
    """
    blocks = _blocks(train, season)
    means, spreads = blocks.mean(axis=1), blocks.std(axis=1, ddof=1) if blocks.size else []
    if len(blocks) < 3 or np.any(means <= 0) or np.any(np.asarray(spreads) <= 0):
        return math.nan, math.nan, len(blocks)
    slope = float(np.polyfit(np.log(means), np.log(spreads), 1)[0])
    return slope, float(means.max() / means.min()), len(blocks)


def choose_log(train: np.ndarray, season: int | None = None) -> Choice:
    """Log when the values are > 0 and their spread grows with their level (module rules).

    Example:
    >>> t = np.arange(120)
    >>> choose_log(50 + 0.5 * t + np.sin(t), 12).value  # additive: a constant spread
    False
    >>> choose_log(np.exp(0.02 * t) * (1 + 0.1 * np.sin(t)), 12).value  # multiplicative
    True
    """
    if not np.all(np.isfinite(train)) or np.any(train <= 0):
        return Choice(False, "some values are <= 0 (or missing)")
    slope, ratio, blocks = level_spread(train, season)
    if math.isnan(slope):
        return Choice(False, f"too few blocks ({blocks}) to tell how the spread grows")
    size = f"{blocks} blocks of {len(train) // blocks}"
    if ratio < LOG_RATIO:
        return Choice(False, f"the level changes only {ratio:.2f}x over {size} "
                             f"(< {LOG_RATIO}x)")
    grows = slope >= LOG_SLOPE
    return Choice(grows, f"values > 0, spread {'grows' if grows else 'does not grow'} with "
                         f"level: slope {slope:.2f} of log std on log mean over {size}, "
                         f"level {ratio:.1f}x")


def kpss_statistic(values: np.ndarray, lags: int | None = None) -> float:
    """The KPSS statistic of level stationarity (large: a trend or a unit root).

    `η = Σ S_t² / (n² σ²)`: `S_t` the partial sums of the demeaned values,
    `σ²` their long-run variance (Bartlett weights over `lags` lags, default
    trunc(4 (n/100)^¼)). Above 0.463 the stationarity of the level is
    rejected at 5 %. NaN for a constant series.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> noise = rng.normal(size=200)
    >>> bool(kpss_statistic(noise) < KPSS_CRITICAL_5 < kpss_statistic(np.cumsum(noise)))
    True
    """
    values = np.asarray(values, dtype="float64")
    n = len(values)
    lags = int(4 * (n / 100) ** 0.25) if lags is None else lags
    errors = values - values.mean()
    variance = float(errors @ errors) / n
    for lag in range(1, min(lags, n - 1) + 1):
        variance += 2 * (1 - lag / (lags + 1)) * float(errors[lag:] @ errors[:-lag]) / n
    if variance <= 1e-12 * max(1.0, float(np.abs(values).max()) ** 2):
        return math.nan
    sums = np.cumsum(errors)
    return float(sums @ sums) / (n * n * variance)


def adf_statistic(values: np.ndarray, lags: int | None = None) -> tuple[float, int]:
    """The augmented Dickey-Fuller t statistic (very negative: no unit root), and its rows.

    The least-squares regression `Δx_t = a + b x_{t-1} + Σ c_k Δx_{t-k}`
    (k = 1..`lags`, default trunc((n - 1)^⅓)); the statistic is the t ratio
    of `b`. Compare it with :func:`adf_critical_5` of the rows used. NaN when
    the regression is singular (e.g. a constant series).

    Example:
    >>> rng = np.random.default_rng(0)
    >>> noise = rng.normal(size=200)
    >>> stationary, rows = adf_statistic(noise)
    >>> walk, _ = adf_statistic(np.cumsum(noise))
    >>> bool(stationary < adf_critical_5(rows) < walk), rows
    (True, 194)
    """
    values = np.asarray(values, dtype="float64")
    lags = int((len(values) - 1) ** (1 / 3)) if lags is None else lags
    changes = np.diff(values)
    rows = len(changes) - lags
    columns = [np.ones(rows), values[lags:-1]]
    columns += [changes[lags - k: len(changes) - k] for k in range(1, lags + 1)]
    x, y = np.column_stack(columns), changes[lags:]
    gram = x.T @ x
    if rows <= x.shape[1] or np.linalg.cond(gram) > 1e12:
        return math.nan, rows
    coefficients = np.linalg.solve(gram, x.T @ y)
    residuals = y - x @ coefficients
    variance = float(residuals @ residuals) / (rows - x.shape[1])
    return float(coefficients[1] / math.sqrt(variance * np.linalg.inv(gram)[1, 1])), rows


def adf_critical_5(rows: int) -> float:
    """MacKinnon's (2010) 5 % critical value of the ADF test with a constant, for `rows` rows.

    Example:
    >>> round(adf_critical_5(100), 2)
    -2.89
    """
    return -2.8621 - 2.738 / rows - 8.36 / rows ** 2


def _without_seasonal_profile(values: np.ndarray, season: int | None) -> np.ndarray:
    """The values less the mean of their position in the season (when ≥ 2 seasons)."""
    if not season or season < 2 or len(values) < 2 * season:
        return values
    position = np.arange(len(values)) % season
    profile = np.bincount(position, weights=values) / np.bincount(position)
    return values - profile[position]


def choose_difference(train: np.ndarray, season: int | None = None) -> Choice:
    """Difference unless the level is clearly stationary (module rules).

    Pass the training part after the log when the log is chosen.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(200)
    >>> choose_difference(0.5 * t + rng.normal(size=200)).value  # a trend
    True
    >>> choose_difference(np.sin(2 * np.pi * t / 12) + rng.normal(size=200), 12).value
    False
    >>> print(choose_difference(rng.normal(size=60)))  # stationary, but too short to tell
    on: 60 values in the training part, too few to tell a stationary level (< 100)
    """
    if not np.all(np.isfinite(train)):
        return Choice(True, "the training part has missing values")
    if len(train) < STATIONARY_MIN_VALUES:
        return Choice(True, f"{len(train)} values in the training part, too few to tell a "
                            f"stationary level (< {STATIONARY_MIN_VALUES})")
    level = _without_seasonal_profile(train, season)
    kpss = kpss_statistic(level)
    if math.isnan(kpss):
        return Choice(False, "the training part is constant")
    if kpss > KPSS_CRITICAL_5:
        return Choice(True, f"a trend or a wandering level: KPSS statistic {kpss:.2f} > "
                            f"{KPSS_CRITICAL_5} (5 %)")
    adf, rows = adf_statistic(level)
    critical = adf_critical_5(rows)
    if not adf < critical:
        return Choice(True, f"a unit root is not ruled out: ADF statistic {adf:.2f} >= "
                            f"{critical:.2f} (5 %)")
    return Choice(False, f"a stationary level: KPSS statistic {kpss:.2f} <= {KPSS_CRITICAL_5} "
                         f"and ADF {adf:.2f} < {critical:.2f} (5 %)")


def choose_window(season: int | None, train_rows: int) -> Choice:
    """Two seasons when a season is known, else 24; at most half the training part.

    Example:
    >>> choose_window(12, 100)
    Choice(value=24, reason='two seasons of 12', given=False)
    >>> choose_window(None, 30).value
    15
    """
    wanted, reason = (2 * season, f"two seasons of {season}") if season else \
        (DEFAULT_WINDOW, "no season known")
    bound = max(1, train_rows // 2)
    if wanted > bound:
        return Choice(bound, f"{reason}, at most half the {train_rows} training rows")
    return Choice(wanted, reason)


def choose_strategy(errors: Mapping[str, float], horizon: int) -> Choice:
    """The strategy with the lower validation-backtest MASE (ties: the first given).

    Args:
        errors: strategy → its MASE on a backtest of the validation part.
        horizon: the backtest's horizon, for the reason.

    Example:
    >>> print(choose_strategy({"recursive": 0.84, "direct": 0.71}, 12))
    direct: validation backtest at 12 steps: MASE recursive 0.840, direct 0.710
    """
    def score(name: str) -> float:
        value = errors[name]
        return math.inf if value is None or math.isnan(value) else value

    best = min(errors, key=score)
    shown = ", ".join(f"{name} {value:.3f}" for name, value in errors.items())
    return Choice(best, f"validation backtest at {horizon} steps: MASE {shown}")


def choose_settings(values: Any, *, split: Sequence[float] = (0.7, 0.15, 0.15),
                    frequency: str | None = None, season: int | None = None,
                    log: bool | None = None, difference: bool | None = None,
                    window: int | None = None) -> AutoSettings:
    """The season, log, difference and window of a series: given, else by the module's rules.

    Args:
        values: the target series (1-D), all of it; only its training part
            (the first `split[0]`) is looked at.
        split: the (train, val, test) fractions the windows will use.
        frequency: the dates' frequency (e.g. `"MS"`), if any.
        season, log, difference, window: a given setting, or `None` for the rule.

    Returns:
        An :class:`AutoSettings` of :class:`Choice` values.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> flat = 10 + rng.normal(size=200)
    >>> settings = choose_settings(flat, log=True)
    >>> settings.log, settings.difference.value, settings.window.value, settings.season.value
    (Choice(value=True, reason='given', given=True), False, 24, None)
    """
    train = training_part(values, split)
    season_choice = choose_season(train, season=season, frequency=frequency)
    period = season_choice.value
    log_choice = Choice(bool(log), "given", True) if log is not None else \
        choose_log(train, period)
    if difference is not None:
        difference_choice = Choice(bool(difference), "given", True)
    else:
        logged = np.log(train) if log_choice.value and np.all(train > 0) else train
        difference_choice = choose_difference(logged, period)
    window_choice = Choice(int(window), "given", True) if window is not None else \
        choose_window(period, len(train) - int(difference_choice.value))
    return AutoSettings(season_choice, log_choice, difference_choice, window_choice)
