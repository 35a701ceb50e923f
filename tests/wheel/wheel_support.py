"""Helpers of the wheel check shared by its conftest and tests (a module of its own:
conftest is not importable under every pytest import mode)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: variables that could point an installed command back at the checkout or its venv
DROPPED = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH")
DROPPED_PREFIXES = ("NEGOTIATION_SIM_",)


@dataclass
class Installed:
    """A venv holding the installed wheel, and a working folder outside the checkout."""

    venv: Path
    work: Path
    build_log: str

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in DROPPED and not key.startswith(DROPPED_PREFIXES)
        }
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONIOENCODING"] = "utf-8"
        return {**env, **extra}

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """``negotiation-sim ARGS`` from the working folder."""
        return subprocess.run(
            [str(self.bin / "negotiation-sim"), *args],
            cwd=self.work,
            env=self.env(),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )

    def python(self, code: str) -> str:
        done = subprocess.run(
            [str(self.bin / "python"), "-c", code],
            cwd=self.work,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()
