"""What a Chinese reader meets on the built site (`make html`): Chinese typography, an interface in
mainland Chinese, and descriptions fit for search results and link previews, in both languages.

The browser half (the interface after its scripts ran, emphasis without a fake italic) is in
test_browser.py.
"""
import json
import shutil
import re

import pytest
from bs4 import BeautifulSoup, Comment

from conftest import LANGUAGES, ROOT, page_names

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Full-width punctuation as Chinese text uses it: 、。《》「」 etc., ，：；（）！？, “”‘’, —— and …….
FULL_WIDTH = "\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026"
BLOCK = "\x00"  # stands for the edge of a block: no space is seen across it
CODE = "c"  # stands for inline code or a formula: Latin as far as spacing goes
STRAY_SPACE = re.compile(
    rf"[{FULL_WIDTH}][ \t\n]+[^\s{BLOCK}]|[^\s{BLOCK}][ \t\n]+[{FULL_WIDTH}]|[{HAN}][ \t\n]+[{HAN}]")
BLOCKS = {"p", "li", "ul", "ol", "dl", "dt", "dd", "div", "section", "article", "aside", "nav", "header",
          "footer", "main", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "thead", "tbody",
          "figure", "figcaption", "details", "summary", "form", "button", "label", "input", "br", "hr",
          "blockquote", "body", "html", "dialog", "select", "option"}


def shown_text(element):
    """The text of an element as a browser lays it out: code and formulas as one Latin letter each,
    a block's edges as BLOCK, comments and scripts left out."""
    parts = []
    for child in element.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, str):
            parts.append(str(child))
        elif child.name in ("script", "style", "template", "pre", "noscript"):
            parts.append(BLOCK)
        elif child.name in ("code", "kbd", "samp") or "math" in child.get("class", []):
            parts.append(BLOCK if child.name == "div" else CODE)
        elif child.name in BLOCKS:
            parts += [BLOCK, shown_text(child), BLOCK]
        else:
            parts.append(shown_text(child))
    return "".join(parts)


def stray_spaces(html):
    """Each place where a reader of a Chinese page sees a space a Chinese text has none, in context."""
    body = BeautifulSoup(html, "html.parser").body
    text = shown_text(body)
    return [text[max(0, m.start() - 12):m.end() + 12].replace(BLOCK, "¶") for m in STRAY_SPACE.finditer(text)]


def chinese_pages(site):
    return sorted((site / "zh").glob("*.html"))


def test_a_chinese_page_shows_no_space_beside_full_width_punctuation_or_between_chinese_characters(site):
    problems = [f"zh/{path.name}: …{context}…" for path in chinese_pages(site)
                for context in stray_spaces(path.read_text(encoding="utf8"))]
    assert problems == [], f"{len(problems)} stray spaces:\n" + "\n".join(problems)


@pytest.mark.parametrize("html, stray", [
    ("<p>放在张量上；\n<code>y.backward()</code>。</p>", True),  # a line break after full-width punctuation
    ("<p><code>.grad</code>\n（怎样保留它）</p>", True),  # and before it
    ("<p>折叠在 <strong>解答</strong> 里</p>", True),  # a typed space between two Chinese characters
    ("<p>首次介绍于<a>梯度基础</a>。</p><p>下一段</p>", False),
    ("<p>用 PyTorch 求导，<code>x</code> 的梯度是 <span class='math'>2x</span>。</p>", False),
    ("<p>末尾。</p>\n<p>开头</p>", False),  # a line break between two blocks is not shown
], ids=["after-punctuation", "before-punctuation", "typed", "clean", "latin-and-code", "between-blocks"])
def test_a_stray_space_is_found_where_a_reader_sees_it(html, stray):
    assert bool(stray_spaces(f"<html><body>{html}</body></html>")) == stray


def missing_spaces(html):
    """Each place where a Chinese character touches a Latin letter, a digit, code or a formula: the
    book puts a space between them, as its pages do everywhere else."""
    text = shown_text(BeautifulSoup(html, "html.parser").body)
    return [text[max(0, m.start() - 12):m.end() + 12].replace(BLOCK, "¶")
            for m in re.finditer(rf"[{HAN}][A-Za-z0-9]|[A-Za-z0-9][{HAN}]", text)]


def test_a_chinese_page_keeps_a_space_between_chinese_and_latin_text(site):
    problems = [f"zh/{path.name}: …{context}…" for path in chinese_pages(site)
                for context in missing_spaces(path.read_text(encoding="utf8"))]
    assert problems == [], "\n".join(problems)


def test_a_missing_space_is_found():
    html = ("<html><body><p>首次介绍于<a>Python 控制流</a>，练习 1做了，<code>x</code>的值；"
            "用 PyTorch 求 <code>x</code> 的梯度，第 1–5 题。</p></body></html>")
    found = missing_spaces(html)
    assert len(found) == 3 and "介绍于Python" in found[0] and "习 1做" in found[1] and "c的值" in found[2], found


