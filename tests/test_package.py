"""The package: a clear ImportError without TensorFlow, lazy public names, metadata."""

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


def test_import_without_tensorflow_names_the_extras_to_install():
    code = HIDE_TENSORFLOW + (
        "try:\n"
        "    import rnnkit\n"
        "except ImportError as exc:\n"
        "    print('IMPORT-ERROR:', exc)\n"
        "else:\n"
        "    print('IMPORTED')\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    message = result.stdout
    assert "IMPORT-ERROR:" in message, message
    assert "TensorFlow" in message
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
