"""What two builds must write alike: every page and notebook, apart from what a clock measured.

A maintainer's check, not part of the build: `make stress` (stress.py) compares each cold build
with the first, and tests/test_execution.py compares two builds of a small site.

A cell tagged ``timing`` prints a measured time, and the figures it glues into the prose (and
its plots) differ from run to run; everything else a build writes must be the same bytes. The
fingerprint of a built site leaves out exactly those: the timing cells (on the page and in the
notebooks), the values they glued, wherever the prose shows them, and the images they made.

"""
import base64
import hashlib
import io
import json
import os
import re
import zipfile
from pathlib import Path

from autodiff_book.notebooks import TIMING, glued_values, shown_outputs, tags_of

MASK = "⟨timing⟩"
CODE = ("pre", "code", "script", "style")


def timing_artefacts(cache_path):
    """({(page, glue name): glued text}, image file names) of the cells tagged ``timing`` in a jupyter-cache."""
    from jupyter_cache import get_cache

    glued, images = {}, set()
    cache = get_cache(cache_path)
    for record in cache.list_cache_records():
        notebook = cache.get_cache_bundle(record.pk).nb
        values, timed = glued_values(notebook)
        for name in timed:
            bundle = values[name]
            images |= {image_file_name(mime, content) for mime, content in bundle.items() if mime.startswith("image/")}
            text = bundle.get("text/markdown", bundle.get("text/plain"))
            if text is not None:  # glue_value glues Markdown; glue() a value, whose text is its repr
                glued[(Path(record.uri).name, name)] = str(text).strip().strip("'\"")
        for cell in notebook.cells:  # what a timing cell shows, not glues
            if TIMING in tags_of(cell):
                images |= {image_file_name(mime, content) for output in shown_outputs(cell)
                           for mime, content in output.get("data", {}).items() if mime.startswith("image/")}
    return glued, images


def image_file_name(mime, data):
    """The name myst-nb gives an output image: the sha256 of its bytes (myst_nb.core.render)."""
    if mime == "image/svg+xml":
        content = os.linesep.join(data.splitlines()).encode("utf-8")
    else:
        content = base64.b64decode(data)
    return hashlib.sha256(content).hexdigest()


def normalised_text(text, timing_texts):
    if not timing_texts:
        return text
    values = "|".join(re.escape(value) for value in sorted(timing_texts, key=len, reverse=True))
    return re.sub(rf"(?<![\w.])(?:{values})(?![\w])", MASK, text)


def normalised_html(html, timing_texts, timing_images):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for cell in soup.select(f".tag_{TIMING}"):
        cell.decompose()
    for text in soup.find_all(string=True):
        if text.find_parent(CODE) is None and timing_texts:
            text.replace_with(normalised_text(str(text), timing_texts))
    for meta in soup.find_all("meta", content=True):  # descriptions quote the prose
        meta["content"] = normalised_text(meta["content"], timing_texts)
    for image in soup.find_all("img"):
        if any(name in image.get("src", "") for name in timing_images):
            image["src"] = image["alt"] = MASK  # Sphinx's alt is the file name when none is given
    return str(soup)


def normalised_search_index(script):
    """The search index without terms that hold a digit: timing cells print numbers, and Sphinx
    indexes what they print (and zh the pieces of each number); the pages themselves are compared."""
    index = json.loads(script[script.index("(") + 1:script.rindex(")")])
    for key in ("terms", "titleterms"):
        index[key] = {term: where for term, where in index.get(key, {}).items() if not re.search(r"\d", term)}
    return json.dumps(index, sort_keys=True)


def normalised_notebook(raw):
    notebook = json.loads(raw)
    notebook["cells"] = [cell for cell in notebook["cells"] if TIMING not in cell.get("metadata", {}).get("tags", [])]
    return json.dumps(notebook, sort_keys=True)


def fingerprint(html_dir, timing_texts, timing_images):
    """{path under html_dir: sha256 of what it holds, timing aside}, for every file a build wrote."""
    prints = {}
    marks = [b"tag_" + TIMING.encode(), *(name.encode() for name in timing_images | set(timing_texts))]
    for path in sorted(Path(html_dir).rglob("*")):
        if not path.is_file() or any(name in path.name for name in timing_images):
            continue
        raw = path.read_bytes()
        if path.suffix == ".html" and any(mark in raw for mark in marks):  # parsing every page is slow
            raw = normalised_html(raw.decode("utf8"), timing_texts, timing_images).encode()
        elif path.suffix == ".ipynb":
            raw = normalised_notebook(raw).encode()
        elif path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = json.dumps([(name, normalised_notebook(archive.read(name)))
                                  for name in sorted(archive.namelist())]).encode()
        elif path.name == "searchindex.js":
            raw = normalised_search_index(raw.decode("utf8")).encode()
        prints[path.relative_to(html_dir).as_posix()] = hashlib.sha256(raw).hexdigest()
    return prints


def different_files(first, second):
    """Files that differ between two builds, each given as (html folder, jupyter-cache folder).

    Timing cells are left out; a value a timing cell glued is masked where the prose shows it,
    when the two builds glued different values under its name.
    """
    artefacts = [timing_artefacts(cache) for _, cache in (first, second)]
    (glued_a, images_a), (glued_b, images_b) = artefacts
    changed = {key for key in glued_a.keys() | glued_b.keys() if glued_a.get(key) != glued_b.get(key)}
    # Both builds mask the values of both: a text is masked in both or in neither.
    masked = {glued[key] for glued in (glued_a, glued_b) for key in changed if key in glued}
    prints = [fingerprint(html, masked, images_a | images_b) for html, _ in (first, second)]
    return sorted(path for path in prints[0].keys() | prints[1].keys() if prints[0].get(path) != prints[1].get(path))
