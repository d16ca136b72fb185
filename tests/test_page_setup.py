"""The hidden set-up cell makes every page quiet (that it makes pages reproducible: test_execution.py)."""
import subprocess
import sys


def test_the_frameworks_import_silently_and_jax_runs_on_the_cpu_in_32_bits_whatever_the_environment_says():
    # TensorFlow's C++ and absl lines go straight to file descriptor 2; none may reach a page. A reader's
    # machine may ask for a GPU or for 64 bits; the book's pages were run on the CPU in float32.
    # As on a page: TensorFlow first, which imports JAX itself when it is installed (tensorflow.lite).
    code = ("import os; os.environ.update(JAX_PLATFORMS='cuda', JAX_ENABLE_X64='1')\n"
            "from autodiff_book import page; page.import_frameworks(); jax = page.import_jax()\n"
            "import sys; sys.stderr.write(str((jax.default_backend(), jax.numpy.arange(2.0).dtype.name)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (result.stdout, result.stderr) == ("", "('cpu', 'float32')")
