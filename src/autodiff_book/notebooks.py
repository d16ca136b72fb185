r"""Each notebook page as two plain Jupyter notebooks, one per framework, with the build's outputs.

The pages need this package (a hidden set-up cell, ``%%tab`` cells, hidden checks, MyST
Markdown); a reader has plain Jupyter. So the build also writes, next to each page,
``notebooks/basics-pytorch.ipynb`` and ``notebooks/basics-tensorflow.ipynb``: the shared cells
and that framework's cells without their magic line, a short set-up cell of plain code,
Markdown that Jupyter renders, and the outputs the build printed. The root page offers
``notebooks/autodiff-book-en-pytorch.zip`` (one language, one framework, every page). All of it
is in each page's download menu.

>>> split_magic("%%tab pytorch\nx = 1")
('pytorch', 'x = 1')
>>> notebook_name("basics", "tensorflow")
'basics-tensorflow.ipynb'
"""
import ast
import base64
import functools
import importlib.metadata
import posixpath
import re
import sys
import zipfile
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.locale import admonitionlabels
from sphinx.util import logging

from .page import SEED, TENSORFLOW_ENVIRONMENT
from .sphinx_ext.languages import join_chinese_lines, published_url, tree_of
from .tabs import FRAMEWORKS, MAGIC

logger = logging.getLogger(__name__)

FOLDER = "notebooks"  # under each language's HTML output
TIMING = "timing"  # the tag of a cell whose output is a measured time: it differs from run to run
PACKAGE = __name__.split(".")[0]

ROLE = re.compile(r"\{(?P<name>[a-z][\w:.-]*)\}(?P<ticks>`+)(?P<content>.+?)(?P=ticks)", re.S)
DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:.-]+)\}[ \t]*(?P<argument>.*)$")
CODE_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})")
TARGET_OR_COMMENT = re.compile(r"^(\([\w:.-]+\)=\s*|%.*)$")  # `(label)=` and `% comment` lines
OPTION = re.compile(r"^:[\w-]+:")  # a directive's `:open:` line
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")
SCHEME = re.compile(r"^[a-z][\w+.-]*:")
EXPLICIT_TARGET = re.compile(r"^(?P<text>.+?)\s*<(?P<target>[^<>]+)>$", re.S)
EQUATION_LABEL = re.compile(r"^\$\$\s*\([\w:.-]+\)\s*$", re.M)  # `$$ (label)` closing a display
ADMONITIONS = set(admonitionlabels)  # note, tip, warning...: titled by Sphinx, in the build's language
CODE_DIRECTIVES = {"doctest": "python", "code-block": None, "code": None, "sourcecode": None}

INTRO = {
    "en": "This notebook is the page {page} of *{book}*, with its {label} code. It runs in "
    "plain Jupyter with these packages, the versions the book was built with:\n\n"
    "```\npip install {packages}\n```\n\n"
    "The outputs below are the book's; run all cells to reproduce them.",
    "zh": "本笔记本是《{book}》中的{page}一页，只含 {label} 代码。它在普通的 Jupyter 中即可运行，"
    "需要以下几个包（本书构建时所用的版本）：\n\n"
    "```\npip install {packages}\n```\n\n"
    "下面的输出来自本书的构建；运行全部单元即可复现。",
}
SETUP_COMMENTS = {
    "en": {"seeds": "the book's seeds: random draws match the outputs below",
           "environment": "before the import: no log lines, and the book's CPU kernels (the same digits)",
           "logger": "TensorFlow's Python log too: only errors, as on the site"},
    "zh": {"seeds": "本书的随机种子：随机数与下面的输出一致",
           "environment": "导入前设置：关闭日志，并采用与本书相同的 CPU 运算实现（数字才一致）",
           "logger": "TensorFlow 的 Python 日志也只显示错误，与网站一致"},
}


MENU = {  # (label, tooltip) of the download menu's items: a page's notebook, the zip of all of them
    "en": {
        "page": ("This page for {label}",
                 "This page as a Jupyter notebook for {label}, with its outputs: needs nothing of the book"),
        "chapter": ("The chapter for {label} (.zip)", "Every page as a Jupyter notebook for {label}, in one zip"),
    },
    "zh": {
        "page": ("本页的 {label} 版", "本页的 {label} 版 Jupyter 笔记本，带输出，不依赖本书自己的包"),
        "chapter": ("全章的 {label} 版（.zip）", "每一页的 {label} 版 Jupyter 笔记本，打包为一个 zip 文件"),
    },
}


