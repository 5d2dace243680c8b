"""The package: pure-Python parts without TensorFlow, a clear ImportError at first use, lazy
names, metadata."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import subprocess
import sys

import pytest

HIDE_TENSORFLOW = """
import importlib.abc, sys

class HideTensorFlow(importlib.abc.MetaPathFinder):
    # behaves as if TensorFlow were not installed at all
    def find_spec(self, name, path=None, target=None):
        if name == "tensorflow" or name.startswith("tensorflow."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

for name in [m for m in sys.modules if m == "tensorflow" or m.startswith("tensorflow.")]:
    del sys.modules[name]
sys.modules["tensorflow"] = None  # importlib.util.find_spec then answers None
sys.meta_path.insert(0, HideTensorFlow())
"""


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=180)


def test_pure_python_parts_work_without_tensorflow():
    code = HIDE_TENSORFLOW + (
        "import rnnkit\n"
        "frame = rnnkit.read_series('data/series/airpassengers.csv', date_column='month')\n"
        "vocab = rnnkit.CharVocab.from_text('to be or not')\n"
        "words = rnnkit.WordVocab.from_texts(['to be', 'or not'])\n"
        "from rnnkit.series import metrics\n"
        "print(len(frame), vocab.decode(vocab.encode('be')), len(words), sorted(\n"
        "    m for m, mod in sys.modules.items()\n"
        "    if mod is not None and m.split('.')[0] in ('tensorflow', 'keras')))\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["144", "be", "6", "[]"]


@pytest.mark.parametrize("name", ["build_classifier", "SeriesWindows.train", "text_dataset",
                                  "load_bundle", "generate"])
def test_first_use_that_needs_tensorflow_names_the_extras_to_install(name):
    calls = {
        "build_classifier": "rnnkit.build_classifier((4, 2), 2)",
        "SeriesWindows.train": "rnnkit.SeriesWindows(list(range(60)), window=4).train",
        "text_dataset": "rnnkit.text_dataset('abcabc' * 20, rnnkit.CharVocab.from_text('abc'),"
                        " seq_length=4)",
        "load_bundle": "rnnkit.load_bundle('nowhere')",
        "generate": "rnnkit.generate",
    }
    code = HIDE_TENSORFLOW + (
        "import rnnkit\n"
        "try:\n"
        f"    {calls[name]}\n"
        "except ImportError as exc:\n"
        "    print('IMPORT-ERROR:', exc)\n"
        "else:\n"
        "    print('NO ERROR')\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    message = result.stdout
    assert "IMPORT-ERROR:" in message, message
    assert "tensorflow" in message
    assert "rnnkit[cpu]" in message and "rnnkit[gpu]" in message


def test_the_hiding_trick_really_hides_tensorflow():
    result = run_python(HIDE_TENSORFLOW + "import tensorflow\n")
    assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr


def test_import_is_lazy():
    code = (
        "import sys, rnnkit\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'rnnkit.models') if m in sys.modules))\n"
        "rnnkit.WordVocab\n"
        "print('keras' in sys.modules)\n"
        "rnnkit.build_classifier\n"
        "print('rnnkit.models' in sys.modules, 'keras' in sys.modules)\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["[]", "False", "True True"]


def test_public_names_resolve_to_their_modules():
    import rnnkit

    for name, module in rnnkit._EXPORTS.items():
        if importlib.util.find_spec(module) is None:
            pytest.fail(f"rnnkit.{name} points to {module}, which does not exist")
        assert getattr(rnnkit, name) is getattr(importlib.import_module(module), name)
        assert name in dir(rnnkit)
    assert set(rnnkit.__all__) == set(rnnkit._EXPORTS) | {"__version__"}


def test_unknown_attribute_raises_attribute_error():
    import rnnkit

    with pytest.raises(AttributeError, match="no attribute 'build_transformer'"):
        rnnkit.build_transformer  # noqa: B018


def test_version_and_console_script_match_the_installed_metadata():
    import rnnkit

    assert rnnkit.__version__ == importlib.metadata.version("rnnkit")
    scripts = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="console_scripts")}
    assert scripts.get("rnnkit") == "rnnkit.cli:main"


def test_extras_declare_the_tensorflow_flavours():
    requires = importlib.metadata.requires("rnnkit") or []
    by_extra = {
        extra: [r for r in requires if f'extra == "{extra}"' in r]
        for extra in ("cpu", "gpu", "test")
    }
    assert any(r.startswith("tensorflow-cpu") for r in by_extra["cpu"])
    assert any(r.startswith("tensorflow[and-cuda]") for r in by_extra["gpu"])
    assert any(r.startswith("pytest") for r in by_extra["test"])
    core = [r for r in requires if "extra ==" not in r]
    assert any(r.startswith("keras") for r in core)
    assert not any(r.startswith("tensorflow") for r in core)
