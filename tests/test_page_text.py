"""What a reader reads on a page (issue 18, item 4): never the build, and one claims fold worded alike.

These checks run over the built pages listed in REWRITTEN_PAGES: the pages rewritten to the
editorial contract. Each page writer adds their pages (both languages are checked). The set must
grow to every content page; then it becomes CONTENT_PAGES and the set goes away.
"""
import re

import pytest
from bs4 import BeautifulSoup

from conftest import LANGUAGES, page_names

# One page per line (`    "basics",`): writers' branches add lines here.
REWRITTEN_PAGES = set([
    "basics",
    "control-flow",
    "custom-gradients",
    "detaching",
    "exercises",
    "exercises-graph",
    "higher-order",
    "non-scalar-outputs",
    "pitfalls",
    "under-the-hood",
    "where-derivatives-break",
])
CONTENT_PAGES = set(page_names()) - {"index", "glossary"}

# Words that talk about how the site is made. Not a bare "make": the verb is everywhere ("make a
# grid"); a make target is what tells the reader about the build. Not "构建计算图": building a graph.
BUILD_TALK = {
    "en": re.compile(r"\bmake (?:html|doctest|test|live|bench|stress|clean|translat\w*)\b|\bdoctests?\b"
                     r"|\bhidden (?:cell|check)|\bchecked in the claims\b|\bthe build\b", re.I),
    "zh": re.compile(r"\bmake (?:html|doctest|test|live|bench|stress|clean|translat\w*)\b|doctest"
                     r"|隐藏单元|隐藏的单元|构建(?!计算图)", re.I),
}
# The claims fold, worded as in the editorial contract (section 4), identical on every page.
CLAIMS = {
    "en": ("The claims, runnable",
           "Each claim of this page as a short example: code to run in a Jupyter notebook after importing NumPy as `np` and your framework, and what it prints.",
           "The claims of this page, as runnable examples"),
    "zh": ("可运行的结论",
           "本页每条结论都配有短例子及其打印结果；先在 Jupyter 笔记本中执行 `import numpy as np` 并导入所用框架，即可运行。",
           "本页结论的可运行示例"),
}
CODE_AND_OUTPUT = "div.cell_input, div.cell_output, div.output, div.highlight, pre, .headerlink, script, style"


def article_text(html, leave_out=CODE_AND_OUTPUT):
    """The article's text, code and outputs aside, on one line."""
    article = BeautifulSoup(html, "html.parser").select_one("article")
    for node in article.select(leave_out):
        node.decompose()
    return " ".join(article.get_text(" ").split())


def build_talk(html, lang):
    """The phrases of the article's text (code and outputs aside) that talk about the build."""
    text = article_text(html)
    return [text[max(0, m.start() - 40):m.end() + 40] for m in BUILD_TALK[lang].finditer(text)]


def claims_fold_problems(html, lang):
    """What differs from the one claims fold: its heading, introduction, title, and that it holds every doctest."""
    article = BeautifulSoup(html, "html.parser").select_one("article")
    doctests = article.select("div.highlight-pycon")
    if not doctests:
        return []  # a page without claims to run (an exercises page) has no fold
    heading, intro, title = CLAIMS[lang]
    for link in article.select(".headerlink"):
        link.decompose()
    found = [h2 for h2 in article.select("section > h2") if h2.get_text(strip=True) == heading]
    if len(found) != 1:
        return [f"{len(found)} headings `## {heading}`, expected one"]
    problems = []
    paragraph = found[0].find_next_sibling()
    fold = paragraph.find_next_sibling() if paragraph else None
    shown = intro.replace("`", "")  # the introduction as rendered: its code without the backticks
    if paragraph is None or paragraph.name != "p" or " ".join(paragraph.get_text().split()) != shown:
        problems.append(f"the heading is not followed by the introduction {intro!r}")
    if fold is None or fold.name != "details" or fold.summary.get_text(strip=True) != title:
        problems.append(f"the introduction is not followed by the dropdown `{title}`")
    elif any(fold not in doctest.parents for doctest in doctests):
        problems.append("a doctest outside the claims fold")
    return problems


def test_the_rewritten_pages_are_content_pages():
    assert REWRITTEN_PAGES, ("REWRITTEN_PAGES is empty: each page writer adds the pages rewritten to the "
                             "editorial contract, so that they are checked")
    assert REWRITTEN_PAGES <= CONTENT_PAGES, f"not content pages: {sorted(REWRITTEN_PAGES - CONTENT_PAGES)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_rewritten_page_talks_about_the_build(site, lang):
    found = {name: build_talk((site / lang / f"{name}.html").read_text(encoding="utf8"), lang)
             for name in sorted(REWRITTEN_PAGES)}
    assert {name: phrases for name, phrases in found.items() if phrases} == {}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["index", "glossary"])
