"""The download menu: each notebook page as a plain notebook per framework, one zip per framework.

A page offers a notebook for each framework it has tabs for (``notebooks.notebook_frameworks``):
PyTorch and TensorFlow on every page, JAX on the pages that have JAX tabs. The JAX zip holds
those pages only, and is offered once one page has them.

:mod:`autodiff_book.notebooks` converts a page; this module gives it what the build knows (the
page's executed notebook, titles, labels, addresses), writes the files into ``notebooks/`` and
offers them in sphinx-book-theme's download menu.
"""
import zipfile
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from sphinx.locale import admonitionlabels
from sphinx.util import logging

from .. import twins
from ..notebooks import FOLDER, NotebookError, glued_values, module_distributions, notebook_frameworks, notebook_name, \
    plain_notebook, zip_name
from ..tabs import FRAMEWORKS
from .execution import read_notebook
from .languages import published_url, tree_of

logger = logging.getLogger(__name__)

# The theme's items of the download menu, named in words (sphinx-book-theme shows the suffix alone).
THEME_ITEMS = {"en": {"download-source-button": "Source file ({suffix})", "download-pdf-button": "Print to PDF"},
               "zh": {"download-source-button": "源文件（{suffix}）", "download-pdf-button": "打印为 PDF"}}
MENU_NAME_ON_ROOT = {"en": "Download", "zh": "下载"}  # the root page's menu holds this page and the whole book
MENU = {  # (label, tooltip) of the download menu's items: a page's notebook, the zip of all of them
    # The whole is "the chapter" in English and 全书 in Chinese (CONTRIBUTING, "Chinese terms").
    "en": {
        "page": ("This page for {label} (.ipynb)",
                 "This page as a Jupyter notebook for {label}, with its outputs; runs without the book's helper package"),
        "chapter": ("The chapter for {label} (.zip)", "Every page with {label} code as a Jupyter notebook, in one zip"),
    },
    "zh": {
        "page": ("本页的 {label} 版（.ipynb）", "本页的 {label} 版 Jupyter 笔记本，带输出，无须安装本书的辅助包"),
        "chapter": ("全书的 {label} 版（.zip）", "全书含 {label} 代码的每一页的 Jupyter 笔记本，打包为一个 zip 文件"),
    },
}


class BookPage:
    """A page as the converter sees it: its executed notebook, and what the build knows about it."""

    def __init__(self, app, pagename, executed):
        self.app, self.pagename, self.executed = app, pagename, executed
        self.tree = tree_of(app)
        self.source = app.env.doc2path(pagename)
        self.title = self.title_of(pagename)
        self.book = app.config.project
        self.glue, self.timed_glue = glued_values(executed)

    def title_of(self, docname):
        return self.app.env.titles[docname].astext()

    def url(self, docname, anchor=""):
        return published_url(self.app, docname, anchor)

    def admonition_label(self, name):
        """The title of an admonition (note, tip...) in the build's language, as on the site; None for others."""
        return str(admonitionlabels[name]) if name in admonitionlabels else None

    def label(self, name):
        """``(page, anchor, title)`` of a ``{ref}`` target."""
        labels = self.app.env.domains.standard_domain
        name = name.lower()  # as {ref} looks it up
        if name in labels.labels:
            return labels.labels[name]
        if name in labels.anonlabels:
            return (*labels.anonlabels[name], name)
        raise NotebookError(f"no label {name!r}")


def is_notebook_page(app, pagename):
    return "```{code-cell}" in Path(app.env.doc2path(pagename)).read_text(encoding="utf8")


def executed_notebook(app, pagename):
    """The page as a notebook with the outputs of its execution at build time; None if it failed to run."""
    notebook = read_notebook(app, Path(app.env.doc2path(pagename)))
    # myst-nb writes the notebook without the outputs it took from the cache: merge them here.
    try:
        _, notebook = get_cache(app.env.mystnb_config.execution_cache_path).merge_match_into_notebook(notebook)
    except KeyError:
        return None  # the build already failed, naming the page: no download for it
    return notebook


