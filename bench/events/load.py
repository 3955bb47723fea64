"""Load process for bench.events: threads post beacon batches of 20 events over keep-alive connections.

Run as its own process (python -m bench.events.load PORTS SECONDS THREADS, PORTS comma-separated: thread i
talks to server i mod n, like a round-robin balancer); prints one JSON line.
"""

import http.client
import json
import sys
import threading
import time
import uuid


def _batch(now_ms: int, n: int) -> bytes:
    events = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            events.append({"type": "page_view", "ts": now_ms, "path": "/"})
        elif kind == 1:
            events.append({"type": "product_view", "ts": now_ms, "product": 1 + i, "category": 1})
        elif kind == 2:
            events.append({"type": "dwell", "ts": now_ms, "dwell": 15, "category": 1})
        else:
            events.append({"type": "search", "ts": now_ms, "q": "수건"})
    return json.dumps({"events": events}).encode()


def run(ports: list[int], seconds: float, threads: int) -> dict:
    stop_at = time.perf_counter() + seconds
    ok = [0] * threads
    bad = [0] * threads

    def worker(index: int) -> None:
        port = ports[index % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {
            "Content-Type": "text/plain;charset=UTF-8",
            "Origin": f"http://127.0.0.1:{port}",
            "Cookie": f"dg_vid={uuid.uuid4()}",
        }
        while time.perf_counter() < stop_at:
            try:
                conn.request("POST", "/api/events/", body=_batch(int(time.time() * 1000), 20), headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    ok[index] += 1
                else:
                    bad[index] += 1
            except (OSError, http.client.HTTPException):
                bad[index] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    return {"batches_ok": sum(ok), "batches_failed": sum(bad), "seconds": round(elapsed, 2)}


if __name__ == "__main__":
    print(json.dumps(run([int(p) for p in sys.argv[1].split(",")], float(sys.argv[2]), int(sys.argv[3]))))
