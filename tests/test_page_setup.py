"""The hidden set-up cell makes every page quiet and reproducible."""
import subprocess
import sys

DRAW = """
from autodiff_book import page
page.seed_everything()
import numpy as np, torch, tensorflow as tf
print(np.random.rand(2).tolist(), torch.rand(2).tolist(), tf.random.uniform([2]).numpy().tolist())
"""


def run_python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_importing_the_frameworks_prints_nothing():
    # TensorFlow's C++ and absl lines go straight to file descriptor 2; none may reach a page.
    result = run_python("from autodiff_book import page; page.import_frameworks()")
    assert result.returncode == 0
    assert (result.stdout, result.stderr) == ("", "")


def test_two_runs_draw_the_same_random_numbers():
    first, second = run_python(DRAW), run_python(DRAW)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.count("[") == 3  # three lists of draws were printed


def test_jax_runs_on_the_cpu_in_32_bits_whatever_the_environment_says_and_prints_nothing():
    # A reader's machine may ask for a GPU or for 64 bits; the book's pages were run on the CPU in float32.
    # As on a page: TensorFlow first, which imports JAX itself when it is installed (tensorflow.lite).
    code = ("import os; os.environ.update(JAX_PLATFORMS='cuda', JAX_ENABLE_X64='1')\n"
            "from autodiff_book import page; page.import_frameworks(); jax = page.import_jax()\n"
            "import sys; sys.stderr.write(str((jax.default_backend(), jax.numpy.arange(2.0).dtype.name)))")
    result = run_python(code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (result.stdout, result.stderr) == ("", "('cpu', 'float32')")
