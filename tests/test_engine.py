"""The autodiff engine of under-the-hood.md, checked on random expression graphs.

The engine's only copy is the page's code cells tagged `engine` (CONTRIBUTING.md says why);
`load_tagged_cells` runs them into a module. Hypothesis draws random graphs, with shared
subexpressions, at random inputs away from every singularity. Their gradients by reverse mode
(`backward`) and by forward mode (dual numbers) must agree with PyTorch's, TensorFlow's, JAX's
(in 64-bit floats, switched on for the call) and central finite differences. The last test breaks the engine on purpose and expects the search
to notice.
"""
import math
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import Phase, assume, given, settings
from hypothesis import strategies as st

from autodiff_book.page import import_frameworks, import_jax
from page_code import load_tagged_cells

torch, tf = import_frameworks()
jax = import_jax()
jnp = jax.numpy
PAGE = Path(__file__).resolve().parents[1] / "docs" / "en" / "under-the-hood.md"
ENGINE = load_tagged_cells(PAGE, "engine")

# Fixed seed and example count: every run checks the same graphs. TensorFlow takes about a
# millisecond per eager call, so a few hundred small graphs keep the test within seconds.
SEARCH = settings(max_examples=300, derandomize=True, database=None, deadline=None)


class Step(NamedTuple):
    """One node of a random graph: an operation on earlier nodes (by index), maybe a constant."""
    op: str
    args: tuple
    constant: float = 0.0


class Program(NamedTuple):
    inputs: list
    steps: list


# Operations on one node, on two nodes, and on one node and a plain number (the number on the
# left for the reflected operators 2 + u, 2 - u, 2 * u, 2 / u; the exponent for u ** k).
FUNCTIONS = ["exp", "log", "sin", "cos", "tanh", "relu", "neg"]
BINARY = ["+", "-", "*", "/"]
WITH_CONSTANT = {"c+": [-1.5, 2.0], "c-": [0.5, 3.0], "c*": [-2.0, 0.5], "c/": [1.0, -3.0],
                 "**": [2, 3, -1, 0.5]}


OPERATORS = {  # the same Python operators work on the engine's values and on every backend
    "+": lambda u, v: u + v, "-": lambda u, v: u - v, "*": lambda u, v: u * v, "/": lambda u, v: u / v,
    "c+": lambda u, c: c + u, "c-": lambda u, c: c - u, "c*": lambda u, c: c * u, "c/": lambda u, c: c / u,
    "**": lambda u, c: u**c, "neg": lambda u: -u,
}


def run(program, xs, function):
    """Every node's value; `function(name, u)` applies exp, log, ... in the backend at hand."""
    nodes = list(xs)
    for op, args, constant in program.steps:
        operands = [nodes[i] for i in args]
        if op in WITH_CONSTANT:
            nodes.append(OPERATORS[op](*operands, constant))
        elif op in OPERATORS:
            nodes.append(OPERATORS[op](*operands))
        else:
            nodes.append(function(op, *operands))
    return nodes


def output(program, nodes):
    """The sum of the nodes no step uses: every node then matters, every input is connected."""
    used = {i for step in program.steps for i in step.args}
    sinks = [node for i, node in enumerate(nodes) if i not in used]
    total = sinks[0]
    for node in sinks[1:]:
        total = total + node
    return total


MATH = {"exp": math.exp, "log": math.log, "sin": math.sin, "cos": math.cos, "tanh": math.tanh,
        "relu": lambda a: max(a, 0.0)}


def away_from_trouble(op, values, constant):
    """A step is kept only where it is smooth and its local derivatives are moderate."""
    a = values[0]
    if op == "log" or (op == "**" and constant == 0.5):
        return a > 0.3
    if op == "/":
        return abs(values[1]) > 0.5
    if op == "c/" or (op == "**" and constant == -1):
        return abs(a) > 0.5
    if op == "relu":
        return abs(a) > 0.1  # no finite difference across the kink
    return True


@st.composite
def programs(draw):
    """A random graph: 1 to 3 inputs, then up to 8 steps, each on any earlier node."""
    xs = draw(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=3))
    values, steps = list(xs), []
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(FUNCTIONS + BINARY + list(WITH_CONSTANT)))
        arity = 2 if op in BINARY else 1
        # any earlier node, often one already used: that makes shared subexpressions
        args = tuple(draw(st.integers(0, len(values) - 1)) for _ in range(arity))
        constant = draw(st.sampled_from(WITH_CONSTANT[op])) if op in WITH_CONSTANT else 0.0
        step = Step(op, args, constant)
        try:
            result = run(Program(values, [step]), values, lambda name, u: MATH[name](u))[-1]
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        if away_from_trouble(op, [values[i] for i in args], constant) and abs(result) < 50:
            steps.append(step)
            values.append(result)
    return Program(xs, steps)


