"""A build stops on anything a reader should not see, and says which file to fix."""
import re

import pytest

from conftest import run_build

NOTEBOOK_FRONT_MATTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def write_site(root, pages):
    """Write {relative path: text} under root/docs and return the docs folder."""
    docs = root / "docs"
    for relative, text in pages.items():
        path = docs / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf8")
    return docs


def code_cell(code, tags=""):
    tag_line = f":tags: [{tags}]\n" if tags else ""
    return f"```{{code-cell}} ipython3\n{tag_line}{code}\n```\n"


def notebook(title, code, tags=""):
    return f"{NOTEBOOK_FRONT_MATTER}\n# {title}\n\n{code_cell(code, tags)}"


def test_a_page_without_its_twin_fails_the_build(tmp_path):
    docs = write_site(tmp_path, {"en/index.md": "# Home\n", "zh/index.md": "# 首页\n", "en/extra.md": "# Extra\n"})
    result = run_build("html", docs, tmp_path / "_build")
    assert result.returncode != 0
    assert f"{docs / 'en' / 'extra.md'} has no twin: write {docs / 'zh' / 'extra.md'}" in result.stderr


def failed_build_messages(tmp_path, index_page):
    """What a build of a site whose two index pages are ``index_page`` prints; it must fail."""
    docs = write_site(tmp_path, {"en/index.md": index_page, "zh/index.md": index_page})
    result = run_build("html", docs, tmp_path / "_build")
    assert result.returncode != 0
    return result.stderr


def test_a_sphinx_warning_fails_the_build(tmp_path):
    stderr = failed_build_messages(tmp_path, "# Home\n\nSee [a page that does not exist](nowhere.md).\n")
    assert "index.md" in stderr and "nowhere" in stderr


def test_a_formula_katex_cannot_draw_fails_the_build_naming_it(tmp_path):
    stderr = failed_build_messages(tmp_path, "# Home\n\nA formula with an unknown command: $\\gradient f$.\n")
    assert "index.md" in stderr and "KaTeX cannot draw the formula `\\gradient f`: Undefined control sequence" in stderr


@pytest.mark.parametrize(
    "code, tags, message",
    [
        ('raise ValueError("not taught")', "", "ValueError"),
        ('import sys; print("a log line", file=sys.stderr)', "", "stderr"),
        ('import warnings; warnings.warn("unseen")', "remove-cell", "code cell 1 wrote to stderr"),
    ],
    ids=["untagged-error", "stderr-output", "stderr-of-a-hidden-cell"],
)
def test_a_cell_that_fails_or_writes_stderr_fails_the_build(tmp_path, code, tags, message):
    page = notebook("Cells", code, tags)
    docs = write_site(tmp_path, {"en/index.md": page, "zh/index.md": page})
    result = run_build("html", docs, tmp_path / "_build")
    assert result.returncode != 0
    assert str(docs / "en" / "index.md") in result.stderr + result.stdout
    assert message in result.stderr + result.stdout


def test_an_error_tagged_raises_exception_is_shown_and_the_build_goes_on(tmp_path):
    page = notebook("Cells", 'raise ValueError("taught on purpose")', "raises-exception")
    docs = write_site(tmp_path, {"en/index.md": page, "zh/index.md": page})
    result = run_build("html", docs, tmp_path / "_build")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "_build" / "html" / "en" / "index.html").read_text(encoding="utf8")
    assert "taught on purpose" in html


def test_a_change_to_the_packages_code_makes_sphinx_read_every_page_again(tmp_path):
    """Else an incremental build keeps what the old code wrote for an unchanged page (its notebooks)."""
    from autodiff_book.sphinx_ext import code_version

    (tmp_path / "sphinx_ext" / "static").mkdir(parents=True)
    (tmp_path / "notebooks.py").write_text("INTRO = '运行全部单元'\n", encoding="utf8")
    (tmp_path / "sphinx_ext" / "static" / "search.js").write_text("// summaries\n", encoding="utf8")
    before = code_version(tmp_path)
    (tmp_path / "notes.pyc").write_bytes(b"compiled")  # not code Sphinx runs from source
    assert code_version(tmp_path) == before
    for path, text in (("notebooks.py", "INTRO = '运行所有单元格'\n"), ("sphinx_ext/static/search.js", "// cut at a word\n")):
        (tmp_path / path).write_text(text, encoding="utf8")
        assert code_version(tmp_path) != before, path
        before = code_version(tmp_path)
