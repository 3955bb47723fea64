# ruff: noqa: S108 (a benchmark helper: its profile goes to /tmp)
"""daphne under cProfile, every thread (the event loop and the database thread pool), for bench.chat's
BENCH_PROFILE=1: the stats of all threads are merged into BENCH_PROFILE_OUT on SIGUSR1 (then the process exits)."""

import cProfile
import os
import pstats
import signal
import sys
import threading

profiles: list[cProfile.Profile] = []
lock = threading.Lock()


def _start_in_thread(*_args) -> None:
    """threading.setprofile's hook: on a new thread's first event, a cProfile profiler of its own takes over."""
    profile = cProfile.Profile()
    with lock:
        profiles.append(profile)
    profile.enable()


def _dump(*_args) -> None:
    for profile in list(profiles):
        profile.disable()
    stats = pstats.Stats(profiles[0])
    for profile in profiles[1:]:
        stats.add(profile)
    stats.dump_stats(os.environ.get("BENCH_PROFILE_OUT", "/tmp/bench-chat.prof"))
    os._exit(0)


def main() -> None:
    from daphne.cli import CommandLineInterface

    threading.setprofile(_start_in_thread)
    signal.signal(signal.SIGUSR1, _dump)
    _start_in_thread()
    sys.argv = ["daphne", *sys.argv[1:]]
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
