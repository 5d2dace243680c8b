"""Past one machine: TensorFlow's `tf.distribute` and Keras' `keras.distribution`, wired in.

rnnkit builds no distribution framework of its own. A *strategy* is one of
the engines' own objects:

* on TensorFlow, a `tf.distribute.Strategy`: `MirroredStrategy` (the GPUs or
  CPUs of one machine) or `MultiWorkerMirroredStrategy` (several machines,
  described by the `TF_CONFIG` environment variable);
* on JAX, a `keras.distribution.Distribution`: `DataParallel` (the devices of
  this process or, after `keras.distribution.initialize()`, of every host).

:func:`strategy_for` turns a name (`"mirrored"`, `"multiworker"`; what a
command line's `--strategy` flag gives) into one for the backend in use. The
factories (`build_classifier(..., strategy=s)`, ...) build and compile under
`s.scope()`, and :func:`rnnkit.training.fit` trains under it with its early
stopping, NaN guard and backup (a killed worker resumes from the last
finished epoch when the job is restarted).

What rnnkit adapts under a `tf.distribute` strategy, measured on 2026-11-23
(TF 2.21, Keras 3.15, a 2-core CPU, 2 logical CPU devices):

* **compile setting**: `jit_compile=True` fails under `MirroredStrategy`
  ("Trying to access resource ... located in device CPU:1 from device CPU:0":
  XLA cannot place the mirrored variables), and `steps_per_execution > 1`
  fails with both settings ("You must feed a value for placeholder tensor").
  So a model trained under a strategy runs the TensorFlow graph, one step per
  call (:func:`prepare_model`). With those, 3 epochs on 2 replicas match one
  device to 3e-8 in every weight. JAX keeps XLA and 8 steps per call
  (DataParallel: 6e-8).
* **multi-worker**: Keras 3 reduces a nest of per-replica values and scalar
  metrics with `strategy.reduce(..., axis=0)`, which TensorFlow's
  `MultiWorkerMirroredStrategy` refuses (keras-team/keras#20585);
  :func:`strategy_for` returns a subclass whose `reduce` maps over the nest and
  reduces scalars with `axis=None`. Two workers on 127.0.0.1 then end with
  identical weights, within 3e-8 of one process on the same global batch.
* **input**: a dataset is sharded per worker with the auto-shard policy set to
  `DATA` (:func:`shard_dataset`): element-wise, so no worker sees another's
  windows, whether the pipeline reads files or slices arrays.

Example:
>>> strategy_for(None) is None
True
>>> with strategy_scope(None):
...     pass
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

from rnnkit._backend import keras

__all__ = ["STRATEGIES", "check_strategy", "distribute_inputs", "free_ports", "is_chief",
           "num_replicas",
           "prepare_model", "shard_dataset", "strategy_for", "strategy_scope",
           "under_strategy"]

#: The strategy names :func:`strategy_for` knows (what a `--strategy` flag offers).
STRATEGIES = ("mirrored", "multiworker")


def _KERAS_DISTRIBUTIONS() -> tuple[type, ...]:  # noqa: N802 (a constant, made on first use)
    """Keras' distributions (its base class is not public)."""
    return (keras.distribution.DataParallel, keras.distribution.ModelParallel)


def _tf() -> Any:
    from rnnkit._backend import tf

    return tf


def _is_tf_strategy(strategy: Any) -> bool:
    return keras.backend.backend() == "tensorflow" and isinstance(
        strategy, _tf().distribute.Strategy)


@functools.cache
def _multi_worker_class() -> type:
    """`MultiWorkerMirroredStrategy` whose `reduce` accepts what Keras 3 passes it."""
    tf = _tf()

    class MultiWorkerMirroredStrategy(tf.distribute.MultiWorkerMirroredStrategy):
        """Reduces nests leaf by leaf, and scalars with `axis=None` (keras-team/keras#20585)."""

        def reduce(self, reduce_op: Any, value: Any, axis: Any) -> Any:
            parent = super()

            def one(leaf: Any) -> Any:
                local = leaf.values[0] if isinstance(leaf, tf.distribute.DistributedValues) \
                    else leaf
                rank = getattr(getattr(local, "shape", None), "rank", None)
                return parent.reduce(reduce_op, leaf, None if rank == 0 else axis)

            return tf.nest.map_structure(one, value)

    return MultiWorkerMirroredStrategy


