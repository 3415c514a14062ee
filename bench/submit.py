"""Public submission throughput under gunicorn (2 workers) against a bare Django create
endpoint on the same server, driven by a load generator in a second process.

    DATABASE_URL=postgres://…/gongkai_bench .venv/bin/python bench/submit.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run from the project root: bench/calendar.py must not shadow the standard library.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

from bench import _setup  # noqa: E402

ROOT = _setup.ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def load(port: int, path: str, requests: int, concurrency: int) -> dict:
    output = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--port", str(port),
         "--path", path, "--requests", str(requests), "--concurrency", str(concurrency)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
        "CELERY_BROKER_URL": os.environ.get(
            "CELERY_BROKER_URL", "redis://127.0.0.1:6379/9"
        ),
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_until_up(port)
        load(port, "/bench/bare-create/", 40, args.concurrency)  # warm-up
        load(port, "/api/v1/public/applications/", 40, args.concurrency)
        bare = load(port, "/bench/bare-create/", args.requests, args.concurrency)
        ours = load(
            port, "/api/v1/public/applications/", args.requests, args.concurrency
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    ratio = ours["rps"] / bare["rps"]
    print(
        f"public submission under gunicorn (2 workers): {ours['rps']:.0f} req/s "
        f"(statuses {ours['statuses']}) vs bare create {bare['rps']:.0f} req/s · "
        f"{ratio:.0%} (target ≥ 70 %) {'ok' if ratio >= 0.7 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
