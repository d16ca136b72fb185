// Sphinx's search shows, under each result, text from the page's [role="main"] element, which in
// pydata-sphinx-theme also holds the article's buttons (colour mode: 跟随系统 浅色 深色), the
// secondary sidebar's heading (目录), sphinx-book-theme's print-only title and contents, and the
// previous/next links. Leave them out of the summaries, and the code with its output (cells and
// examples) and the framework tabs' labels: the page's prose is what the reader searched.
// A formula is there three times (KaTeX's HTML, its MathML and the MathML's TeX annotation): keep the
// TeX alone, the one form that reads right as plain text (2^{10}, where the others give "210").
if (typeof Search !== "undefined" && Search.htmlToText) {
  const pageText = Search.htmlToText;
  const INTERFACE = ".bd-header-article, #jb-print-docs-body, .bd-sidebar-secondary, .prev-next-area, "
    + ".bd-footer-article, .bd-footer-content, .cell_input, .cell_output, div.highlight, .sd-tab-label";
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(INTERFACE).forEach((element) => element.remove());
    page.querySelectorAll(".katex").forEach((formula) => {
      const tex = formula.querySelector("annotation[encoding='application/x-tex']");
      formula.replaceWith(` ${tex ? tex.textContent.trim() : formula.textContent} `);
    });
    // A term's anchor is its <dt> in the glossary: show the definition with the term.
    let definition = anchor && page.querySelector(`[role="main"] dt${anchor}`);
    if (definition) {
      const term = definition.textContent;
      while (definition && definition.tagName !== "DD") definition = definition.nextElementSibling;
      if (definition) return `${term} ${definition.textContent}`;
    }
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
