"""`rnnkit generate`, run in-process on a tiny text with tiny settings."""

from __future__ import annotations

import contextlib
import io
import json
import math

import keras
import pytest

from rnnkit.bundle import load_bundle
from rnnkit.cli import main
from rnnkit.text import CharVocab
from tests._bad_input import CLI, bad_input_test, case, using
from tests._bad_input import TEXT as TINY_TEXT

TEXT = ("the cat sat on the mat. the dog sat on the log.\n" * 40
        + "a cat and a dog, a mat and a log.\n" * 20)
TINY = ["--units", "16", "--epochs", "2", "--seq-length", "20", "--batch-size", "8",
        "--steps-per-epoch", "5", "--learning-rate", "0.01"]


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """One training run (the other tests reuse its bundle): status, printed text, folder."""
    folder = tmp_path_factory.mktemp("generate")
    text_file = folder / "tiny.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    out = folder / "out"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["generate", str(text_file), *TINY, "--length", "80",
                       "--temperature", "0.7", "--seed", "3", "--out", str(out)])
    return status, printed.getvalue(), out


@pytest.fixture
def no_training(monkeypatch):
    """Make any training attempt fail loudly."""
    def refuse(*args, **kwargs):
        raise AssertionError("keras.Model.fit was called")

    monkeypatch.setattr(keras.Model, "fit", refuse)


def test_trains_generates_and_writes_outputs(trained_run):
    status, printed, out = trained_run
    assert status == 0
    text = (out / "generated.txt").read_text(encoding="utf-8")
    seed_text = TEXT[:20]  # the first line is long: its first 20 characters
    assert text.startswith(seed_text) and len(text) == len(seed_text) + 80
    assert set(text) <= set(TEXT)
    assert sorted(p.name for p in out.iterdir()) == ["generated.txt", "generator"]
    assert sorted(p.name for p in (out / "generator").iterdir()) == ["bundle.json",
                                                                     "model.keras"]
    # progress, the loss against the unigram baseline, and the text itself are printed
    assert "Epoch 2/2" in printed and "unigram baseline" in printed
    assert text in printed


def test_bundle_loads_with_vocab_and_training_figures(trained_run):
    _, _, out = trained_run
    bundle = load_bundle(out / "generator", job="generator")
    assert bundle.vocab == CharVocab.from_text(TEXT)
    assert bundle.model.outputs[0].shape[-1] == len(bundle.vocab)
    meta = bundle.metadata
    assert meta["epochs"] == 2 and meta["seq_length"] == 20 and meta["seed_text"] == TEXT[:20]
    # the loss recorded is the held-out loss of the saved weights, better than chance
    assert 0 < meta["val_loss"] < math.log(len(bundle.vocab))
    assert meta["unigram_entropy"] < math.log(len(bundle.vocab))
    # no training backup is left behind once training has finished
    assert not (out / "backup").exists()


