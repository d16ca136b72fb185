// Sphinx's search shows, under each result, text from the page's [role="main"] element, which in
// pydata-sphinx-theme also holds the article's buttons (colour mode: 跟随系统 浅色 深色), the
// secondary sidebar's heading (目录), sphinx-book-theme's print-only title and contents, and the
// previous/next links. Leave them out of the summaries, and the code with its output (cells and
// examples), the framework tabs' labels and a folded cell's button (显示代码 隐藏代码: myst-nb's
// details.hide; a fold of prose keeps its title): the page's prose is what the reader searched.
// A table's cells end with "；" ("; " in English), its rows with "。", or they run together.
// A formula is there three times (KaTeX's HTML, its MathML and the MathML's TeX annotation). TeX
// source (\tfrac12, 2^{10}) is not for a reader, and KaTeX's text misreads a superscript ("210"),
// so the summary writes the formula from its MathML as plain text: x², ∂y/∂xᵢ = 4xᵢ, √x, 1/2,
// sin 2x, eˣ/(1 + eˣ). A display formula's closing "." or "," is written "。" or "，" in Chinese.
// A number's power (6.0 × 10<sup>−8</sup>, numbers.py) is written 10⁻⁸, not 10−8.
// In Chinese no space is left beside full-width punctuation.
// textContent runs a heading into the paragraph after it ("梯度为 None None 表示……"): the page's
// title is left out (the result's link shows it) and each other heading, and each fold's title, ends
// with a full stop. A summary is cut at a word (Sphinx cuts at the 240th character, "finite differe")
// and, in Chinese, at a clause where one is near, and never inside a formula (it moves to the
// formula's start); a cut end shows an ellipsis ("……" in Chinese).
// A glossary entry's names are one <dt> each: the summary shows them as a reader writes them,
// "自动微分（automatic differentiation；又作自动求导）：" or "automatic differentiation (autodiff): ".
if (typeof Search !== "undefined" && Search.htmlToText) {
  const pageText = Search.htmlToText;
  const INTERFACE = ".bd-header-article, #jb-print-docs-body, .bd-sidebar-secondary, .prev-next-area, "
    + ".bd-footer-article, .bd-footer-content, .cell_input, .cell_output, div.highlight, .sd-tab-label, "
    + "details.hide > summary";
  // The page's text with each formula between FORMULA's two marks, so a summary can tell where it is.
  const markedText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(INTERFACE).forEach((element) => element.remove());
    const chinese = page.documentElement.lang.startsWith("zh");
    page.querySelectorAll(".katex").forEach((formula) => {
      const math = formula.querySelector("math");
      let text = math ? plainMath(math).replace(/\s+/g, " ").trim() : "";
      if (!formula.closest(".katex-display")) return formula.replaceWith(FORMULA[0] + text + FORMULA[1]);
      const stop = chinese && text.match(/\s*([.,])$/);  // the sentence's mark, in the page's language
      if (stop) text = text.slice(0, stop.index);
      formula.replaceWith(` ${FORMULA[0]}${text}${FORMULA[1]}${stop ? { ".": "。", ",": "，" }[stop[1]] : ""} `);
    });
    page.querySelectorAll(".number sup").forEach((power) => {
      const text = power.textContent.trim();
      if ([...text].every((c) => SUPERSCRIPT[c])) power.replaceWith([...text].map((c) => SUPERSCRIPT[c]).join(""));
    });
    page.querySelectorAll(".headerlink").forEach((link) => link.remove());
    page.querySelectorAll('[role="main"] tr').forEach((row) => {
      const cells = [...row.children];
      cells.forEach((cell, i) => {
        if (/[。；，：！？.;,:!?]\s*$/.test(cell.textContent)) return;
        const last = i === cells.length - 1;
        cell.append(chinese ? (last ? "。" : "；") : (last ? ". " : "; "));
      });
    });
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
  Search.htmlToText = (htmlString, anchor) => markedText(htmlString, anchor).replace(/[\uE000\uE001]/g, "");
  // As Sphinx's: 240 characters around the last search word found, but cut where a reader can.
  Search.makeSearchSummary = (htmlText, keywords, anchor) => {
    const marked = markedText(htmlText, anchor).replace(/\s+/g, " ").trim();
    const formulas = [];  // [start, end) of each formula in the text without marks
    let text = "";
    marked.split(FORMULAS).forEach((piece, i) => {
      if (i % 2) formulas.push([text.length, text.length + piece.length]);
      text += piece;
    });
    if (!text.trim()) return null;
    const chinese = document.documentElement.lang.startsWith("zh");
    const lower = text.toLowerCase();
    const found = [...keywords].map((k) => lower.indexOf(k.toLowerCase())).filter((i) => i > -1).slice(-1)[0] || 0;
    const [start, end] = summaryBounds(text, Math.max(found - 120, 0), Math.min(Math.max(found - 120, 0) + 240, text.length), chinese, formulas);
    const ellipsis = chinese ? "……" : "…";
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = (start > 0 ? ellipsis : "") + text.slice(start, end).trim() + (end < text.length ? ellipsis : "");
    return summary;
  };
}

