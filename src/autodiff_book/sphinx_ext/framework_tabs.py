"""Turn each run of adjacent ``%%tab`` cells into one PyTorch/TensorFlow tab set.

myst-nb cannot execute a code cell nested in a ``{tab-item}``, so authors write
top-level cells whose first line is ``%%tab pytorch`` or ``%%tab tensorflow``
(see :mod:`autodiff_book.tabs`). After myst-nb has parsed a page, this transform
drops that first line from the shown source and moves the cells into sphinx-design
tab items; sphinx-design renders them and keeps the reader's choice in sync.
"""
from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx_design.shared import create_component

from ..tabs import FRAMEWORKS, MAGIC

logger = logging.getLogger(__name__)
SYNC_GROUP = "framework"
# Without JavaScript, and on paper, sphinx-design would show one tab only: show each, labelled,
# one after the other.
EVERY_TAB = ".sd-tab-set{display:block!important}.sd-tab-set>.sd-tab-content{display:block!important;border-top:none}"
EVERY_TAB_WHERE_NEEDED = f"<noscript><style>{EVERY_TAB}</style></noscript><style>@media print{{{EVERY_TAB}}}</style>"


def is_code_cell(node):
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"


def framework_of(cell):
    """``pytorch``/``tensorflow`` for a ``%%tab`` cell, after removing the magic line; else None."""
    for source in cell.findall(nodes.literal_block):
        first, _, rest = source.astext().partition("\n")
        if not first.startswith(MAGIC + " "):
            return None
        framework = first[len(MAGIC):].strip()
        source.rawsource = rest
        source.children = [nodes.Text(rest)]
        return framework
    return None


def tab_set(cells_by_framework):
    items = []
    for framework, label in FRAMEWORKS.items():
        title = nodes.rubric(label, label, classes=["sd-tab-label"], sync_id=framework, sync_group=SYNC_GROUP)
        content = create_component("tab-content", classes=["sd-tab-content"])
        content.extend(cells_by_framework[framework])
        item = create_component("tab-item", classes=["sd-tab-item"], selected=framework == "pytorch")
        item.extend([title, content])
        items.append(item)
    return create_component("tab-set", classes=["sd-tab-set", "framework-tabs"], children=items)


class FrameworkTabs(SphinxTransform):
    default_priority = 500  # myst-nb has already turned the notebook into nodes while parsing

    def apply(self, **kwargs):
        runs = []  # [(parent, [(cell, framework), ...]), ...]: adjacent framework cells
        for cell in list(self.document.findall(is_code_cell)):
            framework = framework_of(cell)
            if framework is None:
                continue
            parent = cell.parent
            previous = runs[-1][1][-1][0] if runs else None
            adjacent = previous is not None and previous.parent is parent and (
                parent.index(cell) == parent.index(previous) + 1
            )
            if adjacent:
                runs[-1][1].append((cell, framework))
            else:
                runs.append((parent, [(cell, framework)]))
        for parent, cells in runs:
            self.replace_with_tab_set(parent, cells)

    def replace_with_tab_set(self, parent, cells):
        by_framework = {framework: [] for framework in FRAMEWORKS}
        for cell, framework in cells:
            if framework not in by_framework:
                logger.warning(f"{MAGIC} {framework}: expected one of {', '.join(FRAMEWORKS)}", location=cell)
                return
            by_framework[framework].append(cell)
        missing = [FRAMEWORKS[name] for name, group in by_framework.items() if not group]
        if missing:
            logger.warning(
                f"this example has no {' or '.join(missing)} cell: every example shows both frameworks",
                location=cells[0][0],
            )
            return
        position = parent.index(cells[0][0])
        for cell, _ in cells:
            parent.remove(cell)
        parent.insert(position, tab_set(by_framework))


def show_every_tab_without_javascript_and_in_print(app, pagename, templatename, context, doctree):
    context["metatags"] = context.get("metatags", "") + EVERY_TAB_WHERE_NEEDED


def setup(app):
    app.add_transform(FrameworkTabs)
    app.connect("html-page-context", show_every_tab_without_javascript_and_in_print)
