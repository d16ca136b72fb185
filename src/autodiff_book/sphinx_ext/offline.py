"""Everything a page loads comes from the site itself: no CDN, works offline and behind firewalls."""
import importlib.util
import shutil
from pathlib import Path

MATHJAX = "mathjax/tex-chtml.js"  # relative to _static


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


def setup(app):
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
