"""The shape of the code: the core is pure and imports nothing from the edges."""

import ast
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "src" / "relance" / "core"
# Pure data libraries the core may use: they read no file, clock or network at our request
# (rapidfuzz only compares strings).
ALLOWED_THIRD_PARTY = {"babel", "stdnum", "schwifty", "phonenumbers", "pycountry", "rapidfuzz"}
FORBIDDEN_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "today"),
                   ("datetime", "utcnow"), ("time", "time")}  # fmt: skip
FORBIDDEN_NAMES = {"open", "input", "print"}


def core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_the_core_imports_only_the_standard_library_itself_and_pure_data_libraries():
    offenders = []
    for path in core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                outside_core = name.startswith("relance.") and not name.startswith("relance.core")
                foreign = top not in sys.stdlib_module_names | ALLOWED_THIRD_PARTY | {"relance"}
                if outside_core or foreign:
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_the_core_reads_no_clock_and_no_file():
    offenders = []
    for path in core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                        and (func.value.id, func.attr) in FORBIDDEN_CALLS):  # fmt: skip
                    offenders.append(f"{path.name}:{node.lineno} {func.value.id}.{func.attr}()")
                if isinstance(func, ast.Name) and func.id in FORBIDDEN_NAMES:
                    offenders.append(f"{path.name}:{node.lineno} {func.id}()")
    assert offenders == []


def test_there_is_a_core_to_check():
    assert len(core_modules()) >= 5


# The layers around the core. An arrow may only point inwards: interfaces → services →
# storage, formats, rendering and delivery → core. The composition root (`bootstrap.py`)
# stands above everything it builds, so nothing below it may import it.
SRC = CORE.parent
STORAGE_INTERNALS = ("sqlalchemy", "alembic", "relance.adapters.storage.tables",
                     "relance.adapters.storage.schema", "relance.adapters.storage.migrations")  # fmt: skip


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every absolute module a file imports, with its line (relative imports stay inside)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    hits = []
    for path in sorted((SRC / folder).rglob("*.py")):
        for line, name in imports_of(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                hits.append(f"{path.relative_to(SRC)}:{line} {name}")
    return sorted(set(hits))


def test_only_storage_knows_tables_and_sql():
    assert offenders("services", STORAGE_INTERNALS) == []
    assert offenders("interfaces", STORAGE_INTERNALS) == []


def test_interfaces_reach_storage_only_through_services_and_the_composition_root():
    assert offenders("interfaces", ("relance.adapters.storage",)) == []


def test_nothing_below_the_composition_root_imports_it_or_the_interfaces():
    above = ("relance.bootstrap", "relance.interfaces")
    assert offenders("services", above) == []
    assert offenders("adapters", (*above, "relance.services")) == []


def test_storage_does_not_know_delivery_or_rendering():
    edges = ("relance.adapters.deliver", "relance.adapters.render", "relance.adapters.formats")
    assert offenders("adapters/storage", edges) == []


# Small modules with one purpose and short functions: a newcomer reads one screen at a time.
# Alembic's migrations are generated history and are left as written.
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


def source_files() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts]


def test_no_module_is_longer_than_450_lines():
    long_modules = []
    for path in source_files():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            long_modules.append(f"{path.relative_to(SRC)}: {lines} lines")
    assert long_modules == []


def test_no_function_is_longer_than_60_lines():
    long_functions = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}")
    assert long_functions == []
