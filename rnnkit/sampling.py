"""Sampling text from a character language model: `sample_logits` and `generate`.

The public side of generation: the arguments are checked here, in the
user's words, and text goes in and comes out. The work runs elsewhere:

* `rnnkit.sampling_loop.draw_ids` is the one sampling rule (temperature,
  top-k, top-p); :func:`sample_logits` applies it to logits you pass;
* :func:`generate` runs, once per model, a one-step copy of the model that
  shares its trained weights (`rnnkit.step_model.StepModel`) inside a
  compiled loop (`rnnkit.sampling_loop.SamplingLoop`): the seed text is read
  once to warm the state, then one character per step is drawn and fed back.

Sampling is stateless: the draw of step `t` uses the seed pair `(seed, t)`
(TensorFlow's `stateless_categorical`), so the same `seed` gives the same
text, also under XLA. Seeds follow rnnkit's one rule: `None` (a fresh seed
each call) or an integer in `[0, 2**31 - 1]`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rnnkit._backend import keras
from rnnkit._checks import (
    MAX_SEED,
    check_int,
    check_seed,
    check_temperatures,
    check_top_k,
    check_top_p,
)
from rnnkit.sampling_loop import draw_ids, loop_for
from rnnkit.text import CharVocab

ops = keras.ops

__all__ = ["sample_logits", "generate"]


# ----------------------------------------------------------------------------- checks

def _seed_or_fresh(seed: Any) -> int:
    """A checked seed; `None` draws one from the OS entropy."""
    seed = check_seed("seed", seed)
    return int(np.random.default_rng().integers(MAX_SEED)) if seed is None else seed


def _check_filters(top_k: Any, top_p: Any, vocab_size: int) -> tuple[int, float, bool]:
    """Check `top_k` / `top_p`; return their tensor values and whether any filter is on."""
    top_k = check_top_k("top_k", top_k, vocab_size)
    top_p = check_top_p("top_p", top_p)
    filtered = top_k is not None or top_p is not None
    return (vocab_size if top_k is None else top_k), (1.0 if top_p is None else top_p), filtered


def _check_logits(logits: Any) -> np.ndarray:
    """`logits` as a float32 `(vocab,)` or `(batch, vocab)` array, each row allowing an id."""
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
    return array


# ----------------------------------------------------------------------------- sample_logits

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
        seed: makes the draw repeatable (an integer in `[0, 2**31 - 1]`);
            `None` draws a fresh seed.

    Returns:
        An `int` for 1-D logits, or an int32 array of shape `(batch,)`.

    Raises:
        ValueError: on logits that are not 1-D/2-D finite numbers, or an
            out-of-range temperature, `top_k`, `top_p` or `seed`.

    Example:
    >>> sample_logits([2.0, 1.0, 0.1], temperature=0)
    0
    >>> draws = sample_logits([[2.0, 1.0, 0.1]] * 4, top_k=2, seed=0)
    >>> draws.shape, bool(set(draws.tolist()) <= {0, 1})
    ((4,), True)
    """
    array = _check_logits(logits)
    rows = array[None, :] if array.ndim == 1 else array
    temperatures = check_temperatures("temperature", temperature, len(rows),
                                      what="rows of logits")
    k, p, filtered = _check_filters(top_k, top_p, rows.shape[-1])
    pair = ops.convert_to_tensor(np.array([_seed_or_fresh(seed), 0], dtype=np.int32))
    ids = draw_ids(ops.convert_to_tensor(rows),
                   ops.convert_to_tensor(np.asarray(temperatures, np.float32)),
                   ops.convert_to_tensor(np.int32(k)), ops.convert_to_tensor(np.float32(p)),
                   pair, filtered=filtered)
    ids = ops.convert_to_numpy(ids).astype(np.int32)
    return int(ids[0]) if array.ndim == 1 else ids


# ----------------------------------------------------------------------------- generate

def _check_text_arguments(vocab: Any, seed_text: Any) -> None:
    """Refuse a `vocab` that is not a `CharVocab`, or a `seed_text` that is not a str."""
    if not isinstance(vocab, CharVocab):
        raise ValueError(f"vocab is a {type(vocab).__name__}; pass the CharVocab the model "
                         "was trained with.")
    if not isinstance(seed_text, str) or not seed_text:
        raise ValueError(f"seed_text={seed_text!r} must be a non-empty string of vocabulary "
                         "characters, e.g. 'ROMEO:'.")


def _encode_seed_text(vocab: CharVocab, seed_text: str) -> np.ndarray:
    """The ids of `seed_text`, or an error naming `seed_text` and its unknown characters."""
    try:
        return vocab.encode(seed_text)
    except ValueError as exc:
        raise ValueError(f"seed_text: {exc}") from None


def _check_model_fits(model: Any, vocab: CharVocab) -> None:
    """Refuse a non-Keras model, or one whose vocabulary size is not `len(vocab)`."""
    if not isinstance(model, keras.Model):
        raise ValueError(f"model is a {type(model).__name__}; pass a Keras character model "
                         "(rnnkit.build_generator).")
    step_model = loop_for(model).step_model
    if step_model.vocab_size != len(vocab) or step_model.input_dim != len(vocab):
        raise ValueError(
            f"the model reads {step_model.input_dim} and predicts {step_model.vocab_size} "
            f"character ids, but the vocabulary has {len(vocab)} characters; pass the "
            "CharVocab the model was trained with."
        )


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
        seed: makes the output repeatable (an integer in `[0, 2**31 - 1]`);
            `None` draws a fresh seed.

    Returns:
        `seed_text` followed by `length` new characters: a `str`, or a list of
        `num_samples` strings when `num_samples > 1`.

    Raises:
        ValueError: on an empty seed text or one with characters outside
            `vocab`, a model whose vocabulary size differs from `len(vocab)`,
            or an out-of-range `length`, `temperature`, `top_k`, `top_p`,
            `num_samples` or `seed`.

    Example:
    >>> from rnnkit.models import build_generator
    >>> from rnnkit.text import CharVocab, text_dataset
    >>> text = "to be or not to be, that is the question. " * 20
    >>> vocab = CharVocab.from_text(text)
    >>> model = build_generator(len(vocab), units=32, seed=0)
    >>> model.fit(text_dataset(text, vocab, seq_length=20, seed=0), epochs=3)  # doctest: +SKIP
    >>> cold, warm = generate(model, vocab, "to be", length=20, temperature=[0.2, 1.0],
    ...                       num_samples=2, seed=1)
    >>> len(cold), cold.startswith("to be"), len(warm)
    (25, True, 25)
    >>> print(generate(model, vocab, "to be", length=200, temperature=0.6))  # doctest: +SKIP
    """
    _check_text_arguments(vocab, seed_text)
    length = check_int("length", length, minimum=0)
    num_samples = check_int("num_samples", num_samples)
    temperatures = check_temperatures("temperature", temperature, num_samples, what="samples")
    k, p, filtered = _check_filters(top_k, top_p, len(vocab))
    seed = _seed_or_fresh(seed)
    prime = _encode_seed_text(vocab, seed_text)
    _check_model_fits(model, vocab)
    new = loop_for(model).sample(prime, length, temperatures=temperatures, top_k=k, top_p=p,
                                 filtered=filtered, seed=seed)
    texts = [seed_text + vocab.decode(row) for row in new]
    return texts[0] if num_samples == 1 else texts
