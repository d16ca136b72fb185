"""Each page's description, for search results and link previews (``<meta name="description">``,
``og:description``): the page's opening sentences as a reader reads them.

sphinxext-opengraph would write one from every text node of the page joined by spaces: raw LaTeX
(``\\mathbf{x}``), a space around each link and after each line break of Chinese text, and a cut
in the middle of a word. Here a description is the whole sentences of the page's first
paragraphs, up to the first formula, within :data:`LENGTH` characters; a first sentence longer
than that is cut after a clause or a word, and ends with an ellipsis.

A page that opens with its goal sentence ("After this page you can …", "读完本页，你将能够……")
is described by that sentence alone, without its opener: the same words on every page would fill
the start of each search result. What is left is a verb phrase in both languages ("Compute a
gradient, …", "求出梯度，……"): a subject such as 本页教你 would open every Chinese result alike,
as the opener did (the zh editor's review, round 5). A Chinese description leaves out the English
glosses of terms (“梯度（gradient）”): they are for the page's reader, and take room a search
result does not have.

A page whose opening is not a summary of it (the glossary's, which lists other texts' names for
its terms) says its own in its front matter: ``description: …``, one sentence, used as written.
"""
import html
import re

from docutils import nodes

from ..chinese import seen_as_a_space
from .languages import tree_of

LENGTH = {"en": 200, "zh": 100}  # characters: about what a search result shows (some 160 Latin, 80-100 Han)
ELLIPSIS = {"en": "…", "zh": "……"}
FINISHED = {"en": r"[.!?][\"”’)]*$", "zh": r"[。！？][”’）]*$"}  # a sentence's end mark, and its closing quotes
CLAUSE_END = {"en": r"[,;:]", "zh": r"[，；：、]"}  # where a sentence too long is best cut
GOAL = {"en": r"^After (?:this page|these exercises),? you (?:can|will be able to):?\s+",
        "zh": r"^读完本页，你将能够[：:]?"}
# 梯度（gradient）: the English of a Chinese term, with its abbreviation after a full-width comma
# (黑塞-向量积（Hessian-vector product，HVP）).
GLOSS = r"（[A-Za-z][A-Za-z0-9 '’,.\-]*(?:，[A-Z]+)?）"


def summary(sentence, tree):
    """A goal sentence as a summary of the page: without its opener (and in Chinese, the glosses).

    >>> summary("After this page you can compute a gradient.", "en")
    'Compute a gradient.'
    >>> summary("读完本页，你将能够求二阶导数（second derivative）并走一步牛顿法（Newton's method）。", "zh")
    '求二阶导数并走一步牛顿法。'
    >>> summary("读完本页，你将能够计算黑塞-向量积（Hessian-vector product，HVP）。", "zh")
    '计算黑塞-向量积。'
    >>> summary("It reads x.", "en") is None
    True
    """
    opener = re.match(GOAL[tree], sentence)
    if not opener:
        return None
    rest = sentence[opener.end():]
    return without_glosses(rest, tree) if tree == "zh" else rest[:1].upper() + rest[1:]


def without_glosses(text, tree):
    return re.sub(GLOSS, "", text) if tree == "zh" else text


def cleaned(text, tree):
    """One space for any run of whitespace, and none where a Chinese reader would see a stray one.

    >>> cleaned("损失函数 梯度 的反方向，\\n  x 为", "zh")
    '损失函数梯度的反方向，x 为'
    """
    text = " ".join(text.split())
    if tree == "zh":
        text = re.sub(r"(?<=(.)) (?=(.))", lambda m: "" if seen_as_a_space(m[1], m[2]) else " ", text)
    return text


def sentences(text, tree):
    """A paragraph's sentences, each with its end mark (the last one may have none).

    >>> sentences("读完本页，你将能够求导。接着“核对”！然后：", "zh")
    ['读完本页，你将能够求导。', '接着“核对”！', '然后：']
    >>> sentences('It reads "x." Then y, e.g. z: ', "en")
    ['It reads "x."', 'Then y, e.g.', 'z:']
    """
    if tree == "zh":
        return re.findall(r"[^。！？]+(?:[。！？]+[”’）]*)?", text.strip())
    return [s for s in re.split(r"(?<=[.!?])\s+|(?<=[.!?][\"”’)])\s+", text.strip()) if s]


