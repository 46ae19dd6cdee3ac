"""No dead functions: every undecorated module-level function of portal/ is named somewhere in portal/,
tests/, bench/ or templates/ besides its own definition (an import alone does not count). Decorated
functions (routes, CLI commands, event listeners, template globals) are reached through their decorator
and are not checked; vulture at 60% lists them all as false positives."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+")


def _names(tree: ast.AST) -> set[str]:
    """Every name a module uses: variables, attributes and words in strings (jobs named by a dotted path)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.update(WORD.findall(node.value))
    return out


def dead_functions(sources: dict[str, str], templates: str) -> list[str]:
    used = set(WORD.findall(templates))
    defined = []
    for name, source in sources.items():
        tree = ast.parse(source)
        used |= _names(tree)
        if name.startswith("portal/"):
            defined += [
                (name, node.lineno, node.name)
                for node in tree.body
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.decorator_list
            ]
    return [f"{file}:{line}: {function}" for file, line, function in defined if function not in used]


def test_every_module_function_of_portal_is_used():
    sources = {
        path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
        for folder in ("portal", "tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
    }
    templates = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "templates").rglob("*")) if p.is_file()
    )
    assert dead_functions(sources, templates) == []


def test_the_check_sees_an_unused_function():
    sources = {
        "portal/x.py": "def used():\n    return 1\n\ndef unused():\n    return used()\n",
        "tests/t.py": "from portal.x import unused\n",
    }
    assert dead_functions(sources, "") == ["portal/x.py:4: unused"]
