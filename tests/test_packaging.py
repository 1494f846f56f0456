"""The package as installed: every subpackage listed, the schemes shipped as riskbook's data, no import circles."""

import ast
import configparser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _listed_packages() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return set(config["options"]["packages"].split())


def test_every_subpackage_is_listed_for_installation():
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "riskbook").rglob("__init__.py")}
    assert found | {"riskbook.workbook_templates"} == _listed_packages()


def test_the_schemes_install_as_riskbook_data_not_a_package_of_their_own():
    import importlib.util

    from riskbook.scheme.load import shipped_scheme_path

    assert shipped_scheme_path("scheme-5x5.toml").read_text(encoding="utf-8").startswith("#")
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert "riskbook.workbook_templates = workbook_templates" in config["options"]["package_dir"]
    assert importlib.util.find_spec("workbook_templates") is None or Path.cwd() == ROOT


def _imports(path: Path, modules, type_only: bool = True) -> set[str]:
    """The riskbook modules a file imports ("from riskbook.read import values" is riskbook.read.values),
    anywhere in it; type_only=False leaves out imports made for type checkers only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            not type_only
            and isinstance(node, ast.If)
            and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        ):
            node.body = []
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("riskbook"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if submodule in modules else node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("riskbook"))
    return names


@pytest.mark.slow
def test_no_import_circles_between_modules_type_only_imports_included():
    """A circle through imports made only for type checkers still says two concepts depend on each other."""
    modules = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for p in (ROOT / "riskbook").rglob("*.py")
    }
    graph = {name: {m for m in _imports(path, modules) if m in modules and m != name} for name, path in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and (seen.add(nxt) or reaches(nxt, goal, seen))):
                return True
        return False

    # A package importing its own submodules is not a circle; modules reaching back to themselves are.
    circles = [name for name in graph if not modules[name].name == "__init__.py" and reaches(name, name, set())]
    assert circles == []
    assert len(graph) > 60 and sum(map(len, graph.values())) > 150  # the graph is the package's, not an empty one


def test_the_xlsxwriter_function_riskbook_replaces_is_still_what_it_was():
    """riskbook swaps xlsxwriter's private _prepare_formula for a lean one (see xlsx/writer.py). If a new
    xlsxwriter renames it, changes its arguments or stops calling it for every formula, this fails."""
    import inspect

    from xlsxwriter.worksheet import Worksheet

    assert list(inspect.signature(Worksheet._prepare_formula).parameters) == [
        "self",
        "formula",
        "expand_future_functions",
    ]
    assert "formula = self._prepare_formula(formula)" in inspect.getsource(Worksheet._write_formula)
    assert Worksheet._prepare_formula(Worksheet(), "=SUM(A1:A2)") == "SUM(A1:A2)"


def test_xlsxwriter_has_an_upper_version_bound():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    requirement = next(r for r in config["options"]["install_requires"].split() if r.startswith("xlsxwriter"))
    assert "<" in requirement
