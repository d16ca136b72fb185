"""The one call in the hidden first cell of every page: ``autodiff_book.page.setup()``.

It makes a page quiet and reproducible: the three frameworks imported with their start-up
logs silenced (JAX on the CPU, in 32 bits), every random generator seeded, tracebacks
shortened to the exception, and the ``%%tab`` magic registered.
"""
import contextlib
import os
import random
import sys

SEED = 0
# Set before TensorFlow is imported: no C++ log lines, and the same kernels on every CPU (so the same digits).
TENSORFLOW_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
# Set before JAX is imported: the CPU only (on a machine with a GPU, JAX would use it, or warn that its
# CUDA plugin is missing). 32-bit floats are set after the import (import_jax).
JAX_ENVIRONMENT = {"JAX_PLATFORMS": "cpu"}


@contextlib.contextmanager
def stderr_fd_silenced():
    """Send file descriptor 2 to /dev/null: TensorFlow's C++ and absl lines bypass sys.stderr."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_frameworks():
    """Import torch and TensorFlow quietly; return both modules."""
    # JAX's too: where JAX is installed, `import tensorflow` imports it (tensorflow.lite does), and JAX
    # reads JAX_PLATFORMS when it is imported.
    os.environ.update(TENSORFLOW_ENVIRONMENT | JAX_ENVIRONMENT)
    with stderr_fd_silenced():
        import tensorflow as tf
        import torch

        tf.get_logger().setLevel("ERROR")
        tf.constant(0.0) + 1.0  # the first op logs CPU-feature notices: let them go to /dev/null
    return torch, tf


def import_jax():
    """Import JAX quietly, on the CPU and in 32 bits; return the module.

    >>> jax = import_jax()
    >>> jax.default_backend(), jax.numpy.ones(1).dtype, jax.config.jax_enable_x64
    ('cpu', dtype('float32'), False)
    """
    os.environ.update(JAX_ENVIRONMENT)
    with stderr_fd_silenced():
        import jax

        jax.config.update("jax_platforms", "cpu")  # in case TensorFlow imported JAX before JAX_PLATFORMS was set
        jax.config.update("jax_enable_x64", False)  # JAX's default, said in case JAX_ENABLE_X64 is set
        jax.numpy.zeros(1) + 1.0  # the first op starts the CPU backend: anything it logs goes to /dev/null
    return jax


def seed_everything(seed=SEED):
    """Seed Python, NumPy, PyTorch and TensorFlow so that two builds print the same numbers.

    JAX has no global seed: its code makes each key, ``jax.random.key(0)``, where the reader sees it.

    >>> torch, tf = import_frameworks()
    >>> seed_everything(3); first = (torch.rand(2).tolist(), tf.random.uniform([2]).numpy().tolist())
    >>> seed_everything(3); again = (torch.rand(2).tolist(), tf.random.uniform([2]).numpy().tolist())
    >>> first == again
    True
    """
    import numpy as np

    torch, tf = import_frameworks()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    tf.random.set_seed(seed)


def setup(seed=SEED):
    """Prepare the running IPython kernel for a page of this book."""
    from IPython import get_ipython

    from . import plotting, tabs

    seed_everything(seed)
    import_jax()
    plotting.use_book_style()
    shell = get_ipython()
    if shell is not None:
        # Show "TypeError: message", not frames that carry paths of the build machine.
        shell.InteractiveTB.set_mode(mode="Minimal")
        tabs.register(shell)
