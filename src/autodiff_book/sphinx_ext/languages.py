"""One Sphinx build per language tree; this module tells each build which language it is."""
import hashlib
import importlib.util
from pathlib import Path

from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from .. import chinese, translations, twins

logger = logging.getLogger(__name__)

# Folder under docs/ -> (Sphinx language, <html lang>, label of the link that leads to it).
LANGUAGES = {
    "en": ("en", "en", "English"),
    "zh": ("zh_CN", "zh-CN", "中文"),
}
TITLES = {"en": "Automatic Differentiation, Executed", "zh": "动手学自动微分"}
SEARCH_WORDS = Path(__file__).with_name("zh_search_words.txt")


def tree_of(app):
    """``en`` or ``zh``: the name of the folder being built."""
    tree = Path(app.srcdir).name
    if tree not in LANGUAGES:
        raise ConfigError(f"{app.srcdir}: build docs/en or docs/zh; the folder name sets the language")
    return tree


def published_url(app, pagename, anchor=""):
    """A page's address on the published site (``html_baseurl``, then the tree); None when unset."""
    base = app.config.html_baseurl
    if not base:
        return None
    url = f"{base.rstrip('/')}/{tree_of(app)}/{pagename}.html"
    return f"{url}#{anchor}" if anchor else url


def configure_language(app, config):
    """Check the build's language against its tree, then set what differs between languages."""
    tree = tree_of(app)
    if config.language != LANGUAGES[tree][0]:
        raise ConfigError(
            f"{app.srcdir} is built with language={config.language!r}, expected "
            f"{LANGUAGES[tree][0]!r}: run `make html` (python -m autodiff_book.build html)"
        )
    config.project = config.html_title = TITLES[tree]
    if tree == "zh":
        if importlib.util.find_spec("jieba") is None:
            raise ConfigError("jieba is missing, so Chinese search would index no words: "
                              "install the dependencies of pyproject.toml (`make html` does)")
        # jieba splits Chinese text into words for the search index; our terms are words too.
        # The words' hash: Sphinx indexes every page again when the options change, not when a file does.
        words = hashlib.sha256(SEARCH_WORDS.read_bytes()).hexdigest()[:16]
        config.html_search_options = {"dict": str(SEARCH_WORDS), "words": words}
        import jieba

        jieba.setLogLevel("WARNING")  # not its "Building prefix dict" lines in the build log
        app.add_css_file("zh.css")
        app.add_js_file("zh.js", priority=600, defer="defer")  # after copybutton.js (500)
        for transform in (JoinChineseLines, PunctuationStaysWithFormula, OutdatedTranslationNotice):
            app.add_transform(transform)  # the Chinese build's pages only


def chinese_search():
    """Sphinx's Chinese search, with the script error of Sphinx 9.0 fixed."""
    from sphinx.search.zh import SearchChinese

    class ChineseSearch(SearchChinese):
        # Sphinx stems the Latin words of Chinese pages with its English stemmer, but names the
        # script's object after the language (`window.Stemmer = ChineseStemmer`), which no script
        # defines: the search page then finds nothing.
        language_name = "English"

    return ChineseSearch


class JoinChineseLines(SphinxTransform):
    """Drop each line break a Chinese reader would see as a stray space (:mod:`autodiff_book.chinese`)."""

    default_priority = 800

    def apply(self, **kwargs):
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or isinstance(parent, (nodes.FixedTextElement, nodes.literal, nodes.math)):
                continue  # code and formulas keep their lines
            # Text nodes compare as strings: find this one by identity, not with parent.index(),
            # which would return the first soft break of the paragraph for every soft break.
            position = next(i for i, child in enumerate(parent.children) if child is text)
            # MyST keeps a soft line break as a Text node of its own, between the two lines.
            if text.astext() == "\n" and self.stray_between(parent, position):
                del parent[position]
                continue
            joined = chinese.join_lines(text.astext())
            if joined != text.astext():
                parent[position] = nodes.Text(joined)
        self.merge_neighbouring_texts()

    def merge_neighbouring_texts(self):
        """One Text node for each run of text: the search index splits each node into words on its
        own (jieba), so a term wrapped across two source lines (梯度 / 累加) would not be a word."""
        for element in list(self.document.findall(nodes.TextElement)):
            if isinstance(element, (nodes.FixedTextElement, nodes.literal, nodes.math)):
                continue
            position = 0
            while position < len(element) - 1:
                first, second = element[position], element[position + 1]
                if isinstance(first, nodes.Text) and isinstance(second, nodes.Text):
                    element[position] = nodes.Text(first.astext() + second.astext())
                    del element[position + 1]
                else:
                    position += 1

    @staticmethod
    def stray_between(parent, position):
        if not 0 < position < len(parent) - 1:
            return False
        before, after = parent[position - 1].astext(), parent[position + 1].astext()
        return bool(before and after and chinese.seen_as_a_space(before[-1], after[0]))


