"""The compiled sampling loop: the draw rule, and reading a seed then drawing one id per step.

* :func:`draw_ids` is the one sampling rule (temperature, top-k, top-p) on a
  batch of logits tensors; `rnnkit.sampling.sample_logits` and the loop both
  use it. Draws are stateless: step `t` uses the seed pair `(seed, t)`, so
  the same seed gives the same ids, also under XLA.
* :class:`SamplingLoop` runs a :class:`~rnnkit.step_model.StepModel` in a
  compiled loop (XLA through `tf.function` on TensorFlow, `jax.jit` on JAX;
  the same `keras.ops` code runs eagerly on other backends): it feeds the seed ids
  once to warm the states, then draws one id per step and feeds it back.
  Lengths, temperatures, seeds and seed ids travel as tensors, so a second
  call does not compile again.
* :func:`loop_for` keeps one loop per model, rebuilt when the model's weight
  variables are replaced (training them in place needs no rebuild: the loop
  reads the live weights).

Example (temperature 0 is greedy: the most likely id):
>>> logits = ops.convert_to_tensor(np.array([[0.0, 5.0, 1.0]], np.float32))
>>> ids = draw_ids(logits, ops.convert_to_tensor(np.zeros(1, np.float32)), 3, 1.0,
...                ops.convert_to_tensor(np.zeros(2, np.int32)), filtered=False)
>>> ops.convert_to_numpy(ids)
array([1], dtype=int32)
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from rnnkit._backend import keras
from rnnkit.step_model import StepModel

ops = keras.ops

__all__ = ["CHUNK", "SamplingLoop", "draw_ids", "loop_for"]

#: Characters fed or sampled per call of the compiled loop. Longer seed texts and
#: generations run the same compiled loop again, carrying the state across.
CHUNK = 1024


# ----------------------------------------------------------------------------- the draw rule

def _categorical(logits: Any, seed: Any) -> Any:
    """One id per row drawn from `softmax(logits)`, with an int32 seed pair tensor.

    Stateless, so repeatable under XLA: TensorFlow's `stateless_categorical`
    (the fastest in the compiled loop), JAX's `random.categorical` on an RBG key (XLA's
    RngBitGenerator: faster on a CPU than the default threefry bits), and a
    Gumbel-max draw on `keras.random` noise elsewhere.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        from rnnkit._backend import tf

        return tf.random.stateless_categorical(logits, 1, seed=seed, dtype=tf.int32)[:, 0]
    if backend == "jax":
        import jax

        key = jax.random.fold_in(jax.random.key(seed[0], impl="rbg"), seed[1])
        return ops.cast(jax.random.categorical(key, logits, axis=-1), "int32")
    pair = ops.convert_to_numpy(seed)
    uniform = keras.random.uniform(tuple(ops.shape(logits)), minval=1e-20, maxval=1.0,
                                   seed=int(pair[0]) * 1_000_003 + int(pair[1]))
    return ops.cast(ops.argmax(logits - ops.log(-ops.log(uniform)), axis=-1), "int32")


def draw_ids(logits: Any, temperature: Any, top_k: Any, top_p: Any, seed: Any, *,
             filtered: bool) -> Any:
    """Draw one id per row of `logits` (the sampling rule shared by everything here).

    Args:
        logits: `(batch, vocab)` float logits.
        temperature: `(batch,)` temperatures; 0 means greedy (argmax).
        top_k: scalar int, keep the `top_k` most likely ids (vocab = no filter).
        top_p: scalar float, keep the smallest prefix of ids, most likely
            first, whose probability mass reaches `top_p` (1 = no filter).
        seed: int32 seed pair `(seed, step)`.
        filtered: static flag; `False` skips the sort needed by top-k / top-p.

    Returns:
        `(batch,)` int32 ids.
    """
    logits = ops.cast(logits, "float32")
    greedy = temperature <= 0.0
    scaled = logits / ops.where(greedy, 1.0, ops.maximum(temperature, 1e-6))[:, None]
    best = ops.cast(ops.argmax(logits, axis=-1), "int32")
    if not filtered:
        return ops.where(greedy, best, _categorical(scaled, seed))
    vocab_size = logits.shape[-1]
    values, order = ops.top_k(scaled, k=vocab_size, sorted=True)  # most likely first
    rank = ops.arange(vocab_size, dtype="int32")[None, :]
    keep = rank < top_k
    probs = ops.softmax(ops.where(keep, values, -np.inf), axis=-1)
    mass_before = ops.concatenate(
        [ops.zeros_like(probs[:, :1]), ops.cumsum(probs, axis=-1)[:, :-1]], axis=-1)
    # mass within 1e-6 of top_p counts as reaching it (float32 sums are inexact); 1 keeps all
    keep = ops.logical_and(keep, ops.logical_or(mass_before < top_p - 1e-6, top_p >= 1.0))
    choice = _categorical(ops.where(keep, values, -np.inf), seed)
    drawn = ops.take_along_axis(order, choice[:, None], axis=-1)[:, 0]
    return ops.where(greedy, best, ops.cast(drawn, "int32"))


