"""Imports go one way (docs/architecture.md): import-linter checks the layer contract and that the package
never imports its tools, over every import, those inside functions included (`.importlinter`)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint), "--config", str(ROOT / ".importlinter"), "--no-cache"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout


def test_a_broken_contract_is_caught(tmp_path):
    """The check has teeth: a bottom-layer module importing the web layer breaks the layers contract."""
    config = (ROOT / ".importlinter").read_text()
    probe = ROOT / "donthu" / "_layer_probe.py"
    probe.write_text("import api.app  # noqa: F401 (a deliberate violation, removed after the test)\n")
    try:
        lint = Path(sys.executable).with_name("lint-imports")
        (tmp_path / "config").write_text(config)
        run = subprocess.run([str(lint), "--config", str(tmp_path / "config"), "--no-cache"], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    finally:
        probe.unlink()
    assert run.returncode != 0
    assert "donthu is not allowed to import api" in run.stdout