def engine_reverse(engine, program):
    return engine.reverse_gradient(lambda *x: output(program, run(program, x, engine_function)),
                                   program.inputs)


def engine_forward(engine, program):
    return engine.forward_gradient(lambda *x: output(program, run(program, x, engine_function)),
                                   program.inputs)


def engine_function(name, u):
    return getattr(u, name)()


def torch_gradient(program):
    xs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.inputs]
    y = output(program, run(program, xs, lambda name, u: getattr(torch, name)(u)))
    return [g.item() for g in torch.autograd.grad(y, xs)]


TF_FUNCTIONS = {"exp": tf.exp, "log": tf.math.log, "sin": tf.sin, "cos": tf.cos,
                "tanh": tf.tanh, "relu": tf.nn.relu}


def tf_gradient(program):
    xs = [tf.constant(x, dtype=tf.float64) for x in program.inputs]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = output(program, run(program, xs, lambda name, u: TF_FUNCTIONS[name](u)))
    return [float(g) for g in tape.gradient(y, xs)]


JAX_FUNCTIONS = {"exp": jnp.exp, "log": jnp.log, "sin": jnp.sin, "cos": jnp.cos,
                 "tanh": jnp.tanh, "relu": jax.nn.relu}


def jax_gradient(program):
    def y(*xs):
        return output(program, run(program, xs, lambda name, u: JAX_FUNCTIONS[name](u)))

    with jax.enable_x64(True):  # the page computes in 32 bits; the engine's floats are doubles
        xs = [jnp.float64(x) for x in program.inputs]
        grads = jax.grad(y, argnums=tuple(range(len(xs))))(*xs)
        assert all(g.dtype == jnp.float64 for g in grads)
    return [float(g) for g in grads]


def finite_differences(program, h):
    def value(xs):
        return output(program, run(program, xs, lambda name, u: MATH[name](u)))

    grads = []
    for i in range(len(program.inputs)):
        up, down = list(program.inputs), list(program.inputs)
        up[i] += h
        down[i] -= h
        grads.append((value(up) - value(down)) / (2 * h))
    return np.array(grads)


def check_engine(engine, program):
    """Raise AssertionError unless both modes of the engine agree with all three references."""
    reverse, forward = engine_reverse(engine, program), engine_forward(engine, program)
    exact = {"PyTorch": torch_gradient(program), "TensorFlow": tf_gradient(program),
             "JAX": jax_gradient(program)}
    fd = finite_differences(program, 1e-6)
    # finite differences referee only where they are stable: two step sizes agree
    assume(np.allclose(fd, finite_differences(program, 1e-5), rtol=1e-4, atol=1e-5))
    for mode, grad in [("reverse", reverse), ("forward", forward)]:
        for name, reference in exact.items():
            assert np.allclose(grad, reference, rtol=1e-9, atol=1e-9), \
                f"{mode} mode {grad} differs from {name} {reference} on {program}"
        assert np.allclose(grad, fd, rtol=1e-4, atol=1e-5), \
            f"{mode} mode {grad} differs from finite differences {fd} on {program}"


@SEARCH
@given(programs())
def test_reverse_and_forward_mode_agree_with_both_frameworks_and_finite_differences(program):
    check_engine(ENGINE, program)


def test_the_random_graphs_share_subexpressions():
    """Most drawn graphs use a node more than once: what makes `+=` in backward matter."""
    shared = []

    @settings(max_examples=100, derandomize=True, database=None)
    @given(programs())
    def collect(program):
        uses = [i for step in program.steps for i in step.args]
        shared.append(len(uses) > len(set(uses)))

    collect()
    assert sum(shared) > 0.3 * len(shared), f"only {sum(shared)} of {len(shared)} graphs share a node"


BREAKAGES = {  # what the test breaks on purpose: (text in the page's engine, replacement)
    "backward overwrites instead of adding": ("x.grad += node.grad * local", "x.grad = node.grad * local"),
    "the derivative of cos has the wrong sign": ("(-math.sin(a),)", "(math.sin(a),)"),
    "forward mode drops all tangents but the first input's": (
        "for x, local in zip(inputs, local_grads))", "for x, local in zip(inputs[:1], local_grads))"),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_search_catches_a_broken_engine(breakage):
    old, new = BREAKAGES[breakage]

    def break_it(source):
        assert source.count(old) == 1, f"{PAGE}'s engine no longer contains {old!r}: update BREAKAGES"
        return source.replace(old, new)

    broken = load_tagged_cells(PAGE, "engine", edit=break_it)

    @settings(SEARCH, phases=[Phase.generate])  # no shrinking: finding one graph is enough
    @given(programs())
    def search(program):
        check_engine(broken, program)

    with pytest.raises(AssertionError, match="differs from"):
        search()
