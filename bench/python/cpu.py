"""CPython reference for `make bench`: the playground's CPU experiments as the articles run
them in CPython, with threading and multiprocessing, stdlib only.

    python3 bench/python/cpu.py --kernel fib --n 30 --tasks 20 --workers 2 --reps 1

Each repetition times, in this order: the tasks one after another (sequential), on a
ThreadPoolExecutor of k threads, on a multiprocessing.Pool of k processes created before timing
(warm) and on one created inside the timed region (cold, the articles' default). Pool.map sends
tasks in chunks of ceil(tasks / 4k), as the playground's processes mode does. Every result is
checked. Prints one JSON object.
"""
import argparse
import json
import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from timing import timed


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def sum_range(bounds):
    """Sums lo..hi one integer at a time, as the playground's kernel does."""
    lo, hi = bounds
    acc = 0
    for i in range(lo, hi):
        acc += i
    return acc


def share(start, end, index, count):
    """The index-th of count near-equal parts of start..end (crates/workloads share())."""
    base, extra = divmod(end - start, count)
    lo = start + index * base + min(index, extra)
    return lo, lo + base + (1 if index < extra else 0)


def fib_iterative(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def experiment(kernel, n, tasks):
    """(function, arguments per task, expected total)."""
    if kernel == "fib":
        return fib, [n] * tasks, fib_iterative(n) * tasks
    if kernel == "sum":
        return sum_range, [share(1, n + 1, i, tasks) for i in range(tasks)], n * (n + 1) // 2
    raise SystemExit(f"unknown kernel {kernel}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kernel", choices=["fib", "sum"], required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--tasks", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=1)
    p.add_argument("--single", type=int, help="also time one fib(SINGLE) per repetition (single_ms)")
    a = p.parse_args()
    fn, args, expected = experiment(a.kernel, a.n, a.tasks)
    k = a.workers
    out = {"python": sys.version.split()[0], "start_method": multiprocessing.get_start_method(),
           "switch_interval_ms": sys.getswitchinterval() * 1000.0, "kernel": a.kernel, "n": a.n,
           "tasks": a.tasks, "workers": k, "sequential_ms": [], "threads_ms": [],
           "processes_warm_ms": [], "processes_cold_ms": [], "pool_start_ms": [], "single_ms": [],
           "verified": True}

    def check(total):
        out["verified"] &= total == expected

    with multiprocessing.Pool(k) as warm:
        warm.map(fn, args[:k], chunksize=1)  # every worker started and has run the function once
        for _ in range(a.reps):
            if a.single is not None:
                ms, total = timed(lambda: fib(a.single))
                out["verified"] &= total == fib_iterative(a.single)
                out["single_ms"].append(ms)
            ms, total = timed(lambda: sum(fn(x) for x in args))
            check(total)
            out["sequential_ms"].append(ms)

            with ThreadPoolExecutor(max_workers=k) as threads:
                ms, total = timed(lambda: sum(threads.map(fn, args)))
            check(total)
            out["threads_ms"].append(ms)

            ms, total = timed(lambda: sum(warm.map(fn, args)))
            check(total)
            out["processes_warm_ms"].append(ms)

            def cold():
                started = time.perf_counter()
                with multiprocessing.Pool(k) as pool:
                    # Pool() returns once its processes are forked; a tiny map waits until they run.
                    pool.map(abs, range(k), chunksize=1)
                    out["pool_start_ms"].append((time.perf_counter() - started) * 1000.0)
                    return sum(pool.map(fn, args))

            ms, total = timed(cold)
            check(total)
            out["processes_cold_ms"].append(ms)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
