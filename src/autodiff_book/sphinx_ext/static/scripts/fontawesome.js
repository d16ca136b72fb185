/* Replaces pydata-sphinx-theme's 1.5 MB fontawesome.js, which turns icons into inline SVG. The
   theme's stylesheet already draws every icon with the Font Awesome web font, so the JavaScript
   only adds weight to a reader's first visit. See autodiff_book/sphinx_ext/offline.py. */
