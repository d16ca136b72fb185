"""One Chinese term per concept: the zh pages use the terms of CONTRIBUTING.md's table.

The table under "## Chinese terms" in CONTRIBUTING.md is the only list. A zh page that uses a
rejected variant fails, with the page, the line and the term to write instead. The glossaries
are the one place where the variants appear: each entry lists its concept's variants as
synonyms, so a reader who knows another name finds it.
"""
import re

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT
from pypinyin import Style, lazy_pinyin

from autodiff_book import structure
from autodiff_book.tabs import FRAMEWORKS

CONTRIBUTING = ROOT / "CONTRIBUTING.md"
GLOSSARY = "glossary.md"
HAN = re.compile(r"[\u4e00-\u9fff]")
# Rejected on the pages but not a glossary synonym (CONTRIBUTING.md, "Chinese terms"): few Chinese texts
# use it as a term, and a reader who looks it up is not looking for backpropagation (editor, r8).
NOT_IN_GLOSSARY = {"反向计算"}


def term_table(contributing=CONTRIBUTING, core_only=False):
    """Rows of the Chinese terms table: (English, Chinese, [rejected variants]); with ``core_only``,
    the rows whose concept says "(core)": the terms that give their English at first use."""
    text = contributing.read_text(encoding="utf8")
    section = text.split("\n## Chinese terms\n", 1)
    assert len(section) == 2, f"{contributing}: no '## Chinese terms' section with the term table"
    rows = []
    for line in section[1].splitlines():
        if line.startswith("## "):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or cells[0] in ("concept", "---"):
            continue
        assert len(cells) == 4, f"{contributing}: a term row needs 4 cells (concept, English, Chinese, rejected): {line}"
        concept, english, chinese, rejected = cells
        if core_only and "(core)" not in concept:
            continue
        rows.append((english, chinese, [v for v in re.split(r"[、,，]\s*", rejected) if v]))
    assert rows, f"{contributing}: the Chinese terms table has no rows"
    return rows


def variant_problems(zh_folder, rows):
    """One message per rejected variant on a zh page (the glossary excepted)."""
    problems = []
    for page in sorted(zh_folder.glob("*.md")):
        if page.name == GLOSSARY:
            continue
        for number, line in enumerate(page.read_text(encoding="utf8").splitlines(), start=1):
            for english, chinese, rejected in rows:
                for variant in rejected:
                    if variant in line:
                        problems.append(f"{page}:{number}: uses {variant}; write {chinese} ({english})")
    return problems


def glossary_block(glossary):
    """The content of the page's {glossary} block."""
    block = re.search(r"```\{glossary\}\n(.*?)\n```", glossary.read_text(encoding="utf8"), flags=re.S)
    assert block, f"{glossary}: no ```{{glossary}} block"
    return block.group(1)


def glossary_entries(glossary):
    """The names of each entry of a {glossary} block (index keys left out), as the structure check reads them."""
    return [list(names) for names, *_ in structure.glossary_entries(glossary_block(glossary))]


def glossary_problems(glossary, rows):
    """One message per glossary entry that does not list the rejected variants of its term."""
    problems = []
    for names in glossary_entries(glossary):
        for english, chinese, rejected in rows:
            missing = [v for v in rejected if v not in NOT_IN_GLOSSARY and not any(v in name for name in names)]
            if chinese in names and missing:
                problems.append(f"{glossary}: the entry {chinese} ({english}) does not list {'、'.join(missing)}")
    return problems


def test_the_term_table_is_read_from_contributing():
    rows = term_table()
    chinese = {row[1]: row for row in rows}
    # The decisions of this round must be in the one list.
    assert "自动求导" in chinese["自动微分"][2]
    assert "梯度累积" in chinese["梯度累加"][2]
    assert "海森" in chinese["黑塞矩阵"][2]
    assert len(chinese) == len(rows), "a Chinese term appears in two rows of the table"


