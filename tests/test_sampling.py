"""sample_logits statistics and generate: quality, seeds, compiling once, the chunked loop.

(The one-step model is tested in test_step_model.py.)
"""

import keras
import numpy as np
import pytest

from rnnkit import sampling_loop
from rnnkit.datasets import load_shakespeare
from rnnkit.models import build_generator
from rnnkit.sampling import generate, sample_logits
from rnnkit.sampling_loop import loop_for
from rnnkit.text import CharVocab, WordVocab, text_dataset
from tests._bad_input import bad_input_test, case, t, using

# chi-square critical values at significance 0.001 (a correct sampler fails 1 run in 1,000;
# all seeds are fixed, so the tests are deterministic anyway)
CHI2_CRITICAL_0_001 = {1: 10.828, 2: 13.816, 3: 16.266, 4: 18.467, 5: 20.515}


def chi_square(draws: np.ndarray, probs: np.ndarray) -> float:
    counts = np.bincount(draws, minlength=len(probs))
    expected = probs * len(draws)
    kept = expected > 0
    assert counts[~kept].sum() == 0, "drew an id of probability 0"
    return float(((counts[kept] - expected[kept]) ** 2 / expected[kept]).sum())


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


# ----------------------------------------------------------------------------- sample_logits

LOGITS = np.array([1.5, -0.3, 0.0, 2.2, 0.7, -1.2], dtype=np.float32)


@pytest.mark.parametrize("temperature", [1.0, 0.5])
def test_sample_logits_matches_softmax_chi_square(temperature):
    draws = sample_logits(np.tile(LOGITS, (20_000, 1)), temperature=temperature, seed=3)
    assert draws.shape == (20_000,)
    stat = chi_square(draws, softmax(LOGITS / temperature))
    assert stat < CHI2_CRITICAL_0_001[5], stat


def test_sample_logits_chi_square_detects_a_wrong_distribution():
    # the test above can fail: the same draws do not fit a different distribution
    draws = sample_logits(np.tile(LOGITS, (20_000, 1)), temperature=1.0, seed=3)
    assert chi_square(draws, softmax(LOGITS / 0.8)) > CHI2_CRITICAL_0_001[5]


def test_top_k_never_draws_outside_the_top_k():
    draws = sample_logits(np.tile(LOGITS, (20_000, 1)), top_k=3, seed=4)
    top3 = np.argsort(-LOGITS)[:3]
    assert set(np.unique(draws)) == set(top3)
    probs = np.zeros_like(LOGITS)
    probs[top3] = softmax(LOGITS[top3])
    assert chi_square(draws, probs) < CHI2_CRITICAL_0_001[2]


@pytest.mark.parametrize(
    ("top_p", "kept"),
    [(0.3, 1), (0.4, 1), (0.41, 2), (0.65, 2), (0.7, 2), (0.71, 3), (0.95, 4), (1.0, 5)],
)
def test_top_p_keeps_the_smallest_prefix_reaching_p(top_p, kept):
    # probabilities 0.4, 0.3, 0.2, 0.06, 0.04 scattered over the ids; p on a boundary
    # (0.4, 0.7) reaches it
    probs = np.array([0.06, 0.3, 0.04, 0.4, 0.2])
    order = np.argsort(-probs)  # 3, 1, 4, 0, 2
    draws = sample_logits(np.tile(np.log(probs), (20_000, 1)), top_p=top_p, seed=5)
    assert set(np.unique(draws)) == set(order[:kept])
    expected = np.zeros_like(probs)
    expected[order[:kept]] = probs[order[:kept]] / probs[order[:kept]].sum()
    if kept > 1:
        assert chi_square(draws, expected) < CHI2_CRITICAL_0_001[kept - 1]


