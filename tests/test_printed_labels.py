"""No English phrase in what the code prints or draws on a Chinese page (CONTRIBUTING.md, "Chinese terms").

The code and its outputs are the same in both languages, so a label the code prints is read by
the Chinese reader too: labels are variable names, formulas and units (``graph_size(y):``,
``df/dx``, ``ms``), and the prose says what the numbers mean. This test reads the outputs of the
built zh pages, text and figures (the figures are SVG, their labels are text), and fails on two
English words in a row. Messages the frameworks raise or log stay English: a traceback, and a
line that starts with an exception's or a warning's name (``RuntimeError: ...``), are theirs.
"""
import io
import re
import tokenize
import xml.etree.ElementTree as ElementTree

import pytest

from autodiff_book.twins import code_cells
from conftest import ROOT, built_pages

# An English word: letters (a hyphen may join two, 's may end it), not part of a code name (`x.grad`,
# `loose_difference(a)`, `dtype=`, `'Variable:0'`) nor an argument (`maximum(a, b)`), not a
# unit, a Python literal or a name in CamelCase (`NumpyPolynomial`, `PyTorch`).
WORD = r"(?<![\w.=/'\"\[(<-])[A-Za-z]+(?:-[A-Za-z]+)*(?:'s)?(?![\w(=.\[\]/'\")<>-])"
NOT_WORDS = {"ms", "MB", "KB", "GB", "True", "False", "None", "nan", "inf"}
CAMEL_CASE = re.compile(r"[a-z][A-Z]")
# Two words joined by one space, or a comma and a space; columns apart (two spaces) are two labels.
PHRASE = re.compile(rf"{WORD}(?:,? {WORD})+")
# A framework's message, as a page prints it: its exception's or warning's name first.
FRAMEWORK_MESSAGE = re.compile(r"^\s*(?:[\w.]*(?:Error|Warning|Exception)|WARNING(?::\w+)?):")
# Framework messages a page prints without that name, each a whole line. Keep this list short:
# a label of the book's own never belongs here.
FRAMEWORK_LINES = [
    # PyTorch's anomaly-mode note, wrapped at 70 columns (where-derivatives-break)
    r"Error detected in \w+\. Traceback of forward call that caused",
    r"the error:",
    # tf.debugging.enable_check_numerics's report, wrapped (where-derivatives-break)
    r"!!! Detected Infinity or NaN in output \d+ of eagerly-executing op",
    r'"\w+" \(# of outputs: \d+\) !!!',
    # the first clause of PyTorch's RuntimeError for a second backward pass (exercises, exercise 2)
    r"Trying to backward through the graph a second time",
    # PyTorch's RuntimeError, after the call that raised it (custom-gradients)
    r"backward\(\): trying to differentiate twice a function that was marked with @once_differentiable",
    # jax.debug_nans's notice, before it runs a jitted function again op by op (where-derivatives-break)
    r"Invalid nan value encountered in the output of a jax\.jit function\. Calling the de-optimized version\.",
    # a jaxpr equation's operands, JAX's variable names after the closing bracket of its parameters (basics)
    r"\](?: [a-z]{1,2})+",
]
FRAMEWORK_LINE = re.compile("|".join(f"(?:{line})" for line in FRAMEWORK_LINES))


def english_phrases(line):
    """The English phrases of one line of output, framework messages left out."""
    if FRAMEWORK_MESSAGE.match(line) or FRAMEWORK_LINE.fullmatch(line.strip()):
        return []
    phrases = []
    for match in PHRASE.finditer(line):
        words = [w for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", match.group())
                 if w not in NOT_WORDS and not CAMEL_CASE.search(w)]
        if len(words) >= 2:
            phrases.append(match.group())
    return phrases


