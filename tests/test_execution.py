"""The build executes each page once, in kernels that cannot collide, and names a page that fails."""
import re
import sys

import nbformat
import pytest

from autodiff_book.sphinx_ext.execution import execute_notebook
from conftest import ROOT, run_build
from test_strict_build import code_cell, notebook, write_site


def test_the_build_starts_kernels_that_talk_over_ipc_not_tcp(tmp_path):
    # TCP ports are chosen by the client and bound later by the kernel, so two kernels started at
    # once can be handed the same port; Unix sockets named per kernel cannot collide.
    ask_the_kernel = "from ipykernel.connect import get_connection_info\nprint(get_connection_info(unpack=True)['transport'])"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ask_the_kernel)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    execute_notebook(nb, tmp_path, timeout=60)
    assert nb.cells[0].outputs[0]["text"].strip() == "ipc"


@pytest.mark.parametrize(
    "code, sphinx_options, message",
    [
        ("import os\nos._exit(1)", (), "the kernel died"),
        ("import time\ntime.sleep(60)", ("--", "-D", "nb_execution_timeout=3"),
         "a cell ran longer than the time limit"),
    ],
    ids=["kernel-dies", "cell-past-the-time-limit"],
)
def test_a_page_that_cannot_finish_stops_the_build_naming_the_page(tmp_path, code, sphinx_options, message):
    page = notebook("Stops", code)
    docs = write_site(tmp_path, {"en/index.md": page, "zh/index.md": page})
    result = run_build("html", docs, tmp_path / "_build", *sphinx_options)
    assert result.returncode != 0
    assert f"{docs / 'en' / 'index.md'}: {message}" in result.stderr
    assert "Traceback" not in result.stderr, "one message, not a crash report"


def test_a_damaged_cache_is_moved_aside_and_the_build_executes_afresh(tmp_path):
    page = notebook("Cached", "print(6 * 7)")
    docs = write_site(tmp_path, {"en/index.md": page, "zh/index.md": page})
    out = tmp_path / "_build"
    assert run_build("html", docs, out).returncode == 0
    (out / "jupyter_cache" / "global.db").write_bytes(b"this is not a database" * 100)

    result = run_build("html", docs, out, "--", "-E")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "could not be read" in result.stdout and "starting a new one" in result.stdout
    assert "executed in" in result.stdout
    assert len(list(out.glob("jupyter_cache.broken-*"))) == 1
    assert ">42<" in (out / "html" / "en" / "index.html").read_text(encoding="utf8").replace("\n", "<")


