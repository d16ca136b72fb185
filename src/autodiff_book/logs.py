"""TensorFlow's log lines as a cell's output, for a page that teaches a TensorFlow warning.

``page.setup()`` silences TensorFlow's Python logger, and the build fails on anything a cell
writes to stderr. Inside ``tf_warnings_printed()`` the logger's warnings are printed to stdout
instead, so they show under the cell like any other output. The block gets the list of the
lines it printed, so a hidden check cell can count them.

>>> import logging
>>> from autodiff_book.page import import_frameworks
>>> _, tf = import_frameworks()
>>> with tf_warnings_printed() as printed:
...     tf.get_logger().warning("got %s", "tf.int32")
...     tf.get_logger().info("not a warning: not shown")
WARNING: got tf.int32
>>> printed
['WARNING: got tf.int32']
>>> tf.get_logger().level == logging.ERROR  # the silence of page.setup() is back
True
"""
import contextlib
import logging
import sys


class _PrintingHandler(logging.StreamHandler):
    """Write each record to the cell's stdout (as it is when the block starts), and keep the line."""

    def __init__(self, stream):
        super().__init__(stream)
        self.lines = []
        self.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))
        super().emit(record)  # the line, a newline, and a flush


@contextlib.contextmanager
def tf_warnings_printed():
    """Print TensorFlow's warnings (and worse) to stdout inside the block; restore the logger after.

    Yields the list of printed lines, filled as the block runs.
    """
    import tensorflow as tf

    logger = tf.get_logger()
    saved = logger.level, list(logger.handlers), logger.propagate
    handler = _PrintingHandler(sys.stdout)
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING)
    logger.propagate = False  # not also to the root logger's handlers
    try:
        yield handler.lines
    finally:
        logger.setLevel(saved[0])
        logger.handlers[:] = saved[1]
        logger.propagate = saved[2]
