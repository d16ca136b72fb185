"""TensorFlow's log lines as a cell's output, for a page that teaches a TensorFlow warning.

``page.setup()`` silences TensorFlow's Python logger, and the build fails on anything a cell
writes to stderr. Inside ``tf_warnings_printed()`` the logger's warnings are printed to stdout
instead, so they show under the cell like any other output.

>>> import logging
>>> from autodiff_book.page import import_frameworks
>>> _, tf = import_frameworks()
>>> with tf_warnings_printed():
...     tf.get_logger().warning("got %s", "tf.int32")
WARNING: got tf.int32
>>> tf.get_logger().level == logging.ERROR  # the silence of page.setup() is back
True
"""
import contextlib
import logging
import sys


@contextlib.contextmanager
def tf_warnings_printed():
    """Print TensorFlow's warnings (and worse) to stdout inside the block; restore the logger after."""
    import tensorflow as tf

    logger = tf.get_logger()
    saved = logger.level, list(logger.handlers), logger.propagate
    handler = logging.StreamHandler(sys.stdout)  # the cell's stdout, as it is now
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING)
    logger.propagate = False  # not also to the root logger's handlers
    try:
        yield
    finally:
        handler.flush()
        logger.setLevel(saved[0])
        logger.handlers[:] = saved[1]
        logger.propagate = saved[2]
