"""The notebooks a reader downloads (autodiff_book.notebooks): plain Jupyter renders and runs them.

Only the English notebooks are executed, each in a kernel that cannot import the book's package;
the Chinese ones are shown to hold the same code (comments aside) and the same outputs. Cells
tagged `timing` print measured times, which differ from run to run: comparisons leave them out.
"""
import concurrent.futures
import difflib
import os
import re
import runpy
import shutil
import subprocess
import sys
import tomllib
import zipfile

import nbformat
import pytest
from bs4 import BeautifulSoup

from autodiff_book import notebooks
from autodiff_book.tabs import FRAMEWORKS
from autodiff_book.twins import code_only
from conftest import DOWNLOAD_LABELS, FIXTURES, LANGUAGES, ROOT, notebook_frameworks, notebook_pages, run_build

NOTEBOOK_PAGES = notebook_pages()
# (page, framework) for every notebook the site offers: JAX only where a page has JAX tabs.
NOTEBOOKS = [(page, framework) for page in NOTEBOOK_PAGES for framework in notebook_frameworks(page)]
BASEURL = runpy.run_path(str(ROOT / "conf.py"))["html_baseurl"]
BLOCK_THE_BOOK = 'import sys\nsys.modules["autodiff_book"] = None  # from here on, importing the book fails'
LEFTOVERS = {  # what plain Jupyter would show as raw text, or could not run
    "the book's package": r"autodiff_book",
    "a %%tab magic": r"%%tab",
    "a MyST role": r"\{[a-z][\w:.-]*\}`",
    "a MyST directive": r"(?m)^\s*(`{3,}|:{3,})\s*\{",
    "a colon fence": r"(?m)^\s*:{3,}",
    "a MyST target": r"(?m)^\([\w:.-]+\)=\s*$",
    "a MyST comment": r"(?m)^%(?!%)",
    "a directive option": r"(?m)^:[\w-]+:",
}


def notebook_path(site, lang, page, framework):
    return site / lang / notebooks.FOLDER / notebooks.notebook_name(page, framework)


def read(path):
    return nbformat.read(path, as_version=4)


def every_notebook():
    return [(lang, page, framework) for lang in LANGUAGES for page, framework in NOTEBOOKS]


def is_timing(cell):
    return notebooks.TIMING in cell.metadata.get("tags", [])


def text_outputs(cell):
    """What a reader reads under a code cell: streams, results and errors as text (figures aside)."""
    texts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            if texts and texts[-1][0] == output.name:  # the kernel may split a stream anywhere
                texts[-1] = (output.name, texts[-1][1] + output.text)
            else:
                texts.append((output.name, output.text))
        elif output.output_type == "error":
            texts.append(("error", f"{output.ename}: {output.evalue}"))
        elif not any(kind.startswith("image/") for kind in output.data):
            texts.append((output.output_type, output.data.get("text/plain", "")))
    return texts


# -- The converter, on its own ----------------------------------------------------------------------
class FakePage:
    """What the converter asks of a page; the build answers with sphinx_ext.downloads.BookPage."""

    pagename, tree, source, title, book = "basics", "en", "docs/en/basics.md", "Basics", "The book"
    glue = {"g": {"text/markdown": "[0, 4]", "text/plain": "[0, 4]"}, "r": {"text/plain": "0.123456"},
            "plot": {"image/png": "iVBORw0KGgo=\n", "text/plain": "<Figure>"},
            "seconds": {"text/markdown": "0.1", "text/plain": "0.1"}}
    timed_glue = {"seconds"}

    def admonition_label(self, name):
        return {"note": "Note"}.get(name)

    def label(self, name):
        return "pitfalls", name, "A section"

    def title_of(self, docname):
        return docname.title()

    def url(self, docname, anchor=""):
        return f"https://book.example/en/{docname}.html" + (f"#{anchor}" if anchor else "")