class PunctuationStaysWithFormula(SphinxTransform):
    """Keep a formula and the full-width punctuation right beside it on one line (`（$x$，`).

    Chinese text may break between any two characters, so a narrow screen would start a line with
    the comma or full stop after a formula, or end one with the bracket that opens before it;
    Chinese typography does neither.
    """

    default_priority = 810  # after JoinChineseLines
    CLOSING = "，。、；：！？）》」』”’…"
    OPENING = "（《「『“‘"

    def apply(self, **kwargs):
        for formula in list(self.document.findall(nodes.math)):
            parent = formula.parent
            position = parent.index(formula)
            before = parent[position - 1] if position > 0 else None
            after = parent[position + 1] if position + 1 < len(parent) else None
            opening = closing = ""
            if isinstance(before, nodes.Text):
                text = before.astext()
                opening = text[len(text.rstrip(self.OPENING)):]
            if isinstance(after, nodes.Text):
                text = after.astext()
                closing = text[:len(text) - len(text.lstrip(self.CLOSING))]  # 。” and …… stay together too
            if not (opening or closing):
                continue
            # By position, not parent.remove(): Text nodes compare as strings.
            kept = nodes.inline("", "", *([nodes.Text(opening)] if opening else []), formula,
                                *([nodes.Text(closing)] if closing else []), classes=["nobreak"])
            del parent[position]  # the formula; `after` is now at `position`
            if closing:
                rest = after.astext()[len(closing):]
                if rest:
                    parent[position] = nodes.Text(rest)
                else:
                    del parent[position]
            parent.insert(position, kept)
            if opening:
                rest = before.astext()[:-len(opening)]
                if rest:
                    parent[position - 1] = nodes.Text(rest)
                else:
                    del parent[position - 1]


class OutdatedTranslationNotice(SphinxTransform):
    """A Chinese page whose English twin changed since it was translated says so at its top."""

    default_priority = 900

    def apply(self, **kwargs):
        docname = self.env.docname
        zh_page = Path(self.env.doc2path(docname))
        en_page = Path(self.env.srcdir).parent / "en" / zh_page.relative_to(self.env.srcdir)
        if not en_page.exists():
            return  # check_twins names the missing page
        self.env.note_dependency(en_page)  # read this page again whenever its English twin changes
        if not translations.is_stale(en_page, zh_page):
            return
        english = nodes.reference("", "英文原文", refuri="../" * (docname.count("/") + 1) + f"en/{docname}.html")
        notice = nodes.admonition(
            "",
            nodes.title("", "译文待更新"),
            nodes.paragraph("", "", nodes.Text("英文页面在本页翻译之后有过修改，本页的内容可能不完整或已过时。请以"),
                            english, nodes.Text("为准。")),
            classes=["warning", "outdated-translation"],
        )
        title = next(self.document.findall(nodes.title), None)
        if title is None:
            self.document.insert(0, notice)
        else:
            title.parent.insert(title.parent.index(title) + 1, notice)


def check_twins(app):
    """Fail early, naming the files, when a page lacks its twin or its code differs."""
    for problem in twins.twin_problems(Path(app.srcdir).parent):
        logger.warning(problem, type="autodiff_book", subtype="twins")


def link_to_twin(app, pagename, templatename, context, doctree):
    tree = tree_of(app)
    (other,) = (lang for lang in LANGUAGES if lang != tree)
    up = "../" * (pagename.count("/") + 1)
    context["twin_url"] = f"{up}{other}/{pagename}.html"
    context["twin_label"] = LANGUAGES[other][2]
    context["twin_lang"] = LANGUAGES[other][1]
    # Sphinx would leave out the tree: html_baseurl is the address of the site holding both.
    context["pageurl"] = published_url(app, pagename)  # the hreflang alternates: site.py


def setup(app):
    app.connect("config-inited", configure_language)
    app.add_search_language(chinese_search())
    app.connect("builder-inited", check_twins)
    app.connect("html-page-context", link_to_twin)