const FORMULA = ["\uE000", "\uE001"];  // private-use characters: no page has them
const FORMULAS = /\uE000([^\uE001]*)\uE001/;  // split keeps each formula's text at the odd places

// Move a summary's ends off the middle of a word (or a number, or code such as x.grad); in Chinese,
// to the nearest clause boundary within 40 characters, if there is one; and out of a formula, to
// its start ([start, end) of each in ``formulas``).
function summaryBounds(text, start, end, chinese, formulas = []) {
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
  const inside = (i) => formulas.find(([from, to]) => from < i && i < to);
  if (inside(start)) start = inside(start)[0];
  if (inside(end)) end = inside(end)[0] > start ? inside(end)[0] : inside(end)[1];
  while (end > start && /\s/.test(text[end - 1])) end -= 1;
  return [start, end];
}

// A formula's MathML as a line of text, as a reader types one: x², ∂f/∂xᵢ = 2xᵢ sin xᵢ, eˣ/(1 + eˣ).
// The libraries that flatten TeX to Unicode (flatlatex, pylatexenc, unicodeitplus) write \sin 2x
// as "sin2x" and every fraction with parentheses ("(∂f)/(∂xᵢ)"), so the book does it here; these
// few elements are all KaTeX writes for the book's formulas.
const SUPERSCRIPT = Object.fromEntries([..."0123456789+-−=()abcdefghijklmnoprstuvwxyzT⊤′″"]
  .map((c, i) => [c, [..."⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀᵀ′″"][i]]));
const SUBSCRIPT = Object.fromEntries([..."0123456789+-−=()aeijkmnotx"].map((c, i) => [c, [..."₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑᵢⱼₖₘₙₒₜₓ"][i]]));
const RELATIONS = new Set([..."=≈≠≤≥<>←→↦∈"]);  // a space either side, always
const BINARY = new Set([..."+−×⋅·±"]);  // a space either side, unless it is a sign (−x, (−1))
const OPERAND = /^[)\]}⟩|∣‖∥′″‴!…⋯]$/u;  // an <mo> that ends an operand: after it, + − × are binary
const ACCENT = { "ˉ": "\u0304", "¯": "\u0304", "˙": "\u0307", "^": "\u0302", "~": "\u0303", "→": "\u20D7" };
const DOUBLE_STRUCK = { R: "ℝ", N: "ℕ", Z: "ℤ", C: "ℂ", Q: "ℚ" };
const LARGE = /^[∑∏∫∮⋃⋂]/u;

function script(text, table, mark) {
  const chars = [...text];
  if (chars.every((c) => table[c])) return chars.map((c) => table[c]).join("");
  return mark + (chars.length > 1 ? `(${text})` : text);
}

const tag = (node) => (node ? node.tagName.toLowerCase() : "");
const moText = (node) => node.textContent.replace(/[\u2061-\u2064]/g, "");
const isOperator = (node) => tag(node) === "mo" && !OPERAND.test(moText(node));
const APPLY = (node) => tag(node) === "mo" && node.textContent === "\u2061";  // \sin x: sin, U+2061, x
// A function's name (sin, log, tanh², λₘₐₓ is not one: its name is in a script).
const isFunction = (node) => (tag(node) === "mi" && /^[a-z]{2,}$/i.test(node.textContent))
  || (["msup", "msub", "msubsup", "mrow"].includes(tag(node)) && isFunction(node.firstElementChild));
const isLarge = (node) => (tag(node) === "mo" && LARGE.test(node.textContent))
  || (["msub", "msup", "msubsup", "munder", "mover", "munderover"].includes(tag(node)) && isLarge(node.firstElementChild));
// Where a fraction needs no parentheses (a reader writes ∂f/∂xᵢ, eˣ/(1 + eˣ), 1/(2x)): a numerator
// that is a product (no space, slash or sign outside its brackets: 2x, ∂²f, f(x)), a denominator
// that is one factor (a number, or one letter with its scripts: xᵢ², ∂xᵢ, dx, √s, f(x)).
const SCRIPTS = [...Object.values(SUPERSCRIPT), ...Object.values(SUBSCRIPT), "′", "″", "\u0304", "\u0307"].join("");
const FACTOR = new RegExp(`^(?:∂|d|√)?(?:\\p{L}|[0-9.]+|∞)(?:[${SCRIPTS}]|[_^](?:\\(\\)|\\p{L}))*(?:\\(\\))?$`, "u");
const bracketsClosed = (text) => text.replace(/\([^()]*\)/g, "()").replace(/\([^()]*\)/g, "()");
const product = (text) => !/[\s/]/.test(bracketsClosed(text)) && !/^[−-]/.test(text);
const factor = (text) => FACTOR.test(bracketsClosed(text));

