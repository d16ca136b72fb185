"""Exercise 3 asks about "the control-flow example": both pages must define the same f."""
import re

from autodiff_book.twins import code_cells, without_comments

from conftest import ROOT


def definitions_of_f(page):
    """{framework: code of `def f(a)`, comments removed} from a page's %%tab cells."""
    found = {}
    for source in code_cells(page):
        source = without_comments(source) + "\n"
        match = re.match(r"%%tab (\w+)\n", source)
        body = re.search(r"^def f\(a\):\n(?:    .*\n)+", source, flags=re.M)
        if match and body:
            found[match.group(1)] = body.group(0)
    return found


def test_exercise_3_uses_the_function_of_the_control_flow_page():
    for language in ("en", "zh"):
        page = definitions_of_f(ROOT / "docs" / language / "control-flow.md")
        exercise = definitions_of_f(ROOT / "docs" / language / "exercises.md")
        assert {"pytorch", "tensorflow"} <= set(page), f"{language}/control-flow.md: no f in both tabs"
        assert {"pytorch", "tensorflow"} <= set(exercise), f"{language}/exercises.md: no f in both tabs"
        # The exercises page may not have a JAX tab yet (JAX comes page by page): its tabs must match.
        assert exercise == {name: page.get(name) for name in exercise}, \
            f"{language}/exercises.md: exercise 3's f differs from control-flow.md's"


def test_a_different_f_is_found(tmp_path):
    page = tmp_path / "page.md"
    source = (ROOT / "docs" / "en" / "control-flow.md").read_text(encoding="utf8")
    page.write_text(source.replace("100 * b", "-0.1 * b"), encoding="utf8")
    assert definitions_of_f(page) != definitions_of_f(ROOT / "docs" / "en" / "control-flow.md")
