"""Numbers for the prose, taken from what a page computed (never typed by hand).

A hidden cell calls ``glue_value("grad", x.grad)``; the prose writes ``{glue:md}`grad```.

>>> as_text([0.0, 4.0, 8.0, 12.0])
'[0, 4, 8, 12]'
>>> as_text(0.1 + 0.2)
'0.3'
>>> as_text([[1.5, 2.0], [3.0, 4.25]])
'[[1.5, 2], [3, 4.25]]'
"""
import numpy as np

from .gradcheck import to_numpy


def as_text(value, digits=4):
    """A number or array as a reader writes it: ``[0, 4, 8, 12]``, at most ``digits`` significant digits."""
    array = to_numpy(value)
    if array.ndim == 0:
        return np.format_float_positional(float(array), precision=digits, fractional=False, trim="-")
    return "[" + ", ".join(as_text(item, digits) for item in array) + "]"


def glue_value(name, value, digits=4):
    """Glue ``value`` as inline Markdown text, for ``{glue:md}`name``` in the prose."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(as_text(value, digits) if not isinstance(value, str) else value), display=False)
