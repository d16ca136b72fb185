"""Turn each run of adjacent ``%%tab`` cells and ``{framework}`` blocks into one tab set.

myst-nb cannot execute a code cell nested in a ``{tab-item}``, so authors write
top-level cells whose first line is ``%%tab pytorch``, ``%%tab tensorflow`` or
``%%tab jax`` (see :mod:`autodiff_book.tabs`), and what only one framework does as a
``{framework} pytorch`` block (MyST prose: roles, math, glue, doctests). After
myst-nb has parsed a page, this transform drops the magic line from the shown
source and moves each run of adjacent cells and blocks (nothing but blank lines
between them) into one sphinx-design tab set: a framework's tab holds its prose and
its code in document order, and sphinx-design keeps the reader's choice in sync.

Every tab set of a page offers the same frameworks: PyTorch and TensorFlow always, JAX on
the pages that have it (all their tab sets, or none: ``tabs.page_frameworks``). On a page
without JAX, a reader who chose JAX sees the first tab, PyTorch; the choice stays stored.
"""
from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx_design.shared import create_component

from ..tabs import FRAMEWORKS, MAGIC, ON_EVERY_PAGE, page_frameworks, split_magic

logger = logging.getLogger(__name__)
SYNC_GROUP = "framework"
PROSE = "framework-prose"  # the class of a {framework} block's container, until it is moved into its tab
# Without JavaScript, and on paper, sphinx-design would show one tab only: show each, labelled,
# one after the other.
EVERY_TAB = ".sd-tab-set{display:block!important}.sd-tab-set>.sd-tab-content{display:block!important;border-top:none}"
EVERY_TAB_WHERE_NEEDED = f"<noscript><style>{EVERY_TAB}</style></noscript><style>@media print{{{EVERY_TAB}}}</style>"


class FrameworkProse(SphinxDirective):
    """```{framework} pytorch``` holds prose for one framework; it joins the adjacent tab set."""

    required_arguments = 1
    has_content = True

    def run(self):
        framework = self.arguments[0]
        if framework not in FRAMEWORKS:
            raise self.error(f"{{framework}} {framework}: expected one of {', '.join(FRAMEWORKS)}")
        block = nodes.container(classes=[PROSE], framework=framework)
        self.set_source_info(block)
        self.state.nested_parse(self.content, self.content_offset, block)
        return [block]


def is_code_cell(node):
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"


def is_prose_block(node):
    return isinstance(node, nodes.container) and PROSE in node["classes"]


def framework_of(cell):
    """``pytorch``, ``tensorflow``, ``jax`` for a ``%%tab`` cell, after removing the magic line; else None."""
    source = next(cell.findall(nodes.literal_block), None)
    framework, code = split_magic(source.astext()) if source is not None else (None, "")
    if framework is not None:
        source.rawsource, source.children = code, [nodes.Text(code)]
    return framework


def tab_set(nodes_by_framework):
    items = []
    for framework, group in nodes_by_framework.items():
        label = FRAMEWORKS[framework]
        title = nodes.rubric(label, label, classes=["sd-tab-label"], sync_id=framework, sync_group=SYNC_GROUP)
        content = create_component("tab-content", classes=["sd-tab-content"])
        content.extend(group)
        item = create_component("tab-item", classes=["sd-tab-item"], selected=not items)
        item.extend([title, content])
        items.append(item)
    return create_component("tab-set", classes=["sd-tab-set", "framework-tabs"], children=items)


class FrameworkTabs(SphinxTransform):
    default_priority = 500  # myst-nb has already turned the notebook into nodes while parsing

    def apply(self, **kwargs):
        runs = []  # [(parent, [(node, framework), ...]), ...]: adjacent framework cells and blocks
        for node in list(self.document.findall(lambda n: is_code_cell(n) or is_prose_block(n))):
            framework = node["framework"] if is_prose_block(node) else framework_of(node)
            if framework is None:
                continue
            parent = node.parent
            previous = runs[-1][1][-1][0] if runs else None
            adjacent = previous is not None and previous.parent is parent and (
                parent.index(node) == parent.index(previous) + 1
            )
            if adjacent:
                runs[-1][1].append((node, framework))
            else:
                runs.append((parent, [(node, framework)]))
        offered = page_frameworks(framework for _, run in runs for _, framework in run if framework in FRAMEWORKS)
        for parent, run in runs:
            self.replace_with_tab_set(parent, run, offered)

    def replace_with_tab_set(self, parent, run, offered):
        by_framework = {framework: [] for framework in offered}
        for node, framework in run:
            if framework not in FRAMEWORKS:
                logger.warning(f"{MAGIC} {framework}: expected one of {', '.join(FRAMEWORKS)}", location=node)
                return
            by_framework[framework].append(node)
        missing = [name for name, group in by_framework.items() if not group]
        if missing:
            optional = [FRAMEWORKS[name] for name in missing if name not in ON_EVERY_PAGE]
            logger.warning(
                f"this tab set has nothing for {' or '.join(FRAMEWORKS[name] for name in missing)}: add a "
                + " or ".join(f"`{MAGIC} {name}` cell or a `{{framework}} {name}` block" for name in missing)
                + " next to it (only blank lines between), so every tab set shows each framework"
                + "".join(f"; this page has {name} tabs elsewhere, and a page has {name} in every tab set or in none"
                          for name in optional),
                location=run[0][0],
            )
            return
        position = parent.index(run[0][0])
        for node, _ in run:
            parent.remove(node)
        parent.insert(position, tab_set(by_framework))


def show_every_tab_without_javascript_and_in_print(app, pagename, templatename, context, doctree):
    context["metatags"] = context.get("metatags", "") + EVERY_TAB_WHERE_NEEDED


def name_the_pages_frameworks(app, pagename, templatename, context, doctree):
    """``page_frameworks``: the tabs this page offers, for layout.html's first paint of the reader's choice."""
    found = {node.get("sync_id") for node in doctree.findall(nodes.Element)
             if node.get("sync_group") == SYNC_GROUP} if doctree is not None else set()
    context["page_frameworks"] = [name for name in FRAMEWORKS if name in found]


def setup(app):
    app.add_directive("framework", FrameworkProse)
    app.add_transform(FrameworkTabs)
    app.connect("html-page-context", show_every_tab_without_javascript_and_in_print)
    app.connect("html-page-context", name_the_pages_frameworks)