@pytest.mark.parametrize("myst, markdown", [
    ("A {term}`gradient` and a {term}`tape <gradient tape>`.", "A gradient and a tape."),
    ("It prints {glue:md}`g`, about {glue:text}`r:.2f`.", "It prints [0, 4], about 0.12."),
    ("(a-label)=\n% LEAD-LINK {ref}`later`\n## Title", "## Title"),
    ("As in {ref}`the trap <a-label>` and {ref}`a-label`.",
     "As in [the trap](https://book.example/en/pitfalls.html#a-label) and "
     "[A section](https://book.example/en/pitfalls.html#a-label)."),
    ("See [a page](detaching.md#a-heading), [here](#top) and [PyTorch](https://pytorch.org).",
     "See [a page](https://book.example/en/detaching.html#a-heading), "
     "[here](https://book.example/en/basics.html#top) and [PyTorch](https://pytorch.org)."),
    (":::{dropdown} Solution\n:open:\nIt is $2x$.\n:::",
     "<details>\n<summary>Solution</summary>\n\nIt is $2x$.\n\n</details>"),
    (":::{note}\nFirst.\n\nSecond, {term}`gradient`.\n:::", "> **Note**\n>\n> First.\n>\n> Second, gradient."),
    ("::::{dropdown} Claims\nOne line.\n\n```{doctest}\n>>> 1 + 1\n2\n```\n::::",
     "<details>\n<summary>Claims</summary>\n\nOne line.\n\n```python\n>>> 1 + 1\n2\n```\n\n</details>"),
    ("$$\nx^2\n$$ (eq-square)", "$$\nx^2\n$$"),
    ("$$\nx^2\n$$ (eq-square)\n\nNext.", "$$\nx^2\n$$\n\nNext."),  # the blank line stays
    ("Write ``{term}`x` `` for a {term}`gradient`.", "Write ``{term}`x` `` for a gradient."),  # code stays code
    ("```python\nkeep = '{term}`as it is`'\n```", "```python\nkeep = '{term}`as it is`'\n```"),
])
def test_myst_becomes_markdown_that_jupyter_renders(myst, markdown):
    assert notebooks.myst_to_markdown(myst, FakePage()) == markdown


PROSE_TABS = """Main line.

```{framework} pytorch
PyTorch: `x.grad`.
```

```{framework} tensorflow
TensorFlow: the tape.
```

::::{framework} pytorch
A claim:

:::{doctest}
>>> 1 + 1
2
:::
::::

Main line again."""


@pytest.mark.parametrize("framework, markdown", [
    ("pytorch", "Main line.\n\nPyTorch: `x.grad`.\n\nA claim:\n\n```python\n>>> 1 + 1\n2\n```\n\nMain line again."),
    ("tensorflow", "Main line.\n\nTensorFlow: the tape.\n\nMain line again."),
])
def test_a_frameworks_notebook_keeps_its_own_prose_blocks_unwrapped_and_no_other(framework, markdown):
    assert notebooks.myst_to_markdown(PROSE_TABS, FakePage(), framework) == markdown


def test_the_conversion_does_not_import_sphinx():
    """The build feeds the converter (sphinx_ext.downloads); the converter itself is plain Python."""
    code = ("import sys, autodiff_book.notebooks as n; n.myst.parser();"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'myst_nb')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_chinese_lines_are_joined_as_on_the_site():
    page = FakePage()
    page.tree = "zh"
    assert notebooks.myst_to_markdown("反向传播沿计算图\n从输出走回输入。\nThen English\n用 PyTorch\n求导：\n- 一项\n\n$$\nx\n$$", page) == (
        "反向传播沿计算图从输出走回输入。Then English\n用 PyTorch\n求导：\n- 一项\n\n$$\nx\n$$")


@pytest.mark.parametrize("myst, message", [
    ("```{figure} a.png\n```", "no plain-Markdown form for the {figure} directive"),
    ("{numref}`fig-1`", "no plain-Markdown form for the {numref} role"),
    ("{glue:md}`missing`", "no cell glues 'missing'"),
    (":::{note}\nnever closed", "is never closed"),
])
def test_syntax_without_a_plain_form_is_a_clear_error(myst, message):
    with pytest.raises(notebooks.NotebookError, match=message.replace("{", r"\{").replace("}", r"\}")):
        notebooks.myst_to_markdown(myst, FakePage())