@pytest.mark.parametrize("line, found", [
    ("nodes behind f(x):   5", ["nodes behind"]),
    ("0.4 MB checkpointed; segment runs: 2", ["segment runs"]),  # a unit is not a word
    ("dy/da by the hand-derived recurrence", ["by the hand-derived recurrence"]),
    ("forgetful, theoretical:", ["forgetful, theoretical"]),
    ("graph_size(y):       5", []),
    ("calls: 1 allclose(batched, columns): True", []),
    ("gradgradcheck NumpyPolynomial: False", []),
    ("(multiples of the gradient's time)", ["of the gradient's"]),
    ("forgetful_softplus theoretical[0]:", []),
    ("n = 10: engine 0.17 ms ( 17 µs × n), PyTorch 0.08 ms, ratio 2.0", []),
    ("       n  gradient  hvp_double_backward  hessian", []),  # column names, two spaces apart
    ("True True", []),
    ("tf.Tensor(inf, shape=(), dtype=float64) tensor([nan, nan])", []),
    ("<tf.Variable 'Variable:0' shape=(3,) dtype=float32, numpy=array([1., 2.])>", []),
    ("RuntimeError: grad can be implicitly created only for scalar outputs", []),
    ("WARNING:tensorflow:The dtype of the watched tensor must be floating", []),
    ("the error:", []),
    ("the error is here", ["the error is here"]),  # an allowed line is allowed whole, not in part
])
def test_english_phrases_finds_phrases_not_code(line, found):
    assert english_phrases(line) == found


def svg_texts(path):
    """The text of each <text> element of an SVG file (matplotlib writes one per label)."""
    tree = ElementTree.parse(path)
    for element in tree.iter("{http://www.w3.org/2000/svg}text"):
        yield "".join(piece.strip() for piece in element.itertext())


def test_zh_outputs_have_no_english_phrases(site):
    found = []
    for lang, name, soup in built_pages(site, ["zh"]):
        article = soup.select_one("article")
        lines = [line for output in article.select("div.cell_output div.output")
                 if "traceback" not in output.get("class", [])
                 for line in output.get_text().splitlines()]
        for image in article.select('img[src$=".svg"]'):
            lines += svg_texts(site / lang / image["src"])
        found += [f"{name}: {phrase!r} in {line.strip()!r}" for line in lines for phrase in english_phrases(line)]
    assert not found, ("English phrases in what the code prints or draws on zh pages; label with the "
                       "variable's name, a formula or a unit instead (CONTRIBUTING.md, \"Chinese terms\"):\n"
                       + "\n".join(found))


def is_english_sentence(comment):
    """A comment with no Han character and two words of three letters or more in a row: a
    formula or a list of names (`# df/dx`, `# k I`, `# sin x、cos x`) is none."""
    return not re.search(r"[\u4e00-\u9fff]", comment) and any(
        len(re.findall(r"[A-Za-z]{3,}", phrase)) >= 2 for phrase in english_phrases(comment))


def source_comments(path):
    """The comments of a page source's code cells, hidden ones included (the download menu's
    source file shows them), found by Python's tokenizer: a `#` inside a string is none."""
    for cell in code_cells(path):
        code = "\n".join(line for line in cell.splitlines() if not line.startswith("%"))  # magics are not Python
        for token in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
            if token.type == tokenize.COMMENT:
                yield token.string


@pytest.mark.parametrize("line, english", [
    ("# the value and its tangent", True), ("# of sum(softplus(x) * x); bwd's residual: sigmoid(x)", True),
    ("# df/dx", False), ("# k I", False), ("# sin x、cos x、x**2、2 x", False), ("# v <- H v / |v|", False),
    ("# 函数值及其切向量", False), ("# shape (4, 2, 4, 3)", False),
])
def test_is_english_sentence_tells_a_sentence_from_a_formula(line, english):
    assert is_english_sentence(line) == english


def test_zh_code_comments_are_not_english_sentences(site):
    """Comments are translated on a zh page (CONTRIBUTING.md: the code is the same, its comments
    and docstrings are Chinese): in the cells and the folds' examples a reader sees, and in the
    hidden cells of the source the download menu offers."""
    found = []
    for lang, name, soup in built_pages(site, ["zh"]):
        found += [f"{name}: {comment.get_text().strip()!r}"
                  for comment in soup.select("article pre span.c1, article pre span.c")
                  if is_english_sentence(comment.get_text())]
    for path in sorted((ROOT / "docs" / "zh").glob("*.md")):
        found += [f"{path.name} (source): {comment!r}" for comment in source_comments(path)
                  if is_english_sentence(comment)]
    assert not found, "English comments in the code of zh pages; translate them:\n" + "\n".join(sorted(set(found)))
