"""The package's layout: size budgets per module, class and function; every module documented.

Budgets (docstrings excluded from the code counts): a module holds at most 450
lines in total, a class at most 350 lines of code, a function at most 60
lines of code. A line of code is a non-blank line that is not a comment and
not part of a docstring. README's Layout section and ARCHITECTURE.md name
every module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "rnnkit"
MODULE_LINES, CLASS_CODE, FUNCTION_CODE = 450, 350, 60
MODULES = sorted(PACKAGE.rglob("*.py"))


def docstring_lines(tree: ast.AST) -> set[int]:
    """Line numbers of every module, class and function docstring."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def code_lines(node: ast.AST, source: list[str], docs: set[int]) -> int:
    """Non-blank, non-comment, non-docstring lines of a class or function."""
    return sum(1 for number in range(node.lineno, node.end_lineno + 1)
               if number not in docs and source[number - 1].strip()
               and not source[number - 1].strip().startswith("#"))


def oversized(path: Path) -> list[str]:
    """What in one module exceeds its budget, as readable lines."""
    text = path.read_text(encoding="utf-8")
    source = text.splitlines()
    tree = ast.parse(text)
    docs = docstring_lines(tree)
    problems = []
    if len(source) > MODULE_LINES:
        problems.append(f"module has {len(source)} lines (budget {MODULE_LINES})")
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            size, budget, kind = code_lines(node, source, docs), CLASS_CODE, "class"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            size, budget, kind = code_lines(node, source, docs), FUNCTION_CODE, "function"
        else:
            continue
        if size > budget:
            problems.append(f"{kind} {node.name} has {size} lines of code (budget {budget})")
    return problems


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_module_class_and_function_budgets(path: Path) -> None:
    assert not oversized(path), f"{module_name(path)}: {oversized(path)}"


def test_the_budget_check_sees_an_oversized_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_CODE + 1))
    path = tmp_path / "big.py"
    path.write_text(f'def big():\n    """Doc.\n\n    More doc.\n    """\n{body}\n')
    assert oversized(path) == [f"function big has {FUNCTION_CODE + 2} lines of code "
                               f"(budget {FUNCTION_CODE})"]
    fits = "\n".join(body.splitlines()[:FUNCTION_CODE - 1])  # with its `def` line: 60
    path.write_text(f'def small():\n    """Doc."""\n    # a comment\n\n{fits}\n')
    assert oversized(path) == []


@pytest.mark.parametrize("document", ["README.md", "ARCHITECTURE.md"])
def test_every_module_is_named_in_the_docs(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    missing = [str(p.relative_to(PACKAGE)) for p in MODULES
               if p.name != "__init__.py" and str(p.relative_to(PACKAGE)) not in text
               and p.name not in text]
    assert not missing, f"{document} does not name {missing}"
