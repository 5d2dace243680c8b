"""`rnnkit generate`, run in-process on a tiny text with tiny settings."""

import contextlib
import io

import pytest

from rnnkit.cli import main
from rnnkit.text import CharVocab

TEXT = ("the cat sat on the mat. the dog sat on the log.\n" * 40
        + "a cat and a dog, a mat and a log.\n" * 20)
TINY = ["--units", "16", "--epochs", "2", "--seq-length", "20", "--batch-size", "8",
        "--steps-per-epoch", "5"]


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """One training run (the other tests reuse its saved model): status, printed text, folder."""
    folder = tmp_path_factory.mktemp("generate")
    text_file = folder / "tiny.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    out = folder / "out"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["generate", str(text_file), *TINY, "--length", "80",
                       "--temperature", "0.7", "--seed", "3", "--out", str(out)])
    return status, printed.getvalue(), out


def test_trains_generates_and_writes_outputs(trained_run):
    status, printed, out = trained_run
    assert status == 0
    text = (out / "generated.txt").read_text(encoding="utf-8")
    seed_text = TEXT[:20]  # the first line is long: its first 20 characters
    assert text.startswith(seed_text) and len(text) == len(seed_text) + 80
    assert set(text) <= set(TEXT)
    assert (out / "generator.keras").is_file()
    vocab = CharVocab.from_json((out / "vocab.json").read_text(encoding="utf-8"))
    assert vocab == CharVocab.from_text(TEXT)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no leftover temp files
    # progress, the loss against the unigram baseline, and the text itself are printed
    assert "Epoch 2/2" in printed and "unigram baseline" in printed
    assert text in printed


def test_saved_model_reloads_and_repeats_the_same_text(trained_run, tmp_path):
    _, _, out = trained_run
    again = tmp_path / "again"
    status = main(["generate", "--model", str(out), "--seed-text", TEXT[:20], "--length", "80",
                   "--temperature", "0.7", "--seed", "3", "--out", str(again)])
    assert status == 0
    assert (again / "generated.txt").read_text(encoding="utf-8") == \
        (out / "generated.txt").read_text(encoding="utf-8")


def test_top_k_and_newline_escape(trained_run, tmp_path):
    _, _, out = trained_run
    status = main(["generate", "--model", str(out), "--seed-text", "log.\\na", "--length", "20",
                   "--top-k", "1", "--out", str(tmp_path)])
    assert status == 0
    text = (tmp_path / "generated.txt").read_text(encoding="utf-8")
    assert text.startswith("log.\na") and len(text) == 26


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--seed-text", "the €"], "'€'"),
        (["--temperature", "-1"], "temperature"),
        (["--top-p", "2"], "top_p"),
        (["--length", "-5"], "--length"),
    ],
)
def test_bad_input_is_a_clear_error(trained_run, tmp_path, capsys, extra, message):
    _, _, out = trained_run
    status = main(["generate", "--model", str(out), *extra, "--out", str(tmp_path)])
    assert status == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "generated.txt").exists()


def test_missing_files_are_clear_errors(tmp_path, capsys):
    assert main(["generate", str(tmp_path / "nope.txt"), "--out", str(tmp_path)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["generate", "--model", str(tmp_path), "--out", str(tmp_path)]) == 2
    assert "generator.keras" in capsys.readouterr().err


def test_too_short_text_is_a_clear_error(tmp_path, capsys):
    text_file = tmp_path / "short.txt"
    text_file.write_text("tiny", encoding="utf-8")
    assert main(["generate", str(text_file), *TINY, "--out", str(tmp_path / "out")]) == 2
    assert "too short" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
