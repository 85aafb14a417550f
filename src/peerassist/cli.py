"""The ``peerassist`` command: Django's management commands plus ``serve``.

``peerassist serve`` runs the ASGI app under uvicorn (pages, API and WebSockets in one
process, or several with ``--workers``); ``--with-worker`` also starts the background-task
worker, which is how ``make run`` gets reminders and e-mails on one machine.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import threading

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _start_worker() -> subprocess.Popen[bytes]:
    """The task worker as a child that ends with the server, however the server ends.

    uvicorn stops on SIGTERM or Ctrl+C and then raises the same signal again to end the
    process, so the server's own clean-up (``finally``) never runs: a worker left behind kept
    taking tasks with nobody to stop it. On Linux the kernel sends the worker SIGTERM when the
    server goes (``PR_SET_PDEATHSIG``), after which it finishes its current task and exits.
    Without Django's autoreloader, which would put a second process between the two.
    """
    command = [sys.executable, "-m", "peerassist.cli", "db_worker", "--no-reload"]
    if not sys.platform.startswith("linux"):
        return subprocess.Popen(command)
    server = os.getpid()

    def end_with_server() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != server:  # the server ended before the request took
            os._exit(0)

    return subprocess.Popen(command, preexec_fn=end_with_server)


def _warm_embeddings() -> None:
    from peerassist.semantic.embeddings import encode

    encode(["warm up"])


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="peerassist serve", description=serve.__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
    parser.add_argument(
        "--with-worker",
        action="store_true",
        help="also run the background-task worker in a child process",
    )
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "warning").lower())
    args = parser.parse_args(argv)

    import uvicorn
    from django.conf import settings

    # The event loop and the one database thread share the interpreter lock. When a query
    # returns, the database thread waits for the loop to give the lock up, by default every
    # 5 ms, and a note's write is several queries: at 1 ms the board's notes arrived at the
    # others in half the time at 100 notes/s (docs/deployment.md, "A real peer's load").
    sys.setswitchinterval(float(os.environ.get("PEERASSIST_SWITCH_INTERVAL_MS", "1")) / 1000)

    # Started before any thread of ours: a child's start-up code is only safe without them.
    worker = _start_worker() if args.with_worker else None
    if os.environ.get("PEERASSIST_WARM_MODEL", "1") != "0":
        # Load the embedding model in the background now, so the first "has this been
        # solved before?" panel or search does not wait for it (seconds on a small machine).
        threading.Thread(target=_warm_embeddings, name="warm-embeddings", daemon=True).start()
    print(
        f"Peer Assist is running at http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True
    )
    try:
        uvicorn.run(
            "peerassist.config.asgi:application",
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
            lifespan="off",
            # X-Forwarded-For/-Proto only from configured proxies: uvicorn's own default
            # trusts any local client, which let anyone on the machine (or behind a proxy
            # that passes the header on) forge an address and dodge the sign-in lock-out.
            proxy_headers=bool(settings.TRUSTED_PROXIES),
            forwarded_allow_ips=list(settings.TRUSTED_PROXIES) or None,
            # The sans-I/O protocol, whose transport the board's pushes write to directly
            # (core/wire.py); any other falls back to sending through ASGI.
            ws="websockets-sansio",
            ws_max_size=64 * 1024,
            # Board events are small JSON: compressing each one for each socket cost more CPU
            # than the push itself (py-spy), for a few hundred bytes saved.
            ws_per_message_deflate=False,
            # Longer than uvicorn's 5 s, so a client (or proxy) reusing a kept-alive
            # connection rarely races the server closing it ("disconnected without a
            # response"); nginx keeps upstream connections for 60 s.
            timeout_keep_alive=30,
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerassist.config.settings")
    if len(argv) > 1 and argv[1] == "serve":
        import django

        django.setup()
        return serve(argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["peerassist", *argv[1:]])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
