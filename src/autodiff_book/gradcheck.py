"""Check gradients against central finite differences and across frameworks.

The pages call these in hidden cells: a wrong gradient raises, the cell fails, and
so does the build.

>>> import numpy as np
>>> x = np.array([0.0, 1.0, 2.0, 3.0])
>>> numerical_gradient(lambda v: 2 * v @ v, x).round(6)
array([ 0.,  4.,  8., 12.])
>>> check_gradient(lambda v: 2 * v @ v, x, 4 * x)
>>> check_gradient(lambda v: 2 * v @ v, x, 3 * x)
Traceback (most recent call last):
AssertionError: gradient differs from central finite differences ...
"""
import numpy as np


def to_numpy(value):
    """A float64 NumPy array from a torch tensor, a TensorFlow tensor, or anything array-like (a JAX array)."""
    if hasattr(value, "detach"):  # torch.Tensor
        value = value.detach().cpu().numpy()
    elif hasattr(value, "numpy"):  # tf.Tensor, tf.Variable
        value = value.numpy()
    return np.asarray(value, dtype=np.float64)


def numerical_gradient(f, x, eps=1e-6):
    """Central differences of ``f`` at ``x``: shape ``f(x).shape + x.shape`` (the Jacobian).

    ``f`` takes and returns float64 NumPy arrays; for a scalar ``f`` this is the gradient.
    """
    x = to_numpy(x)
    out_shape = np.shape(f(x.copy()))
    jacobian = np.empty(out_shape + x.shape)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        jacobian[(...,) + index] = (to_numpy(f(x + step)) - to_numpy(f(x - step))) / (2 * eps)
    return jacobian


def check_gradient(f, x, gradient, rtol=1e-5, atol=1e-6):
    """Raise AssertionError unless ``gradient`` matches central differences of ``f`` at ``x``."""
    assert_close(gradient, numerical_gradient(f, x), rtol, atol,
                 "gradient differs from central finite differences")


def check_frameworks_agree(torch_value, tf_value, rtol=1e-6, atol=1e-6, *, jax_value=None):
    """Raise AssertionError unless the PyTorch, TensorFlow (and JAX) results of one example agree.

    ``jax_value`` is named, not positional: pages pass the tolerances third and fourth.

    >>> check_frameworks_agree([1.0, 2.0], [1.0, 2.0 + 1e-9])
    >>> check_frameworks_agree([1.0, 2.0], [1.0, 2.5])
    Traceback (most recent call last):
    AssertionError: PyTorch and TensorFlow disagree ...
    >>> check_frameworks_agree([1.0, 2.0], [1.0, 2.0], jax_value=[1.0, 2.5])
    Traceback (most recent call last):
    AssertionError: PyTorch and JAX disagree ...
    """
    assert_close(torch_value, tf_value, rtol, atol, "PyTorch and TensorFlow disagree")
    if jax_value is not None:
        assert_close(torch_value, jax_value, rtol, atol, "PyTorch and JAX disagree")


def assert_close(actual, expected, rtol, atol, what):
    """NumPy's tolerance check, with ``what`` went wrong as the first words of the error."""
    try:
        np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=rtol, atol=atol)
    except AssertionError as error:
        raise AssertionError(f"{what} {error}") from None
