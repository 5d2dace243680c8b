"""rnnkit.scores against hand-computed values: classifier scores and the unigram entropy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnkit.scores import (
    ClassifierScores,
    classifier_scores,
    scores_from_probabilities,
    unigram_entropy,
)
from tests._bad_input import bad_input_test, case, t

PROBABILITIES = np.array([[0.7, 0.2, 0.1],
                          [0.1, 0.8, 0.1],
                          [0.3, 0.3, 0.4],
                          [0.5, 0.4, 0.1]])
LABELS = np.array([0, 1, 1, 1])


def test_scores_by_hand():
    scores = scores_from_probabilities(PROBABILITIES, LABELS)
    # argmax: 0, 1, 2, 0 -> right on rows 0 and 1
    assert scores.accuracy == 0.5
    # -(log 0.7 + log 0.8 + log 0.3 + log 0.4) / 4
    expected = -(math.log(0.7) + math.log(0.8) + math.log(0.3) + math.log(0.4)) / 4
    assert scores.cross_entropy == pytest.approx(expected, rel=1e-12)
    assert scores.cross_entropy == pytest.approx(0.6750, abs=1e-4)
    # label 1 is three rows of four
    assert scores.majority_accuracy == 0.75
    assert scores == ClassifierScores(0.5, scores.cross_entropy, 0.75)


def test_a_sure_mistake_costs_the_clipped_log():
    scores = scores_from_probabilities(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1, 1]))
    assert scores.accuracy == 0.5
    assert scores.cross_entropy == pytest.approx(-math.log(1e-7) / 2)
    assert scores.majority_accuracy == 1.0


def test_perfect_predictions_cost_nothing():
    scores = scores_from_probabilities(np.eye(3), np.array([0, 1, 2]))
    assert (scores.accuracy, scores.cross_entropy) == (1.0, 0.0)
    assert scores.majority_accuracy == pytest.approx(1 / 3)


class _Fixed:
    """A stand-in model: `predict` returns fixed probabilities and records its arguments."""

    def __init__(self, probabilities):
        self.probabilities, self.calls = probabilities, []

    def predict(self, x, batch_size=None, verbose=None):
        self.calls.append((len(x), batch_size, verbose))
        return self.probabilities


def test_classifier_scores_predicts_quietly_then_scores():
    model = _Fixed(PROBABILITIES)
    scores = classifier_scores(model, np.zeros((4, 5, 2)), LABELS, batch_size=512)
    assert model.calls == [(4, 512, 0)]
    assert scores == scores_from_probabilities(PROBABILITIES, LABELS)


def test_classifier_scores_agrees_with_keras_on_a_real_model():
    keras = pytest.importorskip("keras")
    from rnnkit.models import build_classifier

    model = build_classifier((3, 2), 3, units=2, seed=0)
    x = np.random.default_rng(0).normal(size=(8, 3, 2)).astype("float32")
    y = np.array([0, 1, 2, 0, 1, 2, 0, 0], dtype="int32")
    scores = classifier_scores(model, x, y)
    loss = keras.losses.sparse_categorical_crossentropy(y, model.predict(x, verbose=0))
    assert scores.cross_entropy == pytest.approx(float(np.mean(loss)), rel=1e-4)
    assert scores.majority_accuracy == 0.5


def test_unigram_entropy_by_hand():
    assert unigram_entropy(np.array([3, 3, 3]), vocab_size=4) == 0.0
    assert unigram_entropy(np.array([0, 1]), vocab_size=2) == pytest.approx(math.log(2))
    # frequencies 1/2, 1/4, 1/4: 0.5 log 2 + 2 * 0.25 log 4 = 1.5 log 2
    assert unigram_entropy(np.array([0, 0, 1, 2]), vocab_size=5) == pytest.approx(
        1.5 * math.log(2))
    assert unigram_entropy([0, 1, 2, 3], 4) == pytest.approx(math.log(4))  # a list works too


def test_unigram_entropy_is_a_context_free_models_best_loss():
    ids = np.random.default_rng(0).choice(4, size=1000, p=[0.5, 0.3, 0.15, 0.05])
    frequencies = np.bincount(ids) / len(ids)
    expected = -sum(f * math.log(f) for f in frequencies)
    assert unigram_entropy(ids, vocab_size=4) == pytest.approx(expected, rel=1e-12)
    assert unigram_entropy(ids, vocab_size=4) < math.log(4)  # below a uniform guess


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    case("scores-probabilities-one-dimensional",
         t(scores_from_probabilities, np.array([0.2, 0.8]), np.array([1])), ValueError,
         "probabilities has shape (2,)", "(n, num_classes)"),
    case("scores-labels-wrong-length", t(scores_from_probabilities, np.eye(2), np.array([0])),
         ValueError, "labels must be 2 integer labels", "got shape (1,)"),
    case("scores-labels-float", t(scores_from_probabilities, np.eye(2), np.array([0.0, 1.0])),
         ValueError, "labels must be", "float64"),
    case("scores-label-outside-classes",
         t(scores_from_probabilities, np.eye(2), np.array([0, 2])), ValueError,
         "the label 2", "2 classes (0..1)"),
    case("scores-entropy-empty", t(unigram_entropy, np.array([], dtype=int), 3), ValueError,
         "ids must be a non-empty 1-D array", "shape (0,)"),
    case("scores-entropy-id-outside", t(unigram_entropy, np.array([0, 5]), 3), ValueError,
         "ids hold 0..5", "outside 0..2", "vocab_size=3"),
    case("scores-entropy-vocab-size-zero", t(unigram_entropy, np.array([0]), 0), ValueError,
         "vocab_size=0"),
]

test_bad_input = bad_input_test(BAD_INPUT)
