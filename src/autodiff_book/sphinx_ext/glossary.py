"""The glossary shows which name the book uses: another name is secondary, and the index sends it on.

A glossary entry lists the book's names first, then the names other Chinese texts use for the same
term (CONTRIBUTING.md, "Chinese terms"): in both languages, every Chinese name after the entry's
first one is such a variant. Its ``<dt>`` gets the class ``term-variant`` (book.css sets it in
regular weight and grey, after "又作"/"also:"), and its index entry becomes a "see" entry, so the
index reads "海森矩阵 见黑塞矩阵" instead of listing the variant as if it were the book's term.

The index of each language lists its own language's names under their letters (Chinese names by the
pinyin initial each entry gives, in pinyin order: Sphinx orders them by code point, which puts
拓扑序 before 梯度) and the other language's names after them, in a group of their own
(:func:`other_language_last`), not mixed into the letters: "次梯度" beside "chain rule" under C is
neither a pinyin nor an English index.
"""
import re

from docutils import nodes
from pypinyin import lazy_pinyin
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from .languages import tree_of

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


OTHER_LANGUAGE = {"en": "Chinese (中文)", "zh": "英文术语"}  # the heading of the other language's names


def other_language_last(app, pagename, templatename, context, doctree):
    if pagename != "genindex" or "genindexentries" not in context:
        return
    tree = tree_of(app)
    in_order = lambda entries: sorted(entries, key=lambda entry: lazy_pinyin(entry[0].casefold()))
    groups, others = [], []
    for heading, entries in context["genindexentries"]:
        own = []
        for entry in entries:
            (own if bool(HAN.search(entry[0])) == (tree == "zh") else others).append(entry)
        if own:
            groups.append((heading, in_order(own) if tree == "zh" else own))
    if others:
        groups.append((OTHER_LANGUAGE[tree], in_order(others)))
    context["genindexentries"] = groups


def definitions_end_at_their_full_stop(app, pagename, templatename, context, doctree):
    # docutils ends every paragraph with a line break, inside the <dd>: copied, or read by a screen
    # reader, each definition would end in "。 ".
    if doctree is not None and "body" in context and any(doctree.findall(addnodes.glossary)):
        context["body"] = re.sub(r"</p>\s+</dd>", "</p></dd>", context["body"])


def setup(app):
    app.add_transform(GlossaryVariants)
    app.connect("html-page-context", other_language_last)
    app.connect("html-page-context", definitions_end_at_their_full_stop)