// The children of a row, joined with a space where a reader leaves one: after a function's name
// (sin x, not before its bracket: log(x²)), before one (2 sin x), after a sum's sign (∑ᵢ xᵢ), and
// between a fraction and a factor beside it (∂f/∂v₄ dv₄/dx, 1/2 (a + b)).
function row(children) {
  let text = "";
  children.forEach((child, i) => {
    const part = plainMath(child);
    const before = children[i - 1];
    const apart = before && (
      ((APPLY(before) || isFunction(before)) && !isOperator(child))
      || (isFunction(child) && !isOperator(before) && !APPLY(before))
      || (isLarge(before) && !isOperator(child))
      || ((tag(before) === "mfrac" || tag(child) === "mfrac") && !isOperator(before) && !isOperator(child)));
    if (apart && text && part && !/\s$/.test(text) && !/^[\s.,;:!?)\]}/]/.test(part)) text += " ";
    text += part;
  });
  return text;
}

function plainMath(node) {
  const parts = () => Array.from(node.children).map(plainMath);
  switch (tag(node)) {
    case "annotation": return "";
    case "mi": {
      const name = node.textContent.replace("∣", "|");
      return node.getAttribute("mathvariant") === "double-struck" ? (DOUBLE_STRUCK[name] || name) : name;
    }
    case "mn": case "mtext": return node.textContent.replace(/[\u2061-\u2064]/g, "").replace("∣", "|");
    case "mo": {
      const op = moText(node);
      if (node.getAttribute("separator") === "true") return op + " ";
      if (RELATIONS.has(op)) return ` ${op} `;
      if (op === ":") return ": ";
      const before = node.previousElementSibling;
      const sign = !before || isOperator(before) || APPLY(before);
      return BINARY.has(op) && !sign ? ` ${op} ` : op;
    }
    case "msup": { const [base, sup] = parts(); return base + script(sup.trim(), SUPERSCRIPT, "^"); }
    case "msub": case "munder": { const [base, sub] = parts(); return base + script(sub.trim(), SUBSCRIPT, "_"); }
    case "msubsup": case "munderover": {
      const [base, sub, sup] = parts();
      return base + script(sub.trim(), SUBSCRIPT, "_") + script(sup.trim(), SUPERSCRIPT, "^");
    }
    case "mover": {
      const [base, over] = parts();
      const accent = ACCENT[over.trim()];
      if (node.getAttribute("accent") === "true" && accent && [...base].length === 1) return base + accent;
      return base + script(over.trim(), SUPERSCRIPT, "^");
    }
    case "mfrac": {
      const [top, bottom] = parts().map((part) => part.trim());
      return `${product(top) ? top : `(${top})`}/${factor(bottom) ? bottom : `(${bottom})`}`;
    }
    case "msqrt": { const inside = parts().join("").trim(); return [...inside].length === 1 ? `√${inside}` : `√(${inside})`; }
    case "mtable": {
      // An aligned equation's two halves are one line (columnspacing 0em); a matrix's or cases' cells are apart.
      const aligned = /^0em/.test(node.getAttribute("columnspacing") || "");
      const join = (cells, mark) => cells.map((cell) => cell.trim()).filter(Boolean)
        .reduce((line, cell) => (!line ? cell : /[,;:]$/.test(line) || aligned && mark === ", " ? `${line} ${cell}` : `${line}${mark}${cell}`), "");
      return join(Array.from(node.children).map((line) => join(Array.from(line.children).map(plainMath), ", ")), "; ");
    }
    default: return row(Array.from(node.children));
  }
}
// One result per page: the glossary would otherwise be listed once for its index entry and once for
// its text. The page keeps its best-scoring result (Sphinx shows the results last to first), and
// where one of its results is an index entry (a glossary term: 海森矩阵, another name of 黑塞矩阵,
// ranks below the glossary's text), it links to that term, so the summary shows its entry.
if (typeof Search !== "undefined" && Search._performSearch) {
  const search = Search._performSearch;
  Search._performSearch = (...query) => {
    const results = search(...query);
    const terms = new Map();  // the best index entry of each page (later is better)
    results.forEach(([docname, , anchor, , , , kind]) => kind === "index" && anchor && terms.set(docname, anchor));
    const seen = new Set();
    return results.reverse().filter(([docname]) => !seen.has(docname) && seen.add(docname))
      .map((result) => (result[2] || !terms.has(result[0]) ? result : [...result.slice(0, 2), terms.get(result[0]), ...result.slice(3)]))
      .reverse();
  };
}
