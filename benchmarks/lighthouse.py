"""Lighthouse over every page of both languages (`make lighthouse`): a benchmark, not a test.

Serves _build/html on localhost gzip-compressed, as GitHub Pages serves it, and runs Lighthouse
(npm `lighthouse`, from package.json; mobile, its default simulated throttling) on each page,
one at a time. Prints each page's four scores with FCP, LCP, TBT, CLS, DOM size and the bytes
transferred, and the machine's load average before and after: the performance score depends on
how busy the machine is, the other numbers much less. Each report is kept in _build/lighthouse/.

    python benchmarks/lighthouse.py                  # every page, en and zh
    python benchmarks/lighthouse.py basics zh/basics # some pages (basics: in both languages)
    python benchmarks/lighthouse.py zh               # every page of one language
    python benchmarks/lighthouse.py --runs 3         # the median run (by performance) of three
"""
import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
REPORTS = ROOT / "_build" / "lighthouse"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
COMPRESSED = {".html", ".css", ".js", ".svg", ".json", ".xml", ".txt", ".ipynb", ".map"}  # as GitHub Pages does
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {  # column: (audit, unit scale, format)
    "FCP s": ("first-contentful-paint", 1e-3, "{:.1f}"),
    "LCP s": ("largest-contentful-paint", 1e-3, "{:.1f}"),
    "TBT ms": ("total-blocking-time", 1, "{:.0f}"),
    "CLS": ("cumulative-layout-shift", 1, "{:.3f}"),
    "DOM": ("dom-size", 1, "{:.0f}"),
    "kB": ("total-byte-weight", 1e-3, "{:.0f}"),
}


class CompressingHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text ones gzip-compressed when the browser accepts it."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # GitHub Pages' header
        self.end_headers()
        return _Body(body)


class _Body:
    """What send_head returns: a file-like object copyfile() reads from."""

    def __init__(self, data):
        self.data = data

    def read(self, size=-1):
        data, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return data

    def close(self):
        pass


def serve(site, port):
    handler = functools.partial(CompressingHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def pages():
    """Every page of both trees, by its path in the site: en/basics, zh/basics, ..."""
    names = sorted(p.relative_to(ROOT / "docs" / "en").with_suffix("").as_posix()
                   for p in (ROOT / "docs" / "en").rglob("*.md"))
    return [f"{lang}/{name}" for lang in ("en", "zh") for name in names]


def run_lighthouse(url, report):
    """One Lighthouse run; its JSON report, or None with the reason printed."""
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               f"--only-categories={','.join(CATEGORIES)}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM},
                            timeout=300)
    if result.returncode or not report.exists():
        print(f"  lighthouse failed on {url}: {result.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    data = json.loads(report.read_text(encoding="utf8"))
    if data["categories"]["performance"]["score"] is None:  # e.g. NO_FCP, seen on a heavily loaded machine
        errors = {audit.get("errorMessage") for audit in data["audits"].values() if audit.get("errorMessage")}
        print(f"  lighthouse measured no performance on {url}: {'; '.join(filter(None, errors))[:300]}", file=sys.stderr)
        return None
    return data


def row(report):
    scores = [round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES]
    audits = report["audits"]
    metrics = [fmt.format(audits[audit]["numericValue"] * scale) for audit, scale, fmt in METRICS.values()]
    return scores, metrics


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="en/basics, basics (both languages) or zh (every page of it); default: all")
    parser.add_argument("--port", type=int, default=0, help="default 0: any free port")
    parser.add_argument("--site", type=Path, default=SITE, help=f"the built site (default {SITE.relative_to(ROOT)})")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median by performance is shown")
    args = parser.parse_args(argv)
    if not (args.site / "en" / "index.html").exists():
        sys.exit(f"{args.site} is not built: run `make html` first")
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} not found: run `npm ci` in {ROOT}")
    if not shutil.which(CHROMIUM):
        sys.exit(f"{CHROMIUM} not found: `apt-get install chromium`, or set CHROME_PATH")
    chosen = pages()
    if args.pages:
        def matches(page, arg):  # en/basics, basics (both languages), or en (every page of a language)
            return page == arg or page.split("/")[1] == arg or page.split("/")[0] == arg

        chosen = [page for page in chosen if any(matches(page, arg) for arg in args.pages)]
    REPORTS.mkdir(parents=True, exist_ok=True)
    server = serve(args.site, args.port)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    load_before = os.getloadavg()
    start = time.monotonic()
    header = f"{'page':<28}" + "".join(f"{c[:4]:>6}" for c in ["perf", "a11y", "best", "seo"]) + "".join(
        f"{m:>8}" for m in METRICS)
    print(f"Lighthouse, mobile, simulated throttling; load average {load_before[0]:.1f} at the start", flush=True)
    print(header, flush=True)
    performance = []
    for page in chosen:
        runs = []
        for run in range(args.runs + 1):  # one more try if a run measured nothing
            report = run_lighthouse(f"{base}/{page}.html", REPORTS / f"{page.replace('/', '-')}-{run}.json")
            if report is not None:
                runs.append(report)
            if len(runs) == args.runs:
                break
        if not runs:
            print(f"{page:<28} failed", flush=True)
            continue
        runs.sort(key=lambda r: r["categories"]["performance"]["score"] or 0)
        scores, metrics = row(runs[len(runs) // 2])
        performance.append(scores[0])
        print(f"{page:<28}" + "".join(f"{s:>6}" for s in scores) + "".join(f"{m:>8}" for m in metrics), flush=True)
    server.shutdown()
    load_after = os.getloadavg()
    if performance:
        print(f"performance: median {statistics.median(performance):.0f}, lowest {min(performance)}; "
              f"{len(chosen)} pages x {args.runs} run(s) in {time.monotonic() - start:.0f} s; "
              f"load average (1, 5, 15 min) before {' '.join(f'{x:.1f}' for x in load_before)}, "
              f"after {' '.join(f'{x:.1f}' for x in load_after)}")
    return 0 if len(performance) == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
