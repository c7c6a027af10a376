"""Arrows between packages point one way: entry points → services → domain → storage → core."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "cbec"
ENTRY_POINTS = ("cbec.cli", "cbec.api", "cbec.web")
# storage.registry gathers every context's tables for migrations: the one place storage looks up.
MIGRATION_GLUE = {"cbec.storage.registry"}


def _imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        module = "cbec." + ".".join(path.relative_to(SRC).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[module] = {n for n in names if n.startswith("cbec")}
    return found


def _wrong(allowed: tuple[str, ...], within: str) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in _imports().items()
        if module.startswith(within) and module not in MIGRATION_GLUE
        for name in names
        if not name.startswith(allowed)
    )


def test_core_depends_on_nothing_else_of_cbec() -> None:
    assert _wrong(("cbec.core",), "cbec.core") == []


def test_storage_depends_only_on_core_and_settings() -> None:
    assert _wrong(("cbec.core", "cbec.storage", "cbec.config"), "cbec.storage") == []


def test_no_context_imports_an_entry_point() -> None:
    offenders = [
        f"{module} imports {name}"
        for module, names in _imports().items()
        if not module.startswith(ENTRY_POINTS)
        for name in names
        if name.startswith(ENTRY_POINTS)
    ]
    assert offenders == []


def test_the_check_sees_the_modules_it_guards() -> None:
    modules = _imports()
    assert "cbec.feeds.loader" in modules and "cbec.storage.lake" in modules
    assert "cbec.core.ids" in modules["cbec.feeds.validation"]
