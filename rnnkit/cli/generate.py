"""`rnnkit generate`: train a character model on a text, or load one, then generate text.

Options in, library calls out: the vocabulary and training pairs come from
:mod:`rnnkit.text`, the model from :func:`rnnkit.models.build_generator` (or,
with `--search TRIALS`, from :func:`rnnkit.tune` over settings around the
flags', validated on the last tenth of the text; the bundle records the
chosen ones), the text from :func:`rnnkit.sampling.generate`, the baseline
from :func:`rnnkit.scores.unigram_entropy`. Every option that needs no data
is checked before the text is read, and the seed text and `--top-k` are
checked against the vocabulary before training.

Example:
    $ rnnkit generate --epochs 3 --length 300 --out out/
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NamedTuple

from rnnkit.cli import _common as common
from rnnkit.cli import _distribute, _search

#: At most this many batches are scored after training.
SCORED_BATCHES = 20


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of `rnnkit generate`."""
    parser.add_argument("text", nargs="*", default=None, metavar="TEXT",
                        help="UTF-8 text file(s) or glob pattern(s) to train on, read in order "
                             "as one text (default: the Shakespeare sample)")
    common.add_common_options(parser, units=256, epochs=3, batch_size=64,
                       model_help="a generator bundle saved by an earlier run (its "
                                  "OUT/generator): generate with it, without training")
    _distribute.add_strategy_option(parser)
    parser.add_argument("--seq-length", type=int, default=100,
                        help="characters per training sequence (default 100)")
    parser.add_argument("--steps-per-epoch", type=int, default=100,
                        help="cap on training batches per epoch, 0 for whole passes over the "
                             "text (default 100: a few minutes on a laptop CPU)")
    parser.add_argument("--learning-rate", type=float, default=2e-3,
                        help="Adam learning rate (default 0.002)")
    parser.add_argument("--seed-text", default=None,
                        help="start of the generated text; \\n stands for a newline (default: the "
                             "text's first line)")
    parser.add_argument("--length", type=int, default=500,
                        help="characters to generate (default 500)")
    parser.add_argument("--temperature", type=float, default=0.6,
                        help="sampling temperature, 0 = greedy (default 0.6)")
    parser.add_argument("--top-k", type=int, default=None,
                        help="sample only among the K most likely characters")
    parser.add_argument("--top-p", type=float, default=None,
                        help="nucleus sampling: the most likely characters up to mass P")


# ----------------------------------------------------------------------------- the checks

def _check_options(args: argparse.Namespace) -> None:
    """Refuse every bad option that needs no data, before anything is read or trained."""
    from rnnkit._checks import check_temperatures, check_top_k, check_top_p

    common.check_common_options(args, {"--seq-length": 1, "--length": 0,
                                       "--steps-per-epoch": 0})
    _distribute.set_distribution(args, args.strategy)
    common.check_out(args, "generator" if args.model is None else None)
    common.for_option("--temperature", check_temperatures, "temperature", args.temperature, 1,
                      what="samples")
    common.for_option("--top-k", check_top_k, "top_k", args.top_k)
    common.for_option("--top-p", check_top_p, "top_p", args.top_p)
    if args.seed_text is not None and not args.seed_text:
        raise ValueError("--seed-text='' is empty; give the start of the text to generate "
                         "(or leave the option out for the text's first line).")
    if args.model is None:
        from rnnkit.cells import resolve_cell

        common.check_learning_rate(args)
        common.for_option("--cell", resolve_cell, args.cell)


def _check_against_vocab(args: argparse.Namespace, vocab: Any, seed_text: str) -> None:
    """Refuse a --top-k or --seed-text that the vocabulary cannot serve, before training."""
    from rnnkit._checks import check_top_k

    common.for_option("--top-k", check_top_k, "top_k", args.top_k, len(vocab))
    unknown = [(i, c) for i, c in enumerate(seed_text) if c not in vocab]
    if unknown:
        shown = ", ".join(f"{c!r} at {i}" for i, c in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        raise ValueError(f"--seed-text={seed_text!r} holds {len(unknown)} character(s) outside "
                         f"the model's vocabulary: {shown}{more}. Use only characters of the "
                         f"training text ({len(vocab)} characters: "
                         f"{''.join(vocab.chars[:60])!r}).")


# ----------------------------------------------------------------------------- the text

def _read_text(path: Path) -> str:
    """A UTF-8 text file, with a clear error when it is missing or not UTF-8."""
    if not path.is_file():
        raise FileNotFoundError(f"text file {str(path)!r} does not exist.")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"text file {str(path)!r} is not UTF-8 text ({exc.reason} at byte "
                         f"{exc.start}); convert it to UTF-8 first.") from None