def opening_paragraphs(doctree):
    """The text of the page's first paragraphs (those directly in a section), cut at the first formula."""
    for node in doctree.findall(lambda n: isinstance(n, (nodes.paragraph, nodes.math_block))):
        if not isinstance(node.parent, (nodes.section, nodes.document)):
            continue  # in a list, a note, a dropdown, a cell's output...
        if isinstance(node, nodes.math_block):
            return
        text = ""
        for part in node.findall(lambda n: isinstance(n, (nodes.Text, nodes.math))):
            if isinstance(part, nodes.math):  # its text is LaTeX: stop before it
                yield text
                return
            text += part.astext()
        yield text


def description(doctree, tree):
    """The page's description in its language ("" for a page that opens without a paragraph)."""
    chosen = ""
    for paragraph in opening_paragraphs(doctree):
        found = sentences(cleaned(paragraph, tree), tree)
        goal = summary(found[0], tree) if found and not chosen else None
        if goal is not None:
            return goal if len(goal) <= LENGTH[tree] and re.search(FINISHED[tree], goal) else shortened(goal, tree)
        for sentence in found:
            sentence = without_glosses(sentence, tree)
            finished = re.search(FINISHED[tree], sentence)
            joined = f"{chosen} {sentence}".strip() if tree == "en" else chosen + sentence
            if not chosen and (len(joined) > LENGTH[tree] or not finished):
                return shortened(sentence, tree)
            if len(joined) > LENGTH[tree] or not finished:  # the next sentence is too long, or broken off
                return chosen
            chosen = joined
    return chosen


def shortened(sentence, tree):
    """A first sentence that is too long or broken off: cut after a clause (one that keeps at least
    half the room) or else after a word, with an ellipsis.

    >>> shortened("Say what a framework computes, for a vector output, and why", "en")
    'Say what a framework computes, for a vector output, and why…'
    >>> shortened("Tell what " + "and what " * 20 + "to do, and clear or split it", "en")[-15:]
    'and what to do…'
    >>> shortened("Say " + "it again " * 30, "en")[-12:]
    'it again it…'
    >>> shortened("很长的句子" * 15 + "，以及" + "更多" * 40, "zh") == "很长的句子" * 15 + "……"
    True
    """
    room = sentence[:LENGTH[tree] - len(ELLIPSIS[tree])]
    if room == sentence:
        cut = len(room)
    else:
        clauses = [match.start() for match in re.finditer(CLAUSE_END[tree], room) if match.start() >= len(room) // 2]
        cut = clauses[-1] if clauses else word_boundary(room, tree)
    return room[:cut].rstrip(" ,;:，；：、") + ELLIPSIS[tree]


def word_boundary(text, tree):
    """The position of the last word boundary in ``text`` (jieba finds Chinese words)."""
    if tree == "en":
        return text.rfind(" ") if " " in text else len(text)
    import jieba

    words = jieba.lcut(text)
    return len(text) - len(words[-1]) if len(words) > 1 else len(text)


def set_description(app, pagename, templatename, context, doctree):
    """Give sphinxext-opengraph this page's description: it then writes no description of its own."""
    if doctree is None:
        return
    given = app.env.metadata.get(pagename, {}).get("description")
    text = " ".join(str(given).split()) if given else description(doctree, tree_of(app))
    if not text:
        return
    escaped = html.escape(text)
    context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{escaped}" />'
    # opengraph takes og:* fields from the page's metadata as they are; a copy, so that the
    # environment keeps none.
    context["meta"] = {**(context.get("meta") or {}), "og:description": escaped}


def setup(app):
    app.connect("html-page-context", set_description, priority=400)  # before sphinxext-opengraph's (500)
