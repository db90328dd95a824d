"""The layering rules, read from the source: core knows no domain app, and accounts knows no registry.

Domain apps are the project's installed apps other than ``core`` and ``accounts`` (identity is a platform
concern: core's API authentication needs the token model). Imports inside functions and under TYPE_CHECKING
count too — a lazy import is still a dependency. Management commands of accounts are composition points
(``createuser --organisation`` adds a membership) and may reach across."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

import liaison

SRC = Path(liaison.__file__).parent
PLATFORM_APPS = {"liaison.core", "liaison.accounts"}


def domain_apps() -> set[str]:
    names = {cfg.name for cfg in apps.get_app_configs() if cfg.name.startswith("liaison.")}
    return names - PLATFORM_APPS


def imported_modules(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def offending_imports(package: str, forbidden: set[str], *, skip: str = "\0") -> list[str]:
    root = SRC / package.removeprefix("liaison.").replace(".", "/")
    offences = []
    for path in sorted(root.rglob("*.py")):
        if skip in path.parts or "migrations" in path.parts:
            continue
        for module in imported_modules(path.read_text(encoding="utf-8")):
            if any(module == app or module.startswith(app + ".") for app in forbidden):
                offences.append(f"{path.relative_to(SRC)}: {module}")
    return sorted(set(offences))


def test_the_domain_apps_are_found() -> None:
    assert {"liaison.registry", "liaison.integrity"} <= domain_apps()


def test_the_import_reader_sees_lazy_and_type_checking_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from liaison.registry.models import Organisation\n"
        "def f():\n    import liaison.integrity.services\n"
    )
    assert {"liaison.registry.models", "liaison.integrity.services"} <= imported_modules(source)


def test_core_imports_no_domain_app() -> None:
    assert offending_imports("liaison.core", domain_apps()) == []


def test_accounts_imports_no_domain_app_outside_its_commands() -> None:
    assert offending_imports("liaison.accounts", domain_apps(), skip="management") == []
