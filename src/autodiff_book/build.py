"""Build both language trees: ``python -m autodiff_book.build html`` (what ``make html`` runs).

Each language is its own Sphinx build (``language`` set, so the theme's strings and the
search index are in that language). English runs first and executes the pages; Chinese
has the same code and takes every output from the shared cache.

The log is short: one line per page (executed, or taken from the cache), then any warnings
and errors, then one line per language. ``-v`` shows Sphinx's and myst-nb's own log.
"""
import argparse
import re
import shutil
import sys
import time
from pathlib import Path

from sphinx.cmd.build import build_main

from .sphinx_ext import execution
from .sphinx_ext.languages import LANGUAGES

ROOT = Path.cwd()


def sphinx_arguments(builder, tree, jobs="2", docs=ROOT / "docs", out=ROOT / "_build", extra=(), verbose=False):
    """The sphinx-build command line for one language tree."""
    return [
        "-b", builder,
        "-c", str(ROOT),  # one conf.py for both trees
        "-d", str(out / "doctrees" / tree),
        "-j", jobs,
        "-W", "--keep-going",  # any warning fails the build, after listing them all
        *([] if verbose else ["-q"]),  # warnings and errors only; the pages' lines come from execution
        "-D", f"language={LANGUAGES[tree][0]}",
        "-D", f"nb_execution_cache_path={out / 'jupyter_cache'}",  # one cache for both trees
        *extra,
        str(docs / tree),
        str(out / builder / tree),
    ]


def build(builder, jobs="2", docs=ROOT / "docs", out=ROOT / "_build", extra=(), verbose=False):
    """Run one Sphinx builder over every language tree; return the first non-zero status."""
    if builder == "doctest":
        # The doctest builder runs the pages' examples in this process, so JAX's threads are running
        # when the next tree is read; a parallel read would fork them (JAX warns: it may deadlock).
        jobs = "1"  # as fast here: the reading is from the cache, the tests run in one process anyway
    for tree in LANGUAGES:
        print(f"{builder} {tree}: {docs / tree}", flush=True)
        execution.tally.clear()
        start = time.perf_counter()
        status = build_main(sphinx_arguments(builder, tree, jobs, docs, out, extra, verbose))
        counts = ", ".join(f"{n} {what}" for what, n in execution.tally.items()) or "none"
        summary = out / builder / tree / "output.txt"  # the doctest builder's report
        if builder == "doctest" and summary.exists():
            counts += "; doctests: " + ", ".join(re.findall(r"^\s+(\d+ (?:tests|failures in tests))$", summary.read_text(), re.M))
        outcome = f"-> {out / builder / tree}" if status == 0 else "FAILED (see above)"
        print(f"{tree}: {builder} {outcome} in {time.perf_counter() - start:.0f} s; pages: {counts}", flush=True)
        if status:
            return status
    root_page = docs / "root" / "index.html"
    if builder == "html" and root_page.exists():
        # The root page offers both languages and follows the browser's preference; the last tree's
        # build wrote it with its links made absolute (sphinx_ext/site.py). Its icon:
        shutil.copy(root_page.parent / "favicon.svg", out / "html" / "favicon.svg")
    return 0


def live(tree, port, docs=ROOT / "docs", out=ROOT / "_build"):
    """Serve one language at http://127.0.0.1:PORT, rebuilding it (with the cache) on every save."""
    from sphinx_autobuild.__main__ import main as autobuild

    autobuild([*sphinx_arguments("html", tree, docs=docs, out=out), "--port", str(port),
               "--watch", str(ROOT / "src"), "--ignore", str(out)])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builder", choices=["html", "doctest", "live"], help="live: one language, rebuilt on save")
    parser.add_argument("-j", "--jobs", default="2",
                        help="parallel processes per HTML build (default 2; the doctest build reads in one)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Sphinx's and myst-nb's own log")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="folder holding en/ and zh/")
    parser.add_argument("--out", type=Path, default=ROOT / "_build", help="build folder")
    parser.add_argument("--language", choices=list(LANGUAGES), default="en", help="for live: the tree to serve")
    parser.add_argument("--port", type=int, default=8000, help="for live: the port to serve on")
    parser.epilog = "Options after -- go to sphinx-build, e.g. `-- -E -D nb_execution_timeout=60`."
    argv = sys.argv[1:] if argv is None else list(argv)
    # Split at -- by hand: argparse's own `--` handling fails once an option follows the builder's name.
    ours, _, sphinx_options = (argv[: argv.index("--")], "--", argv[argv.index("--") + 1:]) if "--" in argv else (argv, "", [])
    args = parser.parse_args(ours)
    if args.builder == "live":
        return live(args.language, args.port, docs=args.docs, out=args.out)
    return build(args.builder, args.jobs, docs=args.docs, out=args.out, extra=sphinx_options, verbose=args.verbose)


if __name__ == "__main__":
    sys.exit(main())
