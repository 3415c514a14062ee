"""A small load generator, run as its own process: N POSTs of a JSON body at concurrency C
over keep-alive connections; prints requests per second and the status counts as JSON."""

from __future__ import annotations

import sys
from pathlib import Path

# Run from the project root: bench/calendar.py must not shadow the standard library.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(rng: random.Random) -> str:
    body = f"11010519850412{rng.randint(0, 999):03d}"
    total = sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def body_for(kind: str, rng: random.Random) -> bytes:
    data = {
        "agency": "CITY",
        "applicant_type": "natural_person",
        "name": "压力测试",
        "id_type": "resident_id",
        "id_number": resident_id(rng),
        "phone": "13800000000",
        "email": "load@example.com",
        "address": "某市某区",
        "description": "申请公开某项政府信息（压测）",
        "formats": ["electronic"],
        "delivery": ["email"],
    }
    return json.dumps(data).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    per_thread = args.requests // args.concurrency

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        for _ in range(per_thread):
            conn.request(
                "POST", args.path, body=body_for(args.path, rng),
                headers={"Content-Type": "application/json"},
            )  # fmt: skip
            response = conn.getresponse()
            response.read()
            with lock:
                statuses[response.status] += 1
        conn.close()

    threads = [
        threading.Thread(target=worker, args=(i,)) for i in range(args.concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = per_thread * args.concurrency
    print(
        json.dumps({"rps": total / elapsed, "statuses": statuses, "seconds": elapsed})
    )


if __name__ == "__main__":
    main()