class NotebookError(ValueError):
    """A page holds something this module cannot turn into a plain notebook."""


def notebook_name(pagename, framework):
    return f"{pagename.replace('/', '-')}-{framework}.ipynb"


def zip_name(tree, framework):
    return f"autodiff-book-{tree}-{framework}.zip"


# -- Markdown ---------------------------------------------------------------------------------------
def myst_to_markdown(text, page, framework=None):
    """MyST Markdown as plain Jupyter renders it: roles resolved, directives as Markdown or HTML.

    A ``{framework}`` block is kept, unwrapped, in its framework's notebook and left out of the others.
    """
    return "\n".join(convert_blocks(text.split("\n"), page, framework)).strip("\n")


def convert_blocks(lines, page, framework):
    out, prose = [], []

    def flush():
        if prose:
            out.extend(convert_inline("\n".join(prose), page).split("\n"))
            prose.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        opening = DIRECTIVE.match(line) or CODE_FENCE.match(line)
        if opening:
            flush()
            end = closing_fence(lines, index, opening["fence"])
            if "name" in opening.groupdict():
                converted = convert_directive(opening["name"], opening["argument"].strip(),
                                              lines[index + 1:end], page, framework)
                out.extend(converted)
                if not converted and (not out or not out[-1].strip()):
                    while end + 1 < len(lines) and not lines[end + 1].strip():
                        end += 1  # a block left out takes its blank lines with it
            else:
                out.extend(lines[index:end + 1])  # a plain code block stays as it is
            index = end + 1
            continue
        if not TARGET_OR_COMMENT.match(line):
            prose.append(line)
        index += 1
    flush()
    return out


def closing_fence(lines, start, fence):
    """Index of the line closing the fence opened at ``start`` (the same character, at least as long)."""
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            return index
    raise NotebookError(f"the fence {lines[start]!r} is never closed")


def convert_directive(name, argument, body, page, framework):
    while body and (OPTION.match(body[0]) or not body[0].strip()):
        body = body[1:]  # options such as :open: mean nothing in a notebook
    if name == "framework":
        return convert_blocks(body, page, framework) if argument == framework else []
    if name == "dropdown":
        return ["<details>", f"<summary>{convert_inline(argument, page)}</summary>", "",
                *convert_blocks(body, page, framework), "", "</details>"]
    if name in ADMONITIONS or name == "admonition":
        title = argument if name == "admonition" else page.admonition_label(name)
        quoted = [f"**{convert_inline(title, page)}**", "", *convert_blocks(body, page, framework)]
        while quoted[-1] == "":
            quoted.pop()
        return [f"> {line}" if line else ">" for line in quoted]
    if name in CODE_DIRECTIVES:
        return [f"```{CODE_DIRECTIVES[name] or argument}", *body, "```"]
    if name == "math":
        return ["$$", *body, "$$"]
    if name == "glue:figure":  # the figure as an image inside the Markdown, its caption under it
        data = page.glue.get(argument.strip())
        image = next((mime for mime in ("image/png", "image/svg+xml") if data and mime in data), None)
        if image is None:
            raise NotebookError(f"{{glue:figure}} {argument.strip()!r}: no cell glued it as a PNG or SVG image")
        payload = data[image] if image == "image/png" else base64.b64encode(data[image].encode()).decode()
        return [f"![](data:{image};base64,{payload.strip()})", "", *convert_blocks(body, page, framework)]
    raise NotebookError(f"no plain-Markdown form for the {{{name}}} directive: "
                        f"add one to {__name__}.convert_directive, or write the page without it")


def convert_inline(text, page):
    text = ROLE.sub(lambda match: convert_role(match["name"], match["content"], page), text)
    text = LINK.sub(lambda match: convert_link(match["text"], match["target"], page), text)
    text = EQUATION_LABEL.sub("$$", text)
    # Jupyter, like a browser, shows a line break as a space: in Chinese text, the site drops it.
    return join_chinese_lines(text) if page.tree == "zh" else text


