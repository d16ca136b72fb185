"""What the reader's interface says, in the language of each tree.

The themes' words come from gettext catalogs. Where the packages' own Chinese catalogs leave English or
Taiwanese usage (列印成 PDF), the book's catalogs in ``locale/zh_CN/LC_MESSAGES/`` come first: ``sphinx.po``
(domain ``sphinx``: Sphinx and pydata-sphinx-theme, found through ``locale_dirs`` in conf.py) and
``booktheme.po`` (sphinx-book-theme's domain, registered here before the theme registers its own). No
template is copied, so a theme upgrade keeps working; a word it adds shows in English, and
``tests/test_interface.py`` names it.
"""
import re
from pathlib import Path

from docutils import nodes
from jinja2.ext import Extension
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.i18n import CatalogInfo
from sphinx.util.index_entries import split_index_msg

from .languages import tree_of

LOCALE = Path(__file__).with_name("locale")

# sphinx-book-theme 1.4 writes these attributes in English, outside gettext
# (components/toggle-primary-sidebar.html, toggle-secondary-sidebar.html, sbt-sidebar-nav.html, layout.html).
MARKED = ('title="Toggle primary sidebar"', 'title="Toggle secondary sidebar"', 'aria-label="Main"',
          'aria-label="Page"')

# myst-nb names a fold by the part of the cell it hides: "content" (tag hide-cell: the code, and
# the output if there is one), "source" (hide-input), "output" or "outputs" (hide-output).
# Per language: (show, hide, words for each part).
FOLDS = {
    "en": ("Show {}", "Hide {}", {"content": "code and output", "source": "code", "output": "output",
                                  "outputs": "output"}),
    "zh": ("显示{}", "隐藏{}", {"content": "代码和输出", "source": "代码", "output": "输出", "outputs": "输出"}),
}

# The search box's placeholder and its aria-label, one option: sphinx-book-theme writes gettext("Search")
# + "..." (ASCII dots), and a screen reader would read an ellipsis aloud.
SEARCH_BOX = {"zh": "搜索"}
AUTHORS = {"zh": "《动手学自动微分》作者团队"}  # 作者 alone, after the title, reads as a name


# pydata-sphinx-theme's search page title joins with a hyphen, every other page with an em dash.
SEARCH_TITLE = ('{{ _("Search") }} - {{ title or docstitle }}', '{{ _("Search") }} &#8212; {{ title or docstitle }}')


class MarkThemeWords(Extension):
    """Rewrites each attribute of :data:`MARKED` as ``title="{{ _('Toggle primary sidebar') }}"``; :data:`SEARCH_TITLE`."""

    def preprocess(self, source, name, filename=None):
        source = source.replace(*SEARCH_TITLE)
        for attribute in MARKED:
            key, word = attribute.split("=", 1)
            source = source.replace(attribute, f'{key}="{{{{ _({word.strip(chr(34))!r}) }}}}"')
        return source


def configure(app, config):
    """The fold labels' placeholders, and for Chinese the search box and the footer."""
    # myst-nb fills in {type}; FoldLabels turns the part's name into the label.
    config.nb_code_prompt_show = config.nb_code_prompt_hide = "{type}"
    tree = tree_of(app)
    if tree != "zh":
        return
    options = {"search_bar_text": SEARCH_BOX[tree],
               # The author line would read "作者：␣…": its template puts a space after the colon.
               # The copyright line names the authors already.
               "footer_content_items": ["copyright.html", "last-updated.html", "extra-footer.html"]}
    config.html_theme_options = {**config.html_theme_options, **options}
    year = re.match(r"\d{4}", config.copyright)
    config.author = AUTHORS[tree]
    config.copyright = f"{year.group(0)}{AUTHORS[tree]}" if year else AUTHORS[tree]  # no space before 《


def register_catalogs(app):
    """sphinx-book-theme's domain from ``locale/``, compiled if its .po changed, before the theme's own."""
    if not (LOCALE / str(app.config.language) / "LC_MESSAGES" / "booktheme.po").exists():
        return
    catalog = CatalogInfo(str(LOCALE / app.config.language / "LC_MESSAGES"), "booktheme", "utf-8")
    if catalog.is_outdated():
        catalog.write_mo(app.config.language)
    app.add_message_catalog("booktheme", str(LOCALE))


