"""CPython reference for `make bench`'s I/O line: 100 waits of 200 ms (the articles'
`time.sleep` stand-in for a download) on k threads, on k warm processes, and with asyncio.

    python3 bench/python/io.py --tasks 100 --delay-ms 200 --workers 6 --reps 1

Tasks go to processes one at a time (chunksize 1), as the playground sends waiting tasks.
Prints one JSON object; the ideal is ceil(tasks / k) x delay (asyncio: one delay).
"""
import argparse
import asyncio
import json
import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from timing import timed

DELAY = 0.2


def wait(seconds):
    time.sleep(seconds)
    return seconds


async def all_at_once(delays):
    return await asyncio.gather(*(asyncio.sleep(d, result=d) for d in delays))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tasks", type=int, default=100)
    p.add_argument("--delay-ms", type=int, default=200)
    p.add_argument("--workers", type=int, default=6)
    p.add_argument("--reps", type=int, default=1)
    a = p.parse_args()
    delays = [a.delay_ms / 1000.0] * a.tasks
    k = a.workers
    out = {"python": sys.version.split()[0], "tasks": a.tasks, "delay_ms": a.delay_ms, "workers": k,
           "threads_ms": [], "processes_warm_ms": [], "asyncio_ms": [], "verified": True}
    with multiprocessing.Pool(k) as pool:
        pool.map(wait, [0.0] * k, chunksize=1)
        for _ in range(a.reps):
            with ThreadPoolExecutor(max_workers=k) as threads:
                ms, r = timed(lambda: list(threads.map(wait, delays)))
            out["verified"] &= len(r) == a.tasks
            out["threads_ms"].append(ms)
            ms, r = timed(lambda: pool.map(wait, delays, chunksize=1))
            out["verified"] &= len(r) == a.tasks
            out["processes_warm_ms"].append(ms)
            ms, r = timed(lambda: asyncio.run(all_at_once(delays)))
            out["verified"] &= len(r) == a.tasks
            out["asyncio_ms"].append(ms)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
