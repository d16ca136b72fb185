"""Load code that lives on a page into a module, so that tests can import it.

Some pages build a program the reader should see in full, such as the autodiff engine of
``under-the-hood.md``. Its only copy is the page's code cells: the reader runs them, the
page's notebook download carries them, and nothing can drift. The cells that make up the
program carry a tag (``engine``); ``load_tagged_cells`` executes them, in page order, into
a fresh module. Only the tests load page code (tests/test_engine.py), so it lives with them.

>>> import tempfile, pathlib
>>> page = pathlib.Path(tempfile.mkdtemp()) / "page.md"
>>> _ = page.write_text('''
... ```{code-cell} ipython3
... :tags: [engine]
...
... def double(x):
...     return 2 * x
... ```
...
... ```{code-cell} ipython3
... double(21)  # an example on the page, not part of the program
... ```
... ''')
>>> load_tagged_cells(page, "engine").double(21)
42
>>> load_tagged_cells(page, "solver")
Traceback (most recent call last):
ValueError: ... has no code cell tagged 'solver': add `:tags: [solver]` to the cells that define it
"""
import types
from pathlib import Path


def tagged_sources(page, tag):
    """The sources of the code cells of a MyST notebook page that carry ``tag``, in order."""
    from myst_nb.core.read import read_myst_markdown_notebook

    page = Path(page)
    notebook = read_myst_markdown_notebook(page.read_text(encoding="utf8"), path=str(page))
    return [
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and tag in cell.metadata.get("tags", [])
    ]


def load_tagged_cells(page, tag, edit=None):
    """A module holding what the cells of ``page`` tagged ``tag`` define.

    ``edit``, if given, changes the joined source before it runs: a test breaks the program
    on purpose this way, to show that it notices.
    """
    sources = tagged_sources(page, tag)
    if not sources:
        raise ValueError(f"{page} has no code cell tagged {tag!r}: add `:tags: [{tag}]` to the cells that define it")
    for source in sources:
        if source.lstrip().startswith("%"):
            raise ValueError(f"a cell of {page} tagged {tag!r} starts with a magic: keep such cells plain Python")
    source = "\n\n".join(sources)
    if edit is not None:
        source = edit(source)
    module = types.ModuleType(f"{Path(page).stem.replace('-', '_')}_{tag}")
    module.__file__ = str(page)
    exec(compile(source, f"{page} (cells tagged {tag})", "exec"), module.__dict__)
    return module
