"""Sampling text from a character language model: `sample_logits` and `generate`.

`sample_logits` is the one place where temperature, top-k and top-p (nucleus)
filtering are applied. `generate` builds, once per model, a one-step stateful
version of the model that shares its trained weights (embedding → each
recurrent layer's cell → dense head), feeds the seed text once to warm the
state, then samples one character per step inside a compiled loop (XLA on the
TensorFlow backend). Length, temperature, seed and seed text are passed as
tensors, so a second call does not compile again.

Sampling is stateless: the draw of step `t` uses the seed pair `(seed, t)`
(TensorFlow's `stateless_categorical`), so the same `seed` gives the same
text, also under XLA.
"""

from __future__ import annotations

import numbers
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

from rnnkit._checks import check_float, check_int, check_optional_int
from rnnkit.text import CharVocab

__all__ = ["sample_logits", "generate"]

#: Characters fed or sampled per call of the compiled loop. Longer seed texts and
#: generations run the same compiled loop again, carrying the state across.
CHUNK = 1024

_RECURRENT = (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN)
#: Layers that do nothing at inference and are skipped by the one-step model.
_INFERENCE_NOOPS = (
    keras.layers.Dropout, keras.layers.SpatialDropout1D, keras.layers.GaussianNoise,
    keras.layers.GaussianDropout, keras.layers.AlphaDropout, keras.layers.ActivityRegularization,
)
#: Layers that act on the last axis only, so they apply to one step as to a sequence.
_PER_STEP = (keras.layers.Dense, keras.layers.Activation, keras.layers.LayerNormalization)

_MAX_SEED = 2**31 - 1


# ----------------------------------------------------------------------------- checks

def _check_seed(seed: Any) -> int:
    """A user seed as an int32-safe int; `None` draws one from the OS entropy."""
    if seed is None:
        return int(np.random.default_rng().integers(_MAX_SEED))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed={seed!r} must be an integer or None.")
    return int(seed) % _MAX_SEED


def _check_temperatures(temperature: Any, count: int, *, what: str) -> np.ndarray:
    """`temperature` (a number ≥ 0 or a list of `count` numbers) as a float32 array."""
    if isinstance(temperature, (str, bytes)) or not isinstance(temperature, Sequence) \
            and not isinstance(temperature, np.ndarray):
        values = [temperature] * count
        name = "temperature"
    else:
        values = list(np.asarray(temperature, dtype=object).ravel())
        if len(values) != count:
            raise ValueError(
                f"temperature has {len(values)} values but there are {count} {what}; pass one "
                f"temperature per {what[:-1]}, or a single number for all."
            )
        name = "temperature[{}]"
    out = np.empty(count, dtype=np.float32)
    for i, value in enumerate(values):
        label = name.format(i)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{label}={value!r} must be a number >= 0 (0 = greedy).")
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{label}={value!r} is invalid: use a finite number >= 0 "
                             "(0 = greedy, 1 = the model's own distribution).")
        out[i] = value
    return out


def _check_filters(top_k: Any, top_p: Any, vocab_size: int) -> tuple[int, float, bool]:
    """Validate `top_k` / `top_p`; return their tensor values and whether any filter is on."""
    top_k = check_optional_int("top_k", top_k)
    if top_k is not None and top_k > vocab_size:
        raise ValueError(f"top_k={top_k} is larger than the vocabulary ({vocab_size} "
                         f"characters); use 1 <= top_k <= {vocab_size}, or None.")
    if top_p is not None:
        top_p = check_float("top_p", top_p, low=0.0, high=1.0, low_inclusive=False,
                            high_inclusive=True)
    filtered = top_k is not None or top_p is not None
    return (vocab_size if top_k is None else top_k), (1.0 if top_p is None else top_p), filtered


# ----------------------------------------------------------------------------- sampling core

