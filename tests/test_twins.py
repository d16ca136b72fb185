"""The two language trees hold the same pages with the same code."""
import shutil

import pytest

from autodiff_book.structure import structure_problems
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


WITH_DOCSTRING = 'def value():\n    """{doc}"""\n    return "tf value"\nx = value()'


def twins_with_a_docstring(tmp_path, english, chinese):
    """The tabs fixture whose TensorFlow cell defines a function with a docstring in each language."""
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "tabs", docs)
    for lang, code in (("en", english), ("zh", chinese)):
        page = docs / lang / "index.md"
        page.write_text(page.read_text(encoding="utf8").replace('x = "tf value"', code), encoding="utf8")
    return docs


def test_twins_may_word_a_docstring_in_their_own_language(tmp_path):
    docs = twins_with_a_docstring(tmp_path, WITH_DOCSTRING.format(doc="The value TensorFlow prints."),
                                  WITH_DOCSTRING.format(doc="TensorFlow 打印的值。\n\n    两行也可以。\n    "))
    assert twin_problems(docs) == []


@pytest.mark.parametrize("chinese", [
    WITH_DOCSTRING.format(doc="TensorFlow 打印的值。").replace('return "tf value"', 'return "TF"'),
    WITH_DOCSTRING.format(doc="TensorFlow 打印的值。").replace('    """TensorFlow 打印的值。"""\n', ""),
    WITH_DOCSTRING.format(doc="TensorFlow 打印的值。").replace("x = value()", '"""TensorFlow 打印的值。"""\nx = value()'),
], ids=["code-beside-it", "docstring-dropped", "a-string-that-is-no-docstring"])
def test_code_beside_a_translated_docstring_must_still_match(tmp_path, chinese):
    docs = twins_with_a_docstring(tmp_path, WITH_DOCSTRING.format(doc="The value TensorFlow prints."), chinese)
    (problem,) = twin_problems(docs)
    assert f"code cell 3 of {docs / 'zh' / 'index.md'} differs" in problem


def test_twin_pages_have_the_same_structure():
    problems = structure_problems(ROOT / "docs")
    assert problems == [], "\n".join(problems)


def twins_fixture(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "twins", docs)
    assert structure_problems(docs) == []  # translated comments and anchors are not differences
    return docs


def test_a_chinese_page_that_dropped_a_section_fails_naming_the_page_and_the_section(tmp_path):
    docs = twins_fixture(tmp_path)
    page = docs / "zh" / "chain.md"
    text = page.read_text(encoding="utf8")
    page.write_text(text[:text.index("(two-functions)=")] + text[text.index("## 结论核对"):], encoding="utf8")

    problems = structure_problems(docs)

    assert problems[0].startswith(
        f"{page} does not match the structure of {docs / 'en' / 'chain.md'}: English has "
        "label `(two-functions)=` (line 5), heading `## Two functions in a row` (line 6), math ")
    assert problems[0].endswith("where Chinese has nothing (after heading `# 链式法则` (line 1))")