def test_no_zh_page_uses_a_rejected_variant():
    problems = variant_problems(ROOT / "docs" / "zh", term_table())
    assert problems == [], "\n".join(problems)


def test_a_rejected_variant_is_named_with_page_line_and_the_term_to_use(tmp_path):
    page = tmp_path / "basics.md"
    page.write_text("# 梯度基础\n\nPyTorch 会把新梯度加到 `.grad` 上，这就是梯度累积。\n", encoding="utf8")
    (tmp_path / GLOSSARY).write_text("梯度累加\n梯度累积\n  the glossary may list it\n", encoding="utf8")

    assert variant_problems(tmp_path, term_table()) == [
        f"{page}:3: uses 梯度累积; write 梯度累加 (gradient accumulation)"
    ]


def test_each_glossary_entry_lists_the_rejected_variants_of_its_term():
    rows = term_table()
    problems = [problem for language in ("en", "zh")
                for problem in glossary_problems(ROOT / "docs" / language / GLOSSARY, rows)]
    assert problems == [], "\n".join(problems)
    listed = {name for language in ("en", "zh") for entry in glossary_entries(ROOT / "docs" / language / GLOSSARY)
              for name in entry}
    assert not NOT_IN_GLOSSARY & listed, f"the glossary lists {NOT_IN_GLOSSARY & listed}: see NOT_IN_GLOSSARY"


def test_a_glossary_entry_without_its_variants_is_named(tmp_path):
    glossary = tmp_path / GLOSSARY
    glossary.write_text("```{glossary}\n梯度累加\ngradient accumulation\n  定义。\n```\n", encoding="utf8")
    assert glossary_problems(glossary, term_table()) == [
        f"{glossary}: the entry 梯度累加 (gradient accumulation) does not list 梯度累积"
    ]


def index_key_problems(glossary):
    """One message per Chinese glossary term whose index key is not its pinyin initial.

    A Chinese reader looks a term up by pinyin (反向传播 under F), as in a Chinese book's index;
    Sphinx files a term under its key (``反向传播 : F``), or else under its first character.
    """
    problems = []
    for line in glossary_block(glossary).splitlines():
        if not line or line[0].isspace() or not HAN.match(line):
            continue
        term, *key = structure.INDEX_KEY.split(line.strip())
        initial = lazy_pinyin(term, style=Style.FIRST_LETTER)[0].upper()
        if key != [initial]:
            problems.append(f"{glossary}: write the term as `{term} : {initial}` (its pinyin initial files it in the index)")
    return problems


def test_each_chinese_glossary_term_is_filed_under_its_pinyin_initial():
    problems = index_key_problems(ROOT / "docs" / "zh" / GLOSSARY)
    assert problems == [], "\n".join(problems)


def test_a_term_without_its_pinyin_key_is_named(tmp_path):
    glossary = tmp_path / GLOSSARY
    glossary.write_text("```{glossary}\n梯度 : T\ngradient\n反向传播\n  定义。\n```\n", encoding="utf8")
    assert index_key_problems(glossary) == [
        f"{glossary}: write the term as `反向传播 : F` (its pinyin initial files it in the index)"]