def english_sentences(page):
    """(cell number, text) of each comment or docstring of a page's shown code that is English prose:
    three plain English words or more, and no Chinese character (`# float64` is a name, not prose)."""
    from myst_nb.core.read import read_myst_markdown_notebook

    from autodiff_book.translations import code_prose

    notebook = read_myst_markdown_notebook(page.read_text(encoding="utf8"), path=str(page))
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code, start=1):
        if "remove-cell" in cell.metadata.get("tags", []):
            continue  # not shown, and not in the download
        for text in code_prose(cell.source):
            words = [word for word in text.split() if re.fullmatch(r"[A-Za-z]{2,}[,.;:]?", word)]
            if len(words) >= 3 and not re.search(f"[{HAN}]", text):
                yield number, text


def test_the_code_a_chinese_reader_sees_has_its_comments_and_docstrings_in_chinese():
    problems = [f"docs/zh/{page.name}, code cell {number}: {text.splitlines()[0]!r}"
                for page in sorted((ROOT / "docs" / "zh").glob("*.md")) for number, text in english_sentences(page)]
    assert problems == [], "translate (the twin check allows it):\n" + "\n".join(problems)


def test_an_english_docstring_or_comment_is_found_and_a_name_is_not(tmp_path):
    page = tmp_path / "page.md"
    page.write_text('# 页\n\n```{code-cell} ipython3\ndef f(x):\n    """Twice x, as a new tensor."""\n'
                    "    return 2 * x  # float64\n# 乘以 2，得到新张量\n```\n", encoding="utf8")
    assert list(english_sentences(page)) == [(1, "Twice x, as a new tensor.")]


# -- The interface in mainland Chinese -------------------------------------------------------------

# Words a Chinese interface keeps in Latin letters: product names, key names, file types.
LATIN_WORDS = {"PyTorch", "TensorFlow", "JAX", "Python", "Jupyter", "JavaScript", "PDF", "Ctrl", "K", "md", "pdf",
               "zip", "ipynb", "autodiff-book"}
# Words that are Taiwanese usage, not mainland: what the theme's own zh catalogs had.
TAIWANESE = {"列印", "程式", "搜尋", "預設", "檔案", "設定"}
# What a reader hears or sees on hover (Bootstrap moves a tooltip's title to data-bs-original-title).
ATTRIBUTES = ("placeholder", "aria-label", "title", "data-tooltip", "data-bs-original-title")


def foreign_words(text):
    words = re.findall(r"[A-Za-z][\w.+-]*[A-Za-z]|[A-Za-z]", text)
    return [w for w in words if w not in LATIN_WORDS] + [w for w in TAIWANESE if w in text]


def in_another_language(element):
    """Whether the element, or one around it, is marked as not Chinese (the link to the English page)."""
    return any(not tag.get("lang", "zh").startswith("zh") for tag in [element, *element.parents] if tag.name)


def interface_strings(soup):
    """(where, text) for what the page's interface says: every attribute a reader hears or sees on
    hover, the text outside the article but for the titles of pages and headings, and the labels
    the site adds inside the article (folds, the notice on an outdated translation)."""
    for element in soup.find_all(True):
        if not in_another_language(element) and not element.find_parent(["pre", "code"]):
            for attribute in ATTRIBUTES:
                if element.get(attribute):
                    yield f"<{element.name} {attribute}>", element[attribute]
    for string in soup.body.find_all(string=True):
        if isinstance(string, Comment) or string.find_parent(["script", "style", "article", "code", "pre"]):
            continue
        if string.find_parent("a", class_="reference"):
            continue  # a page's or a heading's title, in the tables of contents: the pages' own words
        if string.find_parent("li") and string.find_parent(id="search-results"):
            continue  # a search result: a page's title and an excerpt of its text
        if string.strip() and not in_another_language(string.parent):
            yield f"text in <{string.parent.name}>", string.strip()
    for label in soup.select("article details.hide summary, article .outdated-translation"):
        yield "a label in the article", label.get_text(" ", strip=True)


@pytest.mark.parametrize("name", ["basics", "under-the-hood", "where-derivatives-break", "index", "glossary",
                                  "search", "genindex", "404"])
def test_the_interface_of_a_chinese_page_is_in_mainland_chinese(site, name):
    soup = BeautifulSoup((site / "zh" / f"{name}.html").read_text(encoding="utf8"), "html.parser")
    problems = [f"{where}: {text!r}" for where, text in interface_strings(soup) if foreign_words(text)]
    assert problems == [], f"zh/{name}.html:\n" + "\n".join(problems)


def test_an_english_interface_string_is_found():
    soup = BeautifulSoup('<html><body><input placeholder="Search..."><nav aria-label="Main"></nav>'
                         '<button title="列印成 PDF"></button><footer>© Copyright 2026</footer>'
                         '<a lang="en" title="English">English</a><article><p>正文 doctest</p></article>'
                         '</body></html>', "html.parser")
    found = [text for _, text in interface_strings(soup) if foreign_words(text)]
    assert found == ["Search...", "Main", "列印成 PDF", "© Copyright 2026"]


