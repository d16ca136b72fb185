"""Twin pages have the same skeleton: a translation may not drop, add or move a part of it.

A page's skeleton is what is the same in every language:

- its block elements, in order: headings (their level), display math, figures, doctest blocks
  (comments aside), directives such as admonitions and dropdowns, ``{framework}`` blocks (with
  their framework), code cells (where they are and which tab; twins.py compares their code),
  glossary entries, tables of contents and labels (``(name)=``);
- section by section, its references: glue names, glossary terms and cross-reference targets
  (pages, headings, labels, other sites). A translation may reorder a sentence, so these are
  counted per section rather than ordered.

Links to a heading are compared by the heading's position, since its anchor is made of its
translated text; a glossary term by its entry, which lists the term in both languages.

Each page on its own, too: every tab set of a page offers the same frameworks. JAX reaches the
pages one at a time, so a page has a JAX tab in every tab set or in none (``incomplete_tab_sets``).
"""
import os
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import unquote

from . import myst, twins
from .tabs import FRAMEWORKS, page_frameworks, split_magic

BLOCKS = ("heading", "math", "figure", "doctest", "directive", "code cell", "glossary entry", "toctree", "label")
REFERENCE_ROLES = {"ref", "doc", "numref", "eq", "any", "download"}


@dataclass(frozen=True)
class Element:
    kind: str  # one of BLOCKS, or "glue", "term", "reference"
    key: str  # what must be the same in both languages
    line: int  # where it is, for the message
    shown: str  # how it reads on its own page, for the message

    def __str__(self):
        return f"{self.kind} `{self.shown}` (line {self.line})"


class Tree:
    """One language tree (``docs/en`` or ``docs/zh``): its glossary and its headings' anchors."""

    def __init__(self, path):
        self.path = Path(path)
        self.glossary = {}  # term as a page may write it, lower case -> its entry
        self.slugs = {}  # page -> the anchors of its headings
        for relative in twins.pages(self.path):
            if "{glossary}" in (self.path / relative).read_text(encoding="utf8"):
                for element in Page(self, relative).elements:
                    if element.kind == "glossary entry":
                        self.glossary.update((name.lower(), element.key) for name in element.shown.split(" / "))

    def heading_slugs(self, relative):
        """The anchors MyST gives the headings of a page, in order (as its ``myst_heading_anchors`` does)."""
        from myst_parser.slugs import github_slugify, unique_slug

        if relative not in self.slugs:
            tokens = myst.parser().parse((self.path / relative).read_text(encoding="utf8"))
            slugs = []
            for position, token in enumerate(tokens):
                if token.type == "heading_open":
                    words = (c.content for c in tokens[position + 1].children if c.type in ("text", "code_inline"))
                    slugs.append(unique_slug(github_slugify("".join(words)), slugs))
            self.slugs[relative] = slugs
        return self.slugs[relative]


