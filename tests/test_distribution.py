"""Training past one device: Mirrored / DataParallel on 2 devices, 2 workers on 127.0.0.1.

Every distributed run happens in child processes (tests/_worker_child.py): the
2 logical CPUs must be configured before TensorFlow starts, JAX needs its own
backend and `XLA_FLAGS`, and each worker of a multi-worker training is its own
process. Every wait is bounded; every child is killed when a test ends.

Tolerances: a data-parallel step computes the same mean gradient as one
device, only summed in another order (two half-batch sums all-reduced instead
of one full-batch sum), so results differ by float32 rounding: measured 3e-8
to 6e-8 in the weights after 3 epochs, 0 to 1e-7 in the losses. The tests
allow 1e-5 (weights, absolute) and 1e-5 (losses, relative): two orders of
magnitude above rounding, two below what a real mistake costs (a worker that
sees the other's half, or a loss scaled by the replica count, moves the first
epoch's loss by more than 1e-3).
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest

from rnnkit import distribution
from rnnkit.distribution import strategy_for
from tests._bad_input import bad_input_test, case, t

HERE = Path(__file__).resolve().parent
CHILD = HERE / "_worker_child.py"
WEIGHTS_ATOL, LOSS_RTOL = 1e-5, 1e-5
TIMEOUT = 150  # seconds any one child may take (they take 10-30 s on 2 busy cores)


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "TF_CPP_MIN_LOG_LEVEL": "3", **extra}
    env.pop("TF_CONFIG", None)
    return env


def _compare(kind: str, tmp_path: Path, **env: str) -> dict:
    out = tmp_path / f"{kind}.json"
    done = subprocess.run([sys.executable, str(CHILD), kind, str(out)], env=_env(**env),
                          capture_output=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return json.loads(out.read_text())


def _check_matches_one_device(result: dict, nan_guard: bool = True) -> None:
    assert result["replicas"] == 2
    single, distributed = result["single"], result["distributed"]
    assert len(distributed["loss"]) == 3  # early stopping (patience 5) let all 3 epochs run
    np.testing.assert_allclose(distributed["loss"], single["loss"], rtol=LOSS_RTOL)
    np.testing.assert_allclose(distributed["val_loss"], single["val_loss"], rtol=LOSS_RTOL)
    assert result["max_weight_difference"] < WEIGHTS_ATOL
    assert single["loss"][-1] < single["loss"][0]  # and training did train
    # the NaN guard stops a training on NaN data under the strategy too, in epoch 1
    assert not nan_guard or len(result["nan_losses"]) == 1 and np.isnan(result["nan_losses"][0])


def test_mirrored_on_two_logical_cpus_matches_one_device(tmp_path):
    _check_matches_one_device(_compare("mirrored", tmp_path))


@pytest.mark.skipif(find_spec("jax") is None, reason="JAX is not installed (the jax extra)")
def test_jax_data_parallel_on_two_devices_matches_one_device(tmp_path):
    _check_matches_one_device(_compare(
        "jax", tmp_path, KERAS_BACKEND="jax",
        XLA_FLAGS="--xla_force_host_platform_device_count=2"), nan_guard=False)


# ----------------------------------------------------------------------------- two workers

class Cluster:
    """Two worker processes on 127.0.0.1 (free ports picked now), killed on exit."""

    def __init__(self, tmp: Path, epochs: int, sleep: float = 0.0, run: str = "a"):
        self.tmp, self.backup = tmp, tmp / "backup"
        ports = distribution.free_ports(2)
        self.procs: list[subprocess.Popen] = []
        self.files = [open(tmp / f"stderr{index}{run}.txt", "w") for index in range(2)]  # noqa: SIM115
        for index in range(2):
            config = {"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
                      "task": {"type": "worker", "index": index}}
            env = {**_env(), "TF_CONFIG": json.dumps(config)}
            command = [sys.executable, str(CHILD), "worker", str(self.out(index)),
                       str(self.log(index)), str(self.backup), str(epochs), str(sleep)]
            self.procs.append(subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL,
                stderr=self.files[index]))

    def out(self, index: int) -> Path:
        return self.tmp / f"worker{index}.npz"

    def log(self, index: int) -> Path:
        return self.tmp / f"log{index}.txt"

    def lines(self, index: int) -> list[str]:
        path = self.log(index)
        return path.read_text().split("\n")[:-1] if path.exists() else []

    def wait(self, timeout: float = TIMEOUT) -> list[int]:
        deadline = time.monotonic() + timeout
        try:
            return [p.wait(timeout=max(1.0, deadline - time.monotonic())) for p in self.procs]
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the workers did not finish within {timeout} s") from None

    def kill(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
        for file in self.files:
            file.close()


def _weights(path: Path) -> tuple[list[np.ndarray], np.ndarray]:
    with np.load(path) as saved:
        return [saved[f"arr_{i}"] for i in range(len(saved.files) - 1)], saved["loss"]


@functools.cache
def _single_process(epochs: int) -> tuple[list[np.ndarray], list[float]]:
    from tests._worker_child import train

    weights, history = train(None, epochs, patience=None)
    return weights, history["loss"]


def _stderr(tmp: Path) -> str:
    return "\n".join(p.read_text()[-1500:] for p in sorted(tmp.glob("stderr*.txt")))


def test_two_workers_train_to_identical_weights_matching_one_process(tmp_path):
    epochs = 3
    with Cluster(tmp_path, epochs) as cluster:
        codes = cluster.wait()
    assert codes == [0, 0], _stderr(tmp_path)
    (w0, loss0), (w1, loss1) = _weights(cluster.out(0)), _weights(cluster.out(1))
    assert all(np.array_equal(a, b) for a, b in zip(w0, w1, strict=True))  # bit-identical
    np.testing.assert_array_equal(loss0, loss1)
    ref_weights, ref_loss = _single_process(epochs)  # same data, same global batch of 16
    np.testing.assert_allclose(loss0[0], ref_loss[0], rtol=LOSS_RTOL)  # loss after epoch 1
    np.testing.assert_allclose(loss0, ref_loss, rtol=LOSS_RTOL)
    assert max(float(np.abs(a - b).max()) for a, b in zip(w0, ref_weights, strict=True)) \
        < WEIGHTS_ATOL
    assert not cluster.backup.exists()  # the chief removed the backup at the end


def _wait_for_line(cluster: Cluster, index: int, line: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while line not in cluster.lines(index):
        if any(p.poll() is not None for p in cluster.procs):
            raise AssertionError(f"a worker ended before {line!r}: {_stderr(cluster.tmp)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"worker {index} did not log {line!r} within {timeout} s")
        time.sleep(0.05)


def test_a_killed_worker_restarted_resumes_from_the_backup(tmp_path):
    epochs = 3
    with Cluster(tmp_path, epochs, sleep=0.05) as cluster:
        _wait_for_line(cluster, 0, "end 0")  # the chief has written epoch 1's backup
        cluster.procs[1].send_signal(signal.SIGKILL)
        cluster.procs[1].wait(timeout=30)
        # The survivor's collectives fail ("Collective ops is aborted"): it exits by itself
        # (measured: within 3 s); a job runner would restart it along with the killed one.
        codes = cluster.wait(timeout=90)
    assert codes[1] == -signal.SIGKILL and codes[0] != 0
    before = [cluster.lines(i) for i in range(2)]
    assert "end 0" in before[0] and "done" not in before[0]
    finished = json.loads((cluster.backup / "training_metadata.json").read_text())["epoch"]
    assert 1 <= finished < epochs  # the epochs finished before the kill, per the backup

    with Cluster(tmp_path, epochs, run="b") as again:  # both restarted, fresh ports
        codes = again.wait()
    assert codes == [0, 0], _stderr(tmp_path)
    for index in range(2):
        after = again.lines(index)[len(before[index]):]
        assert after[0] == f"begin {finished}", after  # resumed, not restarted at epoch 0
        assert after[-1] == "done"
        assert [line for line in after if line.startswith("end")] == \
            [f"end {e}" for e in range(finished, epochs)]
    (w0, _), (w1, _) = _weights(again.out(0)), _weights(again.out(1))
    assert all(np.array_equal(a, b) for a, b in zip(w0, w1, strict=True))
    ref_weights, _ = _single_process(epochs)  # resuming restored weights and optimizer state
    assert max(float(np.abs(a - b).max()) for a, b in zip(w0, ref_weights, strict=True)) \
        < WEIGHTS_ATOL
    assert not again.backup.exists()


# ----------------------------------------------------------------------------- in process

def test_shard_dataset_sets_the_data_policy_explicitly():
    import tensorflow as tf

    dataset = distribution.shard_dataset(tf.data.Dataset.range(10).batch(2))
    policy = dataset.options().experimental_distribute.auto_shard_policy
    assert policy == tf.data.experimental.AutoShardPolicy.DATA
    assert distribution.shard_dataset([1, 2]) == [1, 2]  # not a dataset: as it is


def test_strategy_names_map_onto_the_engines(monkeypatch):
    assert strategy_for(None) is None and strategy_for("none") is None
    assert distribution.num_replicas(None) == 1 and distribution.is_chief(None)
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        strategy_for("multiworker")


def _mirrored_classifier():
    """A tiny classifier built under a one-device MirroredStrategy, and its data."""
    from rnnkit.models import build_classifier

    strategy = strategy_for("mirrored", devices=["/cpu:0"])
    model = build_classifier((5, 3), 2, units=4, strategy=strategy, seed=0)
    rng = np.random.default_rng(0)
    return model, rng.normal(size=(64, 5, 3)).astype("float32"), rng.integers(0, 2, 64)


def test_a_model_built_under_a_strategy_trains_under_it_without_strategy_again():
    from rnnkit.training import fit

    model, x, y = _mirrored_classifier()
    fit(model, x, y, epochs=1, batch_size=512, patience=None, verbose=0)
    assert model.jit_compile is False  # the strategy's compile setting, not the fastest's (XLA)


def _fit_mirrored(**options):
    from rnnkit.training import fit

    model, x, y = _mirrored_classifier()
    return fit(model, x, y, epochs=1, verbose=0, patience=None, **options)


BAD_INPUT = [
    case("distribution-validation-split-with-arrays", t(_fit_mirrored, validation_split=0.25),
         ValueError, "validation_split=", "validation_data=(x, y)"),
    case("distribution-sample-weight-with-arrays",
         t(_fit_mirrored, sample_weight=np.ones(64)), ValueError, "sample_weight="),
    case("distribution-unknown-strategy", t(strategy_for, "ring"), ValueError,
         "strategy='ring'", "mirrored", "multiworker"),
    case("distribution-strategy-not-a-strategy",
         t(distribution.check_strategy, "mirrored"), ValueError,
         "strategy='mirrored'", "strategy_for('mirrored')"),
]

test_bad_input = bad_input_test(BAD_INPUT)
