"""The glossary shows which name the book uses: another name is secondary, and the index sends it on.

A glossary entry lists the book's names first, then the names other Chinese texts use for the same
term (CONTRIBUTING.md, "Chinese terms"): in both languages, every Chinese name after the entry's
first one is such a variant. Its ``<dt>`` gets the class ``term-variant`` (book.css sets it in
regular weight and grey, after "又作"/"also:"), and its index entry becomes a "see" entry, so the
index reads "海森矩阵 见黑塞矩阵" instead of listing the variant as if it were the book's term.
"""
import re

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

HAN = re.compile(r"[\u4e00-\u9fff]")


class GlossaryVariants(SphinxTransform):
    default_priority = 500  # after the glossary directive made its terms; before the index is collected

    def apply(self, **kwargs):
        for glossary in self.document.findall(addnodes.glossary):
            for item in glossary.findall(nodes.definition_list_item):
                chinese = [term for term in item.findall(nodes.term) if HAN.search(term.astext())]
                for variant in chinese[1:]:
                    variant["classes"].append("term-variant")
                    for index in variant.findall(addnodes.index):
                        index["entries"] = [("see", f"{name}; {chinese[0].astext()}", target, "", key)
                                            for _, name, target, _, key in index["entries"]]


def setup(app):
    app.add_transform(GlossaryVariants)
