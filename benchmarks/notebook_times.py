"""What the downloadable notebooks add to a build: `.venv/bin/python benchmarks/notebook_times.py`.

Rewrites every page of both languages (`-a`; outputs come from a copy of the cache of `make
html`, nothing executes) RUNS times with the notebook step (autodiff_book.sphinx_ext.downloads)
and RUNS times without it, in turns. Reports the median wall time of each, their difference, and the
time spent in the step itself (summed over its calls, which the two page writers share).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
BUILD = "import sys; from autodiff_book.build import main; sys.exit(main())"
TIMED = """
import os, time, autodiff_book.sphinx_ext.downloads as downloads
def timed(step):
    def run(*args):
        start = time.perf_counter()
        try:
            return step(*args)
        finally:
            with open(os.environ["STEP_LOG"], "a") as log:
                log.write(f"{time.perf_counter() - start}\\n")
    return run
downloads.write_notebooks, downloads.write_zips = timed(downloads.write_notebooks), timed(downloads.write_zips)
"""
WITHOUT_NOTEBOOKS = "import autodiff_book.sphinx_ext.downloads as downloads; downloads.setup = lambda app: None\n"


def rewrite(out, code):
    """Wall seconds of one build of both languages that writes every page."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code + BUILD, "--out", str(out), "html", "--", "-a"],
                            cwd=ROOT, capture_output=True, text=True, env={**os.environ, "STEP_LOG": str(out / "log")})
    if result.returncode:
        sys.exit(f"build failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def main():
    cache = ROOT / "_build" / "jupyter_cache"
    if not cache.is_dir():
        sys.exit(f"{cache} is missing: run `make html` first, the rewrites take every output from its cache")
    out = Path(tempfile.mkdtemp(prefix="notebook-times-")) / "_build"
    shutil.copytree(cache, out / "jupyter_cache")
    rewrite(out, "")  # reads every page once; the timed runs only write
    walls, steps = {"with": [], "without": []}, []
    for _ in range(RUNS):
        (out / "log").unlink(missing_ok=True)
        walls["with"].append(rewrite(out, TIMED))
        steps.append(sum(float(line) for line in (out / "log").read_text().split()))
        walls["without"].append(rewrite(out, WITHOUT_NOTEBOOKS))
    for name, runs in [*walls.items(), ("the step itself", steps)]:
        print(f"{name:<16} median {statistics.median(runs):5.1f} s  (runs: {', '.join(f'{t:.1f}' for t in runs)})")
    print(f"difference of the medians: {statistics.median(walls['with']) - statistics.median(walls['without']):.1f} s")
    shutil.rmtree(out.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