def test_model_option_reuses_the_bundle_without_training(trained_run, tmp_path, no_training,
                                                         capsys):
    _, _, out = trained_run
    again = tmp_path / "again"
    status = main(["generate", "--model", str(out / "generator"), "--seed-text", TEXT[:20],
                   "--length", "80", "--temperature", "0.7", "--seed", "3",
                   "--out", str(again)])
    assert status == 0
    assert "no training" in capsys.readouterr().out
    assert (again / "generated.txt").read_text(encoding="utf-8") == \
        (out / "generated.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in again.iterdir()) == ["generated.txt"]
    # without --seed-text, the bundle's recorded seed text is used
    assert main(["generate", "--model", str(out / "generator"), "--length", "80",
                 "--temperature", "0.7", "--seed", "3", "--out", str(tmp_path / "x")]) == 0
    assert (tmp_path / "x" / "generated.txt").read_text(encoding="utf-8") == \
        (out / "generated.txt").read_text(encoding="utf-8")


def test_top_k_and_newline_escape(trained_run, tmp_path, no_training):
    _, _, out = trained_run
    status = main(["generate", "--model", str(out / "generator"), "--seed-text", "log.\\na",
                   "--length", "20", "--top-k", "1", "--out", str(tmp_path)])
    assert status == 0
    text = (tmp_path / "generated.txt").read_text(encoding="utf-8")
    assert text.startswith("log.\na") and len(text) == 26


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--seed-text", "the €"], "'€' at 4"),
        (["--seed-text", ""], "--seed-text=''"),
        (["--temperature", "-1"], "temperature=-1.0"),
        (["--top-p", "2"], "top_p=2.0"),
        (["--top-k", "0"], "top_k=0"),
        (["--top-k", "17"], "top_k=17"),  # the vocabulary has 16 characters
        (["--length", "-5"], "--length=-5"),
        (["--resume"], "--resume"),
    ],
)
def test_bad_input_with_a_bundle_is_a_clear_error(trained_run, tmp_path, capsys, no_training,
                                                  extra, message):
    _, _, out = trained_run
    status = main(["generate", "--model", str(out / "generator"), *extra,
                   "--out", str(tmp_path)])
    assert status == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "generated.txt").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--epochs", "0"], "--epochs=0"),
        (["--top-k", "17"], "top_k=17"),
        (["--seed-text", "xyz"], "'x' at 0"),
        (["--seq-length", "0"], "--seq-length=0"),
        (["--steps-per-epoch", "-1"], "--steps-per-epoch=-1"),
        (["--learning-rate", "0"], "--learning-rate=0.0"),
        (["--cell", "tcn"], "cell='tcn'"),
        (["--patience", "-1"], "--patience=-1"),
    ],
)
def test_options_are_checked_before_training(tmp_path, capsys, no_training, extra, message):
    text_file = tmp_path / "tiny.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", str(text_file), *TINY, *extra, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_leftover_backup_needs_resume(tmp_path, capsys, no_training):
    text_file = tmp_path / "tiny.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    (out / "backup").mkdir(parents=True)
    (out / "backup" / "training_metadata.json").write_text(json.dumps({"epoch": 0}))
    assert main(["generate", str(text_file), *TINY, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--resume" in err and "backup" in err
    assert not (out / "generator").exists() and not (out / "generated.txt").exists()


def test_model_of_another_job_is_refused(tmp_path, capsys, no_training):
    from rnnkit.bundle import save_bundle
    from rnnkit.models import build_classifier

    save_bundle(tmp_path / "clf", build_classifier((3, 2), 2, units=2, seed=0))
    assert main(["generate", "--model", str(tmp_path / "clf"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "classifier" in err and "generator" in err


def test_missing_files_are_clear_errors(tmp_path, capsys):
    # a missing text file: the BAD_INPUT row cli-generate-missing-text-file pins it
    assert main(["generate", "--model", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 2
    assert "'" + str(tmp_path / "nowhere") + "' does not exist" in capsys.readouterr().err
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "model.keras").write_bytes(b"")
    assert main(["generate", "--model", str(tmp_path / "half"), "--out", str(tmp_path)]) == 2
    assert "bundle.json" in capsys.readouterr().err


def test_too_short_text_is_a_clear_error(tmp_path, capsys):
    text_file = tmp_path / "short.txt"
    text_file.write_text("tiny", encoding="utf-8")
    assert main(["generate", str(text_file), *TINY, "--out", str(tmp_path / "out")]) == 2
    assert "too short" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    case("cli-generate-temperature-negative", ["generate", "--temperature", "-1"], CLI,
         "temperature=-1.0"),
    case("cli-generate-length-negative", ["generate", "--length", "-5"], CLI, "--length=-5"),
    case("cli-generate-seq-length-zero", ["generate", "--seq-length", "0"], CLI,
         "--seq-length=0"),
    case("cli-generate-top-p", ["generate", "--top-p", "1.5"], CLI, "top_p=1.5"),
    case("cli-generate-top-k-zero",
         using(lambda c: ["generate", str(c.write("t.txt", TINY_TEXT)), "--seq-length", "4",
                          "--top-k", "0", "--out", str(c.tmp / "out")]),
         CLI, "--top-k", "top_k=0"),
    case("cli-generate-seed-text-unknown",
         using(lambda c: ["generate", str(c.write("t.txt", TINY_TEXT)), "--seq-length", "4",
                          "--seed-text", "xyz", "--out", str(c.tmp / "out")]),
         CLI, "--seed-text", "'x' at 0"),
    case("cli-generate-epochs-zero",
         using(lambda c: ["generate", str(c.write("t.txt", TINY_TEXT)), "--seq-length", "4",
                          "--epochs", "0", "--out", str(c.tmp / "out")]),
         CLI, "--epochs=0"),
    case("cli-generate-missing-model-folder",
         using(lambda c: ["generate", "--model", str(c.tmp / "nowhere")]), CLI, "nowhere"),
    case("cli-generate-missing-text-file",
         using(lambda c: ["generate", str(c.tmp / "gone.txt")]), CLI, "gone.txt",
         "does not exist"),
]

test_bad_input = bad_input_test(BAD_INPUT)
