"""A package keeps its private names: no module of portal/ imports `_name` from another package (the
admin once took accounts' private form validators; they are public now, accounts.forms.required and
accounts.forms.email_validators)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"


def _package(module: str) -> str:
    """portal.accounts.forms -> accounts; portal.audit -> audit."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def private_imports(path: Path, source: str | None = None) -> list[str]:
    own = _package(".".join(path.relative_to(ROOT).with_suffix("").parts))
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: from {node.module} import {alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("portal.")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__") and _package(node.module) != own
    ]


def test_no_package_imports_another_packages_private_names():
    found = [line for path in sorted(PORTAL.rglob("*.py")) for line in private_imports(path)]
    assert found == []


def test_the_check_sees_a_private_import_across_packages_only():
    source = "from portal.accounts.forms import _required\nfrom portal.admin.routes import _helper\n"
    found = private_imports(PORTAL / "admin" / "forms.py", source)
    assert found == ["portal/admin/forms.py:1: from portal.accounts.forms import _required"]
