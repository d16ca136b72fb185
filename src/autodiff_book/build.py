"""Build both language trees: ``python -m autodiff_book.build html`` (what ``make html`` runs).

Each language is its own Sphinx build (``language`` set, so the theme's strings and the
search index are in that language). English runs first and executes the pages; Chinese
has the same code cells and takes every output from the shared cache.
"""
import argparse
import shutil
import sys
from pathlib import Path

from sphinx.cmd.build import build_main

from .sphinx_ext.languages import LANGUAGES

ROOT = Path.cwd()


def build(builder, jobs="2", docs=ROOT / "docs", out=ROOT / "_build", extra=()):
    """Run one Sphinx builder over every language tree; return the first non-zero status."""
    for tree, (language, _, _) in LANGUAGES.items():
        print(f"--- {builder}: {docs / tree} ({language})", flush=True)
        status = build_main(
            [
                "-b", builder,
                "-c", str(ROOT),  # one conf.py for both trees
                "-d", str(out / "doctrees" / tree),
                "-j", jobs,
                "-W", "--keep-going",  # any warning fails the build, after listing them all
                "-D", f"language={language}",
                "-D", f"nb_execution_cache_path={out / 'jupyter_cache'}",  # one cache for both trees
                *extra,
                str(docs / tree),
                str(out / builder / tree),
            ]
        )
        if status:
            return status
    root_page = docs / "root" / "index.html"
    if builder == "html" and root_page.exists():
        # The root page offers both languages and follows the browser's preference.
        for name in ("index.html", "favicon.svg"):
            shutil.copy(root_page.parent / name, out / "html" / name)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builder", choices=["html", "doctest"])
    parser.add_argument("-j", "--jobs", default="2", help="parallel processes per build (default 2)")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="folder holding en/ and zh/")
    parser.add_argument("--out", type=Path, default=ROOT / "_build", help="build folder")
    parser.add_argument("sphinx_options", nargs="*", help="passed on to sphinx-build, e.g. -E")
    args = parser.parse_args(argv)
    return build(args.builder, args.jobs, docs=args.docs, out=args.out, extra=args.sphinx_options)


if __name__ == "__main__":
    sys.exit(main())
