"""The built site (`make html`), read as a reader meets it."""
import json
import pickle
from collections import Counter
import re
import runpy

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from autodiff_book.tabs import FRAMEWORKS
from conftest import LANGUAGES, ROOT, notebook_frameworks, notebook_pages, page_names, parsed_head

MACHINE_PATH = re.compile(r"/root/|/home/\w|/tmp/|site-packages|\.pyenv|/work/|/\.venv/")
FOREIGN = re.compile(r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\ssrc=["'](?:https?:)?//"""
                     r"""|<link\b[^>]*\shref=["'](?:https?:)?//[^"']*["'][^>]*rel=["']?stylesheet"""
                     r"""|<link\b[^>]*rel=["']?(?:stylesheet|preload|icon)["']?[^>]*\shref=["'](?:https?:)?//""")


def cells_with_output(page):
    for cell in page.select("div.cell"):
        output = cell.select_one("div.cell_output")
        if output is not None:
            yield cell, output


@pytest.fixture(scope="module")
def pages(parsed_pages):
    """(language, name, parsed HTML) of every page, for the tests that only read them."""
    return [(lang, name, page) for (lang, name), page in parsed_pages.items()]


def test_every_page_is_built_in_both_languages(site):
    for lang in LANGUAGES:
        for name in page_names():
            assert (site / lang / f"{name}.html").exists(), f"{lang}/{name}.html is missing: run make html"


def test_no_page_shows_a_path_of_the_build_machine(site):
    leaks = [f"{path.relative_to(site)}: {match.group(0)}"
             for path in site.rglob("*") if path.suffix in {".html", ".ipynb", ".js"}
             for match in [MACHINE_PATH.search(path.read_text(encoding="utf8", errors="replace"))] if match]
    assert leaks == []


def test_no_page_shows_stderr_or_an_untaught_error(pages):
    for lang, name, page in pages:
        assert not page.select("div.output.stderr"), f"{lang}/{name}: stderr output in the page"
        for cell, output in cells_with_output(page):
            if output.select("div.output.traceback"):
                assert "tag_raises-exception" in cell["class"], f"{lang}/{name}: an error in an untagged cell"


def test_tracebacks_show_the_exception_and_no_frames(pages):
    tracebacks = [(lang, name, tb.get_text().strip()) for lang, name, page in pages
                  for tb in page.select("div.output.traceback")]
    for lang, name, text in tracebacks:
        assert re.fullmatch(r"[\w.]+(Error|Exception|Warning)\b.*", text, re.S), f"{lang}/{name}: {text[:300]}"
        assert "File " not in text and "Cell In" not in text, f"{lang}/{name}: traceback frames: {text[:300]}"


def test_a_printed_false_is_a_bug_unless_the_cell_teaches_it(pages):
    for lang, name, page in pages:
        for cell, output in cells_with_output(page):
            if re.search(r"\bFalse\b", output.get_text()) and "tag_shows-false" not in cell["class"]:
                pytest.fail(f"{lang}/{name}: a cell prints False without the shows-false tag:\n"
                            f"{cell.get_text()[:500]}")


def test_nothing_is_loaded_from_another_host(site):
    for path in site.rglob("*.html"):
        match = FOREIGN.search(path.read_text(encoding="utf8"))
        assert match is None, f"{path.relative_to(site)} loads {match.group(0)}"


def drawn_formulas(page):
    """Each formula of a page as KaTeX drew it when the site was built, inline and display."""
    return page.select("span.math > .katex, div.math > .katex-display")


def formulas_read(lang, name):
    """How many formulas Sphinx read from a page (its doctree, written by the same build)."""
    doctree = pickle.loads((ROOT / "_build" / "doctrees" / lang / f"{name}.doctree").read_bytes())
    return sum(1 for node in doctree.findall(lambda node: isinstance(node, (nodes.math, nodes.math_block))))


# A TeX command, \( \[ delimiters, $$, or $...$ around a backslash or a word without spaces ($x$).
TEX_AS_TEXT = re.compile(r"\\[a-zA-Z]{2,}|\\[()[\]]|\$\$|\$[^$\s][^$]*\\[^$]*\$|\$[^$\s]{1,40}\$")


def test_every_formula_is_drawn_when_the_site_is_built_with_mathml_and_no_script(pages):
    for lang, name, page in pages:
        drawn = drawn_formulas(page)
        assert len(drawn) == formulas_read(lang, name), f"{lang}/{name}: {len(drawn)} formulas drawn"
        assert page.select(".katex-error") == [], f"{lang}/{name}: KaTeX could not draw a formula"
        for formula in drawn:  # what a screen reader reads
            assert formula.select_one(".katex-mathml > math annotation[encoding='application/x-tex']"), formula
        scripts = [script.get("src", "") for script in page.find_all("script")]
        assert not [src for src in scripts if re.search("mathjax|katex", src, re.I)], f"{lang}/{name}: {scripts}"
        prose = " ".join(text for text in page.find_all(string=True)
                         if not text.find_parent(["pre", "code", "script", "style"]) and not text.find_parent(class_="katex"))
        leftover = TEX_AS_TEXT.search(prose)
        assert leftover is None, f"{lang}/{name}: TeX left as text: {leftover.group(0)!r}"


def formulas_of(page):
    """The TeX of every formula of a page, inline and display, as a multiset."""
    return Counter(" ".join(tex.get_text().split())
                   for tex in page.select(".katex-mathml annotation[encoding='application/x-tex']"))


def test_twins_draw_the_same_formulas(pages):
    # The same formulas, not only as many: a translation may say a sentence differently, but a symbol
    # named in one language and not in the other is a sentence that was translated loosely.
    formulas = {(lang, name): formulas_of(page) for lang, name, page in pages}
    differ = {name: {"en only": dict(formulas["en", name] - formulas["zh", name]),
                     "zh only": dict(formulas["zh", name] - formulas["en", name])}
              for name in page_names() if formulas["en", name] != formulas["zh", name]}
    assert differ == {}


def test_the_root_page_offers_both_languages(site):
    root = (site / "index.html").read_text(encoding="utf8")
    assert 'href="en/index.html"' in root and 'href="zh/index.html"' in root
    assert "navigator.languages" in root


def test_the_language_switch_leads_to_the_twin_page(site, pages):
    for lang, name, page in pages:
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


def test_the_canonical_address_of_each_page_is_in_its_language_tree(pages):
    baseurl = runpy.run_path(str(ROOT / "conf.py"))["html_baseurl"]
    for lang, name, page in pages:
        canonical = page.select_one('link[rel="canonical"]')
        assert canonical is not None and canonical["href"] == f"{baseurl}{lang}/{name}.html", f"{lang}/{name}"


def test_every_example_shows_each_framework_of_its_page(pages):
    """PyTorch and TensorFlow everywhere; JAX in every tab set of a page that has JAX tabs, and in none elsewhere."""
    assert notebook_frameworks("basics") == ["pytorch", "tensorflow", "jax"]  # the page JAX reached first
    for lang, name, page in pages:
        offered = [FRAMEWORKS[framework] for framework in notebook_frameworks(name)] if name in notebook_pages() else []
        for tab_set in page.select(".sd-tab-set.framework-tabs"):
            labels = [label.get_text(strip=True) for label in tab_set.select("label.sd-tab-label")]
            assert labels == offered, f"{lang}/{name}: {labels}"


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


# Pages that write a term's name before the page that introduces it, without using the term there:
# (page, name as written) -> why.
FORWARD_MENTIONS = {"a sentence pointing ahead to where-derivatives-break": [
                        ("detaching.html", "inference mode"), ("detaching.html", "推理模式"),
                        ("detaching.html", "frozen parameters"), ("detaching.html", "冻结参数")],
                    "an aside on the eps shortcut of the norm": [
                        ("where-derivatives-break.html", "Hessian"), ("where-derivatives-break.html", "黑塞矩阵"),
                        ("where-derivatives-break.html", "second derivative"),
                        ("where-derivatives-break.html", "二阶导数")],
                    "Newton's iteration for a square root; the optimiser is higher-order's": [
                        ("exercises.html", "Newton’s method"), ("exercises.html", "牛顿法")],
                    "detach() shares memory: a sentence pointing ahead to pitfalls' in-place section": [
                        ("detaching.html", "原地操作"), ("detaching.html", "in-place operation")],
                    "次梯度 inside 一次梯度 (one gradient computation), not the term": [
                        ("basics.html", "次梯度"), ("detaching.html", "次梯度")]}
NOT_A_FIRST_USE = {mention for mentions in FORWARD_MENTIONS.values() for mention in mentions}


def prose_text(html):
    """A page's prose as one line: no code, output or formulas."""
    from bs4 import BeautifulSoup

    article = BeautifulSoup(html, "html.parser").select_one("article")
    for node in article.select("pre, div.highlight, code, .katex, .headerlink"):
        node.decompose()
    for link in article.select("a[href]"):  # a link to another page names that page, it does not use the term,
        if "glossary.html" not in link["href"]:  # nor does the English gloss right after it: [检查点](…)（checkpointing）
            after = link.next_sibling
            if isinstance(after, str):
                after.replace_with(re.sub(r"^（[A-Za-z -]+）", "", after))
            link.decompose()
    return " ".join(article.get_text(" ").split())


def uses_word(text, word):
    """A whole word (English, any case) or the Chinese term anywhere."""
    if re.search(r"[\u4e00-\u9fff]", word):
        return word in text
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_glossary_entry_names_the_first_page_in_reading_order_that_uses_the_term(site, lang):
    from bs4 import BeautifulSoup

    index = BeautifulSoup((site / lang / "index.html").read_text(encoding="utf8"), "html.parser")
    order = [a["href"] for a in index.select("article .toctree-wrapper a.reference.internal") if "#" not in a["href"]]
    pages = {href: (site / lang / href).read_text(encoding="utf8") for href in order if href != "glossary.html"}
    prose = {href: prose_text(page) for href, page in pages.items()}
    glossary = BeautifulSoup((site / lang / "glossary.html").read_text(encoding="utf8"), "html.parser")
    wrong = []
    for definition in glossary.select("dl.glossary > dd"):
        names = []
        for sibling in definition.find_previous_siblings():
            if sibling.name != "dt":
                break
            names.append(sibling)
        named = definition.find_all("a", href=re.compile(r"^[\w-]+\.html$"))[0]["href"]  # the first page it names
        # A page uses the term if it links it, or writes one of the book's names for it in its prose
        # (a variant, term-variant, is not the book's word).
        words = [name.get_text(strip=True).rstrip("#") for name in names if "term-variant" not in name.get("class", [])]
        users = [href for href, page in pages.items() if any(f'glossary.html#{name["id"]}"' in page for name in names)
                 or any(uses_word(prose[href], word) and (href, word) not in NOT_A_FIRST_USE for word in words)]
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


def test_every_page_has_social_card_metadata_and_a_canonical_address(pages):
    from conftest import SITE_URL

    for lang, name, html in pages:
        meta = {tag.get("property"): tag.get("content") for tag in html.find_all("meta", property=True)}
        assert meta.get("og:title") and len(meta.get("og:description", "")) > 20, f"{lang}/{name}"
        assert meta["og:url"] == f"{SITE_URL}{lang}/{name}.html"
        assert meta["og:type"] == ("website" if name == "index" else "article"), f"{lang}/{name}"
        assert (meta.get("og:locale"), meta.get("og:locale:alternate")) == {"zh": ("zh_CN", "en_US"),
                                                                           "en": ("en_US", "zh_CN")}[lang], f"{lang}/{name}"
        assert html.find("link", rel="canonical")["href"] == f"{SITE_URL}{lang}/{name}.html"


# -- What a search engine and a phone meet (issue 20) -----------------------------------------------

DOM_BUDGET = 11_000  # elements in a page as built: the longest (higher-order, three framework tabs) has about
#                      10,300, half of them KaTeX's; Lighthouse mobile scores it 91 on a busy machine
#                      (benchmarks/README.md, "Three tabs on every page")
HTML_BUDGET = 55_000  # bytes of a page's HTML, gzip-compressed: the longest (zh/higher-order) is about 50,100


def test_every_page_names_itself_in_both_languages_and_a_default_with_absolute_addresses(site):
    from conftest import SITE_URL

    for lang in LANGUAGES:
        for name in page_names() + ["search", "genindex", "404"]:
            page = parsed_head(site / lang / f"{name}.html")
            alternates = {link["hreflang"]: link["href"] for link in page.select('head link[rel="alternate"][hreflang]')}
            default = SITE_URL if name == "index" else f"{SITE_URL}en/{name}.html"
            assert alternates == {"en": f"{SITE_URL}en/{name}.html", "zh-CN": f"{SITE_URL}zh/{name}.html",
                                  "x-default": default}, f"{lang}/{name}"


def test_no_title_repeats_the_site_name(pages):
    for lang, name, page in pages:
        parts = [part.strip() for part in page.title.get_text().split("\u2014")]
        assert len(parts) == len(set(parts)), f"{lang}/{name}: {page.title.get_text()!r}"


def every_built_page(site):
    """Every HTML file of the site, the root's and the tools' pages included."""
    return sorted(path for path in site.rglob("*.html") if "_static" not in path.parts and "notebooks" not in path.parts)


def test_every_page_declares_its_viewport_once(site):
    """Editor r9: three viewport tags on each zh page (Sphinx's layout, the theme's, docutils')."""
    counts = {path.relative_to(site).as_posix(): len(parsed_head(path).select('meta[name="viewport"]'))
              for path in every_built_page(site)}
    assert len(counts) > 30
    assert {page: n for page, n in counts.items() if n != 1} == {}


def test_titles_join_a_page_to_the_book_with_a_dash_and_two_languages_with_a_dot(site):
    """" — " joins a page's title to the book's (梯度基础 — 动手学自动微分); the root's pages, which speak
    both languages, join the English and the Chinese with " · " (editor r9: the root page's "·")."""
    titles = {path.relative_to(site).as_posix(): parsed_head(path).title.get_text() for path in every_built_page(site)}
    assert titles["index.html"] == "Automatic Differentiation, Executed · 动手学自动微分"
    assert titles["404.html"] == "Page not found · 页面不存在"
    wrong = {page: title for page, title in titles.items() if "/" in page and ("·" in title or (
        " — " not in title and page.split("/")[1] != "index.html"))}
    assert wrong == {}


def test_the_root_page_is_the_default_with_a_canonical_address_and_a_description(site):
    from conftest import SITE_URL

    root = BeautifulSoup((site / "index.html").read_text(encoding="utf8"), "html.parser")
    assert root.select_one('link[rel="canonical"]')["href"] == SITE_URL
    assert len(root.select_one('meta[name="description"]')["content"]) > 50
    alternates = {link["hreflang"]: link["href"] for link in root.select('link[rel="alternate"]')}
    assert alternates == {"en": f"{SITE_URL}en/index.html", "zh-CN": f"{SITE_URL}zh/index.html", "x-default": SITE_URL}
    # A reader without JavaScript follows a link; the script only picks one for the others.
    assert {a["href"] for a in root.select("body a[href]")} >= {"en/index.html", "zh/index.html"}


def test_search_index_and_404_pages_are_not_indexed_and_content_pages_are(site):
    for lang in LANGUAGES:
        for name in ["search", "genindex", "404"] + page_names():
            robots = parsed_head(site / lang / f"{name}.html").select_one('meta[name="robots"]')
            noindex = robots is not None and "noindex" in robots["content"]
            assert noindex == (name in ("search", "genindex", "404")), f"{lang}/{name}"


def test_no_script_blocks_the_first_paint_of_a_page(pages):
    """Every script a page loads waits for the page to be parsed (the search page needs its tools in order)."""
    for lang, name, page in pages:
        blocking = [script["src"] for script in page.select("script[src]")
                    if not ({"defer", "async"} & set(script.attrs) or script.get("type") == "module")]
        assert blocking == [], f"{lang}/{name}: {blocking}"


def test_the_first_paint_waits_for_the_article_header_and_no_longer(site):
    """rel=expect holds Chromium's first paint until the parser reaches the element it names, so the
    header's buttons are not painted in two parts on a slow network (layout.html); on a page without
    that element, until the whole page is parsed. So the element closes the header on every page that
    asks for it, and a page without the header does not ask."""
    wrong, paths = {}, every_built_page(site)
    for path in paths:
        text = path.read_text(encoding="utf8")
        expected = [link["href"] for link in parsed_head(path).select('link[rel="expect"]')]
        start = text.find('<div class="header-article-items__end">')  # parsed alone: whole pages take 12 s
        header = BeautifulSoup(text[start:text.find("<article", start)], "html.parser").div if start >= 0 else None
        last = header.find_all(True)[-1] if header else None
        if expected != (["#header-parsed"] if header else []) or (header and last.get("id") != "header-parsed"):
            wrong[path.relative_to(site).as_posix()] = (expected, last and last.name)
    assert len(paths) > 30
    assert wrong == {}


def test_pages_stay_within_their_element_and_byte_budgets(site, pages):
    import gzip

    heavy = []
    for lang, name, page in pages:
        elements = len(page.find_all(True))
        compressed = len(gzip.compress((site / lang / f"{name}.html").read_bytes(), 6))
        if elements > DOM_BUDGET or compressed > HTML_BUDGET:
            heavy.append(f"{lang}/{name}: {elements} elements, {compressed} bytes compressed")
    assert heavy == []


def test_every_image_is_sized_and_described_in_its_pages_language(pages):
    chinese = re.compile("[\u4e00-\u9fff]")
    for lang, name, page in pages:
        for image in page.select("article img"):
            alt = image.get("alt", "")
            assert image.get("width") and image.get("height"), f"{lang}/{name}: {image.get('src')} has no size"
            assert len(alt) > 20 and not re.search(r"\.(svg|png|jpe?g|gif)$|_images/", alt), f"{lang}/{name}: {alt!r}"
            assert bool(chinese.search(alt)) == (lang == "zh"), f"{lang}/{name}: alt not in the page's language: {alt!r}"


def test_code_drawn_without_pygments_plain_spans_looks_the_same(site):
    """weight.py unwraps Pygments' name, punctuation and whitespace spans: the styles must draw them
    in the code block's own colour, in light and in dark mode."""
    from autodiff_book.sphinx_ext.weight import PLAIN_TOKENS

    css = (site / "en" / "_static" / "pygments.css").read_text(encoding="utf8")
    plain = re.findall(r"[a-z]", PLAIN_TOKENS.pattern.split("[", 1)[1].split("]", 1)[0])
    for mode in ("light", "dark"):
        block = re.search(rf'html\[data-theme="{mode}"\] \.highlight {{[^}}]*color: (#\w+)', css).group(1)
        for token in plain:
            rule = re.search(rf'html\[data-theme="{mode}"\] \.highlight \.{token} {{([^}}]*)}}', css)
            assert rule is None or rule.group(1).strip() == f"color: {block}", f"{mode} .{token}: {rule.group(1)}"
