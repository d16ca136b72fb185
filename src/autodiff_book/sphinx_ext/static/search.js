// Sphinx's search shows, under each result, text from the page's [role="main"] element, which in
// pydata-sphinx-theme also holds the article's buttons (colour mode: 跟随系统 浅色 深色), the
// secondary sidebar's heading (目录), sphinx-book-theme's print-only title and contents, and the
// previous/next links. Leave them out of the summaries, and the code with its output (cells and
// examples) and the framework tabs' labels: the page's prose is what the reader searched.
// A formula is there three times (KaTeX's HTML, its MathML and the MathML's TeX annotation). TeX
// source (\tfrac12, 2^{10}) is not for a reader, and KaTeX's text misreads a superscript ("210"),
// so the summary writes the formula from its MathML as plain text: x², ∂y/∂xᵢ = 4xᵢ, √x, 1/2.
// In Chinese no space is left beside full-width punctuation.
// textContent runs a heading into the paragraph after it ("梯度为 None None 表示……"): the page's
// title is left out (the result's link shows it) and each other heading, and each fold's title, ends
// with a full stop. A summary is cut at a word (Sphinx cuts at the 240th character, "finite differe")
// and, in Chinese, at a clause where one is near; a cut end shows an ellipsis ("……" in Chinese).
// A glossary entry's names are one <dt> each: the summary shows them as a reader writes them,
// "自动微分（automatic differentiation；又作自动求导）：" or "automatic differentiation (autodiff): ".
if (typeof Search !== "undefined" && Search.htmlToText) {
  const pageText = Search.htmlToText;
  const INTERFACE = ".bd-header-article, #jb-print-docs-body, .bd-sidebar-secondary, .prev-next-area, "
    + ".bd-footer-article, .bd-footer-content, .cell_input, .cell_output, div.highlight, .sd-tab-label";
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(INTERFACE).forEach((element) => element.remove());
    page.querySelectorAll(".katex").forEach((formula) => {
      const math = formula.querySelector("math");
      const text = math ? plainMath(math).replace(/\s+/g, " ").trim() : "";
      formula.replaceWith(formula.closest(".katex-display") ? ` ${text} ` : text);
    });
    page.querySelectorAll(".headerlink").forEach((link) => link.remove());
    const chinese = page.documentElement.lang.startsWith("zh");
    page.querySelectorAll('[role="main"] h1').forEach((title) => title.remove());
    page.querySelectorAll('[role="main"] :is(h2, h3, h4, h5, h6, summary)').forEach((heading) => {
      if (!/[。？！：.?!:]\s*$/.test(heading.textContent)) heading.append(chinese ? "。" : ". ");
    });
    const names = new Map();  // each glossary <dd> and the names of its entry, as one label
    page.querySelectorAll('[role="main"] dl.glossary dd').forEach((definition) => {
      const terms = [];
      for (let term = definition.previousElementSibling; term && term.tagName === "DT"; term = term.previousElementSibling) {
        terms.unshift(term);
      }
      const [first, ...others] = terms.map((term) => term.textContent.trim());
      // In Chinese the other names other texts use (glossary.py's term-variant) follow 又作.
      const variants = terms.slice(1).filter((term) => term.classList.contains("term-variant"))
        .map((term) => term.textContent.trim());
      const english = others.filter((name) => !variants.includes(name));
      const inside = [english.join("、"), variants.length ? `又作${variants.join("、")}` : ""].filter(Boolean).join("；");
      const label = !others.length ? first : chinese ? `${first}（${inside}）` : `${first} (${others.join(", ")})`;
      names.set(definition, { terms, label: label + (chinese ? "：" : ": ") });
    });
    // A term's anchor is its <dt> in the glossary: show the definition with the entry's names.
    let definition = anchor && page.querySelector(`[role="main"] dt${anchor}`);
    while (definition && definition.tagName !== "DD") definition = definition.nextElementSibling;
    if (definition && names.has(definition)) return names.get(definition).label + definition.textContent;
    names.forEach(({ terms, label }) => terms.forEach((term, i) => (i ? term.remove() : (term.textContent = label))));
    const text = pageText(page.documentElement.outerHTML, anchor);
    return chinese ? text.replace(/\s*([，。、；：！？）》」』])\s*/g, "$1").replace(/([（《「『])\s+/g, "$1") : text;
  };
  // As Sphinx's: 240 characters around the last search word found, but cut where a reader can.
  Search.makeSearchSummary = (htmlText, keywords, anchor) => {
    const text = Search.htmlToText(htmlText, anchor).replace(/\s+/g, " ").trim();
    if (!text) return null;
    const chinese = document.documentElement.lang.startsWith("zh");
    const lower = text.toLowerCase();
    const found = [...keywords].map((k) => lower.indexOf(k.toLowerCase())).filter((i) => i > -1).slice(-1)[0] || 0;
    const [start, end] = summaryBounds(text, Math.max(found - 120, 0), Math.min(Math.max(found - 120, 0) + 240, text.length), chinese);
    const ellipsis = chinese ? "……" : "…";
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = (start > 0 ? ellipsis : "") + text.slice(start, end).trim() + (end < text.length ? ellipsis : "");
    return summary;
  };
}

