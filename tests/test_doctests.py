"""`make doctest` restates the chapter's key claims on every page, in both languages."""
import re

import pytest

from conftest import LANGUAGES, ROOT

CHAPTER = ["basics", "non-scalar-outputs", "detaching", "control-flow", "pitfalls", "where-derivatives-break",
           "higher-order", "custom-gradients", "under-the-hood"]
MIN_CHECKS = 5


def doctest_counts(lang):
    """{page: (tests run, failures)} from the doctest builder's report of one language."""
    report = ROOT / "_build" / "doctest" / lang / "output.txt"
    if not report.exists():
        pytest.fail(f"{report} is missing: run `make doctest` first (`make test` does)")
    counts = {}
    for page, body in re.findall(r"^Document: (\S+)\n-+\n(.*?)(?=^Document: |^Doctest summary)",
                                 report.read_text(encoding="utf8"), re.M | re.S):
        tests, passed, failed = map(int, re.search(r"(\d+) tests in .*?(\d+) passed and (\d+) failed",
                                                   body, re.S).groups())
        counts[page] = (tests, failed)
    return counts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_chapter_page_checks_at_least_five_claims(lang):
    counts = doctest_counts(lang)
    short = {page: counts.get(page, (0, 0))[0] for page in CHAPTER if counts.get(page, (0, 0))[0] < MIN_CHECKS}
    assert short == {}, f"{lang}: pages with fewer than {MIN_CHECKS} doctest checks"
    assert {page: failed for page, (_, failed) in counts.items() if failed} == {}


def test_the_doctest_build_reads_pages_in_one_process(monkeypatch, tmp_path):
    """Its examples import JAX into the build's process before the next language is read: a parallel
    read would then fork JAX's threads, which JAX warns may deadlock."""
    from autodiff_book import build

    calls = []
    monkeypatch.setattr(build, "build_main", lambda arguments: calls.append(arguments) or 0)
    assert build.build("doctest", jobs="2", docs=tmp_path, out=tmp_path) == 0
    assert [arguments[arguments.index("-j") + 1] for arguments in calls] == ["1"] * len(LANGUAGES)
    build.build("html", jobs="2", docs=tmp_path, out=tmp_path)  # the HTML build runs no page code in-process
    assert calls[-1][calls[-1].index("-j") + 1] == "2"
