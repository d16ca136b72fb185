"""The built site (`make html`), read as a reader meets it."""
import json
import re
import runpy

import pytest

from autodiff_book.sphinx_ext.offline import MATHJAX, MATHJAX_LOAD
from conftest import LANGUAGES, ROOT, built_pages, page_names

MACHINE_PATH = re.compile(r"/root/|/home/\w|/tmp/|site-packages|\.pyenv|/work/|/\.venv/")
FOREIGN = re.compile(r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\ssrc=["'](?:https?:)?//"""
                     r"""|<link\b[^>]*\shref=["'](?:https?:)?//[^"']*["'][^>]*rel=["']?stylesheet"""
                     r"""|<link\b[^>]*rel=["']?(?:stylesheet|preload|icon)["']?[^>]*\shref=["'](?:https?:)?//""")


def cells_with_output(page):
    for cell in page.select("div.cell"):
        output = cell.select_one("div.cell_output")
        if output is not None:
            yield cell, output


def test_every_page_is_built_in_both_languages(site):
    for lang in LANGUAGES:
        for name in page_names():
            assert (site / lang / f"{name}.html").exists(), f"{lang}/{name}.html is missing: run make html"


def test_no_page_shows_a_path_of_the_build_machine(site):
    leaks = [f"{path.relative_to(site)}: {match.group(0)}"
             for path in site.rglob("*") if path.suffix in {".html", ".ipynb", ".js"} and "mathjax" not in path.parts
             for match in [MACHINE_PATH.search(path.read_text(encoding="utf8", errors="replace"))] if match]
    assert leaks == []


def test_no_page_shows_stderr_or_an_untaught_error(site):
    for lang, name, page in built_pages(site):
        assert not page.select("div.output.stderr"), f"{lang}/{name}: stderr output in the page"
        for cell, output in cells_with_output(page):
            if output.select("div.output.traceback"):
                assert "tag_raises-exception" in cell["class"], f"{lang}/{name}: an error in an untagged cell"


def test_tracebacks_show_the_exception_and_no_frames(site):
    tracebacks = [(lang, name, tb.get_text().strip()) for lang, name, page in built_pages(site)
                  for tb in page.select("div.output.traceback")]
    for lang, name, text in tracebacks:
        assert re.fullmatch(r"[\w.]+(Error|Exception|Warning)\b.*", text, re.S), f"{lang}/{name}: {text[:300]}"
        assert "File " not in text and "Cell In" not in text, f"{lang}/{name}: traceback frames: {text[:300]}"


def test_a_printed_false_is_a_bug_unless_the_cell_teaches_it(site):
    for lang, name, page in built_pages(site):
        for cell, output in cells_with_output(page):
            if re.search(r"\bFalse\b", output.get_text()) and "tag_shows-false" not in cell["class"]:
                pytest.fail(f"{lang}/{name}: a cell prints False without the shows-false tag:\n"
                            f"{cell.get_text()[:500]}")


def test_nothing_is_loaded_from_another_host(site):
    for path in site.rglob("*.html"):
        match = FOREIGN.search(path.read_text(encoding="utf8"))
        assert match is None, f"{path.relative_to(site)} loads {match.group(0)}"


def test_math_is_rendered_by_the_sites_own_mathjax(site):
    for lang in LANGUAGES:
        page = (site / lang / "basics.html").read_text(encoding="utf8")
        assert f'src="_static/{MATHJAX}' in page
        for component in ["startup", *MATHJAX_LOAD]:  # the loader and what it loads
            assert (site / lang / "_static" / "mathjax" / f"{component}.js").exists(), component
        assert (site / lang / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()


def test_the_root_page_offers_both_languages(site):
    root = (site / "index.html").read_text(encoding="utf8")
    assert 'href="en/index.html"' in root and 'href="zh/index.html"' in root
    assert "navigator.languages" in root


def test_the_language_switch_leads_to_the_twin_page(site):
    for lang, name, page in built_pages(site):
        switch = page.select_one("a.language-switch")
        assert switch is not None, f"{lang}/{name}: no language switch"
        target = (site / lang / name).parent / switch["href"]
        other = "zh" if lang == "en" else "en"
        assert target.resolve() == (site / other / f"{name}.html").resolve(), f"{lang}/{name} -> {switch['href']}"


def search_terms(site, lang):
    text = (site / lang / "searchindex.js").read_text(encoding="utf8")
    index = json.loads(text[text.index("(") + 1: text.rindex(")")])
    return index["terms"]


@pytest.mark.parametrize("lang, words", [
    ("zh", ["梯度", "反向传播", "自动微分", "计算图", "雅可比矩阵"]),
    ("en", ["gradient", "jacobian"]),
])
def test_the_search_index_knows_the_chapters_terms(site, lang, words):
    terms = search_terms(site, lang)
    assert [word for word in words if word not in terms] == []


def test_the_canonical_address_of_each_page_is_in_its_language_tree(site):
    baseurl = runpy.run_path(str(ROOT / "conf.py"))["html_baseurl"]
    for lang, name, page in built_pages(site):
        canonical = page.select_one('link[rel="canonical"]')
        assert canonical is not None and canonical["href"] == f"{baseurl}{lang}/{name}.html", f"{lang}/{name}"


def test_every_example_shows_both_frameworks(site):
    for lang, name, page in built_pages(site):
        for tab_set in page.select(".sd-tab-set.framework-tabs"):
            labels = [label.get_text(strip=True) for label in tab_set.select("label.sd-tab-label")]
            assert labels == ["PyTorch", "TensorFlow"], f"{lang}/{name}: {labels}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_glossary_entry_links_to_a_page_that_links_back(site, lang):
    from bs4 import BeautifulSoup

    glossary = BeautifulSoup((site / lang / "glossary.html").read_text(encoding="utf8"), "html.parser")
    definitions = glossary.select("dl.glossary > dd")
    assert len(definitions) >= 15
    for definition in definitions:
        names = []  # an entry is its English and its Chinese name, then one definition
        for sibling in definition.find_previous_siblings():
            if sibling.name != "dt":
                break
            names.append(sibling)
        term = " / ".join(name.get_text(strip=True).rstrip("#") for name in names)
        introduced_in = definition.find_all("a", href=re.compile(r"^[\w-]+\.html$"))
        assert introduced_in, f"{lang} glossary: {term} names no page"
        page = (site / lang / introduced_in[0]["href"]).read_text(encoding="utf8")
        assert any(f'glossary.html#{name["id"]}"' in page for name in names), (
            f"{lang}: {introduced_in[0]['href']} does not link {term} to the glossary")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_glossary_entry_names_the_first_page_in_reading_order_that_uses_the_term(site, lang):
    from bs4 import BeautifulSoup

    index = BeautifulSoup((site / lang / "index.html").read_text(encoding="utf8"), "html.parser")
    order = [a["href"] for a in index.select("article .toctree-wrapper a.reference.internal") if "#" not in a["href"]]
    pages = {href: (site / lang / href).read_text(encoding="utf8") for href in order if href != "glossary.html"}
    glossary = BeautifulSoup((site / lang / "glossary.html").read_text(encoding="utf8"), "html.parser")
    wrong = []
    for definition in glossary.select("dl.glossary > dd"):
        names = []
        for sibling in definition.find_previous_siblings():
            if sibling.name != "dt":
                break
            names.append(sibling)
        named = definition.find_all("a", href=re.compile(r"^[\w-]+\.html$"))[0]["href"]  # the first page it names
        users = [href for href, page in pages.items() if any(f'glossary.html#{name["id"]}"' in page for name in names)]
        if users[:1] != [named]:
            wrong.append(f"{names[-1].get_text(strip=True).rstrip('#')}: introduced in {named}, first used in {users[:1]}")
    assert wrong == [], f"{lang}/glossary.html:\n" + "\n".join(wrong)


def test_the_sitemap_lists_every_page_with_its_twin(site):
    from xml.etree import ElementTree

    from conftest import SITE_URL

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
    urls = ElementTree.parse(site / "sitemap.xml").getroot().findall("s:url", ns)
    listed = {url.find("s:loc", ns).text: {link.get("hreflang"): link.get("href")
                                           for link in url.findall("xhtml:link", ns)} for url in urls}
    expected = {f"{SITE_URL}{lang}/{name}.html" for lang in LANGUAGES for name in page_names()}
    assert set(listed) == expected
    for loc, alternates in listed.items():
        name = loc.rsplit("/", 1)[1]
        assert alternates == {"en": f"{SITE_URL}en/{name}", "zh-CN": f"{SITE_URL}zh/{name}"}, loc
        assert (site / loc[len(SITE_URL):]).exists(), loc
    assert f"Sitemap: {SITE_URL}sitemap.xml" in (site / "robots.txt").read_text(encoding="utf8")


def test_every_page_has_social_card_metadata_and_a_canonical_address(site):
    from conftest import SITE_URL

    for lang, name, html in built_pages(site):
        meta = {tag.get("property"): tag.get("content") for tag in html.find_all("meta", property=True)}
        assert meta.get("og:title") and len(meta.get("og:description", "")) > 20, f"{lang}/{name}"
        assert meta["og:url"] == f"{SITE_URL}{lang}/{name}.html"
        assert html.find("link", rel="canonical")["href"] == f"{SITE_URL}{lang}/{name}.html"