@pytest.mark.parametrize("lang", ("en", "zh"))
def test_each_index_lists_its_own_language_by_letter_and_the_other_after_it(site, lang):
    """The zh index files Chinese names under their pinyin letters and the English names after
    them, in a group of their own; the en index the other way round. No letter mixes the two."""
    index = BeautifulSoup((site / lang / "genindex.html").read_text(encoding="utf8"), "html.parser")
    groups = [(h.get_text(strip=True), [a.get_text() for a in h.find_next("table").select("td > ul > li > a")])
              for h in index.select("article h2")]
    *letters, (last, others) = groups
    assert [heading for heading, _ in letters] == sorted(heading for heading, _ in letters)
    assert all(re.fullmatch("[A-Z]", heading) for heading, _ in letters), letters
    mixed = [(heading, name) for heading, names in letters for name in names if bool(HAN.search(name)) != (lang == "zh")]
    assert mixed == []
    assert others and all(bool(HAN.search(name)) != (lang == "zh") for name in others), (last, others)
    chinese = others if lang == "en" else [name for _, names in letters for name in names]
    assert chinese == sorted(chinese, key=lazy_pinyin)  # pinyin order, not the characters' code points
    if lang == "zh":
        assert others == sorted(others, key=str.casefold)
        assert dict(groups)["T"][:3] == ["梯度", "梯度裁剪", "梯度带"], dict(groups)["T"]  # ti du cai, ti du dai; tuo (拓扑序) last


# -- English at a core term's first use (CONTRIBUTING, "Chinese terms") ----------------------------
# The built zh pages checked; every content page once its gloss problems are fixed.
GLOSSED_PAGES = {"basics", "control-flow", "custom-gradients", "detaching", "exercises", "exercises-graph", "higher-order",
                 "non-scalar-outputs", "pitfalls", "under-the-hood", "where-derivatives-break"}
NOT_PROSE = ("div.cell_input, div.cell_output, div.output, div.highlight, pre, code, .headerlink, script, style, "
             "h1, h2, h3, h4, h5, h6, summary, .outdated-translation, .sd-tab-label, label")  # summary: a fold's title


def english_names(english):
    """'Hessian-vector product (HVP)' -> ['hessian-vector product', 'hvp']; 'detach, stop gradient' -> both."""
    names = []
    for name in english.split(","):
        short = re.search(r"\((.*?)\)", name)
        names += [re.sub(r"\(.*?\)", "", name).strip().lower()] + ([short.group(1).lower()] if short else [])
    return [name for name in names if name]


def reader_views(html):
    """The page's prose as the reader of each framework reads it: the main line and that framework's
    tabs. A term first met in a framework's tab is glossed there, once for each reader. A tab set
    without the reader's framework (a page JAX has not reached yet) shows them its first tab."""
    views = []
    for framework in FRAMEWORKS:
        article = BeautifulSoup(html, "html.parser").select_one("article")
        for tab_set in article.select(".sd-tab-set"):
            labels = tab_set.select(':scope > label.sd-tab-label[data-sync-group="framework"]')
            shown = framework if any(label["data-sync-id"] == framework for label in labels) else \
                labels[0]["data-sync-id"] if labels else None
            for label in labels:
                if label["data-sync-id"] != shown:
                    label.find_next_sibling(class_="sd-tab-content").decompose()
        for node in article.select(NOT_PROSE):
            node.decompose()
        for link in article.select("a.reference.internal"):  # a section's name in a cross-reference is a title
            if re.search(r"一页的“.+”$", link.get_text()):
                link.decompose()
        views.append(" ".join(article.get_text().split()))
    return views


def gloss_problems(html, rows, core, longer_names):
    """Where a reader of one framework (the main line and that framework's tabs) meets a core term
    first without its English, or meets its English where no reader meets the term first. A term
    first met in a tab is glossed in each framework's tab, and again where the main line first
    uses it if a reader meets it there first."""
    views = [uses(text, rows, longer_names) for text in dict.fromkeys(reader_views(html))]  # one, if no tabs
    problems = []
    for english, chinese, _ in rows:
        # A use is known by the text after it: the text before may be another framework's tab.
        firsts = {view[chinese][0][1][20:] for view in views if view[chinese]}  # each reader's first use
        for reader, view in enumerate(views):
            for number, (glossed, context) in enumerate(view[chinese]):
                if number == 0 and chinese in core and not glossed:
                    problem = f"{chinese}: no ({english}) at its first use: …{context}…"
                elif number > 0 and glossed and context[20:] not in firsts:
                    problem = f"{chinese}: ({english}) again after its first use: …{context}…"
                else:
                    continue
                problem = problem.replace("\0", "")
                if reader == 0 or problem not in problems:  # a use both readers meet is named once
                    problems.append(problem)
    return problems


