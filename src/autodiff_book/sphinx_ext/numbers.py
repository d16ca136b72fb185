"""Numbers in the prose as a book prints them: ``1.7e-09`` becomes 1.7 × 10⁻⁹.

A page glues the numbers it computed into its prose (``prose.glue_value``), often formatted by
Python (``f"{error:.1e}"``), and one execution serves both languages. So the typesetting happens
here, when each tree is written: a number in scientific notation in the running text becomes text
with a superscript (``<span class="number">1.7 × 10<sup>−9</sup></span>``; as a KaTeX formula each
would add some 30 elements to a page already near its budget), and a list of such numbers is
separated as each language writes a list ("、" in Chinese, ", " in English). Code, its output and
inline code keep Python's notation: the reader types it.

The Chinese prose groups digits as GB/T 15835 asks, one rule for typed and glued numbers alike: an
integer part of five or more digits in threes with a narrow no-break space (524 288, 1 000 000),
four digits ungrouped (2047, 9001). Python's ``f"{n:,}"`` (1,000,000) becomes that too, and a
Chinese source types its numbers ungrouped (40000); the English prose keeps its commas. A glued
``nan`` is written NaN there, as the Chinese prose writes it.

A negative number in the prose of either language takes the minus sign U+2212 (−9, [−3, 8]), as the
formulas and superscripts beside it do; Python prints a hyphen-minus, which in a CJK font is short
and high, like a broken dash.
"""
import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from .languages import tree_of

# 1.7e-09, 6e-05, 2.4E+03: not inside a word or a longer number (x1e-5, 0x1e5, v1.2e3 stay).
SCIENTIFIC = re.compile(r"(?<![\w.])([0-9](?:\.[0-9]+)?)[eE]([-+]?[0-9]+)(?![\w.])")
LIST_SEPARATOR = {"en": ", ", "zh": "、"}
# An integer part (grouped by commas or not at all) with its decimals; not part of a word, a version
# (2.4.1) or a longer number. Han characters may touch it, so no \w in the lookarounds. A space
# between digits is not read as grouping (练习 3 123 is two numbers): type 40000, not 40 000.
INTEGER = re.compile(r"(?<![A-Za-z0-9_.,\u202f])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
                     r"(?![A-Za-z0-9_]|[.,]\d)")
NAN = re.compile(r"(?<![A-Za-z0-9_])nan(?![A-Za-z0-9_])")  # a glued float("nan"): the prose writes NaN
# The hyphen-minus that signs a number: not after a letter, a digit or _ (UTF-8 and a range 1-5 stay).
# Han characters count as "not a letter" here: 是-9 is a sign too.
HYPHEN_SIGN = re.compile(r"(?<![A-Za-z0-9_])-(?=\.?[0-9])")
MINUS = "\u2212"
GROUP = "\u202f"  # narrow no-break space: a quarter of a Han character, and no line break inside


def group_digits(text):
    """Chinese prose's digit grouping (GB/T 15835):

    >>> [group_digits(t) for t in ("1,000,000 次", "40000 字节", "204800", "9,001", "2047", "51200.0")]
    ['1\u202f000\u202f000 次', '40\u202f000 字节', '204\u202f800', '9001', '2047', '51\u202f200.0']
    """
    def regroup(match):
        digits = match[1].replace(",", "")
        if len(digits) >= 5:
            digits = f"{int(digits):,}".replace(",", GROUP)
        return digits + (match[2] or "")
    return INTEGER.sub(regroup, text)


def minus_signs(text):
    """A hyphen-minus before a number becomes a minus sign:

    >>> minus_signs("[-3, 8], -0.25, (-.5), UTF-8, 1-5")
    '[−3, 8], −0.25, (−.5), UTF-8, 1-5'
    """
    return HYPHEN_SIGN.sub(MINUS, text)


def as_nodes(mantissa, exponent):
    """One number as text and a superscript, without a mantissa of 1 (no-break spaces around ×):

    >>> as_nodes("1.7", "-09").astext(), as_nodes("1", "-9").astext(), as_nodes("6", "+05").astext()
    ('1.7\xa0×\xa010−9', '10−9', '6\xa0×\xa0105')
    """
    power = int(exponent)
    base = "10" if mantissa in ("1", "1.0") else f"{mantissa}\u00a0×\u00a010"
    return nodes.inline("", "", nodes.Text(base), nodes.superscript("", f"{power}".replace("-", "\u2212")),
                        classes=["number"])


def typeset(text, separator):
    """The nodes for one run of prose text: scientific numbers typeset, lists joined by ``separator``."""
    parts, last = [], 0
    matches = list(SCIENTIFIC.finditer(text))
    for number, match in enumerate(matches):
        before = text[last:match.start()]
        if number and re.fullmatch(r"\s*,\s*", before):  # between two numbers of a list
            before = separator
        if before:
            parts.append(nodes.Text(before))
        parts.append(as_nodes(*match.groups()))
        last = match.end()
    if text[last:]:
        parts.append(nodes.Text(text[last:]))
    return [minus_signs_in(part) for part in parts]


def minus_signs_in(node):
    return nodes.Text(minus_signs(str(node))) if isinstance(node, nodes.Text) else node


class ScientificNumbers(SphinxPostTransform):
    """After myst-nb has put the glued values into the prose (its glue transforms come earlier)."""

    default_priority = 400
    formats = ("html",)

    def run(self, **kwargs):
        lang = tree_of(self.app)
        separator = LIST_SEPARATOR[lang]
        for text in list(self.document.findall(nodes.Text)):
            if text.parent is None or any(isinstance(node, (nodes.FixedTextElement, nodes.literal, nodes.math,
                                                            nodes.raw, nodes.title, nodes.superscript))
                                          for node in _ancestors(text)):
                continue
            prose = NAN.sub("NaN", group_digits(str(text))) if lang == "zh" else str(text)
            if SCIENTIFIC.search(prose):  # before the minus signs: 1.7e-09 is matched with its hyphen
                text.parent.replace(text, typeset(prose, separator))
            elif (prose := minus_signs(prose)) != text:
                text.parent.replace(text, nodes.Text(prose))


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def setup(app):
    app.add_post_transform(ScientificNumbers)
