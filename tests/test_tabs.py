"""Framework tabs: the %%tab magic in a kernel, and the tab sets it and {framework} blocks become on a page."""
import re
import zipfile

import nbformat
import pytest
from bs4 import BeautifulSoup
from IPython.core.interactiveshell import InteractiveShell

from autodiff_book import tabs
from autodiff_book.sphinx_ext.framework_tabs import EVERY_TAB

from conftest import FIXTURES, run_build
from test_browser import make_browser, require_browser


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    """The tabs fixture (tests/fixtures/tabs), built like the site: its build folder."""
    out = tmp_path_factory.mktemp("tabs") / "_build"
    result = run_build("html", FIXTURES / "tabs", out)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def fixture_page(fixture_build):
    """The fixture's English page, which has JAX tabs: its article."""
    html = (fixture_build / "html" / "en" / "index.html").read_text(encoding="utf8")
    return BeautifulSoup(html, "html.parser").select_one("article")


@pytest.fixture(scope="module")
def page_without_jax(fixture_build):
    """The fixture's page that has no JAX tabs yet (JAX reaches the pages one at a time): the whole page."""
    return BeautifulSoup((fixture_build / "html" / "en" / "later.html").read_text(encoding="utf8"), "html.parser")


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    tabs.register(shell)
    yield shell
    InteractiveShell.clear_instance()


def test_each_framework_keeps_its_own_names_and_sees_shared_ones(shell):
    shell.run_cell("%%tab pytorch\nx = 'torch'")
    shell.run_cell("%%tab tensorflow\nx = 'tf'")
    shell.run_cell("%%tab jax\nx = 'jax'")
    shell.run_cell("scale = 10")
    shell.run_cell("%%tab pytorch\nresult = x * 2, scale")
    shell.run_cell("%%tab jax\nresult = x, scale")
    assert tabs.in_tab("pytorch", "result") == ("torchtorch", 10)
    assert tabs.in_tab("tensorflow", "x") == "tf"
    assert tabs.in_tab("jax", "result") == ("jax", 10)
    assert "x" not in shell.user_ns  # framework names do not leak into the shared namespace


def test_functions_see_names_bound_in_later_cells_of_their_framework(shell):
    shell.run_cell("%%tab tensorflow\ndef f(a):\n    return g(a) + 1")
    shell.run_cell("%%tab tensorflow\ndef g(a):\n    return 2 * a")
    assert tabs.in_tab("tensorflow", "f(3)") == 7


def test_the_last_expression_is_displayed_and_errors_propagate(shell):
    assert shell.run_cell("%%tab pytorch\n1 + 1").result == 2
    assert shell.run_cell("%%tab pytorch\n1 + 1;").result is None
    failed = shell.run_cell("%%tab tensorflow\nraise KeyError('k')")
    assert isinstance(failed.error_in_exec, KeyError)


def test_one_tab_set_per_run_of_framework_cells(fixture_page):
    tab_sets = fixture_page.select(".sd-tab-set")
    # Two runs of code cells split by a paragraph and a shared cell; prose and code; prose alone.
    assert len(tab_sets) == 4
    for tab_set in tab_sets:
        labels = tab_set.select("label.sd-tab-label")
        assert [label.get_text(strip=True) for label in labels] == ["PyTorch", "TensorFlow", "JAX"]
        assert [(l["data-sync-group"], l["data-sync-id"]) for l in labels] == [
            ("framework", "pytorch"), ("framework", "tensorflow"), ("framework", "jax")]


def test_a_page_without_jax_tabs_offers_pytorch_and_tensorflow_with_pytorch_selected(page_without_jax):
    (tab_set,) = page_without_jax.select("article .sd-tab-set")
    labels = tab_set.select("label.sd-tab-label")
    assert [label.get_text(strip=True) for label in labels] == ["PyTorch", "TensorFlow"]
    assert [element.has_attr("checked") for element in tab_set.select(":scope > input")] == [True, False]
    # The first paint shows a stored choice only if the page has it (layout.html): here PyTorch or TensorFlow.
    script = next(s.string for s in page_without_jax.head.find_all("script") if s.string and "data-framework" in
                  s.string.replace("dataset.framework", "data-framework"))
    assert '["pytorch", "tensorflow"].includes(framework)' in script


def test_the_magic_line_is_not_shown(fixture_page):
    sources = [block.get_text() for block in fixture_page.select("div.cell_input")]
    assert sources and not any("%%tab" in source for source in sources)


