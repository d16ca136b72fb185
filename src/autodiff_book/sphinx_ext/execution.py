"""Execution: one jupyter-cache shared by both language builds, safe under ``-j``."""
from pathlib import Path


def prepare_cache(app):
    # Twin pages have identical code, and jupyter-cache keys a notebook by its code alone,
    # so the second language reuses the first one's outputs: each page executes once.
    config = app.env.mystnb_config
    # Create the cache's database here, in the main process: parallel readers that each
    # create it at once race on "CREATE TABLE" (sphinx-doc/sphinx#12481).
    from jupyter_cache import get_cache

    get_cache(config.execution_cache_path).list_cache_records()
    # Executed notebooks of each language apart (myst-nb would put both in one folder).
    app.env.mystnb_config = config.copy(output_folder=str(Path(app.doctreedir) / "jupyter_execute"))


def setup(app):
    app.connect("builder-inited", prepare_cache, priority=900)  # after myst-nb made its config
