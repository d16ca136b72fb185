"""Sphinx extension for the book: ``extensions = [..., "autodiff_book.sphinx_ext"]``.

One module per thing a page needs (each says more in its docstring):

- :mod:`.languages`: each tree built in its language, twin checks and links, the stale-translation notice.
- :mod:`.execution`: the build runs the pages over IPC kernels, into one jupyter-cache for both trees.
- :mod:`.framework_tabs`: adjacent ``%%tab`` cells and ``{framework}`` blocks become one tab set.
- :mod:`.numbers`: numbers in the prose typeset per language (1.7 × 10⁻⁹, 524 288, −3).
- :mod:`.formulas`: formulas drawn with KaTeX at build time.
- :mod:`.interface`: the theme's words, fold labels, search box and footer in each language.
- :mod:`.glossary`: the book's name for a term first, variants secondary, each index in its own language.
- :mod:`.descriptions`: each page's description for search results and link previews.
- :mod:`.site`: the site's address, sitemap, 404 pages, hreflang links.
- :mod:`.weight`: unused CSS and icons left out, scripts deferred, lighter markup.
- :mod:`.downloads`: the Sphinx side of :mod:`..notebooks`: plain notebooks and zips in the download menu.
"""
import hashlib
from pathlib import Path

from . import descriptions, downloads, execution, formulas, framework_tabs, glossary, interface, languages, numbers, site, weight

HERE = Path(__file__).parent


def add_static_and_templates(app, config):
    config.html_static_path.append(str(HERE / "static"))
    config.templates_path.append(str(HERE / "templates"))
    config.html_favicon = str(HERE / "static" / "favicon.svg")


def code_version(package=HERE.parent):
    """A number that changes with the package's code (this extension, the notebook converter, their
    scripts, styles and catalogs). Sphinx reads every page again when it changes: a page it would
    otherwise take from the last build keeps the output of the old code (its notebooks, its typeset
    numbers). The pages' outputs stay in jupyter-cache, so nothing runs again."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".js", ".cjs", ".css", ".html", ".po", ".txt"):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return int(digest.hexdigest()[:12], 16)


def setup(app):
    app.connect("config-inited", add_static_and_templates)
    for module in (languages, interface, glossary, descriptions, execution, framework_tabs, numbers, formulas, site, weight, downloads):
        module.setup(app)
    app.add_css_file("book.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": code_version()}