def _training_text(args: argparse.Namespace) -> tuple[str, str]:
    """The text to train on and a label for it (the file name(s) or the sample).

    Several files (or the matches of glob patterns, sorted by name) are read
    in order and joined as one text.
    """
    if not args.text:
        from rnnkit.datasets import load_shakespeare

        return load_shakespeare(), "the Shakespeare sample"
    from rnnkit.text.streaming import resolve_files

    paths = [path for entry in args.text for path in resolve_files(entry, name="TEXT")]
    label = str(paths[0]) + (f" and {len(paths) - 1} more file(s)" if len(paths) > 1 else "")
    return "".join(_read_text(path) for path in paths), label


def _default_seed_text(text: str) -> str:
    """The text's first non-empty line (with its newline) when short, else its first 20 chars."""
    for line in text.splitlines():
        if line.strip():
            return line + "\n" if len(line) <= 40 and line + "\n" in text else line[:20]
    return text[:20]


def _seed_text(args: argparse.Namespace, default: str | None, vocab: Any) -> str:
    """The seed text: --seed-text (with \\n as a newline), else `default`, else a newline."""
    if args.seed_text is not None:
        return args.seed_text.replace("\\n", "\n")
    if isinstance(default, str) and default:
        return default
    return "\n" if "\n" in vocab else vocab.chars[0]


# ----------------------------------------------------------------------------- training

class _GeneratorData(NamedTuple):
    """The pairs a generator trains on and is scored on, and the `fit` options they need."""

    train: Any  # the training pairs (repeated when --steps-per-epoch caps an epoch)
    train_text: str  # the text they come from
    scored: Any  # the pairs scored after training: the held-out text, else the training text
    scored_steps: int  # how many batches of `scored` are used
    validation: bool  # whether `scored` is held out (the text is long enough)
    fit_options: dict[str, Any]


def _datasets(args: argparse.Namespace, text: str, vocab: Any) -> _GeneratorData:
    """Hold out the last tenth of the text when it is long enough; cut both parts into pairs."""
    from rnnkit.text import text_dataset

    held_out = len(text) // 10
    validation = held_out >= args.seq_length + 1 and len(text) - held_out >= args.seq_length + 1
    train_text = text[:-held_out] if validation else text
    train_pairs = text_dataset(train_text, vocab, seq_length=args.seq_length,
                               batch_size=args.batch_size, seed=args.seed)
    fit_options: dict[str, Any] = {}
    if args.steps_per_epoch:
        fit_options["steps_per_epoch"] = min(args.steps_per_epoch, len(train_pairs))
        train_pairs = train_pairs.repeat()
    scored = text_dataset(text[-held_out:] if validation else train_text, vocab,
                          seq_length=args.seq_length, batch_size=args.batch_size,
                          shuffle=False)
    scored_steps = min(len(scored), SCORED_BATCHES)
    if validation:
        fit_options.update(validation_data=scored, validation_steps=scored_steps)
    return _GeneratorData(train_pairs, train_text, scored, scored_steps, validation,
                          fit_options)


def _search_generator(args: argparse.Namespace, text: str, vocab: Any, extra: dict[str, Any]
                      ) -> tuple[Any, Any, dict[str, Any]]:
    """`--search`: the best generator found, its History and `extra` with the search record.

    The trials validate on the last tenth of the text; `args.seq_length` and
    `args.batch_size` become the searched ones (scored and saved with them).
    """
    options = {"steps_per_epoch": args.steps_per_epoch} if args.steps_per_epoch else None
    result = _search.search(args, text, vocab=vocab, units=args.units,
                           learning_rate=args.learning_rate, batch_size=args.batch_size,
                           seq_length=args.seq_length, fit_options=options)
    args.seq_length = result.settings.get("seq_length", args.seq_length)
    args.batch_size = result.settings.get("batch_size", args.batch_size)
    return result.model, result.history, {**extra, "search": result.record()}