def test_each_output_sits_under_its_own_tab(fixture_page):
    first, second = fixture_page.select(".sd-tab-set")[:2]
    torch_tab, tf_tab, jax_tab = (content.get_text(" ", strip=True) for content in first.select(".sd-tab-content"))
    assert "printed by pytorch" in torch_tab and "'torch value'" in torch_tab
    assert "'tf value'" in tf_tab and "torch" not in tf_tab
    assert "'jax value'" in jax_tab and "torch" not in jax_tab and "tf" not in jax_tab
    torch_tab, tf_tab, jax_tab = (content.get_text(" ", strip=True) for content in second.select(".sd-tab-content"))
    assert "('torch value', 'shared value')" in torch_tab
    (traceback,) = second.select(".sd-tab-content")[0].select("div.output.traceback")
    assert traceback.get_text().strip() == "ValueError: taught on purpose"  # type and message, no frames
    assert "('tf value', 'shared value')" in tf_tab and "8" in tf_tab
    assert "('jax value', 'shared value')" in jax_tab


def tab_contents(tab_set):
    """Per tab, what it holds in order: ("prose", text) for a {framework} block, ("code", text) for a cell."""
    return [[("prose" if "framework-prose" in child["class"] else "code" if "cell" in child["class"] else "?",
              child.get_text(" ", strip=True)) for child in content.find_all(recursive=False)]
            for content in tab_set.select(":scope > .sd-tab-content")]


def test_prose_blocks_join_the_adjacent_code_in_their_frameworks_tab_in_order(fixture_page):
    torch_tab, tf_tab, jax_tab = tab_contents(fixture_page.select(".sd-tab-set")[2])
    assert jax_tab == [("prose", "JAX prose after the others.")]
    assert [kind for kind, _ in torch_tab] == ["prose", "code", "prose"]
    assert torch_tab[0][1].startswith("PyTorch prose before its code")
    assert "pytorch code between prose" in torch_tab[1][1]
    assert torch_tab[2][1] == "PyTorch prose after its code."
    assert [kind for kind, _ in tf_tab] == ["code", "prose"]
    assert "tensorflow code before prose" in tf_tab[0][1] and tf_tab[1][1] == "TensorFlow prose after its code."
    math = fixture_page.select(".sd-tab-set")[2].select(".framework-prose .math")
    assert [m.find("annotation").get_text() for m in math] == ["x^2", "y = 2"]  # MyST inside the block is parsed


def test_prose_blocks_alone_make_a_tab_set_with_their_roles_and_doctests(fixture_page):
    prose_only = fixture_page.select(".sd-tab-set")[3]
    labels = prose_only.select("label.sd-tab-label")
    assert [(l.get_text(strip=True), l["data-sync-group"]) for l in labels] == [
        ("PyTorch", "framework"), ("TensorFlow", "framework"), ("JAX", "framework")]
    torch_tab, tf_tab, jax_tab = tab_contents(prose_only)
    assert jax_tab == [("prose", "JAX prose alone.")]
    assert [kind for kind, _ in torch_tab] == ["prose"] and [kind for kind, _ in tf_tab] == ["prose"]
    assert "The answer is 42." in torch_tab[0][1]  # a glued value
    assert prose_only.select_one(".sd-tab-content .framework-prose div.highlight-pycon").get_text().split() == [">>>", "6", "*", "7", "42"]
    assert tf_tab == [("prose", "TensorFlow prose alone.")]


PROSE_PAGE = """# Page

Main line.

```{{framework}} {first}
Prose for one framework.
```
{second}"""


BROKEN_PROSE_PAGES = {  # name: (first, second, message)
    "alone": ("pytorch", "", "alone.md:5: WARNING: this tab set has nothing for TensorFlow: add a `%%tab tensorflow` "
                             "cell or a `{framework} tensorflow` block next to it"),
    "not-adjacent": ("pytorch", "\nA paragraph.\n\n```{framework} tensorflow\nToo far.\n```\n",
                     "not-adjacent.md:5: WARNING: this tab set has nothing for TensorFlow"),
    "unknown-framework": ("mxnet", "", "unknown-framework.md:5: ERROR: {framework} mxnet: expected one of pytorch, "
                                       "tensorflow, jax"),
    "jax-in-one-tab-set-only": (
        "pytorch", "\n```{framework} tensorflow\nTensorFlow.\n```\n\nA paragraph.\n\n```{framework} pytorch\nP.\n```\n\n"
                   "```{framework} tensorflow\nT.\n```\n\n```{framework} jax\nJ.\n```\n",
        "jax-in-one-tab-set-only.md:5: WARNING: this tab set has nothing for JAX: add a `%%tab jax` cell or a "
        "`{framework} jax` block next to it (only blank lines between), so every tab set shows each framework; this "
        "page has JAX tabs elsewhere, and a page has JAX in every tab set or in none"),
}