def test_the_index_and_the_glossary_do_not_talk_about_the_build(site, lang, name):
    assert build_talk((site / lang / f"{name}.html").read_text(encoding="utf8"), lang) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_index_names_the_claims_section_by_its_heading(site, lang):
    """The index tells the reader where each page's claims are: by the heading they will find."""
    text = article_text((site / lang / "index.html").read_text(encoding="utf8"))
    heading = CLAIMS[lang][0]
    assert re.search(f"[“\"]{re.escape(heading)}[”\"]", text), f"{lang}/index: no mention of the section “{heading}”"


def literal_bold_marks(html):
    """Places in the article's text where `**` shows as typed: a bold that did not close.

    CommonMark closes `**` only where it is right-flanking: `**结论。**汉字` (a full stop before the
    marks, a Han character after) stays literal; write `**结论**。汉字`.
    """
    text = article_text(html, f"{CODE_AND_OUTPUT}, code")  # `x**3` is code
    return [text[max(0, m.start() - 30):m.end() + 30] for m in re.finditer(r"\*\*", text)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_shows_a_literal_bold_mark(site, lang):
    found = {name: literal_bold_marks((site / lang / f"{name}.html").read_text(encoding="utf8"))
             for name in page_names()}
    assert {name: marks for name, marks in found.items() if marks} == {}


def test_an_unclosed_bold_is_found():
    assert literal_bold_marks(article("<p>**每个示例都会运行。**代码单元下方</p>")) != []
    assert literal_bold_marks(article("<p><strong>每个示例都会运行</strong>。代码</p><pre>x ** 2</pre>")) == []
    assert literal_bold_marks(article("<p>节点 <code>x**3</code> 仍在</p>")) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_rewritten_page_has_the_one_claims_fold(site, lang):
    found = {name: claims_fold_problems((site / lang / f"{name}.html").read_text(encoding="utf8"), lang)
             for name in sorted(REWRITTEN_PAGES)}
    assert {name: problems for name, problems in found.items() if problems} == {}


# -- The checks themselves, on small pages --------------------------------------------------------
def article(body):
    return f"<html><body><article><section><h1>Page</h1>{body}</section></article></body></html>"


@pytest.mark.parametrize("lang, text", [
    ("en", "Run `make doctest` to see."), ("en", "A doctest restates it."), ("en", "The hidden cell compares."),
    ("en", "A hidden check asserts it."), ("en", "(checked in the claims)"), ("en", "The build runs it."),
    ("zh", "由 `make doctest` 运行。"), ("zh", "每个 doctest 都运行。"), ("zh", "隐藏单元会比较。"),
    ("zh", "隐藏的单元会比较。"), ("zh", "每次构建都会运行。"),
])
def test_build_talk_is_found_in_prose(lang, text):
    assert build_talk(article(f"<p>{text}</p>"), lang) != []


@pytest.mark.parametrize("lang, text", [
    ("en", "Make a grid; both make TensorFlow return None."),
    ("en", "<div class='cell_input'><pre>x = make_doctest()  # the build</pre></div>"),
    ("en", "<div class='highlight-pycon'><div class='highlight'><pre>&gt;&gt;&gt; 'hidden cell'</pre></div></div>"),
    ("zh", "框架在前向传播时构建计算图。"),
])
def test_code_outputs_and_ordinary_words_are_not_build_talk(lang, text):
    assert build_talk(article(f"<p>{text}</p>" if "<" not in text else text), lang) == []


def rendered(words):
    """The fold's words as the page renders them: inline code in <code>, not backticks."""
    return [re.sub(r"`([^`]*)`", r'<code class="literal"><span class="pre">\1</span></code>', w) for w in words]


CLAIMS_FOLD = """<section><h2>{0}<a class="headerlink">#</a></h2><p>{1}</p>
<details class="sd-dropdown"><summary><span>{2}</span></summary><div><p>A claim.</p>
<div class="highlight-pycon"><div class="highlight"><pre>&gt;&gt;&gt; 1</pre></div></div></div></details></section>"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_claims_fold_as_written_in_the_contract_passes(lang):
    assert claims_fold_problems(article(CLAIMS_FOLD.format(*rendered(CLAIMS[lang]))), lang) == []


@pytest.mark.parametrize("change, problem", [
    ((0, "Claims, checked"), "0 headings `## The claims, runnable`"),
    ((1, "The key claims of this page, restated as doctests."), "not followed by the introduction"),
    ((2, "The claims of this page, as doctests"), "not followed by the dropdown"),
], ids=["heading", "introduction", "title"])
def test_a_claims_fold_worded_otherwise_is_named(change, problem):
    words = rendered(CLAIMS["en"])
    words[change[0]] = change[1]
    (found,) = claims_fold_problems(article(CLAIMS_FOLD.format(*words)), "en")
    assert problem in found


def test_a_doctest_outside_the_claims_fold_is_named():
    stray = '<div class="highlight-pycon"><div class="highlight"><pre>&gt;&gt;&gt; 2</pre></div></div>'
    assert claims_fold_problems(article(stray + CLAIMS_FOLD.format(*rendered(CLAIMS["en"]))), "en") == [
        "a doctest outside the claims fold"]
