"""Helpers shared by the pages of the automatic-differentiation textbook.

Kernel side (imported by the pages): :mod:`.page` (the hidden set-up cell),
:mod:`.tabs` (the ``%%tab`` cell magic), :mod:`.gradcheck` (finite differences).
Build side: :mod:`.sphinx_ext`, the Sphinx extension that ``conf.py`` loads.
"""
