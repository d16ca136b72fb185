r"""Chinese text has no spaces: a line break a Chinese reader would see as one is dropped.

Authors wrap Chinese paragraphs freely; a browser, and Jupyter, would show each break as a space.
Between two Chinese characters, and beside full-width punctuation on either side, Chinese text
has none; between a Chinese character and a Latin letter, a digit, code or a formula, the book
keeps one. The site (:class:`.sphinx_ext.languages.JoinChineseLines`), the page descriptions and
the notebooks drop breaks alike.

>>> join_lines("反向传播沿计算图\n从输出走回输入；\n`y.backward()` 求导，\n  续行\n- 列表项\n用 PyTorch\n求导")
'反向传播沿计算图从输出走回输入；`y.backward()` 求导，续行\n- 列表项用 PyTorch\n求导'
"""
import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Chinese characters
# Full-width punctuation: CJK marks (、。《》「」), full-width forms (，：；（）！？), the quotes “”‘’, and the
# dash and ellipsis Chinese text doubles (——, ……).
FULL_WIDTH = "\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026"
# A Markdown line that starts a block of its own (a list item, a heading, a fence, display math,
# HTML, a blank line): the break before it is structure, not a space.
MARKDOWN_BLOCK = re.compile(r"([-+*]|\d+[.)])[ \t]|#|>|\||:::|```|\$\$|<|$")


def seen_as_a_space(before, after):
    """Whether a Chinese reader sees a space between these two characters as a stray one.

    >>> [seen_as_a_space(before, after) for before, after in ["梯度", "；y", ")（", "”x", "度x", "x度", "ab"]]
    [True, True, True, True, False, False, False]
    """
    if re.match(f"[{FULL_WIDTH}]", before) or re.match(f"[{FULL_WIDTH}]", after):
        return True
    return bool(re.match(f"[{HAN}]", before) and re.match(f"[{HAN}]", after))


def join_lines(text):
    """``text`` without the line breaks (and the next line's indent) a Chinese reader would see
    as stray spaces, unless the next line starts a Markdown block."""
    def join(match):
        before, after = match[1], match[3]
        if seen_as_a_space(before, after) and not MARKDOWN_BLOCK.match(text, match.end()):
            return before
        return match[0]

    return re.sub(r"(.)\n([ \t]*)(?=(.))", join, text)
