"""Framework tabs: the %%tab magic in a kernel, and the tab sets it becomes on a page."""
import pytest
from bs4 import BeautifulSoup
from IPython.core.interactiveshell import InteractiveShell

from autodiff_book import tabs

from conftest import FIXTURES, run_build


@pytest.fixture(scope="module")
def fixture_page(tmp_path_factory):
    """The tabs fixture (tests/fixtures/tabs), built like the site; its English page."""
    out = tmp_path_factory.mktemp("tabs") / "_build"
    result = run_build("html", FIXTURES / "tabs", out)
    assert result.returncode == 0, result.stderr[-3000:]
    html = (out / "html" / "en" / "index.html").read_text(encoding="utf8")
    return BeautifulSoup(html, "html.parser").select_one("article")


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    tabs.register(shell)
    yield shell
    InteractiveShell.clear_instance()


def test_each_framework_keeps_its_own_names_and_sees_shared_ones(shell):
    shell.run_cell("%%tab pytorch\nx = 'torch'")
    shell.run_cell("%%tab tensorflow\nx = 'tf'")
    shell.run_cell("scale = 10")
    shell.run_cell("%%tab pytorch\nresult = x * 2, scale")
    assert tabs.in_tab("pytorch", "result") == ("torchtorch", 10)
    assert tabs.in_tab("tensorflow", "x") == "tf"
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
    assert len(tab_sets) == 2  # two runs of adjacent framework cells, split by a paragraph and a shared cell
    for tab_set in tab_sets:
        labels = tab_set.select("label.sd-tab-label")
        assert [label.get_text(strip=True) for label in labels] == ["PyTorch", "TensorFlow"]
        assert [(l["data-sync-group"], l["data-sync-id"]) for l in labels] == [
            ("framework", "pytorch"), ("framework", "tensorflow")]


def test_the_magic_line_is_not_shown(fixture_page):
    sources = [block.get_text() for block in fixture_page.select("div.cell_input")]
    assert sources and not any("%%tab" in source for source in sources)


def test_each_output_sits_under_its_own_tab(fixture_page):
    first, second = fixture_page.select(".sd-tab-set")
    torch_tab, tf_tab = (content.get_text(" ", strip=True) for content in first.select(".sd-tab-content"))
    assert "printed by pytorch" in torch_tab and "'torch value'" in torch_tab
    assert "'tf value'" in tf_tab and "torch" not in tf_tab
    torch_tab, tf_tab = (content.get_text(" ", strip=True) for content in second.select(".sd-tab-content"))
    assert "('torch value', 'shared value')" in torch_tab
    (traceback,) = second.select(".sd-tab-content")[0].select("div.output.traceback")
    assert traceback.get_text().strip() == "ValueError: taught on purpose"  # type and message, no frames
    assert "('tf value', 'shared value')" in tf_tab and "8" in tf_tab


def test_shared_cells_stay_outside_the_tabs(fixture_page):
    shared = [cell for cell in fixture_page.select("div.cell") if not cell.find_parent(class_="sd-tab-set")]
    assert [cell.get_text(" ", strip=True) for cell in shared] == ['shared = "shared value" shared \'shared value\'']


def test_without_javascript_both_tabs_are_shown_one_after_the_other(fixture_page):
    page = fixture_page.find_parent("html")
    noscript = page.head.find("noscript")
    assert noscript is not None and ".sd-tab-content{display:block!important" in str(noscript)
