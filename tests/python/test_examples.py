"""The scripts of examples/python run, in order, against one bank file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples" / "python"


def run(script: str, *args: str, cwd: Path) -> str:
    p = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=cwd, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, f"{script} failed:\n{p.stdout}\n{p.stderr}"
    return p.stdout


def test_examples_run_in_order(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    out = run("open_bank.py", db, cwd=tmp_path)
    assert "CHK" in out and "SAV" in out
    assert "exists already" in run("open_bank.py", db, cwd=tmp_path)
    out = run("onboard_customer.py", db, cwd=tmp_path)
    assert "opened" in out and "refused as expected: invalid_argument" in out
    out = run("move_money.py", db, cwd=tmp_path)
    assert "retried: exists" in out and "verify: ok=True" in out
    out = run("statement.py", db, cwd=tmp_path)
    assert "closing balance" in out
    out = run("run_interest.py", cwd=tmp_path)
    assert "accrued 4.255312748, posted 4.26" in out and "balance: 1004.26" in out