@pytest.fixture(scope="module")
def broken_prose_build(tmp_path_factory):
    """One build of a page per broken tab set (the build lists every warning before it fails): the
    docs folder and the finished process."""
    docs = tmp_path_factory.mktemp("broken-prose") / "docs"
    for lang in ("en", "zh"):
        (docs / lang).mkdir(parents=True)
        (docs / lang / "index.md").write_text(
            "# Pages\n\n```{toctree}\n" + "\n".join(BROKEN_PROSE_PAGES) + "\n```\n", encoding="utf8")
        for name, (first, second, _) in BROKEN_PROSE_PAGES.items():
            (docs / lang / f"{name}.md").write_text(PROSE_PAGE.format(first=first, second=second), encoding="utf8")
    return docs, run_build("html", docs, docs.parent / "_build")


@pytest.mark.parametrize("name", BROKEN_PROSE_PAGES)
def test_a_prose_tab_set_without_every_framework_fails_the_build_naming_the_page_and_line(broken_prose_build, name):
    docs, result = broken_prose_build
    assert result.returncode != 0
    assert f"{docs / 'en' / BROKEN_PROSE_PAGES[name][2]}" in result.stderr, result.stderr[-2000:]


def test_shared_cells_stay_outside_the_tabs(fixture_page):
    shared = [cell for cell in fixture_page.select("div.cell") if not cell.find_parent(class_="sd-tab-set")]
    assert [cell.get_text(" ", strip=True) for cell in shared] == ['shared = "shared value" shared \'shared value\'']


def test_without_javascript_every_tab_is_shown_one_after_the_other(fixture_page):
    page = fixture_page.find_parent("html")
    noscript = page.head.find("noscript")
    assert noscript is not None and ".sd-tab-content{display:block!important" in str(noscript)


def test_each_frameworks_notebook_carries_its_own_prose_tabs_and_none_of_the_others(fixture_build):
    prose = {"pytorch": ["PyTorch prose before its code", "PyTorch prose after its code.", "The answer is 42."],
             "tensorflow": ["TensorFlow prose after its code.", "TensorFlow prose alone."],
             "jax": ["JAX prose after the others.", "JAX prose alone."]}
    for framework in prose:
        notebook = nbformat.read(fixture_build / "html" / "en" / "notebooks" / f"index-{framework}.ipynb", 4)
        markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        assert all(text in markdown for text in prose[framework]), markdown
        assert not any(text in markdown for other in prose if other != framework for text in prose[other]), markdown
        assert "{framework}" not in markdown and ":::" not in markdown  # unwrapped, plain Markdown
        code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
        assert not any(f"'{value} value'" in code for value in ("torch", "tf", "jax") if value[:2] != framework[:2])


def test_a_page_without_jax_tabs_has_no_jax_notebook_and_the_jax_zip_only_the_pages_with_them(fixture_build):
    for lang in ("en", "zh"):
        folder = fixture_build / "html" / lang / "notebooks"
        assert sorted(path.name for path in folder.glob("*.ipynb")) == [
            "index-jax.ipynb", "index-pytorch.ipynb", "index-tensorflow.ipynb",
            "later-pytorch.ipynb", "later-tensorflow.ipynb"]
        with zipfile.ZipFile(folder / f"autodiff-book-{lang}-jax.zip") as archive:
            assert archive.namelist() == [f"autodiff-book-{lang}-jax/01-index-jax.ipynb"]
        with zipfile.ZipFile(folder / f"autodiff-book-{lang}-tensorflow.zip") as archive:
            assert archive.namelist() == [f"autodiff-book-{lang}-tensorflow/01-index-tensorflow.ipynb",
                                          f"autodiff-book-{lang}-tensorflow/02-later-tensorflow.ipynb"]
        menus = {name: [link["href"] for link in BeautifulSoup((fixture_build / "html" / lang / f"{name}.html").read_text(
            encoding="utf8"), "html.parser").select(".dropdown-download-buttons .dropdown-menu a")] for name in ("index", "later")}
        assert [href for href in menus["later"] if "notebooks/" in href] == [
            "notebooks/later-pytorch.ipynb", "notebooks/later-tensorflow.ipynb"]
        assert [href for href in menus["index"] if "notebooks/" in href] == [
            "notebooks/index-pytorch.ipynb", "notebooks/index-tensorflow.ipynb", "notebooks/index-jax.ipynb",
            f"notebooks/autodiff-book-{lang}-pytorch.zip", f"notebooks/autodiff-book-{lang}-tensorflow.zip",
            f"notebooks/autodiff-book-{lang}-jax.zip"]