class Page:
    """One page of a language tree, read into its skeleton."""

    def __init__(self, tree, relative):
        self.tree, self.relative = tree, Path(relative)
        self.path = tree.path / self.relative
        self.elements = list(self.read(self.path.read_text(encoding="utf8"), first_line=1))

    def read(self, text, first_line):
        tokens = myst.parser().parse(text)
        for position, token in enumerate(tokens):
            line = first_line + (token.map[0] if token.map else 0)
            if token.type == "heading_open":
                title = tokens[position + 1].content
                yield Element("heading", token.tag, line, f"{'#' * int(token.tag[1])} {title}")
            elif token.type in ("math_block", "math_block_label", "amsmath"):
                yield self.math(token.content, line)
            elif token.type == "myst_target":
                yield Element("label", token.content, line, f"({token.content})=")
            elif token.type in ("fence", "colon_fence"):
                yield from self.directive(token, line)
            elif token.type == "inline":
                yield from self.references(token.children, line)

    @staticmethod
    def math(content, line):
        formula = " ".join(content.split())
        return Element("math", formula, line, formula[:60])

    def directive(self, token, line):
        if myst.directive(token) is None:
            return  # a plain code block
        name, argument = myst.directive(token)
        shown = f"{{{name}}} {argument}".strip()
        if name == "code-cell":
            # Its place only, so that prose tabs sit in the same place among the cells: twins.py compares the code.
            code = cell_code(token)
            tab = split_magic("\n".join(code))[0] or "shared"
            yield Element("code cell", tab, line, f"{{code-cell}} {(code or [''])[0][:40]}")
            return
        if name == "doctest":
            yield Element("doctest", doctest_without_comments(token.content), line, token.content.split("\n")[0])
        elif name == "math":
            yield self.math(token.content, line)
        elif name in ("figure", "image") or name.startswith("glue"):
            yield Element("figure", shown, line, shown)
        elif name == "glossary":
            for names, first, definition, start in glossary_entries(token.content):
                yield Element("glossary entry", entry_key(names), line + first, " / ".join(names))
                yield from self.read(definition, first_line=line + start)
        elif name == "toctree":
            entries = " ".join(entry.strip() for entry in token.content.splitlines()
                               if entry.strip() and not myst.OPTION.match(entry))
            yield Element("toctree", entries, line, entries)
        else:
            # A {framework} block must be for the same framework in both languages; a dropdown's title is translated.
            yield Element("directive", shown if name == "framework" else name, line, shown)
            options, body = myst.body(token)
            yield from self.read(body, first_line=line + 1 + options)

    def references(self, children, line):
        for child in children or []:
            if child.type == "myst_role":
                name, content = child.meta["name"], child.content
                target = myst.role_parts(content)[1]
                if name.startswith("glue"):
                    yield Element("glue", target, line, f"{{{name}}}`{content}`")
                elif name == "term":
                    key = self.tree.glossary.get(target.lower(), f"not in the glossary: {target}")
                    yield Element("term", key, line, f"{{term}}`{content}`")
                elif name in REFERENCE_ROLES:
                    yield Element("reference", f"{name}:{target}", line, f"{{{name}}}`{content}`")
            elif child.type == "link_open":
                href = child.attrs.get("href", "")
                yield Element("reference", self.link_target(href), line, href)

    def link_target(self, href):
        """A link's target in words both languages share: a page, and a heading by its position."""
        if myst.SCHEME.match(href):
            return href  # another site
        target, _, anchor = unquote(href).partition("#")  # the parser escapes Chinese letters
        page = Path(os.path.normpath(self.relative.parent / target)) if target else self.relative
        if not anchor:
            return page.as_posix()
        slugs = self.tree.heading_slugs(page) if (self.tree.path / page).exists() else []
        where = f"heading {slugs.index(anchor) + 1}" if anchor in slugs else anchor
        return f"{page.as_posix()}#{where}"


# How Sphinx separates a glossary term from its index key (sphinx.domains.std).
INDEX_KEY = re.compile(" +: +")


def glossary_entries(content):
    """The entries of a ``{glossary}`` directive: (names, line of the first name, definition, its line).

    A name's index key (``梯度 : T``, the letter the zh index files it under) is left out, as
    Sphinx leaves it out of the term.
    """
    entries = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip() or myst.OPTION.match(line):
            continue
        if line[0].isspace():  # the definition, indented under its names
            names, first, definition, start = entries[-1]
            entries[-1] = (names, first, definition + [line.strip()], start or number)
            continue
        name = INDEX_KEY.split(line.strip())[0]
        if entries and not entries[-1][2]:  # another name of the same entry
            entries[-1][0].append(name)
        else:
            entries.append(([name], number, [], None))
    return [(tuple(names), first, "\n".join(definition), start) for names, first, definition, start in entries]


def entry_key(names):
    """An entry as both glossaries know it: all of its names, in any order."""
    return " / ".join(sorted(name.lower() for name in names))


def doctest_without_comments(content):
    r"""A doctest block with the comments of its code removed (they may be translated).

    >>> doctest_without_comments(">>> x = 1  # one\n>>> x  # shows it\n1").splitlines()
    ['>>> x = 1', '>>> x', '1']
    """
    lines = []
    for line in content.strip().splitlines():
        if line.startswith((">>>", "...")):
            line = line[:4] + twins.without_comments(line[4:])
        lines.append(line.rstrip())
    return "\n".join(lines)


