"""Everything a page loads comes from the site itself: no CDN, works offline and behind firewalls."""
import importlib.util
import shutil
from pathlib import Path

MATHJAX = "mathjax/tex-chtml.js"  # relative to _static
# Without JavaScript, sphinx-design would show one tab only; show each, labelled, one after the other.
NOSCRIPT_TABS = (
    "<noscript><style>.sd-tab-set{display:block}"
    ".sd-tab-set>.sd-tab-content{display:block!important;border-top:none}</style></noscript>"
)


def mathjax_source():
    """The MathJax 3 distribution that the sphinx-mathjax-offline package carries."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    return Path(spec.origin).parent / "static" / "mathjax"


def use_local_mathjax(app, config):
    config.mathjax_path = MATHJAX


def copy_mathjax(app, exception):
    target = Path(app.outdir) / "_static" / "mathjax"
    if exception is None and app.builder.format == "html" and not (target / "tex-chtml.js").exists():
        # The TeX-to-HTML bundle with the fonts, extensions and menu it loads; not the other bundles.
        other_bundles = shutil.ignore_patterns("*-full*.js", "*svg*", "mml-*.js", "tex-mml-*.js", "node-main.js")
        shutil.copytree(mathjax_source(), target, ignore=other_bundles, dirs_exist_ok=True)


def offer_notebook(app, pagename, templatename, context, doctree):
    """Publish the executed notebook next to the page's source; the theme's download menu offers it."""
    context["metatags"] = context.get("metatags", "") + NOSCRIPT_TABS
    executed = Path(app.env.mystnb_config.output_folder) / f"{pagename}.ipynb"
    if doctree is not None and executed.exists():
        target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(executed, target)
        context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    app.connect("html-page-context", offer_notebook)
