"""Shared fixtures: the built site (made by `make html`) and small throw-away builds."""
import runpy
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
LANGUAGES = ("en", "zh")
FIXTURES = Path(__file__).parent / "fixtures"
SITE_URL = runpy.run_path(str(ROOT / "conf.py"))["html_baseurl"]  # where the site is published
SITE_PATH = urlparse(SITE_URL).path  # e.g. /autodiff-book/: the 404 page's links start with it


# `make test` gives each of two processes a whole file at a time, in collection order
# (--no-loadscope-reorder): the two longest files first, one to each process (about 400 s and 220 s
# of some 1,070 s), so that the short files at the end even out the processes' finishing times. By
# number of tests, xdist's default order, both went to one process and the other sat idle at the end.
LONGEST_FILES = ("test_browser.py", "test_notebooks.py")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: LONGEST_FILES.index(item.path.name) if item.path.name in LONGEST_FILES
               else len(LONGEST_FILES))  # a stable sort: the other files keep their order


@pytest.fixture(scope="session")
def site():
    if not (SITE / "en" / "index.html").exists():
        pytest.fail(f"{SITE} is not built: run `make html` first (`make test` does)")
    return SITE


def page_names():
    """Pages of the English tree, as Sphinx names them: 'index', 'basics', ..."""
    return sorted(p.relative_to(ROOT / "docs" / "en").with_suffix("").as_posix()
                  for p in (ROOT / "docs" / "en").rglob("*.md"))


def notebook_pages():
    """Pages that are notebooks (they have code cells): each offers a notebook per framework."""
    return [name for name in page_names()
            if "```{code-cell}" in (ROOT / "docs" / "en" / f"{name}.md").read_text(encoding="utf8")]


def notebook_frameworks(name):
    """The frameworks a notebook page offers a notebook for: its tabs' (JAX only where the page has JAX tabs)."""
    from autodiff_book.structure import tab_sets
    from autodiff_book.tabs import FRAMEWORKS, page_frameworks

    text = (ROOT / "docs" / "en" / f"{name}.md").read_text(encoding="utf8")
    return page_frameworks(framework for _, found in tab_sets(text) for framework in found if framework in FRAMEWORKS)


# The download menu's items: a page's notebook, and on the index page the zip of them all.
DOWNLOAD_LABELS = {"en": ("This page for {} (.ipynb)", "The chapter for {} (.zip)"),
                   "zh": ("本页的 {} 版（.ipynb）", "全书的 {} 版（.zip）")}


def built_pages(site, languages=LANGUAGES):
    """(language, page name, parsed HTML) for every page of the trees (both, unless named)."""
    for lang in languages:
        for name in page_names():
            path = site / lang / f"{name}.html"
            yield lang, name, BeautifulSoup(path.read_text(encoding="utf8"), "html.parser")


@pytest.fixture(scope="session")
def parsed_pages(site):
    """Every page of both trees by (language, name), parsed once per process, for the tests that only read them."""
    return {(lang, name): page for lang, name, page in built_pages(site)}


def parsed_head(path):
    """A built page's <head> alone, parsed: a whole page takes up to a second."""
    text = path.read_text(encoding="utf8")
    return BeautifulSoup(text[:text.index("</head>") + len("</head>")], "html.parser")


def run_build(builder, docs, out, *extra):
    """Build a docs folder (with en/ and zh/) the way `make html` does; return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "autodiff_book.build", builder, "--docs", str(docs), "--out", str(out), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