def test_a_doctest_in_a_prose_tab_runs_and_is_counted(fixture_build):
    result = run_build("doctest", FIXTURES / "tabs", fixture_build)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    for lang in ("en", "zh"):
        report = (fixture_build / "doctest" / lang / "output.txt").read_text(encoding="utf8")
        assert re.search(r"^Document: index\n-+\n1 items passed all tests:\n +1 tests in default$", report, re.M), report


def test_every_tab_is_labelled_in_print_and_without_javascript(fixture_page):
    for tab_set in fixture_page.select(".sd-tab-set"):
        contents = tab_set.select(":scope > .sd-tab-content")
        labels = [content.find_previous_sibling().get_text(strip=True) for content in contents]
        assert labels == list(tabs.FRAMEWORKS.values())  # what is shown above each tab on paper
    css = str(fixture_page.find_parent("html").head)
    assert f"<noscript><style>{EVERY_TAB}</style></noscript>" in css and f"@media print{{{EVERY_TAB}}}" in css


@pytest.mark.browser
@pytest.mark.parametrize("where", ["without JavaScript", "in print"])
def test_in_a_browser_every_prose_tab_is_shown_under_its_label(fixture_build, where):
    require_browser()
    driver = make_browser()
    try:
        if where == "without JavaScript":
            driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        else:
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.get((fixture_build / "html" / "en" / "index.html").as_uri())
        shown = [element.text for element in driver.find_elements("css selector", ".sd-tab-set > *")
                 if element.is_displayed()]
    finally:
        driver.quit()
    # The run of prose and code, then the prose-only run: each label, then its tab, in the page's order.
    assert shown[-6:] == ["PyTorch", "PyTorch prose alone, then a claim:\nThe answer is 42.\n>>> 6 * 7\n42",
                          "TensorFlow", "TensorFlow prose alone.", "JAX", "JAX prose alone."]
    assert shown.count("PyTorch") == shown.count("TensorFlow") == shown.count("JAX") == 4


# At DOMContentLoaded, before sphinx-design's script selects the stored tab: what the first paint showed.
FIRST_PAINT = """document.addEventListener("DOMContentLoaded", () => {
  window.firstPaint = {framework: document.documentElement.dataset.framework || null,
    shown: Array.from(document.querySelectorAll(".framework-tabs > .sd-tab-content"))
                .filter(tab => getComputedStyle(tab).display !== "none")
                .map(tab => tab.previousElementSibling.textContent.trim())};
});"""
CHECKED = ("return Array.from(document.querySelectorAll('.framework-tabs > input:checked'))"
           ".map(input => input.nextElementSibling.textContent.trim())")


@pytest.mark.browser
def test_a_reader_who_chose_jax_sees_pytorch_where_a_page_has_no_jax_tabs_and_keeps_the_choice(fixture_build):
    require_browser()
    driver = make_browser()
    pages = {name: (fixture_build / "html" / "en" / f"{name}.html").as_uri() for name in ("index", "later")}
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FIRST_PAINT})
        driver.get(pages["index"])
        driver.find_element("css selector", ".framework-tabs > label[data-sync-id='jax']").click()
        assert set(driver.execute_script(CHECKED)) == {"JAX"}
        driver.get(pages["later"])
        later = driver.execute_script("return [window.firstPaint, localStorage.getItem('sphinx-design-tab-id-framework')]")
        later_checked = driver.execute_script(CHECKED)
        driver.get(pages["index"])
        again = driver.execute_script("return window.firstPaint"), driver.execute_script(CHECKED)
    finally:
        driver.quit()
    # No JAX tab here: the first tab, shown from the first paint (no tab set left empty), the choice kept.
    assert later == [{"framework": None, "shown": ["PyTorch"]}, "jax"]
    assert later_checked == ["PyTorch"]
    assert again[0] == {"framework": "jax", "shown": ["JAX"] * 4} and set(again[1]) == {"JAX"}
