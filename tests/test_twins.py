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