def test_top_k_and_top_p_combine():
    probs = np.array([0.4, 0.3, 0.2, 0.1])
    draws = sample_logits(np.tile(np.log(probs), (5_000, 1)), top_k=3, top_p=0.99, seed=6)
    # top-k keeps 0.4, 0.3, 0.2 (renormalised 4/9, 3/9, 2/9), whose mass reaches 0.99 only
    # with all three
    assert set(np.unique(draws)) == {0, 1, 2}
    draws = sample_logits(np.tile(np.log(probs), (5_000, 1)), top_k=3, top_p=0.7, seed=6)
    assert set(np.unique(draws)) == {0, 1}  # 4/9 < 0.7 <= 7/9


def test_temperature_zero_is_greedy_and_equals_top_k_1():
    rows = np.random.default_rng(0).normal(size=(50, 30)).astype(np.float32)
    greedy = sample_logits(rows, temperature=0, seed=1)
    np.testing.assert_array_equal(greedy, rows.argmax(axis=1))
    np.testing.assert_array_equal(sample_logits(rows, temperature=0, seed=2), greedy)
    np.testing.assert_array_equal(sample_logits(rows, top_k=1, seed=3), greedy)
    assert sample_logits([0.1, 3.0, 0.2], temperature=0) == 1


def test_one_temperature_per_row():
    rows = np.tile(LOGITS, (4, 1))
    draws = np.stack([sample_logits(rows, temperature=[0, 1.0, 0, 2.0], seed=s)
                      for s in range(200)])
    assert (draws[:, 0] == 3).all() and (draws[:, 2] == 3).all()  # greedy rows
    assert len(np.unique(draws[:, 1])) > 3 and len(np.unique(draws[:, 3])) > 3


def test_sample_logits_seed_is_repeatable():
    rows = np.tile(LOGITS, (100, 1))
    np.testing.assert_array_equal(sample_logits(rows, seed=7), sample_logits(rows, seed=7))
    assert not np.array_equal(sample_logits(rows, seed=7), sample_logits(rows, seed=8))


def test_masked_logits_are_never_drawn():
    logits = np.array([0.0, -np.inf, 0.0, -np.inf], dtype=np.float32)
    draws = sample_logits(np.tile(logits, (2_000, 1)), seed=0)
    assert set(np.unique(draws)) == {0, 2}