// Move a summary's ends off the middle of a word (or a number, or code such as x.grad); in Chinese,
// to the nearest clause boundary within 40 characters, if there is one.
function summaryBounds(text, start, end, chinese) {
  const inWord = (i) => i > 0 && i < text.length && /[\w.]/.test(text[i - 1]) && /\w/.test(text[i]);
  if (chinese) {
    const clause = /[。；！？，：]/g;
    const head = text.slice(start, start + 40).search(clause);
    if (start > 0 && head > -1) start += head + 1;
    const tail = Math.max(...[...text.slice(Math.max(end - 40, start), end).matchAll(clause)].map((m) => m.index), -1);
    if (end < text.length && tail > -1) end = Math.max(end - 40, start) + tail + 1;
  }
  while (inWord(start)) start += 1;
  while (inWord(end) && end > start) end -= 1;
  return [start, end];
}

// A formula's MathML as a line of text. No library writes MathML as plain text; these few
// elements are all KaTeX writes for the book's formulas.
const SUPERSCRIPT = Object.fromEntries([..."0123456789+-−=()abcdefghijklmnoprstuvwxyzT⊤′″"]
  .map((c, i) => [c, [..."⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀᵀ′″"][i]]));
const SUBSCRIPT = Object.fromEntries([..."0123456789+-−=()aeijkmnotx"].map((c, i) => [c, [..."₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑᵢⱼₖₘₙₒₜₓ"][i]]));
const SPACED = new Set([..."=≈≠≤≥<>←→↦∈+−×⋅·"]);  // binary: a space either side, unless it is a sign

function script(text, table, mark) {
  const chars = [...text];
  if (chars.every((c) => table[c])) return chars.map((c) => table[c]).join("");
  return mark + (chars.length > 1 ? `(${text})` : text);
}

function plainMath(node) {
  const parts = () => Array.from(node.children).map(plainMath);
  switch (node.tagName.toLowerCase()) {
    case "annotation": return "";
    case "mi": case "mn": case "mtext": return node.textContent.replace(/[\u2061-\u2064]/g, "").replace("∣", "|");
    case "mo": {
      const op = node.textContent.replace(/[\u2061-\u2064]/g, "");
      if (node.getAttribute("separator") === "true") return op + " ";
      const before = node.previousElementSibling;
      const sign = !before || (before.tagName.toLowerCase() === "mo" && !before.getAttribute("fence"));
      return SPACED.has(op) && !sign ? ` ${op} ` : op;
    }
    case "msup": { const [base, sup] = parts(); return base + script(sup.trim(), SUPERSCRIPT, "^"); }
    case "msub": { const [base, sub] = parts(); return base + script(sub.trim(), SUBSCRIPT, "_"); }
    case "msubsup": {
      const [base, sub, sup] = parts();
      return base + script(sub.trim(), SUBSCRIPT, "_") + script(sup.trim(), SUPERSCRIPT, "^");
    }
    case "mfrac": {
      const [top, bottom] = parts().map((part) => part.trim());
      const group = (part) => (/^[\w.∂]+$/u.test(part.replace(/^∂/, "")) ? part : `(${part})`);
      return `${group(top)}/${group(bottom)}`;
    }
    case "msqrt": { const inside = parts().join("").trim(); return inside.length > 1 ? `√(${inside})` : `√${inside}`; }
    case "mtable": return Array.from(node.children).map((row) => Array.from(row.children).map(plainMath).join(", ")).join("; ");
    default: return parts().join("");
  }
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
