"""Chinese search finds the book's terms on every page that uses them (built site).

Sphinx splits a zh page's text into words with jieba when it builds the search index, but the
browser looks the reader's query up as typed (searchtools.js splits it at spaces and punctuation
only). A term jieba does not know is indexed in pieces (梯度带 as 梯度 + 带), and the query 梯度带
then finds nothing. The jieba user dictionary ``sphinx_ext/zh_search_words.txt``
(``html_search_options["dict"]``) makes each term one word.
"""
import json
import re

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, page_names
from test_chinese_terms import GLOSSARY, glossary_entries, term_table
from test_page_text import CODE_AND_OUTPUT

HAN = re.compile(r"[\u4e00-\u9fff]")


def search_index(site, lang="zh"):
    text = (site / lang / "searchindex.js").read_text(encoding="utf8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def pages_found(index, query):
    """The pages Sphinx's searchtools.js lists for a query of Chinese words (performTermsSearch)."""
    found = None
    for word in (w for w in re.split(r"[^\w]+", query) if HAN.search(w)):
        pages = set()
        for kind in ("terms", "titleterms"):
            terms = index[kind]
            keys = [word] if word in terms else [t for t in terms if len(word) > 2 and word in t]
            for key in keys:
                files = terms[key]
                pages.update(files if isinstance(files, list) else [files])
        found = pages if found is None else found & pages
    return {index["docnames"][n] for n in found or ()}


def chinese_terms():
    """The term table's Chinese terms and every Chinese name in the zh glossary."""
    names = {chinese for _, chinese, _ in term_table()}
    names |= {name for entry in glossary_entries(ROOT / "docs" / "zh" / GLOSSARY) for name in entry}
    return sorted(name for name in names if HAN.search(name))


def page_prose(site, name):
    article = BeautifulSoup((site / "zh" / f"{name}.html").read_text(encoding="utf8"), "html.parser").select_one("article")
    for node in article.select(CODE_AND_OUTPUT):
        node.decompose()
    return "".join(article.get_text().split())


def test_chinese_search_finds_each_term_on_every_page_that_uses_it(site):
    index = search_index(site)
    prose = {name: page_prose(site, name) for name in page_names()}
    missed = {}
    for term in chinese_terms():
        wanted = {name for name, text in prose.items() if term.replace(" ", "") in text}
        lost = wanted - pages_found(index, term)
        if lost:
            missed[term] = sorted(lost)
    assert missed == {}, f"searching these terms misses pages that use them: {missed}"


@pytest.mark.parametrize("query, page", [("梯度带", "glossary"), ("叶子张量", "pitfalls"), ("黑塞矩阵", "higher-order")])
def test_a_term_from_the_editors_report_is_found(site, query, page):
    assert page in pages_found(search_index(site), query)


def test_the_simulated_search_misses_what_is_not_indexed():
    index = {"docnames": ["a", "b"], "terms": {"梯度": [0, 1], "带": 0}, "titleterms": {}}
    assert pages_found(index, "梯度带") == set()
    assert pages_found(index, "梯度") == {"a", "b"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_glossary_terms_stay_in_the_search_index_of_the_next_build(site, lang):
    """A search for a term lists the glossary first through its index entries (a score of 100
    against 15 for a title). Sphinx 9.0 saves them nowhere the next build reads: a build that did
    not rewrite the glossary lost them (interface.keep_index_entries). So the saved environment
    must hold every name of every entry, and the search index too."""
    import pickle

    with open(site.parent / "doctrees" / lang / "environment.pickle", "rb") as saved:
        environment = pickle.load(saved)
    kept = {name for name, _, _ in environment._search_index_index_entries.get("glossary", [])}
    names = {name for entry in glossary_entries(ROOT / "docs" / lang / GLOSSARY) for name in entry}
    assert names - kept == set()
    assert {name.lower() for name in names} - set(search_index(site, lang)["indexentries"]) == set()
