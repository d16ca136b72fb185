"""What a published site offers: its address, a sitemap pairing each page with its twin, a 404
page per language, social-card metadata, copy buttons that copy code alone, and print.

The site's address is one setting, ``html_baseurl`` in conf.py: the folder that holds both trees.
Each tree is served below it, in ``en/`` and ``zh/``: social cards and the 404 page take their
addresses from there (canonical links: :func:`.languages.published_url`).
"""
import re
from pathlib import Path
from string import Template
from urllib.parse import urljoin, urlparse
from xml.etree import ElementTree

from .. import twins
from .languages import LANGUAGES, tree_of

OG_LOCALE = {"en": "en_US", "zh": "zh_CN"}  # Open Graph writes a locale with an underscore
NOT_FOUND = {  # {en} and {zh}: the absolute paths of the two trees
    "en": {"title": "Page not found", "body": (
        "<h1>Page not found</h1><p>The page you asked for may have moved or been removed. "
        "Start again from the <a href='{en}index.html'>contents</a>, or <a href='{en}search.html'>search the book</a>.</p>")},
    "zh": {"title": "页面不存在", "body": (
        "<h1>页面不存在</h1><p>你要找的页面可能已被移动或删除。可以从<a href='{zh}index.html'>目录</a>重新开始，"
        "也可以<a href='{zh}search.html'>搜索本书</a>。</p>")},
}


def tree_url(config, tree):
    return f"{config.html_baseurl.rstrip('/')}/{tree}/"


def set_addresses(app, config):
    tree = tree_of(app)
    config.ogp_site_url = tree_url(config, tree)
    # A link card's language, and the other edition's (opengraph has no option for og:locale).
    config.ogp_custom_meta_tags = [*config.ogp_custom_meta_tags, f'<meta property="og:locale" content="{OG_LOCALE[tree]}" />',
                                   *(f'<meta property="og:locale:alternate" content="{locale}" />'
                                     for other, locale in OG_LOCALE.items() if other != tree)]
    # The 404 page is served at any missing address: its links and assets must be absolute.
    config.notfound_urls_prefix = urlparse(tree_url(config, tree)).path
    paths = {name: urlparse(tree_url(config, name)).path for name in LANGUAGES}
    config.notfound_context = {"title": NOT_FOUND[tree]["title"], "body": NOT_FOUND[tree]["body"].format(**paths)}


def not_found_print_title(app, pagename, templatename, context, doctree):
    # sphinx-book-theme's print-only title is the page's title, which the 404 page lacks: an empty <h1>.
    if pagename == "404":
        context["pagetitle"] = NOT_FOUND[tree_of(app)]["title"]


def not_found_language_switch(app, pagename, templatename, context, doctree):
    # The 404 page is served at any missing address: its language switch, like its other links, is
    # absolute (a relative ../en/404.html from zh/a/b/missing.html is another 404: editor r12).
    if pagename == "404":
        (other,) = (tree for tree in LANGUAGES if tree != tree_of(app))
        context["twin_url"] = f"{urlparse(tree_url(app.config, other)).path}404.html"


def unmatched_summary_labels(app, pagename, templatename, context, doctree):
    # myst-nb labels each folded cell's button "Toggle hidden content" while it shows "Show code
    # cell source": a screen reader and the eye would name it differently (WCAG 2.5.3). Without the
    # label, the button is named by what it shows.
    if "body" in context:
        context["body"] = context["body"].replace('<summary aria-label="Toggle hidden content">', "<summary>")


def one_viewport(app, pagename, templatename, context, doctree):
    # Sphinx's layout writes the viewport tag, and docutils' HTML writer adds its own to the page's
    # metatags: one is enough (editor r9 found two or three per page).
    if "metatags" in context:
        context["metatags"] = re.sub(r'<meta name="viewport"[^>]*>\s*', "", context["metatags"])


def alternate_languages(app, pagename, templatename, context, doctree):
    """Search engines: this page in each language (itself too), absolute, and the page for any other
    language (x-default): the root page that offers both for the home pages, the English one elsewhere."""
    base = app.config.html_baseurl
    if not base:
        return  # hreflang addresses must be absolute
    root = base.rstrip("/") + "/"
    links = [(hreflang, f"{root}{tree}/{pagename}.html") for tree, (_, hreflang, _) in LANGUAGES.items()]
    links.append(("x-default", root if pagename == "index" else f"{root}en/{pagename}.html"))
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<link rel="alternate" hreflang="{hreflang}" href="{href}">' for hreflang, href in links)


