"""The dependency rule of conventions.md: layers imports nothing of ours, geodata never imports app,
app.risk imports only the standard library and layers."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = {"app", "geodata", "layers"}


def imported_top_levels(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_layers_imports_nothing_of_ours() -> None:
    for path, names in imported_top_levels("layers").items():
        assert not {n for n in names if n.split(".")[0] in OURS - {"layers"}}, path


def test_geodata_never_imports_app() -> None:
    for path, names in imported_top_levels("geodata").items():
        assert not {n for n in names if n.split(".")[0] == "app"}, path


def test_risk_imports_only_stdlib_and_layers() -> None:
    allowed = set(sys.stdlib_module_names) | {"layers", "app", "__future__"}
    for path, names in imported_top_levels("app.risk").items():
        for name in names:
            top = name.split(".")[0]
            assert top in allowed, f"{path} imports {name}"
            if top == "app":
                assert name.startswith("app.risk"), f"{path} imports {name}"
