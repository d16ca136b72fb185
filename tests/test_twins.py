"""The two language trees hold the same pages with the same code."""
import shutil

from autodiff_book.twins import twin_problems

from conftest import FIXTURES, ROOT


def test_every_page_has_its_twin_with_identical_code():
    problems = twin_problems(ROOT / "docs")
    assert problems == [], "\n".join(problems)


def test_a_code_difference_names_the_page_and_the_cell(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "tabs", docs)
    zh_page = docs / "zh" / "index.md"
    zh_page.write_text(zh_page.read_text(encoding="utf8").replace('x = "tf value"', 'x = "TF"'), encoding="utf8")

    (problem,) = twin_problems(docs)

    assert f"code cell 3 of {zh_page} differs from {docs / 'en' / 'index.md'}" in problem
    assert '+x = "TF"' in problem


def test_a_missing_twin_is_named_with_what_to_write(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "tabs", docs)
    (docs / "zh" / "index.md").unlink()

    assert twin_problems(docs) == [
        f"{docs / 'en' / 'index.md'} has no twin: write {docs / 'zh' / 'index.md'} (same code cells, translated prose)"
    ]


SETUP_CELL = "from autodiff_book import page\npage.setup()"


def test_every_notebook_page_starts_with_the_one_call_set_up_cell():
    from myst_nb.core.read import read_myst_markdown_notebook

    for page in sorted((ROOT / "docs").glob("*/*.md")):
        notebook = read_myst_markdown_notebook(page.read_text(encoding="utf8"), path=str(page))
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        if not code:
            continue
        first = code[0]
        assert first.source.strip() == SETUP_CELL, f"{page}: the first code cell must be the set-up cell"
        assert "remove-cell" in first.metadata.get("tags", []), f"{page}: hide the set-up cell (remove-cell)"
        setup_copies = [cell for cell in code[1:] if "page.setup()" in cell.source or "seed_everything" in cell.source]
        assert setup_copies == [], f"{page}: set-up code repeated after the first cell"


def test_twins_may_differ_in_comments_only(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "tabs", docs)
    zh_page = docs / "zh" / "index.md"
    zh_page.write_text(
        zh_page.read_text(encoding="utf8").replace('x = "tf value"', 'x = "tf value"  # 中文注释\n# 整行注释'),
        encoding="utf8",
    )
    assert twin_problems(docs) == []
