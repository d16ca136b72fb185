"""Everything a page loads comes from the site itself: no CDN, works offline and behind firewalls."""
import importlib.util
import shutil
from pathlib import Path

MATHJAX = "mathjax/startup.js"  # relative to _static: MathJax's loader, which fetches what MATHJAX_LOAD names
# TeX in, HTML out, MathML for screen readers: the tex-chtml bundle without its 400 kB context menu.
MATHJAX_LOAD = ["input/tex", "output/chtml", "a11y/assistive-mml"]


def mathjax_source():
    """The MathJax 3 distribution that the sphinx-mathjax-offline package carries."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    return Path(spec.origin).parent / "static" / "mathjax"


def use_local_mathjax(app, config):
    config.mathjax_path = MATHJAX
    config.mathjax3_config = {**(config.mathjax3_config or {}), "loader": {"load": MATHJAX_LOAD}}


def copy_mathjax(app, exception):
    target = Path(app.outdir) / "_static" / "mathjax"
    if exception is None and app.builder.format == "html" and not (target / "startup.js").exists():
        # The loader and the components it loads (TeX in, HTML out, fonts); not the prebuilt bundles.
        other_bundles = shutil.ignore_patterns("*-full*.js", "*svg*", "mml-*.js", "tex-*.js", "node-main.js", "sre")
        shutil.copytree(mathjax_source(), target, ignore=other_bundles, dirs_exist_ok=True)


def executed_notebook(app, pagename):
    """The page as a notebook with the outputs of its last execution, or None for a prose page."""
    import nbformat
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    source = Path(app.env.doc2path(pagename))
    text = source.read_text(encoding="utf8")
    if "```{code-cell}" not in text:
        return None
    notebook = read_myst_markdown_notebook(text, path=str(source))
    # myst-nb writes the notebook without the outputs it took from the cache: merge them here.
    try:
        _, notebook = get_cache(app.env.mystnb_config.execution_cache_path).merge_match_into_notebook(notebook)
    except KeyError:
        return None  # the page failed to execute: the build fails, and offers no notebook
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(RUN_IT_YOURSELF[app.config.language]))
    return notebook


RUN_IT_YOURSELF = {
    "en": "To run this notebook, use the book's environment: in a clone of its repository, "
    "`make html` creates `.venv` with PyTorch, TensorFlow and the helper package `autodiff_book` "
    "(or run `pip install -e .`). Then open the notebook with that Python.",
    "zh_CN": "运行本笔记本需要本书的环境：在本书仓库的克隆中运行 `make html`，它会创建包含 PyTorch、"
    "TensorFlow 和辅助包 `autodiff_book` 的 `.venv`（或运行 `pip install -e .`），再用这个 Python 打开笔记本。",
}


def offer_notebook(app, pagename, templatename, context, doctree):
    """Publish the executed notebook next to the page's source; the theme's download menu offers it."""
    import nbformat

    notebook = executed_notebook(app, pagename) if doctree is not None else None
    if notebook is not None:
        target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
        context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    app.connect("html-page-context", offer_notebook)
