"""Property-based tests (hypothesis) of `sample_logits`.

Ids in range, `top_k` and `top_p` never draw outside their sets,
`temperature=0` is argmax, the same seed gives the same ids.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rnnkit.sampling import sample_logits

pytestmark = pytest.mark.filterwarnings("ignore:You are using a softmax over axis -1:UserWarning")


def examples(count: int) -> settings:
    """Modest, deadline-free settings (the first call of a TF op can be slow)."""
    return settings(max_examples=count, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# ============================================================================ sample_logits

#: float32 logits; subnormals left out (TF on CPU flushes them to zero, so argmax cannot
#: tell 1e-45 from 0).
LOGIT = st.floats(-10, 10, width=32, allow_subnormal=False)


def logit_rows(min_vocab: int = 1, max_vocab: int = 12) -> st.SearchStrategy[np.ndarray]:
    return st.integers(min_vocab, max_vocab).flatmap(
        lambda v: hnp.arrays(np.float32, v, elements=LOGIT))


seeds = st.integers(0, 2**31 - 2)  # the largest seed is 2**31 - 1: `seed + 1` must fit
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