def uses(text, rows, longer_names):
    """Each term's uses in a reader's text, in order: (glossed with its English?, the text around it)."""
    found = {}
    text = "\0" * 20 + text  # each context 20 characters before the use, even at the start
    for english, chinese, _ in rows:
        masked = text
        for longer in longer_names:
            if chinese in longer and longer != chinese:
                masked = masked.replace(longer, "□" * len(longer))
        names = english_names(english)
        # Not the page named by its title: 见{doc}`分离计算 <detaching>`一页.
        places = [m.end() for m in re.finditer(re.escape(chinese) + "(?!一页)", masked)]
        found[chinese] = [(bool(re.match(r"\s*（\s*(?:" + "|".join(map(re.escape, names)) + ")", masked[end:end + 60], re.I)),
                           masked[end - 20:end + 30]) for end in places]
    return found


def all_chinese_names():
    names = {chinese for _, chinese, _ in term_table()}
    names |= {name for entry in glossary_entries(ROOT / "docs" / "zh" / GLOSSARY) for name in entry if HAN.search(name)}
    return names


def test_a_core_term_gives_its_english_once_at_its_first_use(site):
    rows, core = term_table(), {chinese for _, chinese, _ in term_table(core_only=True)}
    found = {name: gloss_problems((site / "zh" / f"{name}.html").read_text(encoding="utf8"), rows, core,
                                  all_chinese_names())
             for name in sorted(GLOSSED_PAGES)}
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_a_missing_or_repeated_gloss_is_named():
    rows, core = term_table(), {"梯度"}
    page = "<article><p>读完本页，你能求梯度带和梯度。梯度（gradient）是……梯度（gradient）</p></article>"
    first, *again = gloss_problems(page, rows, core, {"梯度带"})
    assert first.startswith("梯度: no (gradient) at its first use: …读完本页，你能求□□□和梯度。"), first
    assert len(again) == 2 and all(problem.startswith("梯度: (gradient) again after its first use") for problem in again)
    good = ("<article><h1>梯度</h1><p>见<a class='reference internal' href='basics.html#g'>梯度基础一页的“梯度”</a>。"
            "求梯度（gradient）。梯度带不算，<code>梯度</code>也不算；梯度。</p></article>")
    assert gloss_problems(good, rows, core, {"梯度带"}) == []


def test_the_core_terms_are_marked_in_the_table():
    core = {chinese for _, chinese, _ in term_table(core_only=True)}
    assert {"自动微分", "梯度", "计算图", "反向传播"} <= core and not core & {"张量", "标量", "向量", "代码单元"}


@pytest.mark.parametrize("lang", ("en", "zh"))
def test_a_rejected_variant_is_secondary_in_the_glossary_and_sends_the_index_reader_on(site, lang):
    """In the glossary a variant is shown as secondary (regular weight, grey, after 又作/also:); in the
    index it is a "see" entry naming the book's term, not an entry of its own."""
    rows = term_table()
    glossary = BeautifulSoup((site / lang / "glossary.html").read_text(encoding="utf8"), "html.parser")
    shown = {dt.get_text().strip().rstrip("#"): "term-variant" in dt.get("class", []) for dt in glossary.select("dl.glossary dt")}
    index = " ".join(BeautifulSoup((site / lang / "genindex.html").read_text(encoding="utf8"),
                                   "html.parser").get_text(" ").split())
    see = {"en": "see {}", "zh": "见{}"}[lang]  # no space between two Chinese words
    problems = []
    for _, chinese, rejected in rows:
        if chinese in shown and shown[chinese]:
            problems.append(f"the book's term {chinese} is shown as a variant")
        for variant in rejected:
            if variant in shown and not shown[variant]:
                problems.append(f"{variant} is shown as one of the book's terms")
            if variant in shown and f"{variant} {see.format(chinese)}" not in index:
                problems.append(f"the index does not send {variant} on to {chinese}")
    assert sum(variant in shown for _, _, rejected in rows for variant in rejected) >= 5
    assert problems == [], problems