def _categorical(logits: Any, seed: Any) -> Any:
    """One id per row drawn from `softmax(logits)`, with an int32 seed pair tensor.

    Stateless, so repeatable under XLA: TensorFlow's `stateless_categorical`
    (the fastest in the compiled loop), JAX's `random.categorical`, and a
    Gumbel-max draw on `keras.random` noise elsewhere.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.random.stateless_categorical(logits, 1, seed=seed, dtype=tf.int32)[:, 0]
    if backend == "jax":
        import jax

        key = jax.random.fold_in(jax.random.PRNGKey(seed[0]), seed[1])
        return ops.cast(jax.random.categorical(key, logits, axis=-1), "int32")
    pair = ops.convert_to_numpy(seed)
    uniform = keras.random.uniform(tuple(ops.shape(logits)), minval=1e-20, maxval=1.0,
                                   seed=int(pair[0]) * 1_000_003 + int(pair[1]))
    return ops.cast(ops.argmax(logits - ops.log(-ops.log(uniform)), axis=-1), "int32")


def _sample_ids(logits: Any, temperature: Any, top_k: Any, top_p: Any, seed: Any, *,
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


def sample_logits(
    logits: Any,
    *,
    temperature: float | Sequence[float] = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int | None = None,
) -> np.ndarray | int:
    """Draw ids from logits with temperature, top-k and top-p (nucleus) filtering.

    The logits are divided by the temperature, then only the `top_k` most
    likely ids are kept, then only the smallest set of most likely ids whose
    probability mass reaches `top_p`; one id is drawn per row from the
    renormalised distribution. `generate` samples with exactly this rule.

    Args:
        logits: `(vocab,)` or `(batch, vocab)` unnormalised log-probabilities
            (NumPy array, list or tensor). `-inf` marks a forbidden id.
        temperature: a number ≥ 0, or one per row. Lower is more conservative;
            `0` picks the most likely id (greedy, no randomness).
        top_k: keep only the `top_k` most likely ids (1 ≤ top_k ≤ vocab), or `None`.
        top_p: keep the smallest prefix of ids, most likely first, whose mass
            reaches `top_p` (0 < top_p ≤ 1), or `None`.
        seed: makes the draw repeatable; `None` draws a fresh seed.

    Returns:
        An `int` for 1-D logits, or an int32 array of shape `(batch,)`.

    Raises:
        ValueError: on logits that are not 1-D/2-D finite numbers, or an
            out-of-range temperature, `top_k` or `top_p`.

    Example:
    >>> sample_logits([2.0, 1.0, 0.1], temperature=0)
    0
    >>> sample_logits([[2.0, 1.0, 0.1]] * 4, top_k=2, seed=0)  # doctest: +SKIP
    array([0, 1, 0, 0], dtype=int32)
    """
    try:
        array = np.asarray(ops.convert_to_numpy(logits) if not isinstance(logits, (list, tuple))
                           else logits, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"logits must be an array of numbers ({exc}).") from None
    if array.ndim not in (1, 2) or array.shape[-1] < 1 or array.size == 0:
        raise ValueError(f"logits has shape {array.shape}; pass (vocab,) or (batch, vocab).")
    rows = array[None, :] if array.ndim == 1 else array
    if np.isnan(rows).any() or np.isposinf(rows).any():
        raise ValueError("logits hold NaN or +inf values; pass finite logits "
                         "(-inf is allowed to forbid an id).")
    if not np.isfinite(rows).any(axis=-1).all():
        raise ValueError("a row of logits is all -inf: at least one id must be allowed.")
    temps = _check_temperatures(temperature, len(rows), what="rows of logits")
    k, p, filtered = _check_filters(top_k, top_p, rows.shape[-1])
    pair = ops.convert_to_tensor(np.array([_check_seed(seed), 0], dtype=np.int32))
    ids = _sample_ids(ops.convert_to_tensor(rows), ops.convert_to_tensor(temps),
                      ops.convert_to_tensor(np.int32(k)), ops.convert_to_tensor(np.float32(p)),
                      pair, filtered=filtered)
    ids = ops.convert_to_numpy(ids).astype(np.int32)
    return int(ids[0]) if array.ndim == 1 else ids


# ----------------------------------------------------------------------------- one-step model

class _StepModel:
    """One step of a character model, sharing the trained layers' weights.

    `step(ids, states)` feeds one id per row through the embedding, each
    recurrent layer's cell and the per-step head, and returns the next-id
    logits and the new states. Dropout-like layers are skipped (inference).
    """

    def __init__(self, model: keras.Model):
        if not isinstance(model, keras.Sequential):
            raise ValueError(
                f"model is a {type(model).__name__}; generate needs a keras.Sequential "
                "character model: Embedding → LSTM/GRU/SimpleRNN layers → Dense logits "
                "(as built by rnnkit.build_generator)."
            )
        layers = list(model.layers)
        if not layers or not isinstance(layers[0], keras.layers.Embedding):
            raise ValueError("generate needs a model whose first layer is an Embedding of "
                             "character ids (as built by rnnkit.build_generator).")
        self.embedding = layers[0]
        if getattr(self.embedding, "mask_zero", False):
            raise ValueError("the model's Embedding has mask_zero=True, which would skip "
                             "character id 0; build the character model with mask_zero=False.")
        self.pipeline: list[tuple[str, keras.layers.Layer]] = []
        for layer in layers[1:]:
            if isinstance(layer, _RECURRENT):
                if layer.go_backwards:
                    raise ValueError(f"layer {layer.name!r} reads backwards; a generator "
                                     "must read left to right.")
                self.pipeline.append(("cell", layer))
            elif isinstance(layer, _INFERENCE_NOOPS):
                continue
            elif isinstance(layer, _PER_STEP):
                self.pipeline.append(("map", layer))
            else:
                raise ValueError(
                    f"generate cannot run layer {layer.name!r} ({type(layer).__name__}) one "
                    "step at a time; supported: Embedding, LSTM/GRU/SimpleRNN (not "
                    "Bidirectional), Dropout, Dense, Activation, LayerNormalization."
                )
        self.recurrent = [layer for kind, layer in self.pipeline if kind == "cell"]
        if not self.recurrent:
            raise ValueError("the model has no LSTM/GRU/SimpleRNN layer.")
        last = layers[-1]
        output_dim = getattr(last, "units", None)
        if not isinstance(last, keras.layers.Dense) or output_dim is None:
            raise ValueError("the model must end in a Dense layer giving one logit per "
                             "character.")
        self.vocab_size = int(output_dim)
        self.input_dim = int(self.embedding.input_dim)
        self.probabilities = keras.activations.serialize(last.activation) == "softmax"
        self.dtype = self.recurrent[0].cell.compute_dtype or "float32"

    def _embed(self, ids: Any) -> Any:
        """The embedding rows of `ids` (ids are valid: a plain gather on TensorFlow)."""
        if keras.backend.backend() != "tensorflow":
            return self.embedding(ids)
        import tensorflow as tf

        table = self.embedding.embeddings
        return ops.cast(tf.gather(table, ids), self.embedding.compute_dtype)

    def state_sizes(self) -> list[list[int]]:
        sizes = []
        for layer in self.recurrent:
            size = layer.cell.state_size
            sizes.append([int(s) for s in size] if isinstance(size, (list, tuple))
                         else [int(size)])
        return sizes

    def initial_states(self, batch: int) -> list[list[Any]]:
        """Zero states, one list per recurrent layer."""
        return [[ops.zeros((batch, s), dtype=self.dtype) for s in sizes]
                for sizes in self.state_sizes()]

    def step(self, ids: Any, states: list[list[Any]]) -> tuple[Any, list[list[Any]]]:
        """Logits after reading `ids` (`(batch,)` int), and the new states."""
        x = self._embed(ids)
        new_states = []
        i = 0
        for kind, layer in self.pipeline:
            if kind == "cell":
                x, state = layer.cell(x, list(states[i]), training=False)
                new_states.append(list(state) if isinstance(state, (list, tuple)) else [state])
                i += 1
            else:
                x = layer(x, training=False)
        x = ops.cast(x, "float32")
        if self.probabilities:
            x = ops.log(ops.maximum(x, 1e-30))
        return x, new_states


def _compile(fn: Callable) -> Callable:
    """Compile a loop function for the backend: XLA through `tf.function` on TensorFlow.

    Other backends run the same `keras.ops` code eagerly (correct, slower).
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)
    return fn


