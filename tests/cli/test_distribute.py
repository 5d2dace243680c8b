"""`--strategy mirrored|multiworker` on classify and generate, and generate over several files.

The engines' strategies themselves (two workers, two devices, kill and resume) are tested in
tests/test_distribution.py; here: the flag reaches the factory and `fit`, and its checks.
"""

from __future__ import annotations

import contextlib
import io

from rnnkit.bundle import load_bundle
from rnnkit.cli import main
from tests._bad_input import CLI, bad_input_test, case, using
from tests.cli.test_generate import TEXT, TINY
from tests.test_datasets import tiny_npz

BAD_INPUT = [
    case("cli-classify-strategy-unknown", ["classify", "--strategy", "warp"], CLI,
         "--strategy='warp'", "'mirrored'", "'multiworker'"),
    case("cli-generate-strategy-with-search",
         ["generate", "--strategy", "mirrored", "--search", "2"], CLI,
         "--search cannot be combined with --strategy mirrored"),
    case("cli-forecast-strategy-two-of-a-kind", ["forecast", "--strategy", "recursive,direct"],
         CLI, "--strategy='recursive,direct'", "--strategy direct,mirrored"),
    case("cli-forecast-strategy-unknown", ["forecast", "--strategy", "direct,warp"], CLI,
         "--strategy='warp'", "'mirrored'", "'recursive'"),
    case("cli-generate-glob-matches-nothing",
         using(lambda c: ["generate", str(c.tmp / "corpus" / "*.txt"), "--out",
                          str(c.tmp / "out")]), CLI, "*.txt"),
]

test_bad_input = bad_input_test(BAD_INPUT)


def _run(argv: list[str]) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(argv) == 0
    return buffer.getvalue()


def test_classify_builds_and_trains_under_the_mirrored_strategy(tmp_path, monkeypatch):
    import rnnkit.models
    import rnnkit.training

    seen: dict[str, object] = {}
    build, fit = rnnkit.models.build_classifier, rnnkit.training.fit

    def spy_build(*args, **kwargs):
        seen["build"] = kwargs.get("strategy")
        return build(*args, **kwargs)

    def spy_fit(*args, **kwargs):
        seen["fit"] = kwargs.get("strategy")
        return fit(*args, **kwargs)

    monkeypatch.setattr(rnnkit.models, "build_classifier", spy_build)
    monkeypatch.setattr(rnnkit.training, "fit", spy_fit)
    data = tiny_npz(tmp_path / "tiny.npz")
    printed = _run(["classify", str(data), "--units", "8", "--epochs", "2", "--batch-size", "16",
                    "--strategy", "mirrored", "--out", str(tmp_path / "out")])
    assert "--strategy mirrored: 1 replica(s) in sync" in printed
    assert type(seen["build"]).__name__ == "MirroredStrategy"
    assert seen["fit"] is seen["build"]  # one strategy per run, for the model and its training
    assert load_bundle(tmp_path / "out" / "classifier").metadata["val_accuracy"] >= 0


def test_generate_reads_several_files_and_globs_in_order(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "b.txt").write_text("QUIZ JOKE\n" * 40, encoding="utf-8")
    printed = _run(["generate", str(corpus / "*.txt"), *TINY, "--length", "10",
                    "--out", str(tmp_path / "out")])
    assert f"{corpus / 'a.txt'} and 1 more file(s)" in printed
    vocab = load_bundle(tmp_path / "out" / "generator").vocab
    assert {"Q", "Z", "J", "t", "."} <= set(vocab.chars)  # characters of both files
    total = len(TEXT) + len("QUIZ JOKE\n" * 40)
    assert f"({total:,} characters" in printed


def test_forecast_strategy_names_how_to_forecast_and_how_to_spread_training():
    from rnnkit.cli import build_parser
    from rnnkit.cli.forecast import check_options

    args = build_parser().parse_args(["forecast", "--strategy", "mirrored,direct"])
    assert check_options(args) == "direct" and args.distribution == "mirrored"
    args = build_parser().parse_args(["forecast", "--strategy", "mirrored"])
    assert check_options(args) == "recursive" and args.distribution == "mirrored"
    args = build_parser().parse_args(["forecast"])
    assert check_options(args) == "recursive" and args.distribution == "none"


def test_generate_makes_a_multiworker_strategy_before_any_tensorflow_work(tmp_path):
    """One worker named by TF_CONFIG: the strategy must exist before the text's datasets."""
    import json
    import os
    import subprocess
    import sys

    from rnnkit.distribution import free_ports

    port = free_ports(1)[0]
    text = tmp_path / "t.txt"
    text.write_text(TEXT, encoding="utf-8")
    config = {"cluster": {"worker": [f"127.0.0.1:{port}"]}, "task": {"type": "worker",
                                                                      "index": 0}}
    env = {**os.environ, "TF_CONFIG": json.dumps(config), "TF_CPP_MIN_LOG_LEVEL": "3",
           "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(
        [sys.executable, "-m", "rnnkit.cli", "generate", str(text), *TINY, "--epochs", "1",
         "--length", "10", "--strategy", "multiworker", "--out", str(tmp_path / "out")],
        env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--strategy multiworker: 1 replica(s) in sync" in done.stdout
    assert (tmp_path / "out" / "generator" / "bundle.json").is_file()