def write_notebooks(app, pagename, templatename, context, doctree):
    """Write a notebook page's plain notebooks and offer them (the root page: the zips) in its download menu."""
    if doctree is None:
        return
    offers = []  # (file, "page" or "chapter", framework)
    executed = executed_notebook(app, pagename) if is_notebook_page(app, pagename) else None
    if executed is not None:
        page = BookPage(app, pagename, executed)
        (Path(app.outdir) / FOLDER).mkdir(exist_ok=True)
        for framework in notebook_frameworks(executed):
            try:
                notebook = plain_notebook(page, framework)
            except NotebookError as error:
                logger.warning(f"no plain notebook for this page: {error}", location=pagename)
                return
            nbformat.write(notebook, Path(app.outdir) / FOLDER / notebook_name(pagename, framework))
            offers.append((notebook_name(pagename, framework), "page", framework))
    if pagename == app.config.root_doc:
        offers += [(zip_name(tree_of(app), framework), "chapter", framework) for framework in zipped_frameworks(app)]
    menu = next((group for group in context.get("header_buttons", []) if group.get("label") == "download-buttons"),
                None)  # sphinx-book-theme's download menu, unless use_download_button is off
    if menu is not None:
        menu["buttons"][0:0] = [download_item(app, context, *offer) for offer in offers]
        # The theme's own items show only ".md" and ".pdf", their meaning in a tooltip a phone never shows.
        words = THEME_ITEMS[tree_of(app)]
        for item in menu["buttons"]:
            if item.get("label") in words:
                item["text"] = words[item["label"]].format(suffix=context.get("page_source_suffix", ""))
        if pagename == app.config.root_doc:  # the menu offers the whole book too, not only this page
            menu["tooltip"] = MENU_NAME_ON_ROOT[tree_of(app)]


def download_item(app, context, file, kind, framework):
    label, tooltip = (text.format(label=FRAMEWORKS[framework]) for text in MENU[tree_of(app)][kind])
    return {"type": "link", "url": context["pathto"](f"{FOLDER}/{file}", 1), "text": label, "tooltip": tooltip,
            "icon": "fas fa-code" if kind == "page" else "fas fa-file-zipper",
            "label": f"download-{framework}-{kind}-button"}


def page_frameworks_in_source(app, pagename):
    """The frameworks a notebook page offers, read from its source (this process may not have written it)."""
    return notebook_frameworks(twins.notebook(app.env.doc2path(pagename)))


def zipped_frameworks(app):
    """The frameworks that have a zip: those of every notebook page, in tab order."""
    offered = {framework for name in app.env.found_docs if is_notebook_page(app, name)
               for framework in page_frameworks_in_source(app, name)}
    return [framework for framework in FRAMEWORKS if framework in offered]


def write_zips(app, exception):
    """Per framework, a zip of every page's notebook in reading order; fixed dates give the same bytes each build."""
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / FOLDER
    if not folder.is_dir():
        return  # no page gave a notebook (their execution failed, and the build says so)
    in_order = list(app.env.collect_relations()) + sorted(app.env.found_docs)
    pages = [name for name in dict.fromkeys(in_order) if is_notebook_page(app, name)]
    for framework in zipped_frameworks(app):
        archive_path = folder / zip_name(tree_of(app), framework)
        with zipfile.ZipFile(archive_path, "w") as archive:
            for number, pagename in enumerate(pages, start=1):  # the page's place in the book, in every zip
                if framework not in page_frameworks_in_source(app, pagename):
                    continue  # a page without this framework's tabs (yet)
                notebook = folder / notebook_name(pagename, framework)
                if not notebook.exists():
                    logger.warning(f"{notebook} is missing from {archive_path.name}: run `make clean html`")
                    continue
                info = zipfile.ZipInfo(f"{archive_path.stem}/{number:02d}-{notebook.name}",
                                       date_time=(1980, 1, 1, 0, 0, 0))  # zip's earliest date, every build
                info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                archive.writestr(info, notebook.read_bytes())


def warm_up(app, builder):
    """Once, before the page writers fork, what each of them would otherwise do again."""
    module_distributions()
    for minor in (4, 5):  # compile the schemas: jupyter-cache reads notebooks as 4.4, we write 4.5
        nbformat.validate(nbformat.v4.new_notebook(nbformat_minor=minor))


def setup(app):
    app.connect("write-started", warm_up)
    app.connect("html-page-context", write_notebooks, priority=502)  # after the theme's menu (501)
    app.connect("build-finished", write_zips)
