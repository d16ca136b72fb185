r"""Chinese text has no spaces: a line break between two Chinese characters is not one either.

Authors wrap Chinese paragraphs freely; a browser, and Jupyter, would show each break as a space.
The site (:class:`.sphinx_ext.languages.JoinChineseLines`) and the notebooks drop them alike.

>>> join_lines("反向传播沿计算图\n从输出走回输入。\nThen English")
'反向传播沿计算图从输出走回输入。\nThen English'
"""
import re

CHINESE = "\u2018-\u201d\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"  # quotes “”‘’, CJK punctuation, ideographs, full-width forms
BREAK = re.compile(f"(?<=[{CHINESE}])\n(?=[{CHINESE}])")


def join_lines(text):
    return BREAK.sub("", text)
