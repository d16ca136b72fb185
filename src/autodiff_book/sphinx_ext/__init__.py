"""Sphinx extension for the book: ``extensions = [..., "autodiff_book.sphinx_ext"]``.

Each module adds one thing a page needs:

- :mod:`.languages`: checks each tree (``docs/en``, ``docs/zh``) is built in its language, checks
  every page has its twin with the same code, links to the twin page, indexes Chinese search words,
  and puts a notice on a Chinese page whose English twin changed since it was translated.
- :mod:`.execution`: one jupyter-cache for both languages, safe under ``sphinx-build -j``.
- :mod:`.framework_tabs`: adjacent ``%%tab`` cells and ``{framework}`` prose blocks become one
  PyTorch/TensorFlow(/JAX) tab set, readable without JavaScript and on paper too.
- :mod:`.numbers`: numbers in the prose in scientific notation (1.7 × 10⁻⁹), lists separated per language.
- :mod:`.formulas`: every formula drawn with KaTeX when the site is built (HTML and MathML, no script).
- :mod:`.interface`: the theme's words, fold labels, search box and footer in each language
  (mainland Chinese through the zh_CN catalogs in ``locale/``).
- :mod:`.glossary`: a term's other names (rejected variants) secondary in the glossary, "see" entries in the index;
  each index lists its own language's names by letter and the other language's after them.
- :mod:`.descriptions`: each page's description and social card, cleaned of LaTeX and stray spaces.
- :mod:`.site`: the site's address, sitemap, 404 pages, social cards, accessible labels.
- :mod:`.weight`: the theme's unused CSS and icons left out, no script blocking the first paint,
  no markup that changes nothing on screen.
- :mod:`.downloads`: each notebook page as a plain notebook per framework, in the page's
  download menu; one zip per framework on the root page.
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