# ----------------------------------------------------------------------------- the loop

def _compile(fn: Callable, variables: list[Any]) -> Callable:
    """Compile a loop function for the backend, reading the live values of `variables`.

    TensorFlow: XLA through `tf.function` (variables are read inside the graph).
    JAX: `jax.jit` of a stateless version that takes the variables' current
    values as an argument (a `keras.StatelessScope` maps each variable to its
    value), so the compiled loop sees weights trained after it was built.
    Other backends run the same `keras.ops` code eagerly (correct, slower).
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        from rnnkit._backend import tf

        return tf.function(fn, jit_compile=True)
    if backend == "jax":
        import jax

        def stateless(values: list[Any], *args: Any) -> Any:
            with keras.StatelessScope(state_mapping=list(zip(variables, values, strict=True))):
                return fn(*args)

        compiled = jax.jit(stateless)
        return lambda *args: compiled([v.value for v in variables], *args)
    return fn


class SamplingLoop:
    """The compiled loop of one model: read a seed, then sample, `CHUNK` steps per call.

    Args:
        model: a character model that :class:`~rnnkit.step_model.StepModel` can run.

    Attributes:
        step_model: the one-step model sharing `model`'s weights.
        chunk: ids fed or drawn per compiled call (`CHUNK` when the loop was built).
        traces: how many times the loop was traced (compiled); for tests.
    """

    def __init__(self, model: keras.Model):
        self.step_model = StepModel(model)
        self.weight_ids = _weight_ids(model)
        self.chunk = CHUNK
        self.traces = 0  # Python bodies run only while tracing: counts compilations
        self.run = {flag: _compile(self._runner(flag), list(model.variables))
                    for flag in (False, True)}
        self._zeros: dict[int, tuple] = {}
        self._concrete: dict[tuple[bool, int], Callable] = {}

    def initial(self, batch: int) -> tuple[list[list[Any]], Any]:
        """Zero states and logits for a batch (cached: they are constants)."""
        if batch not in self._zeros:
            self._zeros[batch] = (
                self.step_model.initial_states(batch),
                ops.zeros((batch, self.step_model.vocab_size), dtype="float32"),
            )
        return self._zeros[batch]

    def warm(self, states: Any, prime: Any, count: Any) -> tuple[Any, Any]:
        """Feed `prime[:count]` to every row: the new states and the last logits."""
        logits = self.initial(int(ops.shape(states[0][0])[0]))[1]
        states, logits, _ = self(False, states, logits, np.asarray(prime, np.int32),
                                 [int(count), 0, 1, 0, 0], np.ones(len(logits) + 1, np.float32))
        return states, logits

    def sample(self, prime: np.ndarray, length: int, *, temperatures: Any, top_k: int,
               top_p: float, filtered: bool, seed: int) -> np.ndarray:
        """Read the ids `prime`, then draw `length` ids per row (one row per temperature).

        One compiled call reads the seed ids and draws the first `chunk` ids;
        longer seeds and generations call the same loop again, carrying the
        state across.

        Returns:
            A `(len(temperatures), length)` int32 array of drawn ids.
        """
        states, logits = self.initial(len(temperatures))
        floats = np.append(np.asarray(temperatures, np.float32), np.float32(top_p))
        chunk, pieces, drawn = self.chunk, [], 0
        starts = range(0, len(prime), chunk)
        for start in starts:
            piece = prime[start : start + chunk]
            padded = np.zeros(chunk, dtype=np.int32)
            padded[: len(piece)] = piece
            count = min(chunk, length) if start == starts[-1] else 0
            states, logits, ids = self(filtered, states, logits, padded,
                                       [len(piece), count, top_k, seed, 0], floats)
            if count:
                pieces.append(ops.convert_to_numpy(ids)[:, :count])
                drawn = count
        no_prime = np.zeros(chunk, dtype=np.int32)
        while drawn < length:
            count = min(chunk, length - drawn)
            states, logits, ids = self(filtered, states, logits, no_prime,
                                       [0, count, top_k, seed, drawn], floats)
            pieces.append(ops.convert_to_numpy(ids)[:, :count])
            drawn += count
        if not pieces:
            return np.zeros((len(temperatures), 0), np.int32)
        return np.concatenate(pieces, axis=1)

    def __call__(self, filtered: bool, states: Any, logits: Any, prime: np.ndarray,
                 ints: list[int], floats: np.ndarray) -> tuple[Any, Any, Any]:
        """Run the compiled loop; `ints` = (primed, count, top_k, seed, offset), `floats` =
        (temperature per row..., top_p). Scalars travel packed in two tensors (fewer
        conversions per call), and the traced function is looked up once per batch size."""
        args = (states, logits, ops.convert_to_tensor(prime),
                ops.convert_to_tensor(np.asarray(ints, dtype=np.int32)),
                ops.convert_to_tensor(floats))
        key = (filtered, int(floats.shape[0]))
        fn = self._concrete.get(key)
        if fn is None:
            fn = self.run[filtered]
            if hasattr(fn, "get_concrete_function"):
                fn = fn.get_concrete_function(*args)
            self._concrete[key] = fn
        return fn(*args)

    def _runner(self, filtered: bool) -> Callable:
        def run(states: Any, logits: Any, prime: Any, ints: Any, floats: Any
                ) -> tuple[Any, Any, Any]:
            """Feed `prime[:primed]`, then draw `count` ids per row, feeding each back.

            Returns the states, the logits after the last id fed, and the
            `(batch, chunk)` drawn ids (the first `count` are valid).
            """
            self.traces += 1
            batch = ops.shape(logits)[0]
            primed, count, top_k, seed, offset = (ints[i] for i in range(5))
            temperature, top_p = floats[:-1], floats[-1]
            table = self.step_model.input_table()  # from the live weights, once per call

            def feed(i: Any, carry: tuple) -> tuple:
                states, _ = carry
                ids = ops.broadcast_to(ops.take(prime, i), (batch,))
                logits, states = self.step_model.step(ids, states, table)
                return states, logits

            def draw(i: Any, carry: tuple) -> tuple:
                states, logits, out = carry
                pair = ops.stack([seed, offset + i])
                ids = draw_ids(logits, temperature, top_k, top_p, pair, filtered=filtered)
                out = ops.slice_update(out, (0, i), ids[:, None])
                logits, states = self.step_model.step(ids, states, table)
                return states, logits, out

            states, logits = ops.fori_loop(0, primed, feed, (states, logits))
            out = ops.zeros((batch, self.chunk), dtype="int32")
            return ops.fori_loop(0, count, draw, (states, logits, out))

        return run


def _weight_ids(model: keras.Model) -> tuple[int, ...]:
    return tuple(id(w) for w in model.weights)


_LOOPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def loop_for(model: keras.Model) -> SamplingLoop:
    """The cached sampling loop of `model`, rebuilt when its weight variables were replaced.

    Example:
    >>> from rnnkit.models import build_generator
    >>> model = build_generator(5, units=4, embedding_dim=2, seed=0)
    >>> loop_for(model) is loop_for(model)
    True
    """
    loop = _LOOPS.get(model)
    if loop is None or loop.weight_ids != _weight_ids(model):
        loop = SamplingLoop(model)
        _LOOPS[model] = loop
    return loop
