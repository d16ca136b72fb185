"""Stress the cold build: N builds of both languages in a row, each from an empty `_build`.

`make stress` (N=10 by default, `make stress N=20` for more). A build that fails at random
(a kernel that never answers, a cache that two readers create at once) shows up here and not
in one lucky build. Reports each run, the failures with the end of their log, the median wall
time and how many notebooks each build executed, and whether each build wrote the same pages and
notebooks as the first (cells tagged `timing` and the figures they glue aside: see
reproducible.py).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reproducible import different_files  # this folder's, next to this script

ROOT = Path(__file__).resolve().parents[1]


def cold_build(out):
    """One `make html`-equivalent build into an empty folder: (ok, wall seconds, executed, log)."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "autodiff_book.build", "html", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )
    wall = time.perf_counter() - start
    log = result.stdout + result.stderr
    # One line per page executed: myst-nb's own before the build executed pages itself, the build's after.
    executed = len(re.findall(r"Executing notebook|executed in \d", log))
    return result.returncode == 0, wall, executed, log


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=10, help="cold builds in a row (default 10)")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="stress-"))
    walls, failures, unlike = [], 0, 0
    first = scratch / "first"
    for run in range(1, args.runs + 1):
        ok, wall, executed, log = cold_build(scratch / "_build")
        walls.append(wall)
        same = ""
        if ok and not first.exists():
            shutil.copytree(scratch / "_build", first)
        elif ok:
            differing = different_files((first / "html", first / "jupyter_cache"),
                                        (scratch / "_build" / "html", scratch / "_build" / "jupyter_cache"))
            unlike += bool(differing)
            same = ", same pages and notebooks as run 1" if not differing else (
                f", {len(differing)} files unlike run 1's: " + ", ".join(differing[:8]))
        print(f"run {run:>2}/{args.runs}: {'ok    ' if ok else 'FAILED'} {wall:6.1f} s, "
              f"{executed} notebooks executed{same}", flush=True)
        if not ok:
            failures += 1
            lines = log.strip().splitlines()
            causes = [line for line in lines if re.search(r"Error|error:|Kernel|failed", line)]
            print("    " + "\n    ".join(causes[:10] + ["..."] + lines[-8:]), flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{failures} failed of {args.runs} cold builds; {unlike} wrote pages or notebooks unlike the "
          f"first's; median wall time {statistics.median(walls):.1f} s "
          f"(runs: {', '.join(f'{w:.1f}' for w in walls)}); load average now {load}")
    return 1 if failures or unlike else 0


if __name__ == "__main__":
    sys.exit(main())
