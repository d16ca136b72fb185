"""Execution: the build runs each page's code once, before Sphinx reads the pages.

Why the build executes, not myst-nb: myst-nb executes a page while reading it, and with
``sphinx-build -j 2`` two readers start two kernels at the same moment over TCP. The Jupyter
protocol lets the client pick free ports and the kernel bind them later, so both kernels can
be handed the same port, and about one cold build in ten failed at random. Here every kernel
talks over IPC instead: Unix sockets whose names carry the kernel's own random id, so no two
kernels can ever ask for the same address. The build executes what the cache lacks, two pages
at a time, stores the results in myst-nb's jupyter-cache, and names the page when a kernel dies
or a cell runs too long. myst-nb then finds every page in the cache and executes nothing.

A Chinese page whose code differs from its English twin only in comments is not executed at
all: it is stored in the cache with its twin's outputs.
"""
import asyncio
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from sphinx.util import logging

from .. import twins

logger = logging.getLogger(__name__)


tally = Counter()  # what happened to the pages of the current build: {"executed": 3, ...}


class IpcKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel listens on Unix sockets of its own instead of TCP ports."""

    def __init__(self, **kwargs):
        # Sockets are files "<ip>-<n>"; a random name per kernel cannot collide with another's.
        name = os.path.join(tempfile.gettempdir(), f"autodiff-kernel-{uuid.uuid4().hex[:12]}")
        super().__init__(transport="ipc", ip=name, **kwargs)


def execute_notebook(notebook, cwd, timeout, allow_errors=False):
    """Run a notebook in place, in a fresh kernel that talks over IPC; return the seconds it took.

    Raises nbclient's CellExecutionError (an untagged error), CellTimeoutError or DeadKernelError.
    """
    from nbclient import NotebookClient

    client = NotebookClient(
        notebook, timeout=timeout, allow_errors=allow_errors, resources={"metadata": {"path": str(cwd)}},
        kernel_manager_class=IpcKernelManager,
        shutdown_kernel="immediate",  # the page is done: no goodbye, which a stopped cell would garble
        record_timing=False,  # timestamps in cell metadata would change the key myst-nb looks the page up by
    )
    start = time.perf_counter()
    asyncio.run(client.async_execute())  # its own event loop, closed with nothing left pending
    return time.perf_counter() - start


def merge_consecutive_streams(notebook):
    """Join each cell's consecutive outputs on one stream (stdout after stdout) into one output.

    The kernel sends what a cell prints in chunks whose boundaries depend on timing: one
    ``print(x)`` may arrive as ``"x"`` and then ``"\\n"``, and the page would show one line on two.
    Joined, a cell's outputs are the same in every build. (nbclient's ``coalesce_streams`` joins
    all of a cell's stdout, across a figure shown between two prints, and moves stderr; myst-nb's
    strips and reorders text.)

    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> cell = new_code_cell(outputs=[new_output("stream", name="stdout", text="0"),
    ...                               new_output("stream", name="stdout", text=" -10.0\\n"),
    ...                               new_output("stream", name="stderr", text="careful\\n"),
    ...                               new_output("stream", name="stdout", text="1\\n")])
    >>> merge_consecutive_streams(new_notebook(cells=[cell]))
    >>> [(output.name, output.text) for output in cell.outputs]
    [('stdout', '0 -10.0\\n'), ('stderr', 'careful\\n'), ('stdout', '1\\n')]
    """
    for cell in notebook.cells:
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (previous is not None and output.get("output_type") == previous.get("output_type") == "stream"
                    and output.get("name") == previous.get("name")):
                previous["text"] += output["text"]
            else:
                merged.append(output)
        if cell.cell_type == "code":
            cell.outputs = merged


def open_cache(path):
    """The jupyter-cache at ``path``; a cache that cannot be read is moved aside and started anew."""
    from jupyter_cache import get_cache

    try:
        cache = get_cache(path)
        cache.list_cache_records()
    except Exception as error:  # a damaged database raises SQLAlchemy's or sqlite's errors
        aside = Path(f"{path}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
        shutil.move(str(path), aside)
        print(f"The execution cache {path} could not be read ({type(error).__name__}); "
              f"moved it to {aside} and starting a new one: every page executes afresh.", flush=True)
        cache = get_cache(path)
    return cache


def read_notebook(app, path):
    """A page as the notebook myst-nb will see, or None for a page without code."""
    from myst_nb.core.read import create_nb_reader

    text = path.read_text(encoding="utf8")
    config = app.env.mystnb_config
    reader = create_nb_reader(str(path), app.env.myst_config, config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernelspec = notebook.metadata.get("kernelspec", {})
    for pattern, alias in config.kernel_rgx_aliases.items():  # as myst-nb does before executing
        if "name" in kernelspec and re.fullmatch(pattern, kernelspec["name"]):
            kernelspec["name"] = alias
            break
    return notebook


def cached_twin_outputs(cache, notebook, twin_notebook):
    """``notebook`` with the cached outputs of its twin, if both have the same code (comments and docstrings aside)."""
    code = [twins.code_only(c.source) for c in notebook.cells if c.cell_type == "code"]
    twin_code = [twins.code_only(c.source) for c in twin_notebook.cells if c.cell_type == "code"]
    if code != twin_code:
        return None
    try:
        _, executed_twin = cache.merge_match_into_notebook(twin_notebook)
    except KeyError:
        return None
    outputs = iter(cell for cell in executed_twin.cells if cell.cell_type == "code")
    for cell in notebook.cells:
        if cell.cell_type == "code":
            twin_cell = next(outputs)
            cell.outputs, cell.execution_count = twin_cell.outputs, twin_cell.execution_count
    return notebook


def failure(path, error):
    """One sentence naming the page and what went wrong."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    if isinstance(error, CellExecutionError):
        traceback = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # the kernel's colours: escape codes in a log
        return f"{path}: a cell raised an error (tag the cell raises-exception if the page teaches it):\n{traceback}"
    if isinstance(error, CellTimeoutError):
        return (f"{path}: a cell ran longer than the time limit and was stopped "
                f"(nb_execution_timeout in conf.py):\n{error}")
    if isinstance(error, DeadKernelError):
        return f"{path}: the kernel died while running the page (a crash, os._exit or out of memory): {error}"
    return f"{path}: the kernel could not run the page: {type(error).__name__}: {error}"