@pytest.mark.parametrize(
    ("logits", "kwargs", "match"),
    # (the other bad logits and settings are rows of BAD_INPUT below)
    [
        (LOGITS, dict(temperature="hot"), "temperature"),
        (LOGITS, dict(temperature=float("nan")), "temperature"),
        (LOGITS, dict(top_k=0), "top_k"),
        (LOGITS, dict(top_p=0.0), "top_p"),
        (LOGITS, dict(seed=1.5), "seed"),
    ],
)
def test_sample_logits_bad_input(logits, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sample_logits(logits, **kwargs)


def test_the_largest_seed_is_accepted():
    rows = np.tile(LOGITS, (10, 1))
    np.testing.assert_array_equal(sample_logits(rows, seed=2**31 - 1),
                                  sample_logits(rows, seed=2**31 - 1))


# ----------------------------------------------------------------------------- generate

@pytest.fixture(scope="module")
def shakespeare():
    return load_shakespeare()


@pytest.fixture(scope="module")
def trained(shakespeare):
    """A small LSTM trained for 150 steps on the sample, its validation loss and the baseline."""
    vocab = CharVocab.from_text(shakespeare)
    train_text, val_text = shakespeare[:-100_000], shakespeare[-100_000:]
    keras.utils.set_random_seed(0)
    train = text_dataset(train_text, vocab, seq_length=64, batch_size=64, seed=0).repeat()
    val = text_dataset(val_text, vocab, seq_length=64, batch_size=64, shuffle=False).take(10)
    model = build_generator(len(vocab), cell="lstm", units=96, embedding_dim=32,
                            learning_rate=5e-3, seed=0)
    model.fit(train, steps_per_epoch=150, epochs=1, verbose=0)
    val_loss = model.evaluate(val, verbose=0)[0]
    counts = np.bincount(vocab.encode(train_text), minlength=len(vocab))
    freq = counts[counts > 0] / counts.sum()
    unigram_entropy = float(-(freq * np.log(freq)).sum())
    return model, vocab, val_loss, unigram_entropy


def test_short_training_beats_the_unigram_entropy(trained):
    model, vocab, val_loss, entropy = trained
    assert val_loss < entropy - 0.6, (val_loss, entropy)
    text = generate(model, vocab, "FALSTAFF:\n", length=300, temperature=0.6, seed=1)
    assert text.startswith("FALSTAFF:\n") and len(text) == 310
    assert set(text) <= set(vocab.chars)
    # a trained model writes words: spaces and lower-case letters dominate
    new = text[10:]
    assert new.count(" ") > 20 and sum(c.islower() for c in new) > 150


def test_greedy_is_deterministic_and_equals_top_k_1(trained):
    model, vocab, *_ = trained
    a = generate(model, vocab, "BIRON:\n", length=120, temperature=0, seed=1)
    b = generate(model, vocab, "BIRON:\n", length=120, temperature=0, seed=2)
    c = generate(model, vocab, "BIRON:\n", length=120, top_k=1, seed=3)
    assert a == b == c


def test_seed_makes_output_repeatable(trained):
    model, vocab, *_ = trained
    a = generate(model, vocab, "BIRON:\n", length=150, seed=11)
    b = generate(model, vocab, "BIRON:\n", length=150, seed=11)
    c = generate(model, vocab, "BIRON:\n", length=150, seed=12)
    assert a == b and a != c
    assert generate(model, vocab, "BIRON:\n", length=100, top_p=0.9, seed=11) == \
        generate(model, vocab, "BIRON:\n", length=100, top_p=0.9, seed=11)


def test_second_call_does_not_compile_again(trained):
    model, vocab, *_ = trained
    sampler = loop_for(model)
    generate(model, vocab, "BIRON:\n", length=50, temperature=0.7, seed=1)
    generate(model, vocab, "BIRON:\n", length=50, top_k=5, seed=1)
    traces = sampler.traces
    generate(model, vocab, "PRINCE HENRY:\nWhat", length=333, temperature=1.3, seed=9)
    generate(model, vocab, "A", length=7, temperature=0.2, seed=123)
    generate(model, vocab, "BIRON:\n", length=80, top_k=9, top_p=0.5, seed=4)
    generate(model, vocab, "BIRON:\n", length=0, seed=4)
    assert sampler.traces == traces
    assert loop_for(model) is sampler


def test_batch_of_samples_with_one_temperature_each(trained):
    model, vocab, *_ = trained
    texts = generate(model, vocab, "BIRON:\n", length=100, temperature=[0, 0.7, 0],
                     num_samples=3, seed=5)
    assert isinstance(texts, list) and len(texts) == 3
    assert texts[0] == texts[2] == generate(model, vocab, "BIRON:\n", length=100,
                                            temperature=0)
    assert texts[1] != texts[0]


def test_chunked_loop_gives_the_same_text(trained, monkeypatch):
    model, vocab, *_ = trained
    seed_text = "FALSTAFF:\nNow, Master Shallow, you"
    expected = generate(model, vocab, seed_text, length=60, temperature=0.8, seed=3)
    monkeypatch.setattr(sampling_loop, "CHUNK", 7)
    monkeypatch.setattr(sampling_loop, "_LOOPS", type(sampling_loop._LOOPS)())
    assert loop_for(model).chunk == 7
    assert generate(model, vocab, seed_text, length=60, temperature=0.8, seed=3) == expected


def test_sampler_follows_retraining(trained):
    model, vocab, *_ = trained
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    before = generate(clone, vocab, "BIRON:\n", length=60, temperature=0)
    assert before == generate(model, vocab, "BIRON:\n", length=60, temperature=0)
    clone.set_weights([w * 0.5 for w in model.get_weights()])
    assert generate(clone, vocab, "BIRON:\n", length=60, temperature=0) != before


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- generate
    case("generate-empty-seed-text",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "")),
         ValueError, "seed_text=''", "non-empty"),
    case("generate-seed-text-unknown-chars",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab#")),
         ValueError, "seed_text", "'#' at 2"),
    case("generate-temperature-negative",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab",
                           temperature=-1.0)),
         ValueError, "temperature=-1.0", ">= 0"),
    case("generate-temperature-not-a-number",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab",
                           temperature="hot")),
         ValueError, "temperature='hot'"),
    case("generate-temperature-nan",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab",
                           temperature=float("nan"))),
         ValueError, "temperature=nan"),
    case("generate-temperature-list-length",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab",
                           temperature=[0.2, 0.6, 1.0], num_samples=2)),
         ValueError, "3 values", "2 samples"),
    case("generate-temperature-list-item",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab",
                           temperature=[0.2, -1], num_samples=2)),
         ValueError, "temperature[1]=-1"),
    case("generate-top-k-zero",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", top_k=0)),
         ValueError, "top_k=0"),
    case("generate-top-k-above-vocab",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", top_k=9)),
         ValueError, "top_k=9", "8 characters"),
    case("generate-top-p-zero",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", top_p=0.0)),
         ValueError, "top_p=0.0", "(0.0, 1.0]"),
    case("generate-top-p-above-one",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", top_p=1.5)),
         ValueError, "top_p=1.5"),
    case("generate-length-negative",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", length=-1)),
         ValueError, "length=-1"),
    case("generate-num-samples-zero",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", num_samples=0)),
         ValueError, "num_samples=0"),
    case("generate-seed-not-int",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", seed="abc")),
         ValueError, "seed='abc'"),
    case("generate-seed-negative",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", seed=-1)),
         ValueError, "seed=-1", ">= 0"),
    case("generate-seed-too-large",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", seed=2**31)),
         ValueError, "seed=2147483648", "<= 2147483647"),
    case("generate-model-vocab-size",
         using(lambda c: t(generate, c.shared.generator_9, c.shared.vocab, "ab")),
         ValueError, "9", "vocabulary has 8"),
    case("generate-not-a-char-vocab",
         using(lambda c: t(generate, c.shared.generator, WordVocab(["a"]), "ab")),
         ValueError, "vocab", "WordVocab", "CharVocab"),
    case("generate-not-a-model",
         using(lambda c: t(generate, "model.keras", c.shared.vocab, "ab")),
         ValueError, "model", "str"),
    case("generate-classifier-model",
         using(lambda c: t(generate, c.shared.classifier, c.shared.vocab, "ab")),
         ValueError, "Embedding", "build_generator"),
    # ---------------------------------------------------------------- sample_logits
    case("sample-logits-3d", t(sample_logits, np.zeros((1, 1, 3))), ValueError,
         "shape (1, 1, 3)"),
    case("sample-logits-empty", t(sample_logits, []), ValueError, "shape (0,)"),
    case("sample-logits-nan", t(sample_logits, [0.0, float("nan")]), ValueError, "NaN"),
    case("sample-logits-all-masked", t(sample_logits, [[-np.inf, -np.inf]]), ValueError,
         "all -inf"),
    case("sample-logits-not-numbers", t(sample_logits, ["a", "b"]), ValueError, "logits"),
    case("sample-logits-temperature", t(sample_logits, [1.0, 2.0], temperature=-0.5),
         ValueError, "temperature=-0.5"),
    case("sample-logits-temperature-per-row",
         t(sample_logits, [[1.0, 2.0]] * 2, temperature=[1.0, 1.0, 1.0]), ValueError,
         "3 values", "2 rows"),
    case("sample-logits-top-k", t(sample_logits, [1.0, 2.0, 3.0], top_k=4), ValueError,
         "top_k=4", "3"),
    case("sample-logits-top-p", t(sample_logits, [1.0, 2.0], top_p=2), ValueError, "top_p=2"),
    case("sample-logits-seed-negative", t(sample_logits, [1.0, 2.0], seed=-1), ValueError,
         "seed=-1", ">= 0"),
]

test_bad_input = bad_input_test(BAD_INPUT)
