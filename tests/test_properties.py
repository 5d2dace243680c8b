"""Property-based tests (hypothesis) of rnnkit's invariants.

* `SeriesWindows` on arbitrary lengths, windows, splits, horizons and scalers
  over a counting series (row t holds t): parts are contiguous, in time order
  and sized by `split`; every predicted step lies in its own part; inputs are
  consecutive rows strictly before the step they predict; each part's rows are
  predicted exactly once; a part too short for the window is refused with its
  row counts; the `tf.data` pipelines hold exactly the windows of `.arrays()`.
* `log` / `difference` / scaler: `inverse_transform` undoes them.
* `CharVocab` and `WordVocab`: encode/decode and JSON round trips on generated text.
* `sample_logits`: ids in range, `top_k` and `top_p` never draw outside their
  sets, `temperature=0` is argmax, the same seed gives the same ids.

Examples are kept modest (`max_examples`), so the file runs in well under a minute.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rnnkit.sampling import sample_logits
from rnnkit.series import SeriesWindows
from rnnkit.text import CharVocab, WordVocab

SPLITS = ("train", "val", "test")

# Keras warns when top-k / top-p filtering runs a softmax over a 1-id vocabulary (valid here).
pytestmark = pytest.mark.filterwarnings("ignore:You are using a softmax over axis -1:UserWarning")


def examples(count: int) -> settings:
    """Modest, deadline-free settings (the first call of a TF op can be slow)."""
    return settings(max_examples=count, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# ============================================================================ windows

@st.composite
def window_setups(draw: st.DrawFn, min_n: int = 2) -> dict:
    """Arbitrary window settings over a counting series of `n` rows."""
    weights = draw(st.tuples(*[st.integers(1, 20)] * 3))
    return dict(
        n=draw(st.integers(min_n, 160)),
        window=draw(st.integers(1, 24)),
        output_steps=draw(st.none() | st.integers(1, 6)),
        split=tuple(w / sum(weights) for w in weights),
        scale=draw(st.sampled_from(["standard", "minmax", None])),
        feature=draw(st.booleans()),
    )


def counting_windows(setup: dict, **options) -> SeriesWindows:
    """Windows over `value` = 0, 1, 2, ... (and a feature `f` = 1000 - 2 * value)."""
    frame = pd.DataFrame({"value": np.arange(setup["n"], dtype="float64")})
    if setup["feature"]:
        frame["f"] = 1000.0 - 2.0 * frame["value"]
    return SeriesWindows(frame, window=setup["window"], target="value",
                         features=["f"] if setup["feature"] else None,
                         output_steps=setup["output_steps"], split=setup["split"],
                         scale=setup["scale"], **options)


def check_sizes(sizes: list[int], setup: dict) -> None:
    """Part sizes add up to the series and follow the split fractions (to rounding)."""
    assert sum(sizes) == setup["n"]
    for size, fraction in zip(sizes, setup["split"], strict=True):
        assert abs(size - setup["n"] * fraction) <= 1.0 + 1e-9


def long_enough(sizes: list[int], setup: dict) -> bool:
    """Train needs `window` inputs + the horizon; val and test need the horizon."""
    k = setup["output_steps"] or 1
    return sizes[0] >= setup["window"] + k and sizes[1] >= k and sizes[2] >= k


def rows_of(w: SeriesWindows, values: np.ndarray, column: int) -> np.ndarray:
    """Undo the scaler of one column: the counting series gives back row numbers."""
    center, spread = w.scaler["center"][column], w.scaler["scale"][column]
    original = values.astype("float64") * spread + center
    rows = np.rint(original)
    np.testing.assert_allclose(original, rows, atol=1e-3)
    return rows.astype("int64")


@examples(80)
@given(window_setups())
def test_windows_align_inside_their_parts(setup):
    n, window, k = setup["n"], setup["window"], setup["output_steps"]
    try:
        w = counting_windows(setup, shuffle=False)
    except ValueError as exc:
        # refused only when a part is too short, and the message says how many rows each has
        found = re.search(r"train (\d+), val (\d+), test (\d+) rows", str(exc))
        assert found, str(exc)
        sizes = [int(v) for v in found.groups()]
        check_sizes(sizes, setup)
        assert not long_enough(sizes, setup)
        assert f"window={window}" in str(exc)
        return
    bounds = [w.part_rows(split) for split in SPLITS]
    sizes = [hi - lo for lo, hi in bounds]
    check_sizes(sizes, setup)
    assert long_enough(sizes, setup)
    # contiguous parts, in time order, covering the series
    assert bounds[0][0] == 0 and bounds[2][1] == n
    assert bounds[0][1] == bounds[1][0] and bounds[1][1] == bounds[2][0]
    last_predicted = -1
    for split, (lo, hi) in zip(SPLITS, bounds, strict=True):
        x, y = w.arrays(split)
        assert x.shape[1:] == w.input_shape
        inputs, targets = rows_of(w, x[..., 0], 0), rows_of(w, y[..., 0], 0)
        if setup["feature"]:
            np.testing.assert_array_equal(rows_of(w, x[..., 1], 1), 1000 - 2 * inputs)
        # inputs are `window` consecutive rows of the past, never from a later part
        assert (np.diff(inputs, axis=1) == 1).all()
        assert inputs.min() >= 0 and inputs.max() < hi
        if k is None:  # many-to-many: targets are the inputs shifted by one step
            np.testing.assert_array_equal(targets, inputs + 1)
            predicted, first = targets[:, -1], targets[:, -1]
        else:  # horizon: the k rows right after the window
            np.testing.assert_array_equal(targets, inputs[:, -1:] + 1 + np.arange(k))
            predicted, first = targets.ravel(), targets[:, 0]
        # every predicted step lies inside its own part, after all of its inputs
        assert predicted.min() >= lo and predicted.max() < hi
        assert (inputs.max(axis=1) < first).all()
        # each row of the part with `window` rows of past is predicted once, in time order
        start = max(lo, window)
        if k is None:
            np.testing.assert_array_equal(predicted, np.arange(start, hi))
        else:
            np.testing.assert_array_equal(first, np.arange(start, hi - k + 1))
            assert set(predicted.tolist()) == set(range(start, hi))
        if split != "train":
            assert start == lo  # val and test: every one of their rows is predicted
        # parts do not overlap and follow each other in time
        assert predicted.min() > last_predicted
        last_predicted = predicted.max()


def _batches(dataset) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = zip(*((x.numpy(), y.numpy()) for x, y in dataset), strict=True)
    return np.concatenate(xs), np.concatenate(ys)


@examples(12)
@given(window_setups(min_n=60), st.integers(1, 16), st.integers(0, 2**31 - 1))
def test_tf_datasets_hold_exactly_the_windows_of_arrays(setup, batch_size, seed):
    try:
        w = counting_windows(setup, batch_size=batch_size, shuffle=True, seed=seed)
    except ValueError:
        assume(False)
    for split in ("val", "test"):  # in time order
        x, y = _batches(w.dataset(split))
        ax, ay = w.arrays(split)
        np.testing.assert_array_equal(x, ax)
        np.testing.assert_array_equal(y, ay)
    # training windows are shuffled: the same windows, each exactly once
    x, y = _batches(w.train)
    ax, ay = w.arrays("train")
    assert len(x) == len(ax)
    order = np.argsort(x[:, 0, 0], kind="stable")
    np.testing.assert_array_equal(x[order], ax)
    np.testing.assert_array_equal(y[order], ay)


# ============================================================================ transforms

positive_series = hnp.arrays(np.float64, st.integers(12, 120),
                             elements=st.floats(0.01, 1e6, allow_nan=False))


@examples(60)
@given(positive_series, st.booleans(), st.booleans(),
       st.sampled_from(["standard", "minmax", None]), st.data())
def test_inverse_transform_undoes_log_difference_and_scaler(values, log, difference, scale,
                                                            data):
    w = SeriesWindows(pd.DataFrame({"v": values}), window=2, log=log, difference=difference,
                      scale=scale, split=(0.6, 0.2, 0.2))
    levels = np.log(values) if log else values
    transformed = np.diff(levels) if difference else levels
    # the scaler is fit on the training part only
    lo, hi = w.part_rows("train")
    train = transformed[lo:hi]
    center, spread = w.scaler["center"][0], w.scaler["scale"][0]
    if scale == "standard":
        np.testing.assert_allclose(center, train.mean(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(spread, train.std() if train.std() > 0 else 1.0, rtol=1e-12)
    elif scale == "minmax":
        assert center == train.min()
        np.testing.assert_allclose(spread, np.ptp(train) if np.ptp(train) > 0 else 1.0,
                                   rtol=1e-12)
    else:
        assert (center, spread) == (0.0, 1.0)
    scaled = (transformed - center) / spread
    start = data.draw(st.integers(0, len(transformed) - 1), label="start")
    tolerance = dict(rtol=1e-9, atol=1e-9 * values.max())
    if difference:  # row `start` of the differences leads to original row `start + 1`
        back = w.inverse_transform(scaled[start:], anchor=values[start])
        np.testing.assert_allclose(back, values[start + 1:], **tolerance)
        # continuing the data with zero change stays at the last value
        flat = w.inverse_transform(np.full(3, (0.0 - center) / spread))
        np.testing.assert_allclose(flat, np.full(3, values[-1]), **tolerance)
    else:
        back = w.inverse_transform(scaled[start:])
        np.testing.assert_allclose(back, values[start:], **tolerance)


@examples(40)
@given(hnp.arrays(np.int64, st.integers(20, 100), elements=st.integers(-10_000, 10_000)),
       st.integers(1, 5))
def test_difference_round_trip_through_float32_windows_is_exact(values, window):
    w = SeriesWindows(pd.DataFrame({"v": values}), window=window, difference=True, scale=None,
                      split=(0.6, 0.2, 0.2))
    x, y = w.arrays("test")
    lo, _ = w.part_rows("test")
    # the many-to-many targets of the last window: the differences of the last `window` rows
    back = w.inverse_transform(y[-1, :, 0], anchor=values[-window - 1])
    np.testing.assert_array_equal(back, values[-window:])
    # and the first test window's inputs give back the rows before the test part
    back = w.inverse_transform(x[0, :, 0], anchor=values[lo - window])
    np.testing.assert_array_equal(back, values[lo - window + 1: lo + 1])


# ============================================================================ vocabularies

@examples(80)
@given(st.text(min_size=1, max_size=300))
def test_char_vocab_round_trip(text):
    vocab = CharVocab.from_text(text)
    assert vocab.chars == sorted(set(text)) and len(vocab) == len(set(text))
    ids = vocab.encode(text)
    assert ids.dtype == np.int32 and ids.shape == (len(text),)
    assert ids.min() >= 0 and ids.max() < len(vocab)
    assert vocab.decode(ids) == text
    assert vocab.decode(ids.tolist()) == text
    again = CharVocab.from_json(vocab.to_json())
    assert again == vocab
    np.testing.assert_array_equal(again.encode(text), ids)


@examples(60)
@given(st.text(min_size=1, max_size=50), st.text(min_size=1, max_size=50))
def test_char_vocab_names_unknown_characters_and_replaces_them(known, other):
    vocab = CharVocab.from_text(known)
    text = known + other
    unknown = [i for i, char in enumerate(text) if char not in set(known)]
    if not unknown:
        assert vocab.decode(vocab.encode(text)) == text
        return
    with pytest.raises(ValueError) as info:
        vocab.encode(text)
    first = unknown[0]
    assert f"{text[first]!r} at {first}" in str(info.value)
    stand_in = vocab.chars[0]
    replaced = vocab.decode(vocab.encode(text, replace=stand_in))
    assert replaced == "".join(stand_in if i in set(unknown) else c for i, c in enumerate(text))


texts = st.lists(st.text(alphabet="abcAB z'.,!\n19é-", max_size=60), min_size=1, max_size=12)


@examples(80)
@given(texts, st.integers(1, 12), st.integers(3, 10))
def test_word_vocab_round_trips(corpus, max_length, max_tokens):
    words = [WordVocab.tokenize(text) for text in corpus]
    if not any(words):
        with pytest.raises(ValueError, match="no words"):
            WordVocab.from_texts(corpus)
        return
    vocab = WordVocab.from_texts(corpus, max_tokens=None)
    # ids: 0 padding, 1 unknown, then the words by decreasing frequency (ties alphabetical)
    counts = {t: sum(ws.count(t) for ws in words) for t in vocab.tokens}
    assert sorted(counts) == sorted(set(sum(words, [])))
    assert vocab.tokens == sorted(vocab.tokens, key=lambda t: (-counts[t], t))
    for text, tokens in zip(corpus, words, strict=True):
        ids = vocab.encode(text)
        assert (ids >= 2).all() and len(ids) == len(tokens)
        assert vocab.decode(ids) == " ".join(tokens)
    # a padded batch: each row is the text's ids, cut to max_length ("post" or "pre"), then 0s
    for truncate in ("post", "pre"):
        batch = vocab.encode_batch(corpus, max_length=max_length, truncate=truncate)
        assert batch.shape == (len(corpus), max_length) and batch.dtype == np.int32
        for row, text in zip(batch, corpus, strict=True):
            ids = vocab.encode(text)
            kept = ids[:max_length] if truncate == "post" else ids[len(ids) - max_length:]
            kept = kept if len(ids) > max_length else ids
            np.testing.assert_array_equal(row[: len(kept)], kept)
            assert (row[len(kept):] == 0).all()
    longest = vocab.encode_batch(corpus)
    assert longest.shape == (len(corpus), max(1, max(len(ws) for ws in words)))
    # JSON keeps the ids
    again = WordVocab.from_json(vocab.to_json())
    assert again == vocab
    np.testing.assert_array_equal(again.encode_batch(corpus), longest)
    # a capped vocabulary keeps the most frequent words; the others decode as <unk>
    small = WordVocab.from_texts(corpus, max_tokens=max_tokens)
    assert small.tokens == vocab.tokens[: max_tokens - 2] and len(small) <= max_tokens
    for text, tokens in zip(corpus, words, strict=True):
        expected = [t if t in small.tokens else "<unk>" for t in tokens]
        assert small.decode(small.encode(text)) == " ".join(expected)


# ============================================================================ sample_logits

#: float32 logits; subnormals left out (TF on CPU flushes them to zero, so argmax cannot
#: tell 1e-45 from 0).
LOGIT = st.floats(-10, 10, width=32, allow_subnormal=False)


def logit_rows(min_vocab: int = 1, max_vocab: int = 12) -> st.SearchStrategy[np.ndarray]:
    return st.integers(min_vocab, max_vocab).flatmap(
        lambda v: hnp.arrays(np.float32, v, elements=LOGIT))


seeds = st.integers(0, 2**31 - 1)
DRAWS = 64  # each row is repeated: 64 draws per call


def _tol(row: np.ndarray) -> float:
    """Slack for float32 rounding of (logits - max) / temperature."""
    return 1e-5 * (1.0 + float(np.abs(row).max()))


@examples(50)
@given(st.integers(1, 6).flatmap(lambda b: st.integers(1, 12).flatmap(
           lambda v: hnp.arrays(np.float32, (b, v), elements=LOGIT))),
       st.floats(0.0, 5.0), st.none() | st.integers(1, 12), st.none() | st.floats(0.01, 1.0),
       seeds, st.data())
def test_sample_logits_ids_in_range_repeatable_and_greedy_at_zero(logits, temperature, top_k,
                                                                  top_p, seed, data):
    batch, vocab = logits.shape
    top_k = None if top_k is None else min(top_k, vocab)
    # forbid some ids with -inf (at least one stays allowed per row)
    mask = data.draw(hnp.arrays(np.bool_, logits.shape), label="mask")
    mask[:, 0] = False
    logits = np.where(mask, -np.inf, logits).astype(np.float32)
    kwargs = dict(top_k=top_k, top_p=top_p, seed=seed)
    ids = sample_logits(logits, temperature=temperature, **kwargs)
    assert ids.shape == (batch,) and ids.dtype == np.int32
    assert ((ids >= 0) & (ids < vocab)).all()
    assert not mask[np.arange(batch), ids].any()  # a forbidden id is never drawn
    np.testing.assert_array_equal(sample_logits(logits, temperature=temperature, **kwargs), ids)
    # temperature 0 is argmax, whatever the filters; per-row temperatures mix both
    greedy = sample_logits(logits, temperature=0, **kwargs)
    np.testing.assert_array_equal(logits[np.arange(batch), greedy], logits.max(axis=1))
    temps = [0.0 if r % 2 == 0 else max(temperature, 0.1) for r in range(batch)]
    mixed = sample_logits(logits, temperature=temps, **kwargs)
    np.testing.assert_array_equal(logits[np.arange(0, batch, 2), mixed[::2]],
                                  logits[::2].max(axis=1))
    # one row in, one int out
    single = sample_logits(logits[0], temperature=temperature, **kwargs)
    assert isinstance(single, int) and 0 <= single < vocab


@examples(50)
@given(logit_rows(), st.integers(1, 12), st.floats(0.05, 5.0), seeds)
def test_top_k_never_draws_outside_the_top_k(row, k, temperature, seed):
    k = min(k, len(row))
    ids = sample_logits(np.tile(row, (DRAWS, 1)), top_k=k, temperature=temperature, seed=seed)
    kth_largest = np.sort(row)[::-1][k - 1]
    assert (row[ids] >= kth_largest - _tol(row)).all()


@examples(50)
@given(logit_rows(min_vocab=2), st.floats(0.01, 1.0), st.floats(0.2, 3.0), seeds)
def test_top_p_draws_only_from_the_smallest_prefix_reaching_p(row, p, temperature, seed):
    ids = sample_logits(np.tile(row, (DRAWS, 1)), top_p=p, temperature=temperature, seed=seed)
    scaled = row.astype(np.float64) / temperature
    probs = np.exp(scaled - scaled.max())
    probs /= probs.sum()
    ranked = np.sort(probs)[::-1]
    mass_before = np.concatenate([[0.0], np.cumsum(ranked)[:-1]])
    # the prefix, most likely first, up to the first id whose inclusion reaches p (the
    # float32 mass of the sampler may differ from this float64 mass by ~1e-6)
    size = int(np.sum(mass_before < p + 1e-5)) if p < 1 else len(row)
    threshold = ranked[size - 1]
    assert (probs[ids] >= threshold * (1 - 1e-4)).all()


@examples(30)
@given(logit_rows(min_vocab=2), seeds)
def test_same_seed_same_ids_and_the_seed_matters(row, seed):
    logits = np.tile(row, (DRAWS, 1))
    first = sample_logits(logits, seed=seed)
    np.testing.assert_array_equal(sample_logits(logits, seed=seed), first)
    probs = np.exp(row - row.max())
    probs /= probs.sum()
    # with two or more ids of probability ≥ 0.2, 64 draws of two seeds differ somewhere
    if np.sum(probs >= 0.2) >= 2:
        assert (sample_logits(logits, seed=seed + 1) != first).any()
