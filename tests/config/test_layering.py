"""The layering DESIGN.md draws, checked on the source: a view imports services and selectors, never another view
module (helpers that two pages share live beside the views: shop.payment_context, shop.checkout_discounts,
shop.review_context), and a
model never imports a service or a selector, not even inside a method."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "shop", "feed", "community", "crm")


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imported_modules(path: Path) -> set[str]:
    """Every module the file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _modules(app: str, package: str) -> list[Path]:
    return sorted((ROOT / app / package).glob("*.py")) + [p for p in [ROOT / app / f"{package}.py"] if p.exists()]


def test_no_view_module_imports_another_view_module():
    offenders = set()
    for app in APPS:
        views = {_module_name(path) for path in _modules(app, "views")} - {f"{app}.views.__init__"}
        for path in _modules(app, "views"):
            here = _module_name(path)
            offenders |= {(here, other) for other in _imported_modules(path) & views if other != here}
    assert offenders == set()


def test_no_model_imports_a_service_or_a_selector():
    offenders = set()
    for app in APPS:
        for path in _modules(app, "models"):
            offenders |= {
                (_module_name(path), other)
                for other in _imported_modules(path)
                if {"services", "selectors"} & set(other.split("."))
            }
    assert offenders == set()
