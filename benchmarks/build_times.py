"""Time the site build: cold, no-op, and after a prose-only edit (`make bench`).

Each scenario runs RUNS times in a scratch copy of docs/ with its own build folder; we
report the median wall time, the CPU time of the build processes over wall time (above 1
means both cores work), and how many notebooks were executed, read from the build's log.
"""
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 3


def build(docs, out):
    """One `make html`-equivalent build; (wall seconds, cpu/wall, notebooks executed, cached)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "autodiff_book.build", "html", "--docs", str(docs), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        sys.exit(f"build failed:\n{result.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    log = result.stdout + result.stderr
    executed = len(re.findall(r"executed in \d", log))  # the build's line per page
    cached = len(re.findall(r"taken from the cache|outputs of its English twin", log))
    return wall, cpu / wall, executed, cached


def edit_prose(docs):
    """Change one sentence of prose in one page; its code stays the same."""
    page = docs / "en" / "basics.md"
    text = page.read_text(encoding="utf8")
    page.write_text(text.replace("Calculus says", "Calculus tells us", 1), encoding="utf8")


def scenario(name, prepare, runs=RUNS):
    rows = []
    for _ in range(runs):
        docs, out = prepare()
        rows.append(build(docs, out))
    walls = [row[0] for row in rows]
    print(f"{name:<22} median {statistics.median(walls):6.1f} s  (runs: {', '.join(f'{w:.1f}' for w in walls)})"
          f"  cpu/wall {statistics.median(r[1] for r in rows):.2f}"
          f"  notebooks executed {rows[0][2]}, taken from cache {rows[0][3]}", flush=True)


def main():
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    docs, out = scratch / "docs", scratch / "_build"
    pages = len(list((ROOT / "docs" / "en").glob("*.md")))
    notebooks = sum("```{code-cell}" in p.read_text(encoding="utf8") for p in (ROOT / "docs" / "en").glob("*.md"))
    print(f"{pages} pages per language, {notebooks} of them notebooks; 2 languages; {RUNS} runs each\n")

    def cold():
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(ROOT / "docs", docs)
        return docs, out

    def unchanged():
        return docs, out

    def prose_edit():
        shutil.copytree(ROOT / "docs", docs, dirs_exist_ok=True)  # undo the previous edit
        edit_prose(docs)
        return docs, out

    scenario("cold build", cold)
    scenario("no-op rebuild", unchanged)
    scenario("prose-only edit", prose_edit)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
