"""The `rnnkit` parser and dispatch (rnnkit.cli), and the options the commands share."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from rnnkit import cli
from rnnkit.cli import COMMANDS, build_parser, main
from rnnkit.cli._common import Command, check_common_options, epochs_run, for_option

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_the_subcommands_without_importing_tensorflow():
    code = (
        "import sys\n"
        "from rnnkit.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "try:\n"
        "    main(['classify', '--help'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert "HEAVY []" in result.stdout, result.stdout
    for command in ("classify", "forecast", "generate"):
        assert command in result.stdout
    assert "x_train" in result.stdout  # classify --help explains the .npz


def test_console_script_answers_help():
    script = Path(sys.executable).with_name("rnnkit")
    if not script.exists():
        pytest.skip("console script not installed next to this interpreter")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.startswith("usage: rnnkit")


def test_python_dash_m_runs_the_same_command():
    result = subprocess.run([sys.executable, "-m", "rnnkit.cli", "forecast", "--help"],
                            capture_output=True, text=True, timeout=60, check=True, cwd=ROOT)
    assert result.stdout.startswith("usage: rnnkit forecast")
    assert "--learning-rate" in result.stdout


def test_every_subcommand_is_listed_and_dispatches_to_its_own_handler():
    parser = build_parser()
    assert [c.name for c in COMMANDS] == ["forecast", "generate", "classify"]
    for command in COMMANDS:
        args = parser.parse_args([command.name])
        assert args.command == command.name and args.handler is command.run
        assert command.run.__module__ == f"rnnkit.cli.{command.name}"
    help_text = parser.format_help()
    assert all(command.help in " ".join(help_text.split()) for command in COMMANDS)


def test_main_dispatches_to_the_chosen_commands_handler(monkeypatch):
    calls = []
    hello = Command("hello", "say hello", "Say hello.",
                    lambda parser: parser.add_argument("--name"),
                    lambda args: calls.append(args.name) or 7)
    monkeypatch.setattr(cli, "COMMANDS", (*COMMANDS, hello))
    assert main(["hello", "--name", "x"]) == 7
    assert calls == ["x"]


@pytest.mark.parametrize("error", [ValueError("a bad value"), KeyError("a bad value"),
                                   FileNotFoundError("a bad value")])
def test_a_handlers_error_is_one_line_on_stderr_and_exit_status_2(monkeypatch, capsys, error):
    def fail(args):
        raise error

    monkeypatch.setattr(cli, "COMMANDS", (Command("fail", "fail", "Fail.", lambda p: None,
                                                  fail),))
    assert main(["fail"]) == 2
    assert capsys.readouterr().err == "rnnkit fail: error: a bad value\n"  # no KeyError quotes


def test_no_command_prints_the_help_and_returns_2(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    assert out.startswith("usage: rnnkit") and "forecast" in out


def test_an_unknown_command_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["tune"])
    assert info.value.code == 2
    assert "invalid choice: 'tune'" in capsys.readouterr().err


def test_patience_is_common_with_per_command_defaults():
    parser = build_parser()
    assert parser.parse_args(["forecast"]).patience == 15
    assert parser.parse_args(["classify"]).patience == 5
    args = parser.parse_args(["forecast", "--patience", "3", "--resume"])
    assert args.patience == 3 and args.resume and args.model is None


def test_common_options_have_per_command_defaults():
    parser = build_parser()
    defaults = {c.name: parser.parse_args([c.name]) for c in COMMANDS}
    assert {n: a.batch_size for n, a in defaults.items()} == {
        "forecast": 16, "generate": 64, "classify": 32}
    assert {n: a.units for n, a in defaults.items()} == {
        "forecast": 16, "generate": 256, "classify": 128}
    assert {n: a.epochs for n, a in defaults.items()} == {
        "forecast": 100, "generate": 3, "classify": 3}
    assert all(a.seed == 0 and a.out == Path("out") and a.model is None
               for a in defaults.values())


def test_the_help_states_each_commands_own_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    assert "batch size (default 64)" in " ".join(capsys.readouterr().out.split())


def test_common_checks_name_the_flag():
    good = argparse.Namespace(epochs=1, batch_size=1, units=1, layers=1, patience=0, seed=0,
                              window=None)
    check_common_options(good, {"--window": 1})  # None: not given, not checked
    with pytest.raises(ValueError, match=r"^--window=0 is too small"):
        check_common_options(argparse.Namespace(**{**vars(good), "window": 0}), {"--window": 1})
    with pytest.raises(ValueError, match=r"^--seed=2147483648 is too large"):
        check_common_options(argparse.Namespace(**{**vars(good), "seed": 2**31}))
    both = argparse.Namespace(**vars(good), model=Path("m"), resume=True)
    with pytest.raises(ValueError, match="--model and --resume cannot be combined"):
        check_common_options(both)


def test_for_option_puts_the_flag_in_front_of_a_library_message():
    def check(name, value):
        raise ValueError(f"{name}={value!r} is bad.")

    with pytest.raises(ValueError, match=r"^--top-k: top_k=0 is bad\.$"):
        for_option("--top-k", check, "top_k", 0)
    assert for_option("--top-k", lambda name, value: value, "top_k", 3) == 3


def test_epochs_run_counts_from_the_last_epoch_index():
    assert epochs_run(argparse.Namespace(epoch=[])) == 0
    assert epochs_run(argparse.Namespace(epoch=[3, 4])) == 5  # a resumed run's epochs 4 and 5


# ----------------------------------------------------------------------------- Ctrl-C

def _ctrl_c(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("command", ["classify", "forecast", "generate"])
def test_ctrl_c_during_training_is_one_line_and_exit_status_130(command, tmp_path, capsys,
                                                                monkeypatch):
    import keras
    import numpy as np

    from tests._bad_input import TEXT, dated
    from tests.test_datasets import tiny_npz

    monkeypatch.setattr(keras.Model, "fit", _ctrl_c)
    out = tmp_path / "out"
    if command == "classify":
        argv = [str(tiny_npz(tmp_path / "d.npz", n_train=8, n_val=4))]
    elif command == "forecast":
        dated(30, value=np.sin(np.arange(30.0)) + 5).to_csv(tmp_path / "s.csv", index=False)
        argv = [str(tmp_path / "s.csv"), "--window", "3", "--strategy", "recursive"]
    else:
        (tmp_path / "t.txt").write_text(TEXT)
        argv = [str(tmp_path / "t.txt"), "--seq-length", "4"]
    assert main([command, *argv, "--units", "2", "--out", str(out)]) == 130
    captured = capsys.readouterr()
    assert captured.err == (f"rnnkit {command}: interrupted; resume with --resume (training "
                            f"goes on from the last finished epoch, kept in {out / 'backup'})\n")
    assert not any(p.name not in ("backup",) for p in out.glob("*")), list(out.glob("*"))