def _check_tf_config() -> None:
    raw = os.environ.get("TF_CONFIG")
    example = ('e.g. TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
               '"task": {"type": "worker", "index": 0}}\'')
    if not raw:
        raise ValueError("strategy 'multiworker' needs the TF_CONFIG environment variable, "
                         f"naming every worker and this one's index: {example}.")
    try:
        config = json.loads(raw)
        config["cluster"]["worker"], config["task"]["index"]  # noqa: B018
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"TF_CONFIG={raw!r} is not a cluster description: {example}.") \
            from None


def strategy_for(name: str | None, *, devices: list[str] | None = None) -> Any:
    """Return the distribution strategy called `name`, for the backend in use.

    | name            | TensorFlow                         | JAX                              |
    |-----------------|------------------------------------|----------------------------------|
    | `None`, `"none"`| `None` (one device)                | `None`                           |
    | `"mirrored"`    | `tf.distribute.MirroredStrategy`   | `keras.distribution.DataParallel`|
    | `"multiworker"` | `MultiWorkerMirroredStrategy`,     | `keras.distribution.initialize()`|
    |                 | ring all-reduce, from `TF_CONFIG`  | then `DataParallel` (all hosts)  |

    On TensorFlow, create the multi-worker strategy at the start of the
    program, before any other TensorFlow operation runs, on every worker; it
    waits until all workers named in `TF_CONFIG` have started. On JAX,
    `"multiworker"` reads the `KERAS_DISTRIBUTION_*` variables (see
    `keras.distribution.initialize`).

    Args:
        name: `None`, `"none"`, `"mirrored"` or `"multiworker"` (any case).
        devices: with `"mirrored"`, the devices to use (e.g. `["/gpu:0",
            "/gpu:1"]`); default all GPUs, else the CPU.

    Returns:
        A `tf.distribute.Strategy` or `keras.distribution.Distribution`, or
        `None`: pass it as `strategy=` to the factories and to `fit`.

    Raises:
        ValueError: on an unknown name, or `"multiworker"` on TensorFlow without a
            valid `TF_CONFIG`.

    Example:
    >>> strategy_for("none") is None
    True
    >>> strategy_for("mirrored", devices=["/cpu:0"]).num_replicas_in_sync  # doctest: +SKIP
    1
    """
    key = "none" if name is None else str(name).strip().lower().replace("-", "")
    if key not in ("none", *STRATEGIES):
        raise ValueError(f"strategy={name!r} is not one of none, {', '.join(STRATEGIES)}.")
    if key == "none":
        return None
    if keras.backend.backend() == "jax":
        if key == "multiworker":
            keras.distribution.initialize()
        return keras.distribution.DataParallel(devices=devices)
    if keras.backend.backend() != "tensorflow":
        raise ValueError(f"strategy={name!r} needs the TensorFlow or JAX backend "
                         f"(KERAS_BACKEND is {keras.backend.backend()!r}).")
    tf = _tf()
    if key == "mirrored":
        return tf.distribute.MirroredStrategy(devices)
    _check_tf_config()
    ring = tf.distribute.experimental.CommunicationImplementation.RING
    return _multi_worker_class()(
        communication_options=tf.distribute.experimental.CommunicationOptions(
            implementation=ring))


