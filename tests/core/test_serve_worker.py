"""``peerassist serve --with-worker`` (what ``make run`` starts): the task worker is one
process and goes when the server goes, whether it is stopped or killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from tests.servers import ROOT, ServerStack, free_port

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the worker ends with the server on Linux only"
)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    stack = ServerStack(tmp_path / "data", demo=False)
    stack.env["PEERASSIST_TESTING"] = "0"  # the database task queue, which the worker serves
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "peerassist.cli", "serve", "--port", str(port), "--with-worker"],
        env=stack.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    pass
                workers = children(proc.pid)
                if workers:
                    break
            except (URLError, OSError):
                pass
            time.sleep(0.2)
        assert len(workers) == 1, (tmp_path / "serve.log").read_text()[-2000:]
        # No autoreloader between server and worker (a library look-up may run a compiler).
        grandchildren = [Path(f"/proc/{c}/cmdline").read_text() for c in children(workers[0])]
        assert not [c for c in grandchildren if "peerassist" in c]
        log_text = ""
        while "Starting worker" not in log_text and time.monotonic() < deadline:
            time.sleep(0.2)
            log_text = (tmp_path / "serve.log").read_text()
        assert "Starting worker" in log_text and alive(workers[0]), log_text[-2000:]
        yield proc, workers[0]
    finally:
        for pid in [proc.pid, *workers]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)
        stack.close()


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_the_worker_ends_with_the_server(
    server: tuple[subprocess.Popen[bytes], int], how: signal.Signals
) -> None:
    """Stopped (SIGTERM from a process manager, Ctrl+C to the server alone) or killed, the
    server leaves no worker behind taking tasks."""
    proc, worker = server
    proc.send_signal(how)
    proc.wait(timeout=30)
    assert gone_within(worker, 20), f"the worker {worker} outlived the server ({how.name})"