def first_difference(en_page, zh_page):
    """A sentence naming the first element where two twin pages differ, or None."""
    header = f"{zh_page.path} does not match the structure of {en_page.path}"
    en_blocks, zh_blocks = ([e for e in page.elements if e.kind in BLOCKS] for page in (en_page, zh_page))
    matcher = SequenceMatcher(None, [(e.kind, e.key) for e in en_blocks], [(e.kind, e.key) for e in zh_blocks],
                              autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            where = f"after {zh_blocks[j1 - 1]}" if j1 else "at its top"
            return (f"{header}: English has {listed(en_blocks[i1:i2])} where Chinese has "
                    f"{listed(zh_blocks[j1:j2])} ({where})")
    for en_section, zh_section in zip(sections(en_page), sections(zh_page)):
        en_count, zh_count = (Counter((e.kind, e.key) for e in section[1:]) for section in (en_section, zh_section))
        if en_count != zh_count:
            kind, key = next(k for k in list(en_count) + list(zh_count) if en_count[k] != zh_count[k])
            shown = {(e.kind, e.key): e.shown for e in en_section[1:] + zh_section[1:]}[kind, key]
            return (f"{header}: in the section {en_section[0]} / {zh_section[0]}, English has the {kind} "
                    f"`{shown}` {en_count[kind, key]} times, Chinese {zh_count[kind, key]} times")
    return None


def listed(elements, most=3):
    """A few elements in words, for a message."""
    if not elements:
        return "nothing"
    more = f" and {len(elements) - most} more" if len(elements) > most else ""
    return ", ".join(map(str, elements[:most])) + more


def sections(page):
    """The page's references, split at its headings: [[heading, reference, ...], ...]."""
    result = [[Element("heading", "", 1, "before the first heading")]]
    for element in page.elements:
        if element.kind == "heading":
            result.append([element])
        elif element.kind not in BLOCKS:
            result[-1].append(element)
    return result


def tab_of(token):
    """The framework of a top-level ``%%tab`` cell or ``{framework}`` block; None for anything else."""
    if token.type not in ("fence", "colon_fence") or myst.directive(token) is None:
        return None
    name, argument = myst.directive(token)
    if name == "framework":
        return argument
    if name == "code-cell":
        return split_magic("\n".join(cell_code(token)))[0]
    return None


def cell_code(token):
    """The lines of a ``{code-cell}`` fence without its options and blank lines."""
    return [line for line in token.content.splitlines() if line.strip() and not myst.OPTION.match(line)]


def tab_sets(text, first_line=1):
    r"""``[(line, [framework, ...]), ...]``: each run of adjacent ``%%tab`` cells and ``{framework}`` blocks.

    As on the site (sphinx_ext/framework_tabs.py), anything but blank lines between two of them
    starts a new tab set; runs inside a directive (the claims' dropdown) count too.

    >>> tab_sets("```{code-cell}\n%%tab jax\n```\n\n```{framework} pytorch\nP.\n```\nText.\n\n"
    ...          "::::{dropdown} Claims\n:open:\n:::{framework} tensorflow\nT.\n:::\n::::")
    [(1, ['pytorch', 'jax']), (12, ['tensorflow'])]
    """
    runs, adjacent = [], False
    for token in myst.parser().parse(text):
        if token.level > 0 or token.map is None:
            continue  # inside a block, or a block's closing token
        framework = tab_of(token)
        if framework is None:
            adjacent = False
            if token.type in ("fence", "colon_fence") and myst.directive(token) is not None:
                options, body = myst.body(token)
                runs += tab_sets(body, first_line + token.map[0] + 1 + options)
        elif adjacent:
            runs[-1][1].append(framework)
        else:
            runs.append((first_line + token.map[0], [framework]))
            adjacent = True
    order = list(FRAMEWORKS)
    return [(line, sorted(set(found), key=lambda name: (order.index(name) if name in order else len(order), name)))
            for line, found in runs]


def incomplete_tab_sets(path):
    """One sentence per tab set of a page that lacks a framework another of its tab sets has."""
    runs = tab_sets(Path(path).read_text(encoding="utf8"))
    offered = page_frameworks(framework for _, found in runs for framework in found if framework in FRAMEWORKS)
    problems = []
    for line, found in runs:
        for missing in (name for name in offered if name not in found):
            elsewhere = next((other for other, have in runs if missing in have), None)
            why = (f"the page has {FRAMEWORKS[missing]} tabs (line {elsewhere}), and a page has them in every tab set "
                   "or in none" if elsewhere else "every tab set has one")
            problems.append(f"{path}, line {line}: this tab set has no {FRAMEWORKS[missing]} tab, but {why}: add a "
                            f"`%%tab {missing}` cell or a `{{framework}} {missing}` block to it")
    return problems


def structure_problems(docs):
    """One sentence per twin pair under ``docs`` whose structure differs, naming the first difference."""
    docs = Path(docs)
    en_tree, zh_tree = (Tree(docs / lang) for lang in twins.LANGUAGE_DIRS)
    problems = []
    for relative in sorted(set(twins.pages(en_tree.path)) & set(twins.pages(zh_tree.path))):
        problem = first_difference(Page(en_tree, relative), Page(zh_tree, relative))
        if problem:
            problems.append(problem)
        for tree in (en_tree, zh_tree):
            problems += incomplete_tab_sets(tree.path / relative)
    return problems
