"""Scores that put a trained model next to the simplest baseline, as plain NumPy.

A classifier's accuracy means little without the accuracy of always answering
the most common class, and a character model's loss means little without the
entropy of the characters' own frequencies (a model that ignores context
scores exactly that). These functions compute both sides; they need only
NumPy, so they import without TensorFlow.

Example:
>>> import numpy as np
>>> probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
>>> scores = scores_from_probabilities(probabilities, np.array([0, 1, 1]))
>>> round(scores.accuracy, 4), round(scores.majority_accuracy, 4)
(0.6667, 0.6667)
>>> round(unigram_entropy(np.array([0, 0, 1, 1]), vocab_size=3), 4)  # log(2)
0.6931
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnkit._checks import check_int

__all__ = ["ClassifierScores", "classifier_scores", "scores_from_probabilities",
           "unigram_entropy"]

#: Probabilities are clipped to this floor before the log: one sure mistake costs ~16 nats.
PROBABILITY_FLOOR = 1e-7


@dataclass(frozen=True)
class ClassifierScores:
    """A classifier's scores on labelled data, with the majority-class baseline.

    Attributes:
        accuracy: the share of rows whose most probable class is the label.
        cross_entropy: the mean of `-log p(label)` in nats (Keras'
            `sparse_categorical_crossentropy`), with `p` clipped at 1e-7.
        majority_accuracy: the accuracy of always answering the most common
            label of the data (the baseline to beat).

    Example:
    >>> ClassifierScores(accuracy=0.9, cross_entropy=0.3, majority_accuracy=0.5).accuracy
    0.9
    """

    accuracy: float
    cross_entropy: float
    majority_accuracy: float


def _check_labels(labels: Any, rows: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != rows or len(labels) == 0 \
            or not np.issubdtype(labels.dtype, np.integer) or np.any(labels < 0):
        raise ValueError(f"labels must be {rows} integer labels >= 0 of shape ({rows},), one "
                         f"per row of the probabilities; got shape {labels.shape} of "
                         f"{labels.dtype}.")
    return labels


def scores_from_probabilities(probabilities: Any, labels: Any) -> ClassifierScores:
    """Score class probabilities against integer labels.

    Args:
        probabilities: `(n, num_classes)` class probabilities (a softmax output).
        labels: `(n,)` integer labels in `0..num_classes-1`.

    Returns:
        The :class:`ClassifierScores`.

    Raises:
        ValueError: if the shapes disagree, or a label is not a class of
            `probabilities`.

    Example:
    >>> scores = scores_from_probabilities(np.array([[0.5, 0.5], [0.1, 0.9]]), np.array([1, 1]))
    >>> round(scores.cross_entropy, 4)  # (log 2 + log(1/0.9)) / 2
    0.3993
    """
    probabilities = np.asarray(probabilities, dtype="float64")
    if probabilities.ndim != 2 or probabilities.shape[1] == 0:
        raise ValueError(f"probabilities has shape {probabilities.shape}; it must be "
                         "(n, num_classes).")
    labels = _check_labels(labels, len(probabilities))
    classes = probabilities.shape[1]
    if labels.max() >= classes:
        raise ValueError(f"labels hold the label {int(labels.max())}, but the probabilities "
                         f"cover {classes} classes (0..{classes - 1}).")
    accuracy = float((probabilities.argmax(axis=1) == labels).mean())
    picked = np.clip(probabilities[np.arange(len(labels)), labels], PROBABILITY_FLOOR, 1.0)
    cross_entropy = float(-np.log(picked).mean())
    majority = float(np.bincount(labels).max() / len(labels))
    return ClassifierScores(accuracy, cross_entropy, majority)


def classifier_scores(model: Any, x: Any, y: Any, *, batch_size: int = 256) -> ClassifierScores:
    """Score a classifier on labelled data: accuracy, mean cross-entropy and the majority class.

    Args:
        model: a model whose `predict(x, batch_size=..., verbose=0)` gives class
            probabilities, e.g. one built by `rnnkit.models.build_classifier`.
        x: the inputs.
        y: `(n,)` integer labels.
        batch_size: rows per prediction batch.

    Returns:
        The :class:`ClassifierScores`.

    Example:
    >>> class Constant:  # any object with Keras' `predict` will do
    ...     def predict(self, x, batch_size=None, verbose=0):
    ...         return np.tile([0.25, 0.75], (len(x), 1))
    >>> scores = classifier_scores(Constant(), np.zeros((4, 6, 2)), np.array([0, 1, 1, 1]))
    >>> scores.accuracy, round(scores.cross_entropy, 4)  # -(log 0.25 + 3 log 0.75) / 4
    (0.75, 0.5623)
    """
    probabilities = model.predict(x, batch_size=batch_size, verbose=0)
    return scores_from_probabilities(probabilities, y)


def unigram_entropy(ids: Any, vocab_size: int) -> float:
    """The entropy, in nats, of the token frequencies of `ids`: a context-free model's loss.

    A language model that ignores context at best predicts every token with
    its frequency in the text; its cross-entropy is this entropy. A model
    that learned something scores below it.

    Args:
        ids: 1-D integer token ids in `0..vocab_size-1` (e.g. `vocab.encode(text)`).
        vocab_size: the number of distinct tokens.

    Returns:
        `-sum(f * log f)` over the tokens' frequencies `f` (tokens that never
        occur count 0).

    Raises:
        ValueError: if `ids` is empty, not 1-D integers, or holds an id outside
            `0..vocab_size-1`.

    Example:
    >>> round(unigram_entropy(np.array([0, 1, 2, 3]), vocab_size=4), 4)  # log(4)
    1.3863
    """
    vocab_size = check_int("vocab_size", vocab_size)
    ids = np.asarray(ids)
    if ids.ndim != 1 or len(ids) == 0 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a non-empty 1-D array of integer token ids; got shape "
                         f"{ids.shape} of {ids.dtype}.")
    if ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"ids hold {int(ids.min())}..{int(ids.max())}, outside "
                         f"0..{vocab_size - 1} (vocab_size={vocab_size}).")
    counts = np.bincount(ids, minlength=vocab_size)
    frequencies = counts[counts > 0] / counts.sum()
    return float(-(frequencies * np.log(frequencies)).sum())
