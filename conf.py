"""Sphinx configuration shared by both language trees, docs/en and docs/zh.

`make html` builds each tree with this file (python -m autodiff_book.build html), setting
`language` per tree. What is more than configuration lives in the package's Sphinx
extension, src/autodiff_book/sphinx_ext/.
"""
from autodiff_book.sphinx_ext import interface

# -- Project ---------------------------------------------------------------
project = "Automatic Differentiation, Executed"  # each language's title: sphinx_ext/languages.py
author = "The autodiff-book authors"
copyright = "2026, the autodiff-book authors"

extensions = [
    "myst_nb",  # MyST Markdown pages that are notebooks, executed at build time
    "sphinx_design",  # tab sets (synced framework choice), dropdowns for solutions
    "sphinx.ext.doctest",  # `make doctest`: the {doctest} blocks that restate each page's claims
    "sphinx_copybutton",  # a copy button on code cells and doctest blocks
    "notfound.extension",  # a 404 page per language
    "sphinxext.opengraph",  # og:title and og:description per page, for link previews
    "autodiff_book.sphinx_ext",  # languages, framework tabs, execution, formulas drawn with KaTeX, site address
]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# -- MyST ------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3  # `[text](page.md#a-heading)` links

# -- Execution -------------------------------------------------------------
nb_execution_mode = "cache"  # execute a page only when its code changed
nb_execution_timeout = 300  # seconds per cell; the exercises' benchmark is the slowest
nb_execution_show_tb = True  # an untagged error prints its traceback and fails the build (-W), naming the page
nb_output_stderr = "warn"  # stderr (framework logs, Python warnings) is a warning, so -W fails
nb_merge_streams = True  # one block per cell for interleaved prints
nb_kernel_rgx_aliases = {".*": "python3"}  # whatever kernel a page names, run the build's Python

# -- Doctest ---------------------------------------------------------------
doctest_global_setup = """
import numpy as np
from autodiff_book.page import import_frameworks, import_jax
torch, tf = import_frameworks()
import_jax()  # on the CPU, in 32 bits; a JAX claim imports jax itself, as a reader's session would
__name__ = "__main__"  # as in a reader's Python session: tf.function's AutoGraph needs the module's name
"""

# -- The published site ----------------------------------------------------
# Where _build/html is served (the folder that holds en/ and zh/): the one setting to change. Canonical
# links, social cards, the sitemap, the 404 pages and the downloaded notebooks' links start with it.
html_baseurl = "https://autodiff-book.example/"
ogp_social_cards = {"enable": False}  # title and description only: drawn card images would need CJK fonts
ogp_enable_meta_description = True
ogp_type = "article"  # a chapter's page; the contents pages say `og:type: website` in their front matter
# Copy the code alone: no >>> or ... prompts, no doctest outputs, nothing from the output area.
copybutton_selector = "div.cell_input pre, div.highlight-pycon pre"
copybutton_prompt_text = r">>> |\.\.\. "
copybutton_prompt_is_regexp = True

# -- Interface language ----------------------------------------------------
# The book's zh_CN catalogs come before Sphinx's and the themes' own: mainland wording for the
# theme's words (autodiff_book/sphinx_ext/interface.py says which).
locale_dirs = [str(interface.LOCALE)]

# -- HTML ------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_theme_options = {
    "article_header_end": ["language-switch.html", "article-header-buttons.html", "header-parsed.html"],
    "use_download_button": True,  # the page's source, and its notebooks for each framework (sphinx_ext/downloads.py)
    "show_toc_level": 2,
    "home_page_in_toc": True,
    # One search field: the sidebar's. Left unset, pydata-sphinx-theme puts a second one in a header
    # bar above the page at every width; on a narrow screen the article header's button searches.
    "navbar_persistent": [],
    "primary_sidebar_end": [],  # not Read the Docs' ad slot: an empty box the sidebar drops while a page loads
}
html_context = {"default_mode": "auto"}  # light/dark as the reader's system prefers; unset, the theme logs an error
html_last_updated_fmt = None
html_copy_source = True  # the download menu offers the page's source
