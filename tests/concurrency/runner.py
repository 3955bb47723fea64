"""The one thread runner for concurrency tests: real threads, each on its own database connection, released
together by a barrier so their transactions really overlap on PostgreSQL.

- `run_concurrently(jobs, work)` calls work(0..jobs-1) on up to `workers` threads and returns (results, errors).
  The server's max_connections is shared with the rest of the suite, so more jobs than workers are spread over the
  threads right after the barrier (each job still races the others). Exceptions of the types in
  `exceptions_as_results` (e.g. DomainError: "sold out" is an answer, not a crash) are returned among the results;
  every other exception is collected in errors, never lost in a thread.
- `running_in_background(loop)` runs loop(stop) in one thread for the length of a `with` block (a reader that
  watches while the test writes); the block's end sets `stop` and joins the thread, and its errors are re-raised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection

BARRIER_TIMEOUT = 30
JOIN_TIMEOUT = 120


def run_concurrently(
    jobs: int,
    work: Callable[[int], object],
    *,
    workers: int | None = None,
    exceptions_as_results: tuple[type[BaseException], ...] = (),
) -> tuple[list[object], list[BaseException]]:
    """Run work(0..jobs-1) on min(jobs, workers) threads released by one barrier; return (results, errors)."""
    workers = min(workers or jobs, jobs)
    barrier = threading.Barrier(workers)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(worker: int) -> None:
        try:
            barrier.wait(timeout=BARRIER_TIMEOUT)
            for job in range(worker, jobs, workers):
                try:
                    outcome = work(job)
                except exceptions_as_results as exc:
                    outcome = exc
                except BaseException as exc:
                    with lock:
                        errors.append(exc)
                    continue
                with lock:
                    results.append(outcome)
        except BaseException as exc:  # the barrier broke: report it with the rest
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(worker,)) for worker in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    return results, errors


@contextmanager
def running_in_background(loop: Callable[[threading.Event], None]) -> Iterator[None]:
    """Run loop(stop) in a thread with its own connection while the block runs; re-raise what the thread raised."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def target() -> None:
        try:
            loop(stop)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=JOIN_TIMEOUT)
    if errors:
        raise errors[0]