GOLDEN = FIXTURES / "notebooks"  # a page with every kind of cell and MyST, and the notebooks written from it


def executed_fixture_page(tree):
    """The fixture page as the build hands it over: read as myst-nb reads it, each code cell with outputs."""
    from myst_nb.core.read import read_myst_markdown_notebook

    page = FakePage()
    page.tree, page.executed = tree, read_myst_markdown_notebook((GOLDEN / "page.md").read_text(encoding="utf8"))
    for number, cell in enumerate(page.executed.cells):
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"cell {number}\n"),
                            nbformat.v4.new_output("execute_result", data={"text/plain": str(number)})]
    return page


@pytest.mark.parametrize("tree", LANGUAGES)
@pytest.mark.parametrize("framework", list(FRAMEWORKS))
def test_the_fixture_page_gives_the_golden_notebook_byte_for_byte(tree, framework, tmp_path):
    golden = GOLDEN / f"page-{tree}-{framework}.ipynb"
    written = tmp_path / golden.name
    nbformat.write(notebooks.plain_notebook(executed_fixture_page(tree), framework), written)
    if os.environ.get("UPDATE_GOLDEN"):  # after a change meant to change the notebooks: read the diff, commit
        shutil.copy(written, golden)
    assert written.read_bytes() == golden.read_bytes(), (
        f"{golden.name} changed: `diff {written} {golden}`; if that is meant, "
        "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_notebooks.py -k golden, and commit the files")


@pytest.mark.parametrize("tree", LANGUAGES)
def test_the_first_cell_keeps_the_reader_out_of_the_books_build(tree):
    """Zh editor r10, finding 10: 本书构建时所用的版本, 下面的输出来自本书的构建 (and "built with")."""
    first = notebooks.plain_notebook(executed_fixture_page(tree), "jax").cells[0].source
    assert not re.search(r"构建|\bbuil[dt]\b", first), first


@pytest.mark.parametrize("title, written", [
    ("Python 控制流", "中的 [Python 控制流](https://book.example/en/basics.html)一页"),
    ("梯度基础", "中的[梯度基础](https://book.example/en/basics.html)一页"),
    ("自定义 JAX", "中的[自定义 JAX](https://book.example/en/basics.html) 一页"),
])
def test_the_chinese_first_cell_spaces_a_latin_page_title_from_the_chinese_around_it(title, written):
    """Zh editor r12, 1.1: 中的[Python 控制流](…) rendered as 中的Python 控制流."""
    page = executed_fixture_page("zh")
    page.title = title
    first = notebooks.plain_notebook(page, "pytorch").cells[0].source
    assert written in first, first


# -- The built notebooks ----------------------------------------------------------------------------
def test_every_notebook_page_has_a_notebook_per_framework_and_the_zips_hold_them(site):
    assert NOTEBOOK_PAGES, "no notebook page found under docs/en"
    for lang in LANGUAGES:
        folder = site / lang / notebooks.FOLDER
        offered = {path.name for path in folder.glob("*.ipynb")}
        assert offered == {notebooks.notebook_name(page, framework) for page, framework in NOTEBOOKS}, lang
        for framework in FRAMEWORKS:
            paths = [notebook_path(site, lang, page, f) for page, f in NOTEBOOKS if f == framework]
            if not paths:  # no page has this framework's tabs yet: no zip either
                assert not (folder / notebooks.zip_name(lang, framework)).exists()
                continue
            with zipfile.ZipFile(folder / notebooks.zip_name(lang, framework)) as archive:
                held = {name.split("/")[-1].split("-", 1)[1]: archive.read(name) for name in archive.namelist()}
            assert held == {path.name: path.read_bytes() for path in paths}, f"{lang}/{framework} zip"


