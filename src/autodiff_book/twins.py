"""The two language trees hold the same pages with the same code.

``docs/en/x.md`` and ``docs/zh/x.md`` are twins: prose, code comments and docstrings are
translated, the code itself is identical, so that both languages show the same code and share
one execution.
"""
import ast
import difflib
import functools
import io
import tokenize
from pathlib import Path

LANGUAGE_DIRS = ("en", "zh")
PAGE_SUFFIX = ".md"


def pages(tree):
    """Relative paths of the MyST pages under one language tree."""
    tree = Path(tree)
    return sorted(p.relative_to(tree) for p in tree.rglob(f"*{PAGE_SUFFIX}") if "_build" not in p.parts)


def code_cells(path):
    """The sources of the code cells of a MyST notebook page, in order."""
    return [cell.source for cell in notebook(path).cells if cell.cell_type == "code"]


def notebook(path):
    """A MyST page as myst-nb reads it, without outputs; shared between callers, so read it, do not change it."""
    path = Path(path)
    return _notebook(path, path.stat().st_mtime_ns)


@functools.cache
def _notebook(path, mtime_ns):
    # Both language builds run in one process and read the same pages: parse each version of a file once.
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(path.read_text(encoding="utf8"), path=str(path))


def without_comments(source):
    r"""The code of a cell with its comments removed: what twin pages must share.

    >>> print(without_comments("x = 1  # one\n# a comment line\ns = '# not a comment'"))
    x = 1
    s = '# not a comment'
    """
    cut = {}  # line number -> column where its comment starts
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                cut[token.start[0]] = token.start[1]
    except (tokenize.TokenError, SyntaxError):
        return source  # not Python (a magic's body): compare it as it is
    lines = []
    for number, line in enumerate(source.splitlines(), start=1):
        if number in cut:
            line = line[: cut[number]].rstrip()
            if not line:
                continue  # a line that was only a comment
        lines.append(line)
    return "\n".join(lines)


DOCSTRING = '"""…"""'  # what a docstring's text becomes in code_only()


def docstring_nodes(source):
    r'''The docstrings of the functions and classes a piece of code defines, as ``ast`` nodes, in order.

    A line that is an IPython magic (``%%tab pytorch``) is read as an empty line; code that Python
    cannot parse has none.

    >>> [node.value.value for node in docstring_nodes('%%tab pytorch\ndef f():\n    """Say why."""')]
    ['Say why.']
    '''
    python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                found.append(first)
    return sorted(found, key=lambda node: (node.lineno, node.col_offset))


def code_only(source):
    r'''The code of a cell without comments, each docstring's text left out: what twins must share.

    A docstring is prose, like a comment: twin pages may word it in their own language. That there
    is one, and the code around it, must be the same.

    >>> print(code_only('def f():\n    """Say why."""  # a comment\n    return 1'))
    def f():
        """…"""
        return 1
    >>> code_only('def f():\n    """说明原因。"""\n    return 1') == code_only('def f():\n    """Say why."""\n    return 1')
    True
    '''
    code = without_comments(source)
    lines = [line.encode("utf8") for line in code.splitlines()]  # ast's columns count UTF-8 bytes
    for node in reversed(docstring_nodes(code)):
        first, last = lines[node.lineno - 1], lines[node.end_lineno - 1]
        lines[node.lineno - 1:node.end_lineno] = [
            first[:node.col_offset] + DOCSTRING.encode("utf8") + last[node.end_col_offset:]]
    return "\n".join(line.decode("utf8") for line in lines)


def twin_problems(docs):
    """Every way the language trees under ``docs`` differ, one readable sentence each.

    >>> import tempfile, pathlib
    >>> docs = pathlib.Path(tempfile.mkdtemp())
    >>> for lang in LANGUAGE_DIRS: (docs / lang).mkdir()
    >>> _ = (docs / "en" / "only.md").write_text("# Only English")
    >>> [problem.replace(str(docs), "docs") for problem in twin_problems(docs)]
    ['docs/en/only.md has no twin: write docs/zh/only.md (same code cells, translated prose)']
    """
    docs = Path(docs)
    trees = {lang: docs / lang for lang in LANGUAGE_DIRS}
    listed = {lang: set(pages(tree)) for lang, tree in trees.items()}
    problems = []
    for lang, tree in trees.items():
        for other, other_tree in trees.items():
            for page in sorted(listed[lang] - listed[other]):
                problems.append(
                    f"{tree / page} has no twin: write {other_tree / page} (same code cells, translated prose)"
                )
    first, second = LANGUAGE_DIRS
    for page in sorted(listed[first] & listed[second]):
        problems += code_differences(trees[first] / page, trees[second] / page)
    return problems


def code_differences(path, twin):
    """Sentences naming each code cell of ``path`` whose code (comments and docstrings aside) differs from ``twin``'s."""
    cells = [code_only(source) for source in code_cells(path)]
    twin_cells = [code_only(source) for source in code_cells(twin)]
    problems = []
    if len(cells) != len(twin_cells):
        problems.append(
            f"{twin} has {len(twin_cells)} code cells but {path} has {len(cells)}: "
            "the code of twin pages must be identical"
        )
    for number, (source, twin_source) in enumerate(zip(cells, twin_cells), start=1):
        if source != twin_source:
            diff = "\n".join(
                difflib.unified_diff(
                    source.splitlines(), twin_source.splitlines(), str(path), str(twin), lineterm="", n=0
                )
            )
            problems.append(f"code cell {number} of {twin} differs from {path}:\n{diff}")
    return problems