def convert_role(name, content, page):
    explicit = EXPLICIT_TARGET.match(content)
    text, target = (explicit["text"], explicit["target"]) if explicit else (None, content)
    if name == "term":
        return text or target
    if name.startswith("glue"):
        return page.glued(name, content)
    if name == "math":
        return f"${content}$"
    if name == "ref":
        docname, anchor, title = page.label(target)
        return markdown_link(text or title, page.url(docname, anchor))
    if name == "doc":
        docname = posixpath.normpath(posixpath.join(posixpath.dirname(page.pagename), target))
        return markdown_link(text or page.title_of(docname), page.url(docname))
    raise NotebookError(f"no plain-Markdown form for the {{{name}}} role: add one to {__name__}.convert_role")


def convert_link(text, target, page):
    """A link to another page of the book leads to its published address (plain text when unset)."""
    if SCHEME.match(target):
        return f"[{text}]({target})"
    path, _, anchor = target.partition("#")
    if path and not path.endswith(".md"):
        raise NotebookError(f"the link target {target!r} is not a page: link to its published address")
    docname = posixpath.normpath(posixpath.join(posixpath.dirname(page.pagename), path[:-3]))
    return markdown_link(text, page.url(docname if path else page.pagename, anchor))


def markdown_link(text, url):
    return f"[{text}]({url})" if url else text


# -- Cells ------------------------------------------------------------------------------------------
def split_magic(source):
    """``("pytorch", code)`` for a ``%%tab pytorch`` cell, ``(None, source)`` for a shared cell."""
    first, _, rest = source.partition("\n")
    if first.startswith(MAGIC + " "):
        return first[len(MAGIC):].strip(), rest
    return None, source


def is_setup_cell(cell):
    return cell.cell_type == "code" and "remove-cell" in tags_of(cell) and "page.setup(" in cell.source


def tags_of(cell):
    return cell.metadata.get("tags", [])


def setup_code(framework, tree):
    """The visible first code cell: imports and the book's seeds, nothing from this package."""
    comments = SETUP_COMMENTS[tree]
    if framework == "pytorch":
        return (f"import random\n\nimport numpy as np\nimport torch\n\n# {comments['seeds']}\n"
                f"random.seed({SEED})\ntorch.manual_seed({SEED})\nnp.random.seed({SEED})")
    environment = "\n".join(f'os.environ["{key}"] = "{value}"' for key, value in TENSORFLOW_ENVIRONMENT.items())
    return (f"import os\nimport random\n\n# {comments['environment']}\n{environment}\n\n"
            f"import numpy as np\nimport tensorflow as tf\n\n"
            f"tf.get_logger().setLevel(\"ERROR\")  # {comments['logger']}\n\n# {comments['seeds']}\n"
            f"random.seed({SEED})\ntf.random.set_seed({SEED})\nnp.random.seed({SEED})")


def glued_values(notebook):
    """``{name: mime bundle}`` of every value a cell glued, and the names glued by timing cells."""
    values, timed = {}, set()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if record:
                prefix = len(record.get("mime_prefix", ""))
                values[record["name"]] = {key[prefix:]: value for key, value in output["data"].items()}
                if TIMING in tags_of(cell):
                    timed.add(record["name"])
    return values, timed


def shown_outputs(cell):
    """The outputs a reader sees: glued values are text of the prose, not output."""
    return [output for output in cell.get("outputs", []) if "scrapbook" not in output.get("metadata", {})]


def jupyter_metadata(tags):
    """Cell metadata; the site's folds become Jupyter's own (``source_hidden``, ``outputs_hidden``)."""
    metadata = {"tags": list(tags)} if tags else {}
    hidden = {"source_hidden": bool({"hide-input", "hide-cell"} & set(tags)),
              "outputs_hidden": bool({"hide-output", "hide-cell"} & set(tags))}
    if any(hidden.values()):
        metadata["jupyter"] = {key: value for key, value in hidden.items() if value}
    return metadata


# Cells built without nbformat's check of each one (slow); nbformat.write checks the whole notebook.
def markdown_cell(source, metadata=None):
    return nbformat.from_dict({"cell_type": "markdown", "metadata": metadata or {}, "source": source})


def code_cell(source, metadata=None, outputs=()):
    return nbformat.from_dict({"cell_type": "code", "metadata": metadata or {}, "source": source,
                               "outputs": list(outputs), "execution_count": None})


