// Sphinx's search shows, under each result, text from the page's [role="main"] element, which in
// pydata-sphinx-theme also holds the article's buttons (colour mode: 跟随系统 浅色 深色), the
// secondary sidebar's heading (目录), sphinx-book-theme's print-only title and contents, and the
// previous/next links. Leave them out of the summaries:
// the page text is what the reader searched.
if (typeof Search !== "undefined" && Search.htmlToText) {
  const pageText = Search.htmlToText;
  const INTERFACE = ".bd-header-article, #jb-print-docs-body, .bd-sidebar-secondary, .prev-next-area, .bd-footer-article, .bd-footer-content";
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(INTERFACE).forEach((element) => element.remove());
    return pageText(page.documentElement.outerHTML, anchor);
  };
}
