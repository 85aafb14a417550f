"""Real server processes for browser, multi-process and fault tests.

Each ``ServerStack`` owns one database (a fresh SQLite file, or a fresh PostgreSQL database
when ``DATABASE_URL`` points at PostgreSQL), migrated and loaded with the demo data, and can
start several ``peerassist serve`` processes on it, sharing Redis when ``REDIS_URL`` is set.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse, urlunparse
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


class ServerProcess:
    def __init__(self, stack: ServerStack, port: int) -> None:
        self.stack = stack
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = stack.data_dir / f"server-{port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0, *, wait_healthy: bool = True) -> ServerProcess:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "peerassist.cli", "serve", "--port", str(self.port)],
            env=self.stack.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except HTTPError:
                if not wait_healthy:
                    return self  # it answers, even though some part is down
            except (URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not become healthy:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """kill -9: no graceful shutdown, as when a machine dies."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class ServerStack:
    """One database plus any number of server processes on it."""

    def __init__(self, data_dir: Path, *, demo: bool = True) -> None:
        self.data_dir = data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.servers: list[ServerProcess] = []
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_XDIST"))
        }
        self.env.update(
            {
                "PEERASSIST_DATA_DIR": str(data_dir),
                "DEBUG": "1",
                "PEERASSIST_TESTING": "1",
                "PEERASSIST_CHANNEL_PREFIX": f"t{uuid.uuid4().hex[:10]}",
                "AXES_FAILURE_LIMIT": "50",
                "PYTHONUNBUFFERED": "1",
                # Test servers load the model only if a test needs it (saves CPU per process).
                "PEERASSIST_WARM_MODEL": os.environ.get("PEERASSIST_WARM_MODEL", "0"),
            }
        )
        self.pg_name: str | None = None
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            self.pg_name = f"pa_srv_{uuid.uuid4().hex[:12]}"
            _postgres_admin(url, f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = urlunparse(urlparse(url)._replace(path=f"/{self.pg_name}"))
        self.manage("migrate", "--noinput", "-v", "0")
        if demo:
            self.manage("demo", "--quiet")

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "peerassist.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"peerassist {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def start_server(self, port: int | None = None) -> ServerProcess:
        server = ServerProcess(self, port or free_port()).start()
        self.servers.append(server)
        return server

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        if self.pg_name:
            url = os.environ["DATABASE_URL"]
            _postgres_admin(url, f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
