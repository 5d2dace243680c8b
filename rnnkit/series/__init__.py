"""Series for forecasting: read a file, window it, train, predict, forecast, evaluate, backtest.

The public names, each defined in the module that does its job:

* :func:`read_series` (:mod:`~rnnkit.series.io`) — an Excel/CSV file → a DataFrame
  of numeric columns indexed by its dates;
* :class:`SeriesWindows` (:mod:`~rnnkit.series.windows`) — the DataFrame as
  training windows for a recurrent forecaster (transforms, split, scaler,
  `tf.data`), and predictions, forecasts and evaluations back in the series'
  own units; its settings are one :class:`WindowSpec` (:mod:`~rnnkit.series.spec`);
* :class:`SeriesCollection` (:mod:`~rnnkit.series.collection`) — many series and
  one global model (`SeriesWindows(..., id_column=...)` or `multi_series=True`);
* the transforms (:mod:`~rnnkit.series.transforms`: `Log`, `Difference`,
  `Scaler`), the calendar (:mod:`~rnnkit.series.calendar`), the metrics and
  naive baselines (:mod:`~rnnkit.series.metrics`) and the use of a trained
  model (:mod:`~rnnkit.series.forecasting`), with rolling-origin backtests at
  the horizon forecast (:mod:`~rnnkit.series.backtest`) and calibrated
  prediction intervals (:mod:`~rnnkit.series.intervals`).

Everything here but the `tf.data` pipelines (`SeriesWindows.train`, ...)
works without TensorFlow.

Example:
>>> from rnnkit.series import SeriesWindows, read_series
>>> df = read_series("data/series/airpassengers.xlsx", date_column="month")
>>> SeriesWindows(df, window=24, log=True, difference=True).input_shape
(24, 1)
"""

from rnnkit.series.collection import SeriesCollection
from rnnkit.series.io import read_series
from rnnkit.series.metrics import mae, mape, mase, rmse, smape
from rnnkit.series.spec import WindowSpec
from rnnkit.series.transforms import Difference, Log, Scaler
from rnnkit.series.windows import SeriesWindows

__all__ = ["read_series", "SeriesWindows", "SeriesCollection", "WindowSpec", "Log",
           "Difference", "Scaler", "mae", "rmse", "mape", "smape", "mase"]
