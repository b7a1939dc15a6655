"""The package's type hints hold: mypy --strict over the package and the examples.

Skipped when mypy is not installed (Debian: python3-mypy).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import libbank

pytest.importorskip("mypy")

ROOT = Path(__file__).resolve().parent.parent.parent


def test_typing_mypy_strict(tmp_path: Path) -> None:
    package = Path(libbank.__file__).resolve().parent
    targets = [str(package), *map(str, sorted((ROOT / "examples" / "python").glob("*.py")))]
    env = {**os.environ, "MYPYPATH": str(package.parent)}
    p = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(tmp_path / "cache"),
         *targets],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert p.returncode == 0, p.stdout + p.stderr