@pytest.mark.parametrize("lang, page, framework", every_notebook())
def test_no_notebook_needs_the_book_or_shows_myst(site, lang, page, framework):
    path = notebook_path(site, lang, page, framework)
    problems = []
    for number, cell in enumerate(read(path).cells, start=1):
        texts = [cell.source] + [text for _, text in text_outputs(cell)]
        checks = LEFTOVERS if cell.cell_type == "markdown" else {
            name: LEFTOVERS[name] for name in ("the book's package", "a %%tab magic")}
        for what, pattern in checks.items():
            found = [match.group(0) for text in texts for match in re.finditer(pattern, text)]
            if found:
                problems.append(f"{path.relative_to(site)}, cell {number} ({cell.id}): {what}: {found[0]!r}")
    assert problems == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_first_cell_says_what_to_install_and_links_the_page(site, lang):
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf8"))["project"]["dependencies"]
    packages = {"pytorch": ["torch"], "tensorflow": ["tensorflow"], "jax": ["jax", "jaxlib"]}
    for page, framework in NOTEBOOKS:
        package = packages[framework][0]
        first = read(notebook_path(site, lang, page, framework)).cells[0]
        pip = next(line for line in first.source.splitlines() if line.startswith("pip install "))
        wanted = [pin for pin in pins if pin.split("==")[0] in (*packages[framework], "numpy")]
        assert set(wanted) <= set(pip.split()[2:]) <= set(pins), f"{lang}/{page}-{framework}: {pip}"
        torch = next(pin for pin in pins if pin.startswith("torch=="))
        cpu_build = f"pip install {torch} --index-url https://download.pytorch.org/whl/cpu"  # PyTorch's own index
        assert (cpu_build in first.source) == (package == "torch"), f"{lang}/{page}-{framework}: {cpu_build}"
        assert f"({BASEURL}{lang}/{page}.html)" in first.source, f"{lang}/{page}-{framework}"


def test_links_into_the_site_lead_to_pages_and_anchors_that_exist(site):
    broken = []
    for lang, page, framework in every_notebook():
        path = notebook_path(site, lang, page, framework)
        for cell in read(path).cells:
            for url in re.findall(rf"\]\(({re.escape(BASEURL)}[^)\s]*)\)", cell.source):
                target, _, anchor = url[len(BASEURL):].partition("#")
                html = (site / target).read_text(encoding="utf8") if (site / target).is_file() else ""
                if not html or (anchor and f'id="{anchor}"' not in html):
                    broken.append(f"{path.relative_to(site)}, cell {cell.id}: {url}")
    assert broken == []


@pytest.fixture(scope="session")
def runs_without_the_book(site, tmp_path_factory):
    """Each English notebook executed top to bottom, two at a time, in a kernel without the book's package."""
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp("plain-jupyter")
    # Under pytest, ipykernel would not show what C++ code writes to stderr; a reader's kernel does.
    readers_environment = {key: value for key, value in os.environ.items()
                           if not key.startswith(("PYTEST_", "TF_"))}

    def execute(page, framework):
        notebook = read(notebook_path(site, "en", page, framework))
        notebook.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_THE_BOOK))
        client = NotebookClient(notebook, kernel_name="python3", timeout=600,
                                resources={"metadata": {"path": str(folder)}})
        # An error in a cell not tagged raises-exception raises here. The kernel's own log is not the notebook's.
        client.execute(env=readers_environment, stderr=subprocess.DEVNULL)
        notebook.cells.pop(0)
        return notebook

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    yield {(page, framework): pool.submit(execute, page, framework) for page, framework in NOTEBOOKS}
    pool.shutdown(cancel_futures=True)


@pytest.mark.parametrize("page, framework", NOTEBOOKS)
def test_each_notebook_runs_in_plain_jupyter_and_prints_what_the_site_shows(site, runs_without_the_book,
                                                                               page, framework):
    stored = read(notebook_path(site, "en", page, framework))
    fresh = runs_without_the_book[page, framework].result()
    assert [cell.id for cell in fresh.cells] == [cell.id for cell in stored.cells]
    compared = 0
    for before, after in zip(stored.cells, fresh.cells):
        if before.cell_type != "code" or before.id == "setup" or is_timing(before):
            continue  # the set-up cell is not on the site; a timing differs in every run
        expected, got = text_outputs(before), text_outputs(after)
        assert got == expected, f"en/{page}-{framework}, cell {before.id}:\n{before.source}\n" + "\n".join(
            difflib.unified_diff(repr(expected).split("\\n"), repr(got).split("\\n"), "site", "plain Jupyter",
                                 lineterm=""))
        compared += bool(expected)
    assert compared > 0, f"en/{page}-{framework}: no output to compare"


