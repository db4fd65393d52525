"""The shape of the code: the core is pure and imports nothing from the edges."""

import ast
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "src" / "relance" / "core"
# Pure data libraries the core may use: they read no file, clock or network at our request.
ALLOWED_THIRD_PARTY = {"babel", "stdnum", "schwifty", "phonenumbers", "pycountry"}
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