@pytest.mark.parametrize("lang", ("en", "zh"))
def test_the_glossary_is_in_the_order_its_introduction_states(lang):
    """Both glossaries say their entries are in the alphabetical order of their English names."""
    text = (ROOT / "docs" / lang / GLOSSARY).read_text(encoding="utf8")
    assert {"en": "alphabetical order of their English names", "zh": "词条按英文名的字母顺序排列"}[lang] in " ".join(text.split())
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    english = [next(name for name in names if not HAN.search(name)) for names, *_ in structure.glossary_entries(body)]
    assert english == sorted(english, key=str.lower), english


def test_a_term_first_met_in_a_framework_tab_is_glossed_for_each_reader():
    rows, core = term_table(), {"梯度"}

    def page(pytorch, tensorflow):
        tab = ('<label class="sd-tab-label" data-sync-group="framework" data-sync-id="{}">{}</label>'
               '<div class="sd-tab-content"><p>{}</p></div>')
        return (f'<article><p>读完本页。</p><div class="sd-tab-set">{tab.format("pytorch", "PyTorch", pytorch)}'
                f'{tab.format("tensorflow", "TensorFlow", tensorflow)}</div><p>梯度是向量。</p></article>')

    assert gloss_problems(page("梯度（gradient）存进 .grad。", "梯度（gradient）由梯度带返回。"), rows, core, {"梯度带"}) == []
    # A page without JAX tabs: its JAX reader reads the PyTorch tab, the one the site opens for them.
    assert list(dict(zip(FRAMEWORKS, reader_views(page("P。", "T。")))).values())[-1] == "读完本页。P。梯度是向量。"
    missed = gloss_problems(page("梯度（gradient）存进 .grad。", "梯度由梯度带返回。"), rows, core, {"梯度带"})
    assert [problem.split(":")[0] for problem in missed] == ["梯度"], missed  # the TensorFlow reader's first use


FOLD = re.compile(r"^:{3,}\{dropdown\} (.+)$", re.M)


def fold_titles_translated_twice(pairs):
    """English fold titles and the zh titles their twins give them, where there is more than one:
    pairs of (English page, zh page) texts; the folds pair up in page order (the twin check keeps it)."""
    seen = {}
    for english, chinese in pairs:
        for en_title, zh_title in zip(FOLD.findall(english), FOLD.findall(chinese)):
            seen.setdefault(en_title.strip(), set()).add(zh_title.strip())
    return {title: sorted(zh) for title, zh in seen.items() if len(zh) > 1}


def test_one_english_fold_title_has_one_chinese_title():
    """Editor r9: 解答（续）：运行结果 beside 解答（续）：运行结果说明了什么 for one English title."""
    pairs = [(path.read_text(encoding="utf8"), (ROOT / "docs" / "zh" / path.name).read_text(encoding="utf8"))
             for path in sorted((ROOT / "docs" / "en").glob("*.md"))]
    assert fold_titles_translated_twice(pairs) == {}


def test_a_fold_title_translated_two_ways_is_found():
    english = ":::{dropdown} Solution, continued: what the run shows\n\n::::{dropdown} Solution\n"
    pairs = [(english, ":::{dropdown} 解答（续）：运行结果\n\n::::{dropdown} 解答\n"),
             (english, ":::{dropdown} 解答（续）：运行结果说明了什么\n\n::::{dropdown} 解答\n")]
    assert fold_titles_translated_twice(pairs) == {
        "Solution, continued: what the run shows": ["解答（续）：运行结果", "解答（续）：运行结果说明了什么"]}
