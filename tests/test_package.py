"""A wheel built from the repository works away from the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling builds the wheel (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(out), str(REPO)],
        check=True, capture_output=True,
    )
    (built,) = out.glob("visitprep-*.whl")
    return built


def test_wheel_holds_the_bank_templates_and_fonts(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    bank_files = {f"visitprep/questions/{p.name}" for p in (REPO / "questions").glob("*.yaml")}
    assert bank_files <= names
    assert "visitprep/templates/standard.yaml" in names
    for font in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert f"visitprep/fonts/{font}" in names
    for page in ("handout.html", "handout.css"):
        assert f"visitprep/render/html_templates/{page}" in names
    assert "visitprep/locale/es/LC_MESSAGES/visitprep.po" in names


def test_installed_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    check = subprocess.run([sys.executable, "-m", "visitprep", "check-bank"], cwd=elsewhere,
                           env=env, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    assert f"Question bank: {site / 'visitprep' / 'questions'}" in check.stdout
    make = subprocess.run([sys.executable, "-m", "visitprep", "make", "--recurrence", "regional",
                           "--concern", "costs", "-o", "handout.pdf"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, check=False)
    assert make.returncode == 0, make.stderr
    assert (elsewhere / "handout.pdf").read_bytes().startswith(b"%PDF")
    html = subprocess.run([sys.executable, "-m", "visitprep", "make", "--recurrence", "local",
                           "-o", "handout.html"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, check=False)
    assert html.returncode == 0, html.stderr
    page = (elsewhere / "handout.html").read_text("utf-8")
    assert "<h1>Questions about my cancer coming back</h1>" in page
    spanish = subprocess.run([sys.executable, "-m", "visitprep", "make", "--recurrence", "local",
                              "--language", "es", "-o", "es.html"], cwd=elsewhere, env=env,
                             capture_output=True, text=True, check=False)
    assert spanish.returncode == 0, spanish.stderr  # the catalog ships, and compiles there
    page = (elsewhere / "es.html").read_text("utf-8")
    assert '<html lang="es">' in page and "Preguntas sobre el regreso de mi cáncer" in page


def test_the_lock_file_is_what_the_tests_install_and_run() -> None:
    """requirements-test.txt pins every dependency and test tool within pyproject's ranges;
    the README's test command and CI install from it; reportlab, pypdf and PyYAML stop below
    their next major version, and the ones installed are the ones locked."""
    import importlib.metadata as metadata
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in
              project["dependencies"] + project["optional-dependencies"]["test"]]
    pins: dict[str, str] = {}
    for line in (REPO / "requirements-test.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements-test.txt: run .ci/refresh-lock"
        assert requirement.specifier.contains(pins[name]), (name, pins[name])
    for name, next_major in (("reportlab", "6"), ("pypdf", "8"), ("pyyaml", "7")):
        (requirement,) = [r for r in wanted if canonicalize_name(r.name) == name]
        assert not requirement.specifier.contains(f"{next_major}.0"), requirement
        assert metadata.version(name) == pins[name], f"{name}: install from requirements-test.txt"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "pip install -r requirements-test.txt -e . && pytest"
    assert command in readme
    assert command in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ".ci/refresh-lock" in readme


def _imports(path: Path, package: str) -> set[str]:
    """The visitprep modules a module imports, at its top or inside its functions."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: from package
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + [node.module])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("visitprep")}


# Imports inside a function that are allowed to point up, each with its reason. Any other
# circle, at the top of a module or inside a function, fails the test below.
UPWARD = {
    ("visitprep.models", "visitprep.translation"):
        "QuestionBank.in_language('es') reads the translation file only when asked",
}


def test_the_package_has_no_import_circle() -> None:
    # The bank once checked printability through the PDF renderer, which imports the
    # Document, which imports the bank. Fonts now sit below all of them.
    source = REPO / "src"
    modules: dict[str, Path] = {}
    for path in (source / "visitprep").rglob("*.py"):
        parts = path.relative_to(source).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {name: {target for target in _imports(path, name if path.name == "__init__.py"
                                                  else name.rpartition(".")[0])
                    if target in modules and target != name and target != "visitprep"
                    and (name, target) not in UPWARD}
             for name, path in modules.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycle = trail[trail.index(target):] + [target] if target in trail else \
                    [name, target]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert "visitprep.render.pdf" not in {t for t in graph["visitprep.bank"]}
    # fonts sit below everything but the error types, the font metrics' cache, the
    # import that keeps reportlab's import cheap and the message catalogs (its messages are
    # translated, the compiled catalog kept in the font cache's folder); these import
    # nothing else of visitprep
    below = {"visitprep.errors", "visitprep.font_cache", "visitprep.render.quick_platypus",
             "visitprep.i18n"}
    assert graph["visitprep.fonts"] <= below
    for name in below:
        assert graph[name] <= below - {name}, name