# Each fold names what it hides: what myst-nb folds for the tags hide-cell, hide-input, hide-output.
FOLD_LABELS = {"en": {"code and output": ("Show code and output", "Hide code and output"),
                      "code": ("Show code", "Hide code"), "output": ("Show output", "Hide output")},
               "zh": {"code and output": ("显示代码和输出", "隐藏代码和输出"),
                      "code": ("显示代码", "隐藏代码"), "output": ("显示输出", "隐藏输出")}}


def folded_part(fold):
    """What a folded cell's <details> holds, read from the HTML: code and output, code, or output."""
    holds_code = fold.select_one(".cell_input") is not None
    holds_output = fold.select_one(".cell_output") is not None
    return {(True, True): "code and output", (True, False): "code", (False, True): "output"}[holds_code, holds_output]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_fold_says_what_it_hides(parsed_pages, lang):
    kinds = set()
    for name in page_names():
        page = parsed_pages[lang, name]
        for fold in page.select("details.hide"):
            part = folded_part(fold)
            shown = (fold.select_one("summary .collapsed").get_text(strip=True),
                     fold.select_one("summary .expanded").get_text(strip=True))
            assert shown == FOLD_LABELS[lang][part], f"{lang}/{name}: a fold of the {part} says {shown}"
            kinds.add(part)
    assert kinds, f"{lang}: no fold on the site"  # every kind is in test_each_kind_of_fold_says_what_it_hides


# -- Descriptions for search results and link previews --------------------------------------------

# A sentence's end (not three dots: what a cut in the middle of a word leaves), or an ellipsis.
ENDS = {"en": r"((?<!\.\.)[.!?][\"”’)]*|…)$", "zh": r"([。！？][”’）]*|……)$"}


def descriptions(page):
    name = page.find("meta", attrs={"name": "description"})
    og = page.find("meta", property="og:description")
    return (name["content"] if name else None), (og["content"] if og else None)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_description_is_clean_text_cut_at_a_boundary(parsed_pages, lang):
    for name in page_names():
        page = parsed_pages[lang, name]
        meta, og = descriptions(page)
        where = f"{lang}/{name}: {meta!r}"
        assert meta and meta == og, where
        assert 20 <= len(meta) <= {"en": 200, "zh": 100}[lang], where
        if lang == "zh":  # a Chinese search result shows some 70-80 Han characters
            assert len(re.findall(r"[\u4e00-\u9fff]", meta)) <= 80, f"{where}: longer than a result shows"
        assert not re.match(r"After th|读完本页", meta), f"{where}: the goal sentence's opener, the same on every page"
        if lang == "zh":
            assert not re.search(r"（[A-Za-z][^（）]*）", meta), f"{where}: an English gloss"
        assert not re.search(r"\\[A-Za-z]+|[$^{}]", meta), f"{where}: LaTeX"
        assert meta == meta.strip() and "  " not in meta, f"{where}: stray spaces"
        assert not re.search(r"[(\[“] | [)\]”,.;:!?]", meta), f"{where}: a space inside brackets or before punctuation"
        if lang == "zh":
            assert not STRAY_SPACE.search(meta), f"{where}: a space a Chinese text has none"
        assert re.search(ENDS[lang], meta), f"{where}: cut inside a sentence without an ellipsis"
        if meta.endswith("…"):  # cut: what it keeps ends at a clause or a word of the page's text
            kept = meta.rstrip("…")
            text = "".join(page.select_one("article").get_text().split()) if lang == "zh" else \
                " ".join(page.select_one("article").get_text().split())
            if lang == "zh":  # the description leaves out the glosses
                kept, text = "".join(kept.split()), re.sub(r"（[A-Za-z][^（）]*）", "", text)
            else:  # and starts a goal sentence with a capital
                kept, text = kept.lower(), text.lower()
            assert kept in text, where
            following = text[text.index(kept) + len(kept)]
            assert following in (" ,;:.—" if lang == "en" else "，；：、。"), f"{where}: cut before {following!r}"


def test_no_chinese_description_names_a_term_the_book_does_not_use(parsed_pages):
    """Zh editor r10, finding 8: the glossary's description, some 70 characters, put 海森矩阵 and 自动求导
    (other texts' names, which the book lists to lead away from) in every search result for it. The
    glossary says its own (front matter ``description``), in one short sentence."""
    glossary = parsed_pages["zh", "glossary"]
    variants = {dt.get_text().strip().rstrip("#¶") for dt in glossary.select("dl.glossary dt.term-variant")}
    assert len(variants) > 10
    named = {name: [v for v in variants if v in descriptions(parsed_pages["zh", name])[0]] for name in page_names()}
    assert {name: found for name, found in named.items() if found} == {}
    assert len(re.findall(r"[\u4e00-\u9fff]", descriptions(glossary)[0])) <= 40


