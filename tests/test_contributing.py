"""CONTRIBUTING.md's "Add a page, step by step" works when followed literally.

The example pages are taken from the guide itself, so the guide and this test cannot drift apart.
"""
import re
from pathlib import Path

from bs4 import BeautifulSoup

from autodiff_book import structure, translations, twins

from conftest import ROOT, run_build
from test_page_text import build_talk, claims_fold_problems

GUIDE = ROOT / "CONTRIBUTING.md"


def guide_pages():
    """{path: text} of the pages the guide shows whole: fenced blocks opened with ````md docs/LANG/NAME.md."""
    text = GUIDE.read_text(encoding="utf8")
    return {Path(path): body for fence, path, body in re.findall(r"^(`{3,})md (docs/\S+)\n(.*?)^\1$", text, re.M | re.S)}


def test_the_guides_example_page_builds_as_a_twin_pair(tmp_path):
    pages = guide_pages()
    names = {path.name for path in pages}
    assert len(names) == 1 and sorted(path.parent.name for path in pages) == ["en", "zh"], sorted(pages)
    (name,) = {path.stem for path in pages}

    # Steps 1 and 2: the two pages, as the guide shows them.
    for path, text in pages.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf8")
    docs = tmp_path / "docs"
    # Step 3: the page's name in the table of contents of both languages.
    for lang, title in (("en", "# Home"), ("zh", "# 首页")):
        (docs / lang / "index.md").write_text(f"{title}\n\n```{{toctree}}\n{name}\n```\n", encoding="utf8")
    # Step 4: make translated PAGE=NAME.
    assert translations.main(["--docs", str(docs), "mark", name]) == 0

    assert twins.twin_problems(docs) == []
    assert structure.structure_problems(docs) == []
    out = tmp_path / "_build"
    for builder in ("html", "doctest"):  # what `make html` and `make doctest` run
        result = run_build(builder, docs, out)
        assert result.returncode == 0, f"{builder}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    for lang in ("en", "zh"):
        page = BeautifulSoup((out / "html" / lang / f"{name}.html").read_text(encoding="utf8"), "html.parser")
        assert page.select_one(".outdated-translation") is None
        html = str(page)  # the example page is worded as every page must be (tests/test_page_text.py)
        assert build_talk(html, lang) == [] and claims_fold_problems(html, lang) == []
        assert len(page.select(".sd-tab-set.framework-tabs")) == 1
        report = (out / "doctest" / lang / "output.txt").read_text(encoding="utf8")
        assert re.search(r"^[1-9]\d* passed and 0 failed\.$", report, re.M), report