@pytest.mark.parametrize("page, old, new, difference", [
    ("chain.md", "## 结论核对", "### 结论核对", "English has heading `## Claims, checked` (line 18) where Chinese has "
                                             "heading `### 结论核对` (line 18)"),
    ("chain.md", r"\frac{dz}{dy}\frac{dy}{dx}", r"\frac{dy}{dx}\frac{dz}{dy}", "English has math"),
    ("chain.md", ">>> import math\n", ">>> import math  # 导入\n>>> import cmath\n", "English has doctest"),
    ("chain.md", ":::{note}", ":::{tip}", "English has directive `{note}` (line 14) where Chinese has directive `{tip}`"),
    ("chain.md", "::::{dropdown} 本页结论的 doctest\n", "", "English has directive `{dropdown} The claims of this page"),
    ("chain.md", "{term}`链式法则`", "链式法则", "English has the term `{term}`chain rule`` 1 times, Chinese 0 times"),
    ("product.md", "(chain.md#两个函数相继作用)", "(chain.md)", "English has the reference `chain.md#two-functions"),
    ("product.md", "<two-functions>", "<chain-rule>", "English has the reference `{ref}`its formula <two-functions>``"),
    ("glossary.md", "链式法则\nchain rule\n", "链式法则\n", "English has glossary entry `chain rule / 链式法则`"),
], ids=["heading-level", "math", "doctest", "admonition", "dropdown", "term", "heading-link", "ref", "glossary"])
def test_each_kind_of_structural_difference_is_named(tmp_path, page, old, new, difference):
    docs = twins_fixture(tmp_path)
    path = docs / "zh" / page
    text = path.read_text(encoding="utf8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf8")

    (problem,) = [problem for problem in structure_problems(docs) if problem.startswith(f"{path} ")]

    assert problem.startswith(f"{path} does not match the structure of {docs / 'en' / page}: ")
    assert difference in problem


def test_the_tabs_fixture_has_the_same_structure_in_both_languages():
    assert structure_problems(FIXTURES / "tabs") == []


@pytest.mark.parametrize("old, new, difference", [
    ("```{framework} tensorflow\nTensorFlow 代码后的文字。", "```{framework} pytorch\nTensorFlow 代码后的文字。",
     "English has directive `{framework} tensorflow` (line 96) where Chinese has directive `{framework} pytorch` (line 96)"),
    ("```{framework} tensorflow\n只有文字的 TensorFlow 标签页。\n```\n", "",
     "English has directive `{framework} tensorflow` (line 121) where Chinese has nothing"),
    ("```{code-cell} ipython3\n%%tab jax\nx = \"jax value\"\nx\n```\n", "",
     "English has code cell `{code-cell} %%tab jax` (line 34) where Chinese has nothing"),
    # The PyTorch prose moved from before its code cell to after it: a different place in the tab.
    ("```{framework} pytorch\nPyTorch 代码前的文字，含数学 {math}`x^2` 与 $y = 2$。\n```\n\n```{code-cell} ipython3\n"
     "%%tab pytorch\nprint(\"pytorch code between prose\")\n```\n",
     "```{code-cell} ipython3\n%%tab pytorch\nprint(\"pytorch code between prose\")\n```\n\n```{framework} pytorch\n"
     "PyTorch 代码前的文字，含数学 {math}`x^2` 与 $y = 2$。\n```\n",
     "English has nothing where Chinese has code cell `{code-cell} %%tab pytorch` (line 82)"),
], ids=["other-framework", "dropped", "moved-past-a-cell", "jax-cell-dropped"])
def test_a_prose_tab_must_be_in_the_same_place_for_the_same_framework(tmp_path, old, new, difference):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "tabs", docs)
    path = docs / "zh" / "index.md"
    text = path.read_text(encoding="utf8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf8")

    problem = structure_problems(docs)[0]

    assert problem.startswith(f"{path} does not match the structure of {docs / 'en' / 'index.md'}: ")
    assert difference in problem


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_page_with_jax_has_it_in_every_tab_set(tmp_path, lang):
    """JAX reaches the pages one at a time: a page has a JAX tab in every tab set, or in none."""
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "tabs", docs)
    path = docs / lang / "index.md"
    text = path.read_text(encoding="utf8")
    cell = '```{code-cell} ipython3\n%%tab jax\nx, shared\n```\n'
    assert text.count(cell) == 1
    path.write_text(text.replace(cell, ""), encoding="utf8")
    line = text[:text.index("```{code-cell} ipython3\n%%tab pytorch\nx, shared")].count("\n") + 1

    assert f"{path}, line {line}: this tab set has no JAX tab, but the page has JAX tabs (line 21), and a page has " \
           "them in every tab set or in none: add a `%%tab jax` cell or a `{framework} jax` block to it" \
           in structure_problems(docs)
