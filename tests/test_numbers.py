"""Numbers in the prose are typeset, not printed as Python prints them (built site).

Pages glue computed numbers into their prose, often formatted by Python (``1.7e-09``); one execution
serves both languages, so ``sphinx_ext/numbers.py`` typesets them when each tree is written.
"""
import re

import pytest
from bs4 import BeautifulSoup
from conftest import LANGUAGES, page_names

PYTHON_NOTATION = re.compile(r"(?<![\w.])\d(?:\.\d+)?e[-+]?\d+(?![\w.])", re.IGNORECASE)
LIST_SEPARATOR = {"en": ",", "zh": "、"}


def article(site, lang, name):
    return BeautifulSoup((site / lang / f"{name}.html").read_text(encoding="utf8"), "html.parser").select_one("article")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_number_in_the_prose_is_in_pythons_scientific_notation(site, lang):
    found = {}
    for name in page_names():
        text = article(site, lang, name)
        for node in text.select("pre, div.highlight, code, .katex-mathml"):  # code keeps Python's notation
            node.decompose()
        if hits := PYTHON_NOTATION.findall(text.get_text()):
            found[name] = hits
    assert found == {}, f"numbers printed as Python prints them in the prose: {found}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_list_of_numbers_in_the_prose_is_separated_as_the_language_writes_lists(site, lang):
    separators = []
    for name in page_names():
        for number in article(site, lang, name).select("span.number"):
            assert re.fullmatch(r"(\d(\.\d+)?\xa0×\xa0)?10", number.find(string=True)), number
            assert re.fullmatch(r"[−]?\d+", number.sup.get_text()), number  # a minus sign, not a hyphen
            following = number.find_next_sibling()
            if following is not None and following.name == "span" and "number" in following.get("class", []):
                between = []
                for node in number.next_siblings:
                    if node is following:
                        break
                    between.append(node.get_text())
                separators.append((name, "".join(between).strip()))
    # higher-order's Newton steps are such a list: it must be found, and each separator right.
    assert any(name == "higher-order" for name, _ in separators), separators
    assert {separator for _, separator in separators} == {LIST_SEPARATOR[lang]}, separators


def zh_prose(site, name):
    text = article(site, "zh", name)
    for node in text.select("pre, div.highlight, code, .katex, .katex-mathml, script"):  # code keeps Python's notation
        node.decompose()
    return text.get_text()


def test_the_chinese_prose_groups_digits_one_way(site):
    """GB/T 15835: 1 000 000, 524 288 (narrow no-break space), 2047; never 1,000,000, 524288 or 40 000."""
    found, grouped = {}, []
    for name in page_names():
        prose = zh_prose(site, name)
        for match in re.finditer(r"(?<![\d.,\u202f])(?:\d{1,3}(?:[, \u2009\u202f]\d{3})+|\d+)(?![\d\u202f])", prose):
            number, digits = match[0], re.sub(r"\D", "", match[0])
            right = f"{int(digits):,}".replace(",", "\u202f") if len(digits) >= 5 else digits
            if number != right:
                found.setdefault(name, []).append(number)
            elif "\u202f" in number:
                grouped.append(name)
    assert found == {}, f"numbers in the zh prose not grouped as GB/T 15835 asks: {found}"
    # The pages glue such numbers (exercises' n = 1 000 000): the rule must have met some.
    assert "exercises" in grouped, grouped


def test_the_chinese_prose_writes_nan_as_nan_not_as_python_prints_it(site):
    found = {name: hits for name in page_names() if (hits := re.findall(r"(?<![A-Za-z])nan(?![A-Za-z])", zh_prose(site, name)))}
    assert found == {}, f"write NaN in the zh prose: {found}"


# A hyphen-minus that signs a number: not after a letter, a digit or _ (UTF-8, x1-5 and 1-5 are not signs).
HYPHEN_SIGN = re.compile(r"(?<![A-Za-z0-9_])-(?=\.?\d)")


def prose(site, lang, name):
    text = article(site, lang, name)
    for node in text.select("pre, div.highlight, code, .katex, .katex-mathml, script"):  # code keeps Python's "-"
        node.decompose()
    return text.get_text()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_negative_number_in_the_prose_has_a_minus_sign_not_a_hyphen(site, lang):
    """Print −9 and [−3, 8] (U+2212), as the formulas beside them do; code and outputs keep Python's -9."""
    found = {name: [prose_text[max(0, m.start() - 15):m.end() + 5] for m in HYPHEN_SIGN.finditer(prose_text)]
             for name in page_names() if HYPHEN_SIGN.search(prose_text := prose(site, lang, name))}
    assert found == {}, f"a hyphen-minus before a number in the prose (write U+2212): {found}"
    # basics glues its batch gradient −9 into the prose: the rule must have met it.
    assert "\u22129" in prose(site, lang, "basics")
