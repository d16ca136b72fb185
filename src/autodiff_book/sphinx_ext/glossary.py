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
neither a pinyin nor an English index. A "see" entry links to the entry it names.

An entry's anchor is made from its English name in both languages (``glossary.html#term-hessian``):
Sphinx numbers a Chinese name's (``#term-24``), which says nothing in a shared link. The entry's
first name takes it; the other language's name adds its language (``#term-hessian-en`` in the zh
glossary, ``#term-hessian-zh`` in the English one), and a further Chinese name its place
(``#term-hessian-zh-2``).
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
                self.anchor_by_english_name(list(item.findall(nodes.term)))
                chinese = [term for term in item.findall(nodes.term) if HAN.search(term.astext())]
                for variant in chinese[1:]:
                    variant["classes"].append("term-variant")
                    for index in variant.findall(addnodes.index):
                        index["entries"] = [("see", f"{name}; {chinese[0].astext()}", target, "", key)
                                            for _, name, target, _, key in index["entries"]]

    def anchor_by_english_name(self, terms):
        english = [term for term in terms if not HAN.search(term.astext())]
        if not english:
            return
        anchor = "term-" + nodes.make_id(english[0].astext())
        chinese = [term for term in terms if HAN.search(term.astext())]
        wanted = {terms[0]: anchor}
        for term in english:  # Sphinx keeps a name's capitals (#term-Hessian): lower case, as the entry's
            own = "term-" + nodes.make_id(term.astext())
            wanted.setdefault(term, f"{anchor}-en" if own == anchor else own)
        for place, term in enumerate(chinese, start=1):  # the zh glossary's first name is in `wanted` already
            wanted.setdefault(term, f"{anchor}-zh" + (f"-{place}" if place > 1 else ""))
        for term, new in wanted.items():
            self.move_anchor(term, new)

    def move_anchor(self, term, new):
        old = term["ids"][0]
        if old == new:
            return
        term["ids"] = [new]
        if self.document.ids.get(old) is term:
            del self.document.ids[old]
        self.document.ids[new] = term
        for index in term.findall(addnodes.index):
            index["entries"] = [(kind, name, new if target == old else target, main, key)
                                for kind, name, target, main, key in index["entries"]]
        std = self.env.domains.standard_domain
        text = term.astext()
        std.objects["term", text] = (self.env.current_document.docname, new)
        std._terms[text.lower()] = (self.env.current_document.docname, new)


def see_entries_link(app, pagename, templatename, context, doctree):
    """The index's "见黑塞矩阵" leads to 黑塞矩阵: Sphinx writes a "see" entry as text."""
    if pagename != "genindex" or "genindexentries" not in context:
        return
    links = {name: entry_links[0][1] for _, entries in context["genindexentries"]
             for name, (entry_links, _, _) in entries if entry_links}
    see = re.compile(r"^(见|see )(.+)$")
    for _, entries in context["genindexentries"]:
        for place, (name, (entry_links, subitems, key)) in enumerate(entries):
            linked = []
            for text, sub_links in subitems:
                named = see.match(text)
                if not sub_links and named and named[2] in links:
                    linked.append((text, [(False, links[named[2]])]))
                else:
                    linked.append((text, sub_links))
            entries[place] = (name, (entry_links, linked, key))


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
    app.connect("html-page-context", see_entries_link)
    app.connect("html-page-context", other_language_last)
    app.connect("html-page-context", definitions_end_at_their_full_stop)
