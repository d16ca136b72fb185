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
        frameworks = {"pytorch", "tensorflow", "jax"}
        assert set(page) == frameworks, f"{language}/control-flow.md: f in the tabs {sorted(page)}"
        assert set(exercise) == frameworks, f"{language}/exercises.md: f in the tabs {sorted(exercise)}"
        for name in sorted(frameworks):  # tab by tab
            assert exercise[name] == page[name], \
                f"{language}/exercises.md: exercise 3's f in the {name} tab differs from control-flow.md's"


def test_a_different_f_is_found(tmp_path):
    page = tmp_path / "page.md"
    source = (ROOT / "docs" / "en" / "control-flow.md").read_text(encoding="utf8")
    page.write_text(source.replace("100 * b", "-0.1 * b"), encoding="utf8")
    assert definitions_of_f(page) != definitions_of_f(ROOT / "docs" / "en" / "control-flow.md")


def test_a_different_f_in_one_tab_is_found(tmp_path):
    page = tmp_path / "page.md"
    source = (ROOT / "docs" / "en" / "exercises.md").read_text(encoding="utf8")
    changed = source.replace("while jnp.linalg.norm(b) < 1000:", "while jnp.linalg.norm(b) < 100:")
    assert changed != source
    page.write_text(changed, encoding="utf8")
    original, found = definitions_of_f(ROOT / "docs" / "en" / "exercises.md"), definitions_of_f(page)
    assert found["jax"] != original["jax"]
    assert {name: found[name] for name in ("pytorch", "tensorflow")} == \
        {name: original[name] for name in ("pytorch", "tensorflow")}