@pytest.mark.parametrize("page, framework", NOTEBOOKS)
def test_chinese_notebooks_hold_the_english_code_and_outputs(site, page, framework):
    english, chinese = (read(notebook_path(site, lang, page, framework)) for lang in ("en", "zh"))
    english_code, chinese_code = ([cell for cell in notebook.cells if cell.cell_type == "code"]
                                  for notebook in (english, chinese))
    assert [cell.id for cell in chinese_code] == [cell.id for cell in english_code], f"{page}-{framework}"
    for en_cell, zh_cell in zip(english_code, chinese_code):
        where = f"{page}-{framework}, cell {en_cell.id}"
        assert code_only(zh_cell.source) == code_only(en_cell.source), where
        assert zh_cell.metadata == en_cell.metadata, where
        if not is_timing(en_cell):
            assert zh_cell.outputs == en_cell.outputs, where


def without_timings(path):
    """A built notebook's cells, with the sources and outputs of timing cells left out."""
    return [(cell.id, cell.cell_type, None if is_timing(cell) else (cell.source, cell.get("outputs")))
            for cell in read(path).cells]


def test_two_builds_write_the_same_bytes(site, tmp_path):
    # The second build takes the first one's outputs from a copy of its cache: no page runs twice.
    # That outputs do not change between executions is what the plain-Jupyter test checks.
    out = tmp_path / "_build"
    shutil.copytree(site.parent / "jupyter_cache", out / "jupyter_cache")
    result = run_build("html", ROOT / "docs", out)
    assert result.returncode == 0, result.stderr[-3000:]
    for lang in LANGUAGES:
        first, second = site / lang / notebooks.FOLDER, out / "html" / lang / notebooks.FOLDER
        assert sorted(path.name for path in second.iterdir()) == sorted(path.name for path in first.iterdir())
        for path in sorted(first.iterdir()):
            if path.read_bytes() != (second / path.name).read_bytes():
                assert path.suffix == ".ipynb", f"{lang}/{path.name} differs between two builds"
                assert without_timings(second / path.name) == without_timings(path), f"{lang}/{path.name}"


def download_menu(site, lang, page):
    html = BeautifulSoup((site / lang / f"{page}.html").read_text(encoding="utf8"), "html.parser")
    menu = html.select_one(".dropdown-download-buttons .dropdown-menu")
    return {link.get_text(strip=True): link["href"] for link in menu.select("a")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_download_menu_offers_the_notebooks_and_the_root_page_the_zips(site, lang):
    page_label, chapter_label = DOWNLOAD_LABELS[lang]
    for page in NOTEBOOK_PAGES:
        menu = download_menu(site, lang, page)
        offered = [label for label in menu if label.endswith(".ipynb)") or label.endswith(".ipynb）")]
        assert offered == [page_label.format(FRAMEWORKS[f]) for f in notebook_frameworks(page)], f"{lang}/{page}"
        for framework in notebook_frameworks(page):
            href = menu.get(page_label.format(FRAMEWORKS[framework]))
            assert href is not None, f"{lang}/{page}: no {page_label.format(FRAMEWORKS[framework])!r} in {sorted(menu)}"
            assert (site / lang / href).resolve() == notebook_path(site, lang, page, framework).resolve()
    menu = download_menu(site, lang, "index")
    for framework in dict.fromkeys(framework for _, framework in NOTEBOOKS):
        name = FRAMEWORKS[framework]
        href = menu.get(chapter_label.format(name))
        assert href is not None, f"{lang}/index: no {chapter_label.format(name)!r} in {sorted(menu)}"
        assert (site / lang / href).resolve() == (
            site / lang / notebooks.FOLDER / notebooks.zip_name(lang, framework)).resolve()