def plain_notebook(page, framework):
    """The page for one framework, readable and runnable in plain Jupyter, with the build's outputs."""
    cells = []  # (id, cell)
    for index, cell in enumerate(page.executed.cells):
        try:
            converted = convert_cell(cell, framework, page)
        except NotebookError as error:
            raise NotebookError(f"{page.source}, {cell.cell_type} cell {index + 1}: {error}") from None
        if converted is None:
            continue
        previous = cells[-1][1] if cells else None
        if converted.cell_type == "markdown" and previous is not None and previous.cell_type == "markdown":
            previous.source += "\n\n" + converted.source  # a dropped hidden cell had split them
            previous.metadata.update(converted.metadata)
            continue
        cells.append(("setup" if is_setup_cell(cell) else f"cell-{index + 1}", converted))
    intro = markdown_cell(INTRO[page.tree].format(
        page=markdown_link(page.title, page.url(page.pagename)), book=page.book, label=FRAMEWORKS[framework],
        packages=" ".join(pinned_packages([cell for _, cell in cells]))))
    cells.insert(0, ("about", intro))
    notebook = nbformat.v4.new_notebook(metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    count = 0
    for cell_id, cell in cells:
        cell.id = cell_id  # from the page, not random: two builds give the same file
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = count
        notebook.cells.append(cell)
    return notebook


def convert_cell(cell, framework, page):
    if cell.cell_type == "markdown":
        text = myst_to_markdown(cell.source, page, framework)
        if not text.strip():
            return None
        uses_timing = any(f"`{name}`" in cell.source for name in page.timed_glue)
        return markdown_cell(text, metadata={"tags": [TIMING]} if uses_timing else {})
    if is_setup_cell(cell):
        return code_cell(setup_code(framework, page.tree))
    if "remove-cell" in tags_of(cell):
        return None  # a hidden check or glue
    cell_framework, code = split_magic(cell.source)
    if cell_framework not in (None, framework):
        return None
    if PACKAGE in code:
        raise NotebookError(f"this visible code uses {PACKAGE}, which readers do not have: "
                            "write it in plain code, or move it to a hidden cell")
    return code_cell(code, metadata=jupyter_metadata(tags_of(cell)), outputs=shown_outputs(cell))


def pinned_packages(cells):
    """``torch==2.13.0``... for each pinned dependency (pyproject.toml) the code imports, in list order."""
    imported = set()
    for cell in cells:
        if cell.cell_type == "code":
            modules = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", cell.source, re.M)
            imported |= {module.split(".")[0] for module in modules}
    distributions = module_distributions()
    pins = [requirement.split(";")[0].strip() for requirement in importlib.metadata.requires("autodiff-book")]
    needed = set()
    for module in sorted(imported - set(sys.stdlib_module_names)):
        names = {name.lower() for name in distributions.get(module, [module])}
        found = [pin for pin in pins if re.split(r"[=<>!~ ]", pin)[0].lower() in names]
        if not found:
            raise NotebookError(f"the code imports {module}, which pyproject.toml does not list: add it, pinned")
        needed.update(found)
    return [pin for pin in pins if pin in needed]


@functools.cache
def module_distributions():
    """``{"torch": ["torch"], ...}`` for every installed module: slow (it reads every package's file list), so once."""
    return importlib.metadata.packages_distributions()


def glued_text(glue, role, content):
    """The text of ``{glue}``, ``{glue:md}`` or ``{glue:text}`` (``name:format``) from the glued values."""
    name, _, spec = content.partition(":") if role == "glue:text" else (content, "", "")
    if name not in glue:
        raise NotebookError(f"no cell glues {name!r}")
    data = glue[name]
    if role == "glue:text":
        return format(ast.literal_eval(data["text/plain"]), spec)
    if role in ("glue", "glue:md"):
        return data.get("text/markdown", data["text/plain"])
    raise NotebookError(f"no plain-Markdown form for the {{{role}}} role")


# -- The build --------------------------------------------------------------------------------------
class BookPage:
    """A page as the converter sees it: its executed notebook, and what the build knows about it."""

    def __init__(self, app, pagename, executed):
        self.app, self.pagename, self.executed = app, pagename, executed
        self.tree = tree_of(app)
        self.source = app.env.doc2path(pagename)
        self.title = self.title_of(pagename)
        self.book = app.config.project
        self.glue, self.timed_glue = glued_values(executed)

    def title_of(self, docname):
        return self.app.env.titles[docname].astext()

    def url(self, docname, anchor=""):
        return published_url(self.app, docname, anchor)

    def admonition_label(self, name):
        return str(admonitionlabels[name])  # in the build's language, as on the site

    def label(self, name):
        """``(page, anchor, title)`` of a ``{ref}`` target."""
        labels = self.app.env.domains.standard_domain
        name = name.lower()  # as {ref} looks it up
        if name in labels.labels:
            return labels.labels[name]
        if name in labels.anonlabels:
            return (*labels.anonlabels[name], name)
        raise NotebookError(f"no label {name!r}")

    def glued(self, role, content):
        return glued_text(self.glue, role, content)


def is_notebook_page(app, pagename):
    return "```{code-cell}" in Path(app.env.doc2path(pagename)).read_text(encoding="utf8")


def executed_notebook(app, pagename):
    """The page as a notebook with the outputs of its execution at build time; None if it failed to run."""
    source = Path(app.env.doc2path(pagename))
    notebook = read_myst_markdown_notebook(source.read_text(encoding="utf8"), path=str(source))
    # myst-nb writes the notebook without the outputs it took from the cache: merge them here.
    try:
        _, notebook = get_cache(app.env.mystnb_config.execution_cache_path).merge_match_into_notebook(notebook)
    except KeyError:
        return None  # the build already failed, naming the page: no download for it
    return notebook


def write_notebooks(app, pagename, templatename, context, doctree):
    """Write a notebook page's plain notebooks and offer them (the root page: the zips) in its download menu."""
    if doctree is None:
        return
    offers = []  # (file, "page" or "chapter", framework)
    executed = executed_notebook(app, pagename) if is_notebook_page(app, pagename) else None
    if executed is not None:
        page = BookPage(app, pagename, executed)
        (Path(app.outdir) / FOLDER).mkdir(exist_ok=True)
        for framework in FRAMEWORKS:
            try:
                notebook = plain_notebook(page, framework)
            except NotebookError as error:
                logger.warning(f"no plain notebook for this page: {error}", location=pagename)
                return
            nbformat.write(notebook, Path(app.outdir) / FOLDER / notebook_name(pagename, framework))
            offers.append((notebook_name(pagename, framework), "page", framework))
    if pagename == app.config.root_doc and any(is_notebook_page(app, name) for name in app.env.found_docs):
        offers += [(zip_name(tree_of(app), framework), "chapter", framework) for framework in FRAMEWORKS]
    menu = next((group for group in context.get("header_buttons", []) if group.get("label") == "download-buttons"),
                None)  # sphinx-book-theme's download menu, unless use_download_button is off
    if menu is not None:
        menu["buttons"][0:0] = [download_item(app, context, *offer) for offer in offers]


def download_item(app, context, file, kind, framework):
    label, tooltip = (text.format(label=FRAMEWORKS[framework]) for text in MENU[tree_of(app)][kind])
    return {"type": "link", "url": context["pathto"](f"{FOLDER}/{file}", 1), "text": label, "tooltip": tooltip,
            "icon": "fas fa-code" if kind == "page" else "fas fa-file-zipper",
            "label": f"download-{framework}-{kind}-button"}


def write_zips(app, exception):
    """Per framework, a zip of every page's notebook in reading order; fixed dates give the same bytes each build."""
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / FOLDER
    if not folder.is_dir():
        return  # no page gave a notebook (their execution failed, and the build says so)
    in_order = list(app.env.collect_relations()) + sorted(app.env.found_docs)
    pages = [name for name in dict.fromkeys(in_order) if is_notebook_page(app, name)]
    for framework in FRAMEWORKS if pages else ():
        archive_path = folder / zip_name(tree_of(app), framework)
        with zipfile.ZipFile(archive_path, "w") as archive:
            for number, pagename in enumerate(pages, start=1):
                notebook = folder / notebook_name(pagename, framework)
                if not notebook.exists():
                    logger.warning(f"{notebook} is missing from {archive_path.name}: run `make clean html`")
                    continue
                info = zipfile.ZipInfo(f"{archive_path.stem}/{number:02d}-{notebook.name}",
                                       date_time=(1980, 1, 1, 0, 0, 0))  # zip's earliest date, every build
                info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                archive.writestr(info, notebook.read_bytes())


def warm_up(app, builder):
    """Once, before the page writers fork, what each of them would otherwise do again."""
    module_distributions()
    for minor in (4, 5):  # compile the schemas: jupyter-cache reads notebooks as 4.4, we write 4.5
        nbformat.validate(nbformat.v4.new_notebook(nbformat_minor=minor))


def setup(app):
    app.connect("write-started", warm_up)
    app.connect("html-page-context", write_notebooks, priority=502)  # after the theme's menu (501)
    app.connect("build-finished", write_zips)
