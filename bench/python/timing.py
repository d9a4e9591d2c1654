"""What cpu.py and io.py share: timing one call on the same clock."""
import time


def timed(run):
    """(milliseconds the call took, what it returned)."""
    start = time.perf_counter()
    result = run()
    return (time.perf_counter() - start) * 1000.0, result
