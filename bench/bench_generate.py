"""Text-generation speed: the keras.io predict loop, a hand-written XLA loop, and `generate`.

Embedding(64) → LSTM(256) → Dense on the Shakespeare vocabulary, 500 new
characters from a 20-character seed, all measured side by side in one run:

* the keras.io-style loop: `model.predict` on the last 40 characters for every
  new character (measured on `--predict-chars` characters and extrapolated to
  chars/s, since it is some 2,000x slower);
* a hand-written sampler: the LSTM equations written out in TensorFlow over
  the model's own weights, the whole 500-step loop in one `tf.function` with
  `jit_compile=True` and `tf.random.stateless_categorical`;
* `rnnkit.generate`, for 1 and for 32 sequences at once.

Each compiled sampler is timed once for its first call (tracing + XLA
compilation + run) and then `--repeats` times, the samplers taking turns so
that all see the same load; the best repeat counts (the machine is shared).
Speed does not depend on the weights, so the model is left untrained.

Run: `.venv/bin/python bench/bench_generate.py`
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from rnnkit import CharVocab, build_generator, generate  # noqa: E402
from rnnkit.datasets import load_shakespeare  # noqa: E402

LENGTH = 500
WINDOW = 40


def predict_loop(model, vocab: CharVocab, seed_text: str, length: int, rng) -> str:
    """The keras.io loop: re-read a 40-character window with `model.predict` per character."""
    ids = list(vocab.encode(seed_text))
    for _ in range(length):
        window = np.array(ids[-WINDOW:], dtype=np.int32)[None, :]
        logits = model.predict(window, verbose=0)[0, -1].astype(np.float64)
        probs = np.exp(logits - logits.max())
        ids.append(int(rng.choice(len(probs), p=probs / probs.sum())))
    return vocab.decode(ids)


def hand_xla_sampler(model, length: int):
    """A hand-written whole-loop XLA sampler for Embedding → LSTM → Dense (batch of seeds)."""
    embedding = model.get_layer("embedding").embeddings
    cell = model.get_layer("lstm_1").cell
    dense = model.get_layer("logits")
    units = cell.units

    @tf.function(jit_compile=True)
    def run(prime, temperature, seed):
        batch = tf.shape(prime)[0]
        h = tf.zeros((batch, units))
        c = tf.zeros((batch, units))

        def lstm(ids, h, c):
            z = (tf.matmul(tf.gather(embedding, ids), cell.kernel)
                 + tf.matmul(h, cell.recurrent_kernel) + cell.bias)
            i, f, g, o = tf.split(z, 4, axis=1)
            c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
            return tf.sigmoid(o) * tf.tanh(c), c

        for t in range(prime.shape[1]):  # the seed, read once
            h, c = lstm(prime[:, t], h, c)

        def body(t, h, c, out):
            logits = tf.matmul(h, dense.kernel) + dense.bias
            ids = tf.random.stateless_categorical(logits / temperature, 1,
                                                  seed=tf.stack([seed, t]))[:, 0]
            ids = tf.cast(ids, tf.int32)
            h, c = lstm(ids, h, c)
            return t + 1, h, c, out.write(t, ids)

        out = tf.TensorArray(tf.int32, size=length)
        _, _, _, out = tf.while_loop(lambda t, *_: t < length, body, (0, h, c, out))
        return tf.transpose(out.stack())

    return run


def timed(fns: dict, repeats: int) -> dict[str, tuple[float, float]]:
    """{name: (first-call seconds, best of `repeats` later calls)}, the samplers interleaved.

    Each round times every sampler once, so that all see the same load on a shared machine.
    """
    first = {}
    for name, fn in fns.items():
        start = time.perf_counter()
        fn()
        first[name] = time.perf_counter() - start
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: (first[name], best[name]) for name in fns}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--predict-chars", type=int, default=30,
                        help="characters for the (slow) predict loop")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    text = load_shakespeare()
    vocab = CharVocab.from_text(text)
    model = build_generator(len(vocab), cell="lstm", units=256, embedding_dim=64, seed=0)
    seed_text = text[text.index("FALSTAFF:\n"):][:20]
    print(f"model: Embedding(64) → LSTM(256) → Dense({len(vocab)}), {model.count_params():,} "
          f"weights; {LENGTH} characters from a {len(seed_text)}-character seed "
          f"{seed_text!r}; TensorFlow {tf.__version__}, {os.cpu_count()} CPU core(s)\n")

    rows = []  # (name, chars per call, first-call s, best s)
    rng = np.random.default_rng(0)
    model.predict(vocab.encode(seed_text)[None, :], verbose=0)  # build predict once
    start = time.perf_counter()
    predict_loop(model, vocab, seed_text, args.predict_chars, rng)
    per_char = (time.perf_counter() - start) / args.predict_chars
    rows.append(("predict loop (keras.io, 40-char window)", 1, float("nan"), per_char))

    hand = hand_xla_sampler(model, LENGTH)
    seeds = iter(range(1_000_000))
    fns = {}
    for batch in (1, 32):
        prime = tf.constant(np.tile(vocab.encode(seed_text), (batch, 1)))
        fns[f"hand-written XLA loop, {batch} seq"] = (
            lambda p=prime: hand(p, tf.constant(1.0), tf.constant(next(seeds))).numpy())
        fns[f"rnnkit.generate, {batch} seq"] = (
            lambda b=batch: generate(model, vocab, seed_text, length=LENGTH, num_samples=b,
                                     seed=next(seeds)))
    for name, (first, best) in timed(fns, args.repeats).items():
        rows.append((name, (32 if "32 seq" in name else 1) * LENGTH, first, best))
    speed = {name: chars / best for name, chars, _, best in rows}
    predict = speed[rows[0][0]]
    print(f"{'sampler':42s} {'chars/s':>10s} {'x predict':>10s} {'x hand XLA':>11s} "
          f"{'first call':>11s}")
    for name, _, first, _ in rows:
        batch = "32 seq" if "32 seq" in name else "1 seq"
        hand_speed = speed.get(f"hand-written XLA loop, {batch}", float("nan"))
        first_s = "-" if np.isnan(first) else f"{first:.2f} s"
        chars_s = f"{speed[name]:10,.0f}" if speed[name] >= 100 else f"{speed[name]:10.1f}"
        hand_s = "-" if name == rows[0][0] else f"{speed[name] / hand_speed:.2f}"
        print(f"{name:42s} {chars_s} {speed[name] / predict:10,.0f} {hand_s:>11s} "
              f"{first_s:>11s}")
    gen1, gen32 = speed["rnnkit.generate, 1 seq"], speed["rnnkit.generate, 32 seq"]
    hand1 = speed["hand-written XLA loop, 1 seq"]
    print(f"\n(predict loop measured on {args.predict_chars} characters, extrapolated)")
    print(f"goal generate >= 2,000x predict loop: {gen1 / predict:,.0f}x "
          f"{'OK' if gen1 / predict >= 2000 else 'MISSED'}")
    print(f"goal generate >= 1.0x hand-written XLA: {gen1 / hand1:.2f}x "
          f"{'OK' if gen1 / hand1 >= 1.0 else 'MISSED'}")
    print(f"goal generate(num_samples=32) >= 60,000 chars/s: {gen32:,.0f} "
          f"{'OK' if gen32 >= 60_000 else 'MISSED'}")


if __name__ == "__main__":
    main()