def free_ports(count: int) -> list[int]:
    """`count` distinct TCP ports free on 127.0.0.1 now, for workers on one machine.

    What a `TF_CONFIG` naming several workers of this machine needs (the
    ports are only known to be free when picked; start the workers soon).

    Example:
    >>> ports = free_ports(2)
    >>> len(set(ports)), all(1024 <= p < 65536 for p in ports)
    (2, True)
    """
    import socket

    sockets = [socket.socket() for _ in range(count)]
    try:
        for probe in sockets:  # all bound at once, so the ports differ
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def check_strategy(strategy: Any) -> Any:
    """Return `strategy` if it is `None` or an engine's strategy; else raise naming the fix."""
    if strategy is None or isinstance(strategy, _KERAS_DISTRIBUTIONS()):
        return strategy
    if _is_tf_strategy(strategy):
        if isinstance(strategy, _tf().distribute.MultiWorkerMirroredStrategy) \
                and not isinstance(strategy, _multi_worker_class()):
            raise ValueError(
                "strategy is a plain tf.distribute.MultiWorkerMirroredStrategy, which Keras 3 "
                "cannot train with (keras-team/keras#20585). Use "
                "rnnkit.distribution.strategy_for('multiworker') instead.")
        return strategy
    raise ValueError(
        f"strategy={strategy!r:.80} is not a tf.distribute.Strategy (TensorFlow backend) or a "
        "keras.distribution.Distribution (JAX); make one with "
        "rnnkit.distribution.strategy_for('mirrored').")


@contextlib.contextmanager
def strategy_scope(strategy: Any) -> Iterator[None]:
    """Enter `strategy.scope()` (nothing for `None`): variables made inside are distributed.

    Args:
        strategy: `None`, a `tf.distribute.Strategy` or a
            `keras.distribution.Distribution`.

    Raises:
        ValueError: if `strategy` is none of these.

    Example:
    >>> from rnnkit.models import build_classifier
    >>> with strategy_scope(None):
    ...     model = build_classifier((4, 2), 2, units=2, seed=0)
    """
    strategy = check_strategy(strategy)
    with contextlib.nullcontext() if strategy is None else strategy.scope():
        yield


def under_strategy(factory: Callable[..., Any]) -> Callable[..., Any]:
    """Run a model factory inside the scope of its `strategy=` keyword argument.

    Everything the factory makes (layers with their seed generators, the
    optimizer, the model's variables) is then made for the strategy's devices:
    under JAX's `DataParallel`, a layer made outside the scope keeps its random
    state on one device and the first training step fails.

    Example:
    >>> @under_strategy
    ... def make(*, strategy=None):
    ...     return "built"
    >>> make(strategy=None)
    'built'
    """

    @functools.wraps(factory)
    def build(*args: Any, **kwargs: Any) -> Any:
        with strategy_scope(kwargs.get("strategy")):
            return factory(*args, **kwargs)

    return build


def num_replicas(strategy: Any) -> int:
    """How many replicas share a global batch under `strategy` (1 for `None`).

    Example:
    >>> num_replicas(None)
    1
    """
    if strategy is None:
        return 1
    if _is_tf_strategy(strategy):
        return int(strategy.num_replicas_in_sync)
    return int(strategy.device_mesh.devices.size)


def is_chief(strategy: Any) -> bool:
    """Whether this process writes shared files (the backup): the chief, or the only worker.

    Under a multi-worker `tf.distribute` strategy it is the worker that TF
    calls the checkpointing one (task 0 when the cluster has no `"chief"`);
    under JAX, process 0.

    Example:
    >>> is_chief(None)
    True
    """
    if strategy is None:
        return True
    if _is_tf_strategy(strategy):
        return bool(getattr(strategy.extended, "should_checkpoint", True))
    import jax

    return jax.process_index() == 0


def shard_dataset(dataset: Any, strategy: Any = None) -> Any:
    """Set the dataset's auto-shard policy to `DATA`, explicitly (a `tf.data.Dataset`).

    Under a multi-worker `tf.distribute` strategy, Keras hands the dataset to
    `strategy.experimental_distribute_dataset`, which splits each global
    batch into one batch per replica and, with `DATA`, gives each worker
    every n-th of them: the workers' batches together are the global batch,
    and no worker sees another's windows. (The default, `AUTO`, first tries
    to give each worker its own files, which fails with a warning for
    pipelines built from arrays or generators and silently splits by file
    when there are as many files as workers.) Under JAX, `DataParallel`
    shards a dataset per process itself; it is returned as it is.

    Args:
        dataset: a `tf.data.Dataset` (anything else is returned unchanged).
        strategy: the strategy, or `None` (the option is set all the same).

    Returns:
        The dataset with its options set.

    Example:
    >>> import tensorflow as tf
    >>> ds = shard_dataset(tf.data.Dataset.range(8).batch(4))
    >>> ds.options().experimental_distribute.auto_shard_policy.name
    'DATA'
    """
    if not hasattr(dataset, "element_spec") or (
            strategy is not None and not _is_tf_strategy(strategy)):
        return dataset
    tf = _tf()
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options)


