"""Four quarters of the example force's register, for the history tests: examples/make_examples.py's
write_history, which also writes the shipped examples/history/ (see its docstring for what changes)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = "2024-10-31"


def write_quarters(folder: Path) -> dict[str, Path]:
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_history(folder)