class _Sampler:
    """The compiled loop of one model (cached per model): read a seed, then sample."""

    def __init__(self, model: keras.Model):
        self.step_model = _StepModel(model)
        self.weight_ids = _weight_ids(model)
        self.traces = 0  # Python bodies run only while tracing: counts compilations
        self.run = {flag: _compile(self._runner(flag)) for flag in (False, True)}
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
            `(batch, CHUNK)` drawn ids (the first `count` are valid).
            """
            self.traces += 1
            batch = ops.shape(logits)[0]
            primed, count, top_k, seed, offset = (ints[i] for i in range(5))
            temperature, top_p = floats[:-1], floats[-1]

            def feed(i: Any, carry: tuple) -> tuple:
                states, _ = carry
                ids = ops.broadcast_to(ops.take(prime, i), (batch,))
                logits, states = self.step_model.step(ids, states)
                return states, logits

            def draw(i: Any, carry: tuple) -> tuple:
                states, logits, out = carry
                pair = ops.stack([seed, offset + i])
                ids = _sample_ids(logits, temperature, top_k, top_p, pair, filtered=filtered)
                out = ops.slice_update(out, (0, i), ids[:, None])
                logits, states = self.step_model.step(ids, states)
                return states, logits, out

            states, logits = ops.fori_loop(0, primed, feed, (states, logits))
            out = ops.zeros((batch, CHUNK), dtype="int32")
            return ops.fori_loop(0, count, draw, (states, logits, out))

        return run


def _weight_ids(model: keras.Model) -> tuple[int, ...]:
    return tuple(id(w) for w in model.weights)


_SAMPLERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _sampler_for(model: keras.Model) -> _Sampler:
    """The cached sampler of `model`, rebuilt when its weight variables were replaced."""
    sampler = _SAMPLERS.get(model)
    if sampler is None or sampler.weight_ids != _weight_ids(model):
        sampler = _Sampler(model)
        _SAMPLERS[model] = sampler
    return sampler


# ----------------------------------------------------------------------------- generate

def generate(
    model: keras.Model,
    vocab: CharVocab,
    seed_text: str,
    *,
    length: int = 500,
    temperature: float | Sequence[float] = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    num_samples: int = 1,
    seed: int | None = None,
) -> str | list[str]:
    """Generate text from a character model, continuing `seed_text`.

    The seed text is read once to warm the recurrent state; then one
    character per step is drawn (see :func:`sample_logits`) and fed back, in
    a compiled loop over a one-step copy of the model that shares its trained
    weights. The loop is built once per model (and per `num_samples`, the
    batch size); later calls with another length, temperature, seed, seed
    text, top-k or top-p value reuse it without compiling (the first call
    with top-k / top-p compiles the filtering variant once). Rebuilding or
    replacing the model's weight variables rebuilds it; training them in
    place does not need to (the loop reads the live weights).

    Args:
        model: a character model, e.g. from :func:`rnnkit.build_generator`
            (Embedding → LSTM/GRU/SimpleRNN layers → Dense logits; Dropout
            layers are skipped).
        vocab: the `CharVocab` the model was trained with.
        seed_text: the start of the text (non-empty, vocabulary characters only).
        length: number of new characters (≥ 0).
        temperature: a number ≥ 0 (`0` = greedy), or a list with one
            temperature per sample.
        top_k: sample only among the `top_k` most likely characters, or `None`.
        top_p: sample only among the most likely characters whose mass
            reaches `top_p` (nucleus sampling, 0 < top_p ≤ 1), or `None`.
        num_samples: number of texts drawn at once (as one batch).
        seed: makes the output repeatable; `None` draws a fresh seed.

    Returns:
        `seed_text` followed by `length` new characters: a `str`, or a list of
        `num_samples` strings when `num_samples > 1`.

    Raises:
        ValueError: on an empty seed text or one with characters outside
            `vocab`, a model whose vocabulary size differs from `len(vocab)`,
            or an out-of-range `length`, `temperature`, `top_k`, `top_p` or
            `num_samples`.

    Example:
    >>> vocab = CharVocab.from_text(text)
    >>> model = build_generator(len(vocab))
    >>> model.fit(text_dataset(text, vocab, seed=0), epochs=3)  # doctest: +SKIP
    >>> print(generate(model, vocab, "ROMEO:", length=200, temperature=0.6, seed=1))
    >>> cold, warm = generate(model, vocab, "JULIET:", temperature=[0.2, 1.0], num_samples=2)
    """
    if not isinstance(vocab, CharVocab):
        raise ValueError(f"vocab is a {type(vocab).__name__}; pass the CharVocab the model "
                         "was trained with.")
    if not isinstance(seed_text, str) or not seed_text:
        raise ValueError(f"seed_text={seed_text!r} must be a non-empty string of vocabulary "
                         "characters, e.g. 'ROMEO:'.")
    length = check_int("length", length, minimum=0)
    num_samples = check_int("num_samples", num_samples)
    temps = _check_temperatures(temperature, num_samples, what="samples")
    k, p, filtered = _check_filters(top_k, top_p, len(vocab))
    seed = _check_seed(seed)
    try:
        prime = vocab.encode(seed_text)
    except ValueError as exc:
        raise ValueError(f"seed_text: {exc}") from None
    if not isinstance(model, keras.Model):
        raise ValueError(f"model is a {type(model).__name__}; pass a Keras character model "
                         "(rnnkit.build_generator).")
    sampler = _sampler_for(model)
    step_model = sampler.step_model
    if step_model.vocab_size != len(vocab) or step_model.input_dim != len(vocab):
        raise ValueError(
            f"the model reads {step_model.input_dim} and predicts {step_model.vocab_size} "
            f"character ids, but the vocabulary has {len(vocab)} characters; pass the "
            "CharVocab the model was trained with."
        )

    states, logits = sampler.initial(num_samples)
    floats = np.append(temps, np.float32(p)).astype(np.float32)
    # one compiled call reads the seed text and draws the first CHUNK characters; longer
    # seed texts and generations call the same loop again, carrying the state across
    prime_chunks = range(0, len(prime), CHUNK)
    pieces, drawn = [], 0
    for start in prime_chunks:
        piece = prime[start : start + CHUNK]
        padded = np.zeros(CHUNK, dtype=np.int32)
        padded[: len(piece)] = piece
        count = min(CHUNK, length) if start == prime_chunks[-1] else 0
        states, logits, ids = sampler(filtered, states, logits, padded,
                                      [len(piece), count, k, seed, 0], floats)
        if count:
            pieces.append(ops.convert_to_numpy(ids)[:, :count])
            drawn = count
    no_prime = np.zeros(CHUNK, dtype=np.int32)
    while drawn < length:
        count = min(CHUNK, length - drawn)
        states, logits, ids = sampler(filtered, states, logits, no_prime,
                                      [0, count, k, seed, drawn], floats)
        pieces.append(ops.convert_to_numpy(ids)[:, :count])
        drawn += count
    new = np.concatenate(pieces, axis=1) if pieces else np.zeros((num_samples, 0), np.int32)
    texts = [seed_text + vocab.decode(row) for row in new]
    return texts[0] if num_samples == 1 else texts
