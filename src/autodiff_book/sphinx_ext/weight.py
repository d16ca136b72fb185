"""Less for a reader's browser to fetch and work through, with the same pages on screen.

- **Stylesheets**: PurgeCSS (npm, package.json) drops the rules of the theme's stylesheets that no
  page or script of the tree uses; pydata-sphinx-theme's 368 kB stylesheet is mostly Bootstrap and
  the rules of 2,000 icons.
- **Icons**: the icon font keeps only the glyphs of the icons the remaining rules draw.
- **Scripts**: none blocks the first paint; each runs once the page is parsed (``defer``), in the
  order the page names them, as before (the lines that set the page's options run after the file
  that defines them, as module scripts, which are deferred too).
- **Code**: Pygments wraps every name, punctuation mark and space of a code cell in a ``<span>``
  that the theme's light and dark styles draw in the block's own colour: without those spans, a
  long page has half the elements, and the same pixels (``tests/test_site.py`` checks the colours).
- **Layout**: the sections below the first screen are laid out when the reader reaches them
  (book.css, ``content-visibility``). The theme's script measures every code block once the page
  has loaded, to make the ones that scroll sideways reachable by keyboard, which would lay out every
  section at once: each ``<pre>`` is a tab stop from the start, and the theme's test runs on a
  block when it comes near the screen (``lazy_tab_stops``).
- **Figures**: each image carries its width and height (read from the file), so the browser keeps
  its place before it loads and nothing below it moves (book.css scales it down on a narrow screen).
"""
import re
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.util.images import get_image_size

from .formulas import node_binary

# Under _static: the stylesheets PurgeCSS trims. Sphinx copies them afresh on every build. Not
# myst-nb's, which myst-nb copies only when missing and then warns (-W fails) if it differs.
PURGED = ("styles/pydata-sphinx-theme.css", "styles/sphinx-book-theme.css", "sphinx-design.min.css",
          "basic.css", "katex/katex.min.css")
ICON_FONT = "vendor/fontawesome/webfonts/fa-solid-900.woff2"
ICON_STYLESHEET = "styles/pydata-sphinx-theme.css"
PURGER = Path(__file__).with_name("purge_css.cjs")
THEME_SCRIPT = "scripts/pydata-sphinx-theme.js"
# pydata-sphinx-theme 0.20's test, minified: a block that scrolls is a tab stop (0), others not (-1).
TAB_STOP_TEST = "e.tabIndex=e.scrollWidth>e.clientWidth||e.scrollHeight>e.clientHeight?0:-1"
# The same test, on each block when it comes within a screen of the window (re-observing reports at once).
LAZY_TAB_STOP_TEST = ("(window.bookTabStops??=new IntersectionObserver(s=>s.forEach(({target:e,isIntersecting:i})=>"
                      "{i&&(" + TAB_STOP_TEST + ")}),{rootMargin:\"100% 0px\"})).unobserve(e),"
                      "window.bookTabStops.observe(e)")
PLAIN_TOKENS = re.compile(r'<span class="[npw]">([^<]*)</span>')  # Name, Punctuation, Whitespace


def purge_stylesheets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    static = out / "_static"
    stylesheets = [static / name for name in PURGED if (static / name).exists()]
    purgecss = Path(app.confdir) / "node_modules" / "purgecss"
    result = subprocess.run([node_binary(), str(PURGER), str(purgecss), str(out), *map(str, stylesheets)],
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"PurgeCSS failed on {out}: {result.stderr.strip()} (run `make html`, which installs it)")
    for stylesheet in stylesheets:
        css = stylesheet.read_text(encoding="utf8")
        # The theme's source maps describe the stylesheet before PurgeCSS: drop the link and the map.
        stylesheet.write_text(re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css), encoding="utf8")
        stylesheet.with_name(stylesheet.name + ".map").unlink(missing_ok=True)
    subset_icon_font(static / ICON_FONT, (static / ICON_STYLESHEET).read_text(encoding="utf8"))


def subset_icon_font(font_path, stylesheet):
    """Keep the glyphs of the icons that the (purged) stylesheet still names: ``--fa:"\\f002"``."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # not its INFO lines in the build log

    codepoints = {int(code, 16) for code in re.findall(r'--fa:"\\([0-9a-fA-F]{2,5})', stylesheet)}
    if not font_path.exists() or not codepoints:
        return
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    font = TTFont(font_path, recalcTimestamp=False)  # no save time inside: two builds write the same bytes
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(font_path)


def defer_scripts(app, pagename, templatename, context, doctree):
    from sphinx.builders.html._assets import _JavaScript

    if pagename == "search":
        return  # the theme's search page loads Sphinx's search tools in order, unaware of defer
    scripts = []
    for script in context.get("script_files", []):
        if isinstance(script, _JavaScript):
            attributes = dict(script.attributes)
            if script.filename and not {"async", "defer"} & attributes.keys():
                attributes["defer"] = "defer"
            elif not script.filename and "DOCUMENTATION_OPTIONS" in attributes.get("body", ""):
                attributes["type"] = "module"  # runs after the deferred documentation_options.js
            script = _JavaScript(script.filename, priority=script.priority, **attributes)
        scripts.append(script)
    context["script_files"] = scripts


def preload_icon_font(app, pagename, templatename, context, doctree):
    """The header's icons are drawn from the first paint (2 kB once subset), not swapped in later."""
    href = context["pathto"](f"_static/{ICON_FONT}", 1)
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin>')


def unwrap_plain_tokens(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = PLAIN_TOKENS.sub(r"\1", context["body"])


def code_is_reachable_by_keyboard(app, pagename, templatename, context, doctree):
    """Every code block a tab stop, without a script (one that scrolls sideways must be: WCAG 2.1.1)."""
    if "body" in context:
        context["body"] = context["body"].replace("<pre>", '<pre tabindex="0">')


def lazy_tab_stops(app, exception):
    """The theme's test of which code blocks scroll, run on each block near the screen, not on all at load."""
    if exception is not None or app.builder.format != "html":
        return
    script = Path(app.outdir) / "_static" / THEME_SCRIPT
    if not script.exists():
        return
    source = script.read_text(encoding="utf8")
    if LAZY_TAB_STOP_TEST in source:  # a rebuild that did not copy the theme's script again
        return
    if TAB_STOP_TEST not in source:
        raise RuntimeError(f"{script}: the theme's tab-stop test `{TAB_STOP_TEST}` is not in it (a new version of "
                           "pydata-sphinx-theme?): update TAB_STOP_TEST in sphinx_ext/weight.py")
    script.write_text(source.replace(TAB_STOP_TEST, LAZY_TAB_STOP_TEST, 1), encoding="utf8")


def size_images(app, doctree, docname):
    for image in doctree.findall(nodes.image):
        if not {"width", "height", "scale"} & set(image.attributes):
            size = get_image_size(Path(app.srcdir) / image["uri"])  # uri: relative to the tree, here
            if size is not None:
                image["width"], image["height"] = (str(round(value)) for value in size)


def setup(app):
    app.connect("doctree-resolved", size_images)
    app.connect("html-page-context", defer_scripts, priority=900)  # after every handler that adds a script
    app.connect("html-page-context", unwrap_plain_tokens)
    app.connect("html-page-context", code_is_reachable_by_keyboard)
    app.connect("build-finished", lazy_tab_stops)
    app.connect("html-page-context", preload_icon_font)
    app.connect("build-finished", purge_stylesheets, priority=900)  # after the other extensions copied theirs
