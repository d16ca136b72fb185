// Sphinx's search shows, under each result, text from the page's [role="main"] element, which in
// pydata-sphinx-theme also holds the article's buttons (colour mode: 跟随系统 浅色 深色), the
// secondary sidebar's heading (目录), sphinx-book-theme's print-only title and contents, and the
// previous/next links. Leave them out of the summaries, and the code with its output (cells and
// examples) and the framework tabs' labels: the page's prose is what the reader searched.
// A formula is there three times (KaTeX's HTML, its MathML and the MathML's TeX annotation). Its TeX
// reads right as plain text only when it is plain (a = 1.5); one with a command, a brace, a sub- or
// superscript (\tfrac12, 2^{10}, x_i) would show its source, and KaTeX's text misreads it ("210"),
// so the summary shows "…" in its place.
// A glossary entry's names are one <dt> each: the summary shows them as a reader writes them,
// "自动微分（automatic differentiation、自动求导）：" or "automatic differentiation (autodiff): ".
if (typeof Search !== "undefined" && Search.htmlToText) {
  const pageText = Search.htmlToText;
  const INTERFACE = ".bd-header-article, #jb-print-docs-body, .bd-sidebar-secondary, .prev-next-area, "
    + ".bd-footer-article, .bd-footer-content, .cell_input, .cell_output, div.highlight, .sd-tab-label";
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(INTERFACE).forEach((element) => element.remove());
    page.querySelectorAll(".katex").forEach((formula) => {
      const tex = formula.querySelector("annotation[encoding='application/x-tex']");
      const plain = tex && !/[\\{}^_]/.test(tex.textContent) ? tex.textContent.trim() : "…";
      formula.replaceWith(` ${plain} `);
    });
    page.querySelectorAll(".headerlink").forEach((link) => link.remove());
    const chinese = page.documentElement.lang.startsWith("zh");
    const names = new Map();  // each glossary <dd> and the names of its entry, as one label
    page.querySelectorAll('[role="main"] dl.glossary dd').forEach((definition) => {
      const terms = [];
      for (let term = definition.previousElementSibling; term && term.tagName === "DT"; term = term.previousElementSibling) {
        terms.unshift(term);
      }
      const [first, ...others] = terms.map((term) => term.textContent.trim());
      const label = !others.length ? first
        : chinese ? `${first}（${others.join("、")}）` : `${first} (${others.join(", ")})`;
      names.set(definition, { terms, label: label + (chinese ? "：" : ": ") });
    });
    // A term's anchor is its <dt> in the glossary: show the definition with the entry's names.
    let definition = anchor && page.querySelector(`[role="main"] dt${anchor}`);
    while (definition && definition.tagName !== "DD") definition = definition.nextElementSibling;
    if (definition && names.has(definition)) return names.get(definition).label + definition.textContent;
    names.forEach(({ terms, label }) => terms.forEach((term, i) => (i ? term.remove() : (term.textContent = label))));
    return pageText(page.documentElement.outerHTML, anchor);
  };
}
// One result per page: the glossary would otherwise be listed once for its index entry and once for
// its text. The page keeps its best-scoring result (Sphinx shows the results last to first).
if (typeof Search !== "undefined" && Search._performSearch) {
  const search = Search._performSearch;
  Search._performSearch = (...query) => {
    const results = search(...query);
    const seen = new Set();
    return results.reverse().filter(([docname]) => !seen.has(docname) && seen.add(docname)).reverse();
  };
}
