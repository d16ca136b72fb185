"""A Chinese page knows which English prose it translates; a reader sees when it is behind."""
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from autodiff_book import translations

from conftest import FIXTURES, LANGUAGES, ROOT, page_names, run_build

EDITED = ("multiplies local derivatives along a path.", "multiplies the local derivatives met along a path.")


def notice(html_path):
    """The outdated-translation notice of a built page, or None."""
    return BeautifulSoup(html_path.read_text(encoding="utf8"), "html.parser").select_one(".outdated-translation")


def git(docs, *args):
    subprocess.run(["git", "-C", str(docs), *args], check=True, capture_output=True)


@pytest.fixture
def docs(tmp_path):
    """The twins fixture in a throw-away git repository, every Chinese page marked as translated."""
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "twins", docs)
    assert translations.main(["--docs", str(docs), "mark", "--all"]) == 0
    git(docs, "init", "--quiet")
    git(docs, "add", ".")
    git(docs, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "translated")
    return docs


def edit(path, old, new):
    text = path.read_text(encoding="utf8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf8")


def test_an_english_edit_makes_its_twin_stale_with_a_notice_until_it_is_marked(docs, tmp_path):
    out = tmp_path / "_build"
    assert run_build("html", docs, out).returncode == 0
    assert [notice(out / "html" / "zh" / f"{name}.html") for name in ("index", "chain", "product")] == [None] * 3

    edit(docs / "en" / "chain.md", *EDITED)
    assert translations.stale_pages(docs) == [translations.Path("chain.md")]
    result = run_build("html", docs, out)  # incremental, as `make html` after an edit
    assert result.returncode == 0, result.stderr[-2000:]
    stale = notice(out / "html" / "zh" / "chain.html")
    assert stale is not None and "英文页面在本页翻译之后有过修改" in stale.get_text()
    assert stale.find("a")["href"] == "../en/chain.html"
    pages_with_notice = [f"{lang}/{name}" for lang in LANGUAGES for name in ("index", "chain", "product", "glossary")
                         if notice(out / "html" / lang / f"{name}.html")]
    assert pages_with_notice == ["zh/chain"]

    assert translations.main(["--docs", str(docs), "mark", "chain"]) == 0
    assert translations.stale_pages(docs) == []
    assert run_build("html", docs, out).returncode == 0
    assert notice(out / "html" / "zh" / "chain.html") is None


def test_the_status_shows_the_english_words_changed_since_the_translated_commit(docs):
    edit(docs / "en" / "chain.md", *EDITED)
    report = translations.status(docs)
    assert report.startswith("1 of 4 Chinese pages are behind their English twin:")
    assert re.search(rf"{docs / 'zh' / 'chain.md'}: translates {docs / 'en' / 'chain.md'} "
                     r"as of [0-9a-f]{7,} \d{4}-\d\d-\d\d translated; since then:", report)  # commit, date, subject
    assert "multiplies {+the+} local derivatives {+met+} along a path." in report
    assert "product.md" not in report


def test_without_the_translated_version_in_history_the_status_says_so(docs):
    edit(docs / "en" / "chain.md", *EDITED)
    git(docs, "commit", "--quiet", "--amend", "-a", "-m", "the old English text is gone from history")
    edit(docs / "en" / "chain.md", "along a path", "along one path")
    report = translations.status(docs)
    assert "is in no commit of this clone's git history: compare it with" in report


def test_a_page_never_marked_is_stale(docs):
    shutil.copy(FIXTURES / "twins" / "zh" / "product.md", docs / "zh" / "product.md")  # as written, unmarked
    assert translations.recorded_fingerprint((docs / "zh" / "product.md").read_text(encoding="utf8")) is None
    assert translations.stale_pages(docs) == [translations.Path("product.md")]
    assert "never marked as translated" in translations.status(docs)


def test_code_and_whitespace_changes_leave_the_translation_current():
    page = (ROOT / "docs" / "en" / "basics.md").read_text(encoding="utf8")
    code_changed = page.replace("y = 2 * torch.dot(x, x)\n", "y = 2.0 * torch.dot(x, x)\n", 1)
    rewrapped = page.replace("Training a network means moving every parameter ", "Training a network\nmeans  moving every parameter\n\n", 1)
    comment_changed = page.replace("# record every operation on x", "# record what happens to x", 1)
    prose_changed = page.replace("Training a network means moving", "Training a network is moving", 1)
    assert len({code_changed, rewrapped, comment_changed, prose_changed, page}) == 5
    same = translations.fingerprint(page)
    assert translations.fingerprint(code_changed) == translations.fingerprint(rewrapped) == same
    assert translations.fingerprint(comment_changed) != same  # comments are translated too
    assert translations.fingerprint(prose_changed) != same


def test_a_jax_cell_and_a_jax_prose_tab_count_as_the_others_do():
    page = (ROOT / "docs" / "en" / "basics.md").read_text(encoding="utf8")
    edits = {"code": ("x_grad = jax.grad(f)(x)  #", "x_grad = jax.grad(f)(1.0 * x)  #"),
             "comment": ("# grad(f) is a function: call it at x", "# call grad(f) at x"),
             "prose tab": ("JAX stores nothing on `x`.", "JAX keeps nothing on `x`.")}
    edited = {what: page.replace(old, new, 1) for what, (old, new) in edits.items()}
    assert all(text != page for text in edited.values())
    same = translations.fingerprint(page)
    assert translations.fingerprint(edited["code"]) == same
    assert translations.fingerprint(edited["comment"]) != same and translations.fingerprint(edited["prose tab"]) != same


def test_a_changed_docstring_makes_the_translation_stale_like_a_comment():
    page = ('# Page\n\n```{code-cell} ipython3\n%%tab pytorch\ndef twice(x):\n'
            '    """Twice x, as a new tensor."""\n    return 2 * x\n```\n')
    same = translations.fingerprint(page)
    assert translations.fingerprint(page.replace("2 * x", "x + x")) == same
    assert translations.fingerprint(page.replace("as a new tensor", "as a copy")) != same


def test_a_translation_recorded_before_docstrings_counted_shows_them_to_check(docs):
    cell = '\n```{code-cell} ipython3\ndef twice(x):\n    """Twice x, as a new tensor."""\n    return 2 * x\n```\n'
    for lang in ("en", "zh"):
        page = docs / lang / "chain.md"
        page.write_text(page.read_text(encoding="utf8") + cell, encoding="utf8")
    english = (docs / "en" / "chain.md").read_text(encoding="utf8")
    zh_page = docs / "zh" / "chain.md"
    legacy = translations.fingerprint(english, docstrings=False)
    zh_page.write_text(translations.with_fingerprint(zh_page.read_text(encoding="utf8"), legacy), encoding="utf8")
    git(docs, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--amend", "-am", "one commit: a function with a docstring")

    assert translations.stale_pages(docs) == [translations.Path("chain.md")]
    report = translations.status(docs)
    assert "since then:\n+ Twice x, as a new tensor.\n" in report, report


def test_the_site_shows_the_notice_on_exactly_the_stale_pages(site):
    stale = {page.with_suffix("").as_posix() for page in translations.stale_pages(ROOT / "docs")}
    for lang in LANGUAGES:
        for name in page_names():
            shown = notice(site / lang / f"{name}.html") is not None
            assert shown == (lang == "zh" and name in stale), f"{lang}/{name}: notice shown: {shown}"