def write_script_catalog(app, config):
    """``locale/zh_CN/LC_MESSAGES/sphinx.js``: Sphinx's own script catalog, with the book's wording.

    Sphinx copies the first ``sphinx.js`` it finds under ``locale_dirs`` (else its own) to
    ``_static/translations.js``; it compiles no script catalog from a ``.po``. Ours is Sphinx's,
    with each message that ``sphinx.po`` also translates replaced (the search page's "您……分类"),
    so a Sphinx upgrade keeps its new messages. Written when either source is newer.
    """
    import json

    import sphinx
    from babel.messages.pofile import read_po

    folder = LOCALE / str(config.language) / "LC_MESSAGES"
    ours = folder / "sphinx.po"
    theirs = Path(sphinx.__file__).parent / "locale" / str(config.language) / "LC_MESSAGES" / "sphinx.js"
    target = folder / "sphinx.js"
    if not (ours.exists() and theirs.exists()):
        return
    if target.exists() and target.stat().st_mtime >= max(ours.stat().st_mtime, theirs.stat().st_mtime):
        return
    text = theirs.read_text(encoding="utf8")
    catalog = json.loads(text[text.index("{"):text.rindex("}") + 1])
    with ours.open("rb") as po:
        for message in read_po(po):
            if message.id and isinstance(message.id, str) and message.id in catalog["messages"]:
                catalog["messages"][message.id] = message.string
            elif isinstance(message.id, tuple) and message.id[0] in catalog["messages"]:  # plural forms
                catalog["messages"][message.id[0]] = list(message.string)
    target.write_text(f"Documentation.addTranslations({json.dumps(catalog, ensure_ascii=False, indent=4)});\n",
                      encoding="utf8")


def mark_theme_words(app):
    templates = getattr(app.builder, "templates", None)  # HTML builders only (not doctest)
    if templates is not None:
        templates.environment.add_extension(MarkThemeWords)


def translations_before_highlighting(app, pagename, templatename, context, doctree):
    """Load Sphinx's translated script words (translations.js) before sphinx_highlight.js.

    Every script is deferred (weight.py), so sphinx_highlight.js runs as soon as it has loaded: on a
    page opened from a search, it would write "Hide Search Matches" before the translations exist.
    """
    scripts = list(context.get("script_files", []))
    names = [str(getattr(script, "filename", "")) for script in scripts]
    wanted = [next((n for n, name in enumerate(names) if name.endswith(f"_static/{file}")), None)
              for file in ("translations.js", "sphinx_highlight.js")]
    translations, highlighting = wanted
    if translations is not None and highlighting is not None and translations > highlighting:
        from sphinx.builders.html._assets import _JavaScript

        script = scripts.pop(translations)
        # Sphinx sorts the scripts by priority after this event, keeping the order of equals:
        # sphinx_highlight.js's priority, in its place.
        priority = scripts[highlighting].priority
        scripts.insert(highlighting, _JavaScript(script.filename, priority=priority, **script.attributes))
        context["script_files"] = scripts


class FoldLabels(SphinxPostTransform):
    """Each fold button says what it shows or hides (after myst-nb's HideInputCells, priority 199)."""

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs):
        show, hide, parts = FOLDS[tree_of(self.app)]
        for fold in self.document.findall(HideCodeCellNode):
            has_output = any(node.get("nb_element") == "cell_code_output" for node in fold.findall(nodes.container))
            for key, label in (("prompt_show", show), ("prompt_hide", hide)):
                part = "source" if fold[key] == "content" and not has_output else fold[key]
                if part in parts:  # a cell that sets its own prompt keeps it
                    fold[key] = label.format(parts[part])


def search_summaries(app, pagename, templatename, context, doctree):
    """On the search page, results' summaries without the interface's words (static/search.js)."""
    if pagename == "search":
        app.add_js_file("search.js", priority=510, defer="defer")  # after searchtools.js (500)


def keep_index_entries(app, doctree):
    """Note the page's index entries (the glossary's terms) for the search index as the page is read.

    Sphinx 9.0 notes them only as it writes a page, after the environment is saved; the search
    index it reloads for the pages a build does not rewrite keeps their words, not these entries.
    So after an incremental build a search for a term ranked the glossary below pages that only
    use the term. These are the entries ``IndexBuilder.feed`` notes, kept with the environment.
    """
    entries = set()
    for node in doctree.findall(addnodes.index):
        for kind, value, target, main, _key in node["entries"]:
            try:
                names = split_index_msg(kind, value)
            except ValueError:
                continue  # Sphinx's index warns about the entry; its search index skips it too
            entries |= {(name, target or "", main) for name in names}
    app.env._search_index_index_entries[app.env.docname] = sorted(entries)


def forget_index_entries(app, env, docname):
    env._search_index_index_entries.pop(docname, None)  # the page is read again, or gone


def merge_index_entries(app, env, docnames, other):
    """The entries of the pages a parallel build read in another process."""
    for docname in docnames:
        env._search_index_index_entries[docname] = other._search_index_index_entries.get(docname, [])


def setup(app):
    register_catalogs(app)
    app.connect("doctree-read", keep_index_entries)
    app.connect("env-purge-doc", forget_index_entries)
    app.connect("env-merge-info", merge_index_entries)
    app.connect("html-page-context", search_summaries)
    app.connect("config-inited", configure)
    app.connect("config-inited", write_script_catalog)
    app.connect("builder-inited", mark_theme_words)
    app.connect("html-page-context", translations_before_highlighting, priority=800)  # before weight.py's (900)
    app.add_post_transform(FoldLabels)
