"""Real servers for tests: gunicorn serving the app on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def server_env(database_url: str, instance_path: str | Path, **extra: str) -> dict[str, str]:
    """Environment for a server process on the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGEMENT_")}
    env.update(
        {
            "ENGAGEMENT_DATABASE_URL": database_url,
            "ENGAGEMENT_INSTANCE_PATH": str(instance_path),
            "ENGAGEMENT_SECRET_KEY": "test-secret",
            "ENGAGEMENT_RATELIMIT_ENABLED": "false",
            "ENGAGEMENT_CACHE_TYPE": "NullCache",
            "ENGAGEMENT_LOG_LEVEL": "WARNING",
            "FLASK_APP": "wsgi",
        }
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def gunicorn(
    database_url: str, instance_path: str | Path, workers: int = 2, **env: str
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run ``gunicorn wsgi:app`` with sync workers; yields (base URL, process)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "2",
            "--log-level",
            "warning",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "wsgi:app",
        ],
        cwd=ROOT,
        env=server_env(database_url, instance_path, ENGAGEMENT_BASE_URL=base_url, **env),
        start_new_session=True,
    )
    try:
        wait_for(f"{base_url}/healthz", process=process)
        yield base_url, process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