def prepare_model(model: Any, strategy: Any) -> None:
    """Check `model` was built under `strategy`, and pick the compile setting that works there.

    Under a `tf.distribute` strategy: the TensorFlow graph (`jit_compile=False`)
    and one step per compiled call (see the module docstring for the
    measurement); Keras rebuilds its functions on the next call.

    Raises:
        ValueError: if the model's variables were made outside `strategy.scope()`.
    """
    if not _is_tf_strategy(strategy):
        return
    if getattr(model, "_distribute_strategy", None) is not strategy:
        raise ValueError("model was built outside this strategy's scope; build it with the "
                         "same strategy= (e.g. build_classifier(..., strategy=strategy)) or "
                         "inside `with strategy.scope():`.")
    if model.jit_compile or model.steps_per_execution != 1:
        model.jit_compile = False
        model.steps_per_execution = 1
        model.train_function = model.test_function = model.predict_function = None


def as_dataset(x: Any, y: Any, *, batch_size: int | None, shuffle: bool,
               seed: int | None) -> Any:
    """Arrays `(x, y)` as a batched `tf.data.Dataset` that shards per worker (`DATA`).

    The shuffle is seeded (`seed`, else 0) so that every worker draws the
    same order, which the element-wise sharding needs.
    """
    tf = _tf()
    dataset = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        count = int(dataset.cardinality())
        dataset = dataset.shuffle(count, seed=0 if seed is None else seed,
                                  reshuffle_each_iteration=True)
    return shard_dataset(dataset.batch(batch_size or 32).prefetch(tf.data.AUTOTUNE))


def distribute_inputs(strategy: Any, x: Any, y: Any, validation_data: Any,
                      fit_kwargs: dict[str, Any], seed: int | None) -> tuple[Any, Any, Any]:
    """The training and validation data of `fit` as datasets sharded per worker (`DATA`).

    Under a `tf.distribute` strategy, arrays become a seeded, batched
    `tf.data.Dataset` (:func:`as_dataset`; `batch_size` and `shuffle` are
    taken out of `fit_kwargs`, `batch_size` being the *global* batch) and a
    dataset gets the `DATA` policy (:func:`shard_dataset`). Otherwise
    everything is returned as it is.

    Returns:
        `(x, y, validation_data)`, for `model.fit`.
    """
    if not _is_tf_strategy(strategy):
        return x, y, validation_data
    if hasattr(x, "element_spec"):
        x = shard_dataset(x, strategy)
    else:
        unsupported = [k for k in ("validation_split", "sample_weight") if k in fit_kwargs]
        if unsupported:
            raise ValueError(f"{unsupported[0]}= cannot be used with arrays under a strategy "
                             "(they become a sharded dataset); pass validation_data=(x, y) "
                             "instead of validation_split, or a dataset of (x, y, weights) "
                             "instead of sample_weight.")
        batch_size = fit_kwargs.pop("batch_size", None)
        shuffle = fit_kwargs.pop("shuffle", True)
        x, y = as_dataset(x, y, batch_size=batch_size, shuffle=shuffle, seed=seed), None
        fit_kwargs["shuffle"] = False
    if isinstance(validation_data, (tuple, list)) and not hasattr(validation_data, "element_spec"):
        vx, vy = validation_data[0], validation_data[1] if len(validation_data) > 1 else None
        validation_data = as_dataset(vx, vy, batch_size=fit_kwargs.get("validation_batch_size"),
                                     shuffle=False, seed=seed)
    elif validation_data is not None:
        validation_data = shard_dataset(validation_data, strategy)
    return x, y, validation_data