def _train_generator(args: argparse.Namespace, text: str, vocab: Any, backup: Path,
                     extra: dict[str, Any]) -> Any:
    """Train a generator on `text` with rnnkit's safe training; save it as OUT/generator."""
    from rnnkit.bundle import save_bundle
    from rnnkit.models import build_generator
    from rnnkit.scores import unigram_entropy

    if args.search:
        model, history, extra = _search_generator(args, text, vocab, extra)
    data = _datasets(args, text, vocab)  # (with the searched --seq-length)
    if not args.search:
        common.seed_everything(args.seed)
        model = build_generator(len(vocab), cell=args.cell, units=args.units,
                                layers=args.layers, learning_rate=args.learning_rate,
                                seed=args.seed, **_distribute.model_options(args))
        history = common.train(args, model, data.train, backup=backup, **data.fit_options)
    # The loss of the weights kept (early stopping restores the best epoch's).
    loss = float(model.evaluate(data.scored, steps=data.scored_steps, verbose=0,
                                return_dict=True)["loss"])
    entropy = unigram_entropy(vocab.encode(data.train_text), len(vocab))
    validation = data.validation
    print(f"{'validation' if validation else 'training'} loss: {loss:.3f} nats/char "
          f"(unigram baseline {entropy:.3f})")
    common.check_trained("generator", args, loss=loss)
    path = save_bundle(
        args.out / "generator", model, vocab=vocab, job="generator", overwrite=True,
        val_loss=loss if validation else None, train_loss=None if validation else loss,
        unigram_entropy=entropy, epochs=common.epochs_run(history), seq_length=args.seq_length,
        **extra)
    common.report_bundle(path)
    return model


# ----------------------------------------------------------------------------- the command

def _load_generator(args: argparse.Namespace) -> tuple[Any, Any, str]:
    """`--model`: the saved generator, its vocabulary and the seed text."""
    from rnnkit.bundle import load_bundle

    bundle = load_bundle(args.model, job="generator")
    model, vocab = bundle.model, bundle.vocab
    seed_text = _seed_text(args, bundle.metadata.get("seed_text"), vocab)
    _check_against_vocab(args, vocab, seed_text)
    print(common.loaded_line("generator", args.model, model, f", {len(vocab)} characters"))
    return model, vocab, seed_text


def _new_generator(args: argparse.Namespace) -> tuple[Any, Any, str]:
    """A generator trained on the text (or the sample), its vocabulary and the seed text."""
    from rnnkit.text import CharVocab

    backup = common.backup_folder(args)
    text, source = _training_text(args)
    vocab = CharVocab.from_text(text)
    seed_text = _seed_text(args, _default_seed_text(text), vocab)
    _check_against_vocab(args, vocab, seed_text)
    print(f"Training on {source} ({len(text):,} characters, {len(vocab)} distinct).")
    model = _train_generator(args, text, vocab, backup,
                             {"seed_text": _default_seed_text(text), "data": source})
    return model, vocab, seed_text


def run(args: argparse.Namespace) -> int:
    """Run `rnnkit generate` with the parsed arguments; return the exit status."""
    from rnnkit._fs import atomic_write_text

    _check_options(args)
    if args.model is not None:
        model, vocab, seed_text = _load_generator(args)
    else:
        model, vocab, seed_text = _new_generator(args)
    from rnnkit.sampling import generate

    generated = generate(model, vocab, seed_text, length=args.length,
                         temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                         seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "generated.txt"
    atomic_write_text(path, generated)
    print(f"--- generated (temperature {args.temperature}) ---")
    print(generated)
    print(f"--- written to {path}")
    return 0


COMMAND = common.Command(
    name="generate",
    help="train a character model and generate text (default: Shakespeare sample)",
    description="Train a character-level language model on a UTF-8 text file (or on the "
                "shipped Shakespeare sample) and save it with its vocabulary as the bundle "
                "OUT/generator, or load such a bundle with --model (no training), then "
                "generate text from a seed string into OUT/generated.txt.",
    add_options=add_options,
    run=run,
)