def not_for_search_engines(app, pagename, templatename, context, doctree):
    """The search page, the index of terms and the 404 page are tools, not answers: not indexed."""
    if pagename in ("search", "genindex", "404"):
        context["metatags"] = context.get("metatags", "") + '\n<meta name="robots" content="noindex">'


def write_root_page(site, source, site_url):
    """The root page, with its canonical and alternate links made absolute (search engines want them so)."""
    page = source.read_text(encoding="utf8")
    if site_url:  # else the links stay relative, as written

        def absolute(tag):
            return re.sub(r'href="([^"]*)"', lambda href: f'href="{urljoin(site_url.rstrip("/") + "/", href[1])}"',
                          tag[0])

        page = re.sub(r'<link\b[^>]*\brel="(?:canonical|alternate)"[^>]*>', absolute, page)
    (Path(site) / "index.html").write_text(page, encoding="utf8")


def write_sitemap(site, docs, site_url):
    """``site/sitemap.xml``: every page in both languages, each naming its twin (hreflang).

    Not sphinx-sitemap: it builds the alternate addresses from Sphinx's language code (``zh_CN/``),
    while the Chinese pages live in ``zh/``.
    """
    ns = {"": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
    for prefix, uri in ns.items():
        ElementTree.register_namespace(prefix, uri)
    urlset = ElementTree.Element(f"{{{ns['']}}}urlset")
    root = site_url.rstrip("/") + "/"
    for page in twins.pages(Path(docs) / "en"):
        name = page.with_suffix(".html").as_posix()
        for tree in LANGUAGES:
            url = ElementTree.SubElement(urlset, f"{{{ns['']}}}url")
            ElementTree.SubElement(url, f"{{{ns['']}}}loc").text = f"{root}{tree}/{name}"
            for twin, (_, hreflang, _) in LANGUAGES.items():
                ElementTree.SubElement(url, f"{{{ns['xhtml']}}}link", rel="alternate", hreflang=hreflang,
                                       href=f"{root}{twin}/{name}")
    ElementTree.ElementTree(urlset).write(Path(site) / "sitemap.xml", encoding="utf-8", xml_declaration=True)
    (Path(site) / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {root}sitemap.xml\n", encoding="utf8")


def toctree_never_none(app, pagename, templatename, context, doctree):
    # Sphinx's toctree() gives None on a site whose root has no toctree (a test's one-page site);
    # the theme then fails to parse it while drawing the 404 page's sidebar.
    toctree = context.get("toctree")
    if toctree is not None:
        context["toctree"] = lambda **options: toctree(**options) or ""


def publish_root_files(app, exception):
    """After the last tree is built: the files a host serves from the site's root."""
    if exception is None and app.builder.format == "html" and tree_of(app) == list(LANGUAGES)[-1]:
        site, docs = Path(app.outdir).parent, Path(app.srcdir).parent
        write_sitemap(site, docs, app.config.html_baseurl)
        if (docs / "root" / "index.html").exists():
            write_root_page(site, docs / "root" / "index.html", app.config.html_baseurl)
        if (docs / "root" / "404.html").exists():  # hosts look for one, at the root
            write_root_not_found(site, docs / "root" / "404.html", app.config)


def write_root_not_found(site, source, config):
    """The root's 404 page, which a host serves at every missing address: a page of its own in both
    languages, each marked with its ``lang``, like the root page (not the English tree's page, whose
    theme would speak English around the Chinese part: editor r10). Its links are absolute, from
    ``html_baseurl``'s path; an address under zh/ goes on to the Chinese 404 page. Not a redirect by
    navigator.languages as on the root page: this works without JavaScript and keeps the mistyped
    address in the address bar, where the reader can correct it."""
    paths = {tree: urlparse(tree_url(config, tree)).path for tree in LANGUAGES}
    root = urlparse(config.html_baseurl.rstrip("/") + "/").path
    page = Template(source.read_text(encoding="utf8")).substitute(root=root, **paths)
    (site / "404.html").write_text(page, encoding="utf8")


def setup(app):
    app.connect("config-inited", set_addresses)
    app.connect("html-page-context", unmatched_summary_labels)
    app.connect("html-page-context", one_viewport)
    app.connect("html-page-context", alternate_languages)
    app.connect("html-page-context", not_for_search_engines)
    app.connect("html-page-context", not_found_print_title)
    app.connect("html-page-context", not_found_language_switch, priority=600)  # after languages.link_to_twin
    app.connect("html-page-context", toctree_never_none, priority=400)  # before the theme's handlers
    app.connect("build-finished", publish_root_files)