SUB_PATH = "/some/where/book/"
SMALL_SITE = {  # page: (English, Chinese, the Chinese description)
    "index": ("A first sentence. Then a formula $x^2$ here.",
              "读完本页，你将能够：判断框架会对哪些量求导、\n不会对哪些量（what is differentiated）求导。训练神经网络，就是让每个参数沿着损失函数 "
              "{term}`梯度` 的反方向走一小步。",
              "判断框架会对哪些量求导、不会对哪些量求导。"),  # the goal's verb phrase, without its opener
    "second": ("After this page you can read a term. Then more.",
                 "训练神经网络，就是让每个参数沿着损失函数 {term}`梯度`（gradient）\n的反方向走一小步。还有一句。",
                 "训练神经网络，就是让每个参数沿着损失函数梯度的反方向走一小步。还有一句。"),
    "formula": ("Every value is recorded. Here $\\mathbf{x}$ is one.",
                "框架会对它记录下来的一切求导。某个值由 $\\mathbf{x}$ 算出，我们却希望把它当作常数。",
                "框架会对它记录下来的一切求导。"),
}


FOLDS_PAGE = "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\nkernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n# Folds\n" + "".join(
    f"\n```{{code-cell}} ipython3\n:tags: [{tag}]\nprint('{tag}')\n```\n" for tag in ("hide-cell", "hide-input", "hide-output"))


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """Three pages per language (one with a fold of each kind), built as `make html` does,
    published under a sub-path."""
    from conftest import run_build

    root = tmp_path_factory.mktemp("small")
    for lang, column in (("en", 0), ("zh", 1)):
        (root / "docs" / lang).mkdir(parents=True)
        for name, texts in SMALL_SITE.items():
            extra = "\n```{toctree}\nformula\nfolds\nsecond\n```\n" if name == "index" else ""
            glossary = "\n```{glossary}\n梯度\ngradient\n  定义。\n```\n" if name == "index" else ""
            (root / "docs" / lang / f"{name}.md").write_text(f"# Title {name}\n\n{texts[column]}\n{extra}{glossary}",
                                                             encoding="utf8")
        (root / "docs" / lang / "folds.md").write_text(FOLDS_PAGE, encoding="utf8")
    (root / "docs" / "root").mkdir()
    shutil.copy(ROOT / "docs" / "root" / "404.html", root / "docs" / "root" / "404.html")
    result = run_build("html", root / "docs", root / "_build", "--", "-D", f"html_baseurl=https://example.org{SUB_PATH}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root / "_build" / "html"


@pytest.mark.parametrize("name", SMALL_SITE)
def test_a_description_has_no_stray_space_and_no_formula(small_site, name):
    english = {"second": "Read a term."}.get(name, SMALL_SITE[name][0].split(". ")[0] + ".")
    for lang, wanted in (("en", english), ("zh", SMALL_SITE[name][2])):
        page = BeautifulSoup((small_site / lang / f"{name}.html").read_text(encoding="utf8"), "html.parser")
        assert descriptions(page) == (wanted, wanted), f"{lang}/{name}"


# -- The root page and the 404 pages ---------------------------------------------------------------

def test_the_root_page_has_a_heading_in_each_language(site):
    root = BeautifulSoup((site / "index.html").read_text(encoding="utf8"), "html.parser")
    heading = root.find("h1")
    parts = {part["lang"]: part.get_text(strip=True) for part in heading.find_all(lang=True)}
    assert parts == {"en": "Automatic Differentiation, Executed", "zh-CN": "动手学自动微分"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_404_pages_lead_home_under_the_sites_sub_path(small_site, lang):
    page = BeautifulSoup((small_site / lang / "404.html").read_text(encoding="utf8"), "html.parser")
    links = {a["href"] for a in page.select("article a[href]")}
    # Each leads to its own language's contents and search (the header's language link to the other's).
    assert links == {f"{SUB_PATH}{lang}/index.html", f"{SUB_PATH}{lang}/search.html"}, links
    assert all(h1.get_text(strip=True) for h1 in page.find_all("h1")), "an empty <h1>"  # a screen reader's headings
    assets = [tag.get("href") or tag.get("src") for tag in page.select("link[rel=stylesheet], script[src]")]
    assert assets and all(asset.startswith(f"{SUB_PATH}{lang}/_static/") for asset in assets), assets


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_404_pages_language_switch_is_absolute_under_the_sites_sub_path(small_site, lang):
    """The 404 page is served at any missing address: a relative ``../en/404.html`` from
    ``zh/a/b/missing.html`` leads to ``zh/a/en/404.html``, another 404 (editor r12, 2.1)."""
    page = BeautifulSoup((small_site / lang / "404.html").read_text(encoding="utf8"), "html.parser")
    other = "zh" if lang == "en" else "en"
    assert page.select_one("a.language-switch")["href"] == f"{SUB_PATH}{other}/404.html"


def test_the_root_404_page_speaks_both_languages_each_marked_and_leads_home_under_the_sub_path(small_site):
    """A host serves it at any missing address. Editor r10: it was the English tree's page, an English
    theme (sidebar, Search..., footer) around one Chinese paragraph; now a page of its own, as the root
    page is, with no theme."""
    page = BeautifulSoup((small_site / "404.html").read_text(encoding="utf8"), "html.parser")
    assert page.html["lang"] == "en" and page.title.get_text() == "Page not found · 页面不存在"
    heading = {part["lang"]: part.get_text(strip=True) for part in page.h1.find_all(lang=True)}
    assert heading == {"en": "Page not found", "zh-CN": "页面不存在"}
    chinese = page.select("body [lang=zh-CN]")
    assert [a["href"] for part in chinese for a in part.select("a[href]")] == [
        f"{SUB_PATH}zh/index.html", f"{SUB_PATH}zh/search.html"]
    assert "你要找的页面可能已被移动或删除" in chinese[-1].get_text()
    english = [a["href"] for a in page.select("body a[href]") if not a.find_parent(lang="zh-CN")]
    assert english == [f"{SUB_PATH}en/index.html", f"{SUB_PATH}en/search.html"]
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(p.get_text() for p in page.select("p:not([lang])")))
    assert page.select('link[rel=stylesheet], script[src]') == [], "no theme: nothing of it in English"
    assert page.select_one('link[rel=icon]')["href"] == f"{SUB_PATH}favicon.svg"
    assert f'location.pathname.startsWith("{SUB_PATH}zh/")' in page.script.get_text()
    assert page.select_one('meta[name=robots]')["content"] == "noindex"


def test_the_chinese_footer_names_the_authors_as_a_team_and_claims_what_the_english_does(parsed_pages):
    """Not 版权所有 © 2026《动手学自动微分》作者, which reads as if the author's name were 作者 (editor r8); no
    保留所有权利 either, which the English footer does not say (editor r11)."""
    for name in ("index", "basics"):
        page = parsed_pages["zh", name]
        line = " ".join(page.select_one("footer p.copyright").get_text().split())
        assert line == "© 2026《动手学自动微分》作者团队", line


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_kind_of_fold_says_what_it_hides(small_site, lang):
    page = BeautifulSoup((small_site / lang / "folds.html").read_text(encoding="utf8"), "html.parser")
    labels = {folded_part(fold): (fold.select_one("summary .collapsed").get_text(strip=True),
                                  fold.select_one("summary .expanded").get_text(strip=True))
              for fold in page.select("details.hide")}
    assert labels == FOLD_LABELS[lang]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_search_page_title_joins_like_every_other_page(site, lang):
    titles = {name: re.search(r"<title>(.*?)</title>", (site / lang / f"{name}.html").read_text(encoding="utf8")).group(1)
              for name in ("search", "genindex")}
    assert " &#8212; " in titles["genindex"] and " &#8212; " in titles["search"], titles


# -- Cross-references ------------------------------------------------------------------------------

def page_titles(parsed_pages, lang):
    """Each page's title, as its <h1> shows it, by file name."""
    titles = {}
    for name in page_names():
        page = parsed_pages[lang, name]
        titles[name] = page.select_one("article h1").get_text().rstrip("#").strip()
    return titles


def bare_titles(page, titles):
    """Links whose text is only a page's title (or its part before "："), not followed by 一页: a Chinese
    reader reads 见导数失效的地方 as "see where derivatives fail" (CONTRIBUTING.md, "cross-reference")."""
    names = set(titles.values()) | {title.split("：")[0] for title in titles.values()}
    found = []
    for link in page.select("article a.reference.internal[href]"):
        if "#term-" in link["href"]:  # a glossary term (自定义梯度), not a page
            continue
        after = link.next_sibling
        after = (after.get_text() if hasattr(after, "get_text") else str(after or "")).lstrip()
        # 练习 1～5 names exercises by their numbers, not the page.
        if link.get_text(strip=True) in names and not after.startswith("一页") and not after[:1].isdigit():
            found.append(f"{link.get_text(strip=True)}{after[:8]}")
    return found


def test_a_chinese_cross_reference_says_it_points_to_a_page(parsed_pages):
    titles = page_titles(parsed_pages, "zh")
    found = {}
    for name in page_names():
        if name == "index":  # the contents: a list of pages, each a title
            continue
        if hits := bare_titles(parsed_pages["zh", name], titles):
            found[name] = hits
    assert found == {}, f"write 见{{doc}}`非标量输出 <non-scalar-outputs>`一页, not the bare title: {found}"


def test_a_bare_title_is_found_and_a_page_or_an_exercise_is_not():
    titles = {"basics": "梯度基础", "exercises": "练习", "under-the-hood": "深入底层：从零实现自动微分引擎"}
    html = ("<article><p>见<a class='reference internal' href='basics.html'>梯度基础</a>）。"
            "见<a class='reference internal' href='basics.html'>梯度基础</a>一页。"
            "接着<a class='reference internal' href='exercises.html'>练习</a> 1～5。"
            "<a class='reference internal' href='under-the-hood.html'>深入底层</a>数了这笔账。</p></article>")
    assert bare_titles(BeautifulSoup(html, "html.parser"), titles) == ["梯度基础）。见", "深入底层数了这笔账。"]


def section_titles(parsed_pages, lang):
    """Each section below a page's title, by (page, id): its heading's text, without its "#" link."""
    sections = {}
    for name in page_names():
        for section in parsed_pages[lang, name].select("article section section[id]"):
            heading = section.find(re.compile(r"^h[2-6]$"))
            text = "".join(part for part in heading.find_all(string=True) if not part.find_parent(class_="headerlink"))
            sections[(name, section["id"])] = " ".join(text.split())
    return sections


def unnamed_sections(page, titles, sections):
    """Links to a section of another page that name only its page (见{ref}`常见陷阱一页 <pitfalls-in-place>`),
    only the section (见“哪些量可以求导”, read as a section of this page: editor r35), or quote a name that
    is not the section's: CONTRIBUTING writes a section as 页名一页的“节名”. The reader cannot tell
    where the link lands (editor r9)."""
    names = set(titles.values()) | {title.split("：")[0] for title in titles.values()}
    found = []
    for link in page.select("article a.reference.internal[href*='#']"):
        target = tuple(link["href"].split(".html#", 1)) if ".html#" in link["href"] else None
        if target not in sections:
            continue
        text = " ".join(link.get_text().split())
        quoted = re.search(r"“(.+)”", text)
        # A section's name may stop before its "：" (“where 陷阱” for “where 陷阱：未选中的分支带来 NaN”).
        if (text.removesuffix("一页") in names or text.startswith("“")
                or (quoted and quoted[1] not in {sections[target], sections[target].split("：")[0]})):
            found.append(f"{text} → {sections[target]}")
    return found


def test_a_chinese_link_to_a_section_names_the_section(parsed_pages):
    titles, sections = page_titles(parsed_pages, "zh"), section_titles(parsed_pages, "zh")
    found = {}
    for name in page_names():
        if hits := unnamed_sections(parsed_pages["zh", name], titles, sections):
            found[name] = hits
    assert found == {}, f"write 见{{ref}}`分离计算一页的“两次反向传播” <backward-twice>`: {found}"


def test_a_link_to_a_section_that_names_only_its_page_is_found():
    titles = {"pitfalls": "常见陷阱", "detaching": "分离计算"}
    sections = {("pitfalls", "pitfalls-in-place"): "原地操作", ("detaching", "backward-twice"): "两次反向传播"}
    html = ("<article><p>见<a class='reference internal' href='pitfalls.html#pitfalls-in-place'>常见陷阱一页</a>；"
            "见<a class='reference internal' href='pitfalls.html#pitfalls-in-place'>常见陷阱</a>一页；"
            "见<a class='reference internal' href='detaching.html#backward-twice'>分离计算一页的“两次求导”</a>；"
            "见<a class='reference internal' href='detaching.html#backward-twice'>“两次反向传播”</a>；"
            "见<a class='reference internal' href='detaching.html#backward-twice'>分离计算一页的“两次反向传播”</a>；"
            "<a class='reference internal' href='detaching.html#backward-twice'>持久的</a>梯度带；"
            "见<a class='reference internal' href='detaching.html'>分离计算一页</a>。</p></article>")
    assert unnamed_sections(BeautifulSoup(html, "html.parser"), titles, sections) == [
        "常见陷阱一页 → 原地操作", "常见陷阱 → 原地操作", "分离计算一页的“两次求导” → 两次反向传播",
        "“两次反向传播” → 两次反向传播"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_glossary_names_the_page_where_a_term_is_introduced_by_its_full_title(parsed_pages, lang):
    titles = page_titles(parsed_pages, lang)
    page = parsed_pages[lang, "glossary"]
    wrong = [(link.get_text(), titles[link["href"].split(".html")[0]])
             for link in page.select("dl.glossary dd a.reference.internal[href]")
             if link["href"].split(".html")[0] in titles and link.get_text() != titles[link["href"].split(".html")[0]]]
    assert wrong == [], wrong


POINTER = {"zh": ("见", "一页"), "en": ("Introduced in ", "")}


def glossary_pointers(page, lang):
    """Each definition whose page link is not said as "Introduced in" means it: 首见于 reads "first
    appears in", which is a different page for several terms (editor r9); the link text with what is around it."""
    before, after = POINTER[lang]
    wrong = []
    for definition in page.select("dl.glossary dd"):
        link = next((a for a in definition.select("a.reference.internal[href]") if "#" not in a["href"]), None)
        if link is None:
            wrong.append(definition.get_text()[:30])
            continue
        said = str(link.previous_sibling or "")
        following = str(link.next_sibling or "")
        if not said.rstrip("\n ").endswith(before.strip()) or "首见" in said or not following.startswith(after):
            wrong.append(f"{said[-6:]}{link.get_text()}{following[:4]}")
    return wrong


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_glossary_entry_says_where_its_term_is_introduced(site, lang):
    page = BeautifulSoup((site / lang / "glossary.html").read_text(encoding="utf8"), "html.parser")
    assert len(page.select("dl.glossary dd")) > 30
    assert glossary_pointers(page, lang) == []


def test_a_glossary_pointer_that_says_first_appears_is_found():
    html = ("<dl class='glossary'><dd><p>导数的导数。首见于<a class='reference internal' href='exercises.html'>练习</a>一页。</p></dd>"
            "<dd><p>导数的导数。见<a class='reference internal' href='exercises.html'>练习</a>一页。</p></dd></dl>")
    assert glossary_pointers(BeautifulSoup(html, "html.parser"), "zh") == ["导数。首见于练习一页。"]


def test_an_english_cross_reference_writes_a_page_title_as_a_title(parsed_pages):
    """"(see non-scalar outputs)" reads as a phrase; "(see Non-scalar outputs)" names the page."""
    titles = set(page_titles(parsed_pages, "en").values())
    found = {}
    for name in page_names():
        page = parsed_pages["en", name]
        hits = [link.get_text(strip=True) for link in page.select("article a.reference.internal[href]")
                if link.get_text(strip=True) not in titles
                and link.get_text(strip=True).casefold() in {title.casefold() for title in titles}]
        if hits:
            found[name] = hits
    assert found == {}, f"write a page's title as the title is written: {found}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_glossary_definition_ends_at_its_full_stop(site, lang):
    """No whitespace after a definition's last sentence: copied or read aloud, "。 " ends it (editor r8)."""
    page = BeautifulSoup((site / lang / "glossary.html").read_text(encoding="utf8"), "html.parser")
    definitions = page.select("dl.glossary dd")
    assert len(definitions) > 30, len(definitions)
    trailing = [dd.get_text()[-12:] for dd in definitions if dd.get_text() != dd.get_text().rstrip()]
    assert trailing == [], trailing


def test_a_chinese_page_calls_the_whole_book_not_a_chapter(site):
    """CONTRIBUTING: the Chinese edition calls the whole 本书 (全书), where the English says "the chapter"."""
    found = {}
    for name in page_names():
        html = (site / "zh" / f"{name}.html").read_text(encoding="utf8")
        words = sorted(set(re.findall(r"[^\s>\"]{0,8}(?:全章|本章)[^\s<\"]{0,8}", html)))
        if words:
            found[name] = words
    assert found == {}


def test_the_chinese_search_messages_say_ni_and_name_no_categories(site):
    """Sphinx's own zh_CN search message says 您 and asks for "categories" this site does not have."""
    script = (site / "zh" / "_static" / "translations.js").read_text(encoding="utf8")
    messages = json.loads(script[script.index("{"):script.rindex("}") + 1])["messages"]
    no_results = messages["Your search did not match any documents. Please make sure that all words are spelled "
                          "correctly and that you've selected enough categories."]
    assert "您" not in no_results and "分类" not in no_results, no_results
    assert not [text for text in messages.values() if isinstance(text, str) and "您" in text]
    # The link on a page opened from a search removes the highlighting; it hides no results.
    assert messages["Hide Search Matches"] == "清除搜索高亮"


def range_dashes(html):
    """Number ranges written with a dash in a Chinese page's text: GB/T 15834 writes 1～5."""
    text = shown_text(BeautifulSoup(html, "html.parser").select_one("article"))
    return [text[max(0, m.start() - 12):m.end() + 12] for m in re.finditer(r"\d\s*[–—-]\s*\d", text)]


def test_a_chinese_page_writes_a_range_with_a_wave_dash(site):
    problems = [f"zh/{path.name}: …{context}…" for path in chinese_pages(site) if path.stem not in ("search", "genindex")
                for context in range_dashes(path.read_text(encoding="utf8"))]
    assert problems == [], "write 1～5 for a range:\n" + "\n".join(problems)


def test_a_range_dash_is_found_and_code_is_not():
    assert range_dashes("<article><p>练习 1–5 即</p></article>") != []
    assert range_dashes("<article><p>练习 1～5 即 <code>x[1-5]</code></p></article>") == []


def opening_bracket_line_ends(html):
    """A full-width opening bracket or quote right before a formula, free to end a line without it."""
    page = BeautifulSoup(html, "html.parser")
    found = []
    for formula in page.select("article span.math"):
        before = formula.previous_sibling
        if isinstance(before, str) and before and before[-1] in "（《「『“‘" and "nobreak" not in formula.parent.get("class", []):
            found.append(before[-12:] + formula.get_text()[:12])
    return found


def test_an_opening_bracket_stays_with_the_formula_after_it(site):
    problems = [f"zh/{path.name}: {context}" for path in chinese_pages(site)
                for context in opening_bracket_line_ends(path.read_text(encoding="utf8"))]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_desktop_page_has_one_search_field(site, lang):
    """The sidebar's field; pydata-sphinx-theme's header bar would add a second (navbar_persistent)."""
    page = BeautifulSoup((site / lang / "basics.html").read_text(encoding="utf8"), "html.parser")
    fields = page.select(".search-button-field")
    assert len(fields) == 1 and fields[0].find_parent(class_="bd-sidebar-primary"), [
        [parent.get("class") for parent in field.parents][:3] for field in fields]


MENU_WORDS = {"en": ("Source file (.md)", "Print to PDF", "Download"), "zh": ("源文件（.md）", "打印为 PDF", "下载")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_download_menu_says_what_each_item_is_and_names_itself_for_the_page(site, lang):
    """Each item shows words, not a bare ".md"/".pdf" (its tooltip is never seen on a phone); the root
    page's menu holds the whole book too, so it is not named "this page"."""
    source, pdf, on_root = MENU_WORDS[lang]
    for name in ("basics", "index"):
        html = BeautifulSoup((site / lang / f"{name}.html").read_text(encoding="utf8"), "html.parser")
        items = [item.get_text(" ", strip=True) for item in html.select(".dropdown-download-buttons li a, "
                                                                          ".dropdown-download-buttons li button")]
        assert source in items and pdf in items, f"{lang}/{name}: {items}"
        assert not {".md", ".pdf"} & set(items), f"{lang}/{name}: {items}"
    root = BeautifulSoup((site / lang / "index.html").read_text(encoding="utf8"), "html.parser")
    assert root.select_one(".dropdown-download-buttons button.dropdown-toggle")["aria-label"] == on_root


def spaced_chinese_content(css):
    """The CSS-generated text (`content: "…"`) with a space beside a Chinese character: the stylesheets
    add words the typography rules of the pages cannot see ("又作 自动求导", editor r9)."""
    return [text for text in re.findall(r'content:\s*"([^"]*)"', css)
            if re.search(r"[\u4e00-\u9fff] |[ ][\u4e00-\u9fff]|^ | $", text) and re.search(r"[\u4e00-\u9fff]", text)]


def test_the_stylesheets_add_no_space_to_chinese_text():
    static = ROOT / "src" / "autodiff_book" / "sphinx_ext" / "static"
    assert {sheet.name: spaced_chinese_content(sheet.read_text(encoding="utf8")) for sheet in static.glob("*.css")} \
        == {sheet.name: [] for sheet in static.glob("*.css")}
    assert spaced_chinese_content('a::before { content: "又作 "; } b::before { content: "also: "; }') == ["又作 "]


def see_entries(page):
    """The index's "see" entries (海森矩阵 见黑塞矩阵): (text, href or None)."""
    entries = []
    for item in page.select("table.genindextable li > ul > li"):
        text = " ".join(item.get_text().split())
        if text.startswith(("见", "see ")):
            link = item.find("a", href=True)
            entries.append((text, link["href"] if link else None))
    return entries


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_see_entry_of_the_index_leads_to_the_glossary_entry_it_names(site, lang):
    """Editor r9: 海森矩阵 → 见黑塞矩阵 was text; the reader had to look 黑塞矩阵 up again."""
    index = BeautifulSoup((site / lang / "genindex.html").read_text(encoding="utf8"), "html.parser")
    glossary = BeautifulSoup((site / lang / "glossary.html").read_text(encoding="utf8"), "html.parser")
    names = {dt["id"]: dt.get_text(strip=True).rstrip("#") for dt in glossary.select("dl.glossary dt[id]")}
    entries = see_entries(index)
    assert len(entries) >= 10
    wrong = [(text, href) for text, href in entries
             if not href or not href.startswith("glossary.html#") or not text.endswith(names.get(href.split("#")[1], "\0"))]
    assert wrong == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_glossary_anchors_are_made_from_english_names_and_every_link_to_one_lands(site, parsed_pages, lang):
    """#term-hessian in both languages, not Sphinx's #term-24 for a Chinese name (editor r9)."""
    glossary = BeautifulSoup((site / lang / "glossary.html").read_text(encoding="utf8"), "html.parser")
    anchors = {dt["id"] for dt in glossary.select("dl.glossary dt[id]")}
    assert {"term-hessian", "term-leaf-tensor", "term-automatic-differentiation"} <= anchors
    assert sorted(anchor for anchor in anchors if not re.fullmatch(r"term-[a-z][a-z0-9-]*[a-z]", anchor)
                  and not re.fullmatch(r"term-[a-z0-9-]+-zh-\d", anchor)) == []
    entry = glossary.find(id="term-hessian")
    assert entry.get_text(strip=True).rstrip("#") == {"zh": "黑塞矩阵", "en": "Hessian"}[lang]
    pages = [(name, parsed_pages[lang, name]) for name in page_names()] + [
        ("genindex", BeautifulSoup((site / lang / "genindex.html").read_text(encoding="utf8"), "html.parser"))]
    missing = []
    for name, page in pages:
        missing += [(name, a["href"]) for a in page.select('a[href*="glossary.html#"], a[href^="#term-"]')
                    if (a["href"].split("#")[1] not in anchors)]
    assert missing == []