def test_a_twin_that_differs_only_in_comments_executes_nothing(tmp_path):
    # A fresh random id in every execution: the same id on both pages means one execution.
    code = "import uuid\nprint(uuid.uuid4().hex)  # {}"
    docs = write_site(tmp_path, {
        "en/index.md": notebook("Twin", code.format("a new id each run")),
        "zh/index.md": notebook("孪生", code.format("每次运行都不同")),
    })
    result = run_build("html", docs, tmp_path / "_build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "zh/index.md" in result.stdout and "outputs of its English twin" in result.stdout
    assert result.stdout.count("executed in") == 1
    html = {lang: (tmp_path / "_build" / "html" / lang / "index.html").read_text(encoding="utf8") for lang in ("en", "zh")}
    assert "每次运行都不同" in html["zh"]
    (printed,) = set(re.findall(r"\b[0-9a-f]{32}\b", html["en"]))
    assert printed in html["zh"]


def test_a_cold_build_log_names_each_page_once_and_fits_on_a_screen(tmp_path):
    docs = write_site(tmp_path, {
        "en/index.md": "# Home\n\n```{toctree}\none\n```\n", "zh/index.md": "# 首页\n\n```{toctree}\none\n```\n",
        "en/one.md": notebook("One", "print(1)"), "zh/one.md": notebook("一", "print(1)"),
    })
    result = run_build("html", docs, tmp_path / "_build")
    assert result.returncode == 0, result.stdout + result.stderr
    log = result.stdout + result.stderr
    assert "Kernel is running over TCP" not in log
    for lang in ("en", "zh"):
        assert log.count(f"{lang}/one.md") == 1 and log.count(f"{lang}/index.md") == 1
    assert len(log.splitlines()) <= 12, log


def test_myst_nb_finds_every_page_in_the_cache_and_executes_nothing_itself(tmp_path):
    # Were the build's cache key to differ from myst-nb's, myst-nb would execute each page again,
    # over TCP, in the parallel readers: the race this design removes.
    page = notebook("Once", "print(1)")
    docs = write_site(tmp_path, {"en/index.md": page, "zh/index.md": page})
    result = run_build("html", docs, tmp_path / "_build", "-v")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Using cached notebook" in result.stdout + result.stderr  # myst-nb's own words, shown by -v
    assert "Executing notebook" not in result.stdout + result.stderr


PRINTS_IN_TWO_CHUNKS = """\
import sys, time
sys.stdout.write("after .item():")
sys.stdout.flush()  # the kernel sends this part at once
time.sleep(0.3)
print(" 0 warnings")"""
TIMING_CELL = """\
import time
start = time.perf_counter()
elapsed_ms = (time.perf_counter() - start) * 1e3
print(f"{elapsed_ms:.6f} ms")"""
GLUE_CELL = 'from autodiff_book.prose import glue_value\nglue_value("elapsed", f"{elapsed_ms:.6f}")'


SETUP_CELL = "from autodiff_book import page\npage.setup()"  # as every page starts: seeds every generator
RANDOM_DRAWS = ("%%tab pytorch\nimport numpy as np, torch\nprint(np.random.rand(2), torch.randn(3))",
                "%%tab tensorflow\nimport numpy as np, tensorflow as tf\nprint(np.random.rand(2), tf.random.normal([3]))")


def reproducible_page(title):
    """A page as the book writes them: set-up cell, random draws, a line printed in two chunks, a timing."""
    cells = [(PRINTS_IN_TWO_CHUNKS, ""), (RANDOM_DRAWS[0], ""), (RANDOM_DRAWS[1], ""),
             (TIMING_CELL, "timing"), (GLUE_CELL, "remove-cell, timing")]
    return (notebook(title, SETUP_CELL, "remove-cell") + "".join(f"\n{code_cell(code, tags)}" for code, tags in cells)
            + "\nHere it took {glue:md}`elapsed` ms.\n")


def import_reproducible():
    """benchmarks/reproducible.py: the comparison `make stress` runs, a maintainer's tool outside the package."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import reproducible

    return reproducible


def test_a_timing_value_is_masked_as_a_whole_number_only():
    masked = import_reproducible().normalised_text("took 3.5 ms, then 13.5 ms and 3.5", {"3.5"})
    assert masked == "took ⟨timing⟩ ms, then 13.5 ms and ⟨timing⟩"


def test_two_cold_builds_write_the_same_pages_and_notebooks_random_draws_included_timing_aside(tmp_path):
    different_files = import_reproducible().different_files

    docs = write_site(tmp_path, {"en/index.md": reproducible_page("Twice"), "zh/index.md": reproducible_page("两次")})
    builds = []
    for name in ("first", "second"):
        out = tmp_path / name
        result = run_build("html", docs, out)
        assert result.returncode == 0, result.stdout + result.stderr
        builds.append((out / "html", out / "jupyter_cache"))
    pages = [(html / "en" / "index.html").read_text(encoding="utf8") for html, _ in builds]
    # one printed line stays one line: the two chunks are one output, in the page and the notebook
    for (html, _), page in zip(builds, pages):
        assert "after .item(): 0 warnings" in page, "a line printed in two chunks is shown on two lines"
        stored = nbformat.read(html / "en" / "notebooks" / "index-pytorch.ipynb", as_version=4)
        assert [o["text"] for c in stored.cells for o in c.get("outputs", []) if o.get("name") == "stdout"][0] == (
            "after .item(): 0 warnings\n")
    # the draws were made and shown: numpy's and torch's, then numpy's and TensorFlow's
    draws = re.findall(r"\[[\d.e\s-]+\] (tensor\(|tf\.Tensor\()", pages[0])
    assert draws == ["tensor(", "tf.Tensor("], draws
    assert pages[0] != pages[1], "the timing cell measured the same time twice: nothing was set aside"
    assert different_files(*builds) == []
