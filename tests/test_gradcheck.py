"""The checks that guard every gradient in the book, tried on real framework gradients."""
import numpy as np
import pytest

from autodiff_book.gradcheck import check_frameworks_agree, check_gradient, numerical_gradient
from autodiff_book.page import import_frameworks, import_jax

torch, tf = import_frameworks()
jax = import_jax()  # 32-bit floats: the JAX gradient is float32, as on the pages
X = np.array([0.5, -1.25, 2.0])


def f_numpy(v):
    return np.sum(np.sin(v) * v**2) + np.log(1 + v @ v)


def torch_gradient(v):
    x = torch.tensor(v, dtype=torch.float64, requires_grad=True)
    (torch.sum(torch.sin(x) * x**2) + torch.log(1 + x @ x)).backward()
    return x.grad


def tf_gradient(v):
    x = tf.Variable(v, dtype=tf.float64)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.sin(x) * x**2) + tf.math.log(1 + tf.tensordot(x, x, 1))
    return tape.gradient(y, x)


def jax_gradient(v):
    jnp = jax.numpy
    return jax.grad(lambda x: jnp.sum(jnp.sin(x) * x**2) + jnp.log(1 + x @ x))(jnp.asarray(v, dtype=jnp.float32))


def test_the_frameworks_match_finite_differences_and_each_other():
    check_gradient(f_numpy, X, torch_gradient(X))
    check_gradient(f_numpy, X, tf_gradient(X))
    check_gradient(f_numpy, X, jax_gradient(X))
    check_frameworks_agree(torch_gradient(X), tf_gradient(X), jax_value=jax_gradient(X))


def test_a_wrong_gradient_is_caught():
    wrong = torch_gradient(X) * 1.001
    with pytest.raises(AssertionError, match="gradient differs from central finite differences"):
        check_gradient(f_numpy, X, wrong)


def test_frameworks_that_disagree_are_caught():
    with pytest.raises(AssertionError, match="PyTorch and TensorFlow disagree"):
        check_frameworks_agree(torch_gradient(X), tf_gradient(X + 0.01))
    with pytest.raises(AssertionError, match="PyTorch and JAX disagree"):
        check_frameworks_agree(torch_gradient(X), tf_gradient(X), jax_value=jax_gradient(X + 0.01))


def test_the_numerical_jacobian_of_a_vector_function():
    jacobian = numerical_gradient(lambda v: v**2, X)
    np.testing.assert_allclose(jacobian, np.diag(2 * X), atol=1e-6)
    x = torch.tensor(X, requires_grad=True)
    np.testing.assert_allclose(torch.autograd.functional.jacobian(lambda v: v**2, x).numpy(), jacobian, atol=1e-6)
