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


def setup(app):
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
