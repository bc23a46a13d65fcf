"""The benchmark's synthetic city generator (``bench/synth.py``), for tests that need a city of
valid, varied records: loaded once as a module by path (``bench/`` is not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def synth() -> ModuleType:
    if "bench_synth" in sys.modules:
        return sys.modules["bench_synth"]
    spec = importlib.util.spec_from_file_location("bench_synth", ROOT / "bench" / "synth.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_synth"] = mod  # dataclasses look their module up while the class is made
    spec.loader.exec_module(mod)
    return mod