def stderr_of(notebook):
    """A sentence naming the first code cell that wrote to stderr, or None."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                return (f"code cell {number} wrote to stderr (a warning or a log line; if the page teaches "
                        f"it, catch it and print it as the cell's output):\n{output['text'][:500]}")
    return None


def execute_pages(app):
    """Execute every page of this tree that the cache lacks, and store the results in the cache."""
    config = app.env.mystnb_config
    if config.execution_mode != "cache":
        return
    from jupyter_cache.base import CacheBundleIn

    srcdir = Path(app.srcdir)
    cache = open_cache(config.execution_cache_path)
    to_run = []
    for relative in twins.pages(srcdir):
        path, name = srcdir / relative, Path(srcdir.name, relative)  # name: en/basics.md, for the log
        notebook = read_notebook(app, path)
        if notebook is None:
            report(name, "no code", "without code")
            continue
        try:
            cache.match_cache_notebook(notebook)
            report(name, "taken from the cache", "from the cache")
            continue
        except KeyError:
            pass
        twin = srcdir.parent / "en" / relative
        if srcdir.name != "en" and twin.exists():
            merged = cached_twin_outputs(cache, notebook, read_notebook(app, twin))
            if merged is not None:
                cache.cache_notebook_bundle(CacheBundleIn(merged, str(path)), check_validity=False, overwrite=True)
                report(name, "outputs of its English twin (same code; comments and docstrings may differ)", "from the twin")
                continue
        to_run.append((path, name, notebook))

    cache_lock = threading.Lock()

    def run(job):
        path, name, notebook = job
        try:
            seconds = execute_notebook(notebook, path.parent, config.execution_timeout, config.execution_allow_errors)
        except Exception as error:  # an untagged error, a timeout, a dead kernel, one that never started
            report(name, "failed (the error follows)", "failed")
            return failure(path, error)
        merge_consecutive_streams(notebook)  # before it is stored: the cache, page and notebooks agree
        if stderr := stderr_of(notebook):  # hidden cells too: myst-nb only sees what it shows
            report(name, "failed (the error follows)", "failed")
            return f"{path}: {stderr}"
        with cache_lock:  # one writer at a time into the cache's sqlite database
            cache.cache_notebook_bundle(
                CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds}),
                check_validity=False, overwrite=True,
            )
        report(name, f"executed in {seconds:.1f} s", "executed")
        return None

    with ThreadPoolExecutor(max_workers=max(1, app.parallel)) as pool:
        failed = [(path, problem) for (path, _, _), problem in zip(to_run, pool.map(run, to_run)) if problem]
    for path, problem in failed:
        logger.error(problem)  # fails the build once every page is read (-W --keep-going)
    if failed:  # a page without outputs would add a warning for every number it glues: noise
        app.config.suppress_warnings = [*app.config.suppress_warnings, "mystnb.glue"]
    # myst-nb must not try a failed page again while reading it: it renders without outputs.
    excluded = [*config.execution_excludepatterns, *(str(path) for path, _ in failed)]
    app.env.mystnb_config = config.copy(execution_excludepatterns=excluded)


def report(name, what, kind):
    tally[kind] += 1
    print(f"  {str(name):<36} {what}", flush=True)


def set_output_folder(app):
    # Executed notebooks of each language apart (myst-nb would put both in one folder).
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(Path(app.doctreedir) / "jupyter_execute"))


def setup(app):
    # After myst-nb made its configuration (priority 500); before any page is read.
    app.connect("builder-inited", set_output_folder, priority=900)
    app.connect("builder-inited", execute_pages, priority=901)
