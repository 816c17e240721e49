"""The layering and the types of the core, checked by tools (docs/layering.md).

`lint-imports` holds the contracts in pyproject.toml: server > storage > domain > collab,
the sync core without a database, web framework or Redis (but for its Redis fan-out), the
domain rules pure. `mypy --strict` checks collab/ and storage/.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_the_import_contracts_are_kept() -> None:
    result = run("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_collab_and_storage_type_check_in_strict_mode() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
