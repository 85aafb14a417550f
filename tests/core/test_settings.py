"""Production mode refuses unsafe configuration; `check --deploy` is clean when set up right."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.pop("PEERASSIST_TESTING", None)
    env.pop("DEBUG", None)
    env.pop("SECRET_KEY", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "peerassist.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    """With DEBUG off and no SECRET_KEY, every command stops with an actionable message."""
    result = _run({"PEERASSIST_DATA_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_the_development_key(tmp_path: Path) -> None:
    """A short or development SECRET_KEY is refused in production."""
    result = _run({"PEERASSIST_DATA_DIR": str(tmp_path), "SECRET_KEY": "short"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is too short" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    """`peerassist check --deploy` reports nothing with TLS settings on and a real key."""
    result = _run(
        {
            "PEERASSIST_DATA_DIR": str(tmp_path),
            "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-value-0123456789",
            "ALLOWED_HOSTS": "peerassist.example.nhs.uk",
            "SECURE_SSL": "1",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
