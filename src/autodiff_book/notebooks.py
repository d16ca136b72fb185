r"""Each notebook page as a plain Jupyter notebook per framework, with the build's outputs.

The pages need this package (a hidden set-up cell, ``%%tab`` cells, hidden checks, MyST
Markdown); a reader has plain Jupyter. So the build also writes, next to each page,
``notebooks/basics-pytorch.ipynb``, ``notebooks/basics-tensorflow.ipynb`` and, on a page with
JAX tabs, ``notebooks/basics-jax.ipynb``: the shared cells and that framework's cells without
their magic line, a short set-up cell of plain code, Markdown that Jupyter renders, and the
outputs the build printed. The root page offers ``notebooks/autodiff-book-en-pytorch.zip``
(one language, one framework, every page that has it).

This module converts; it knows nothing of Sphinx. The build hands it each page
(:mod:`.sphinx_ext.downloads`), with what the build knows: titles, labels, addresses.

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

import nbformat
from packaging.requirements import Requirement  # installed with Sphinx and pip: reads "torch==2.13.0" as pip does

from . import chinese, myst
from .page import JAX_ENVIRONMENT, SEED, TENSORFLOW_ENVIRONMENT
from .structure import tab_sets
from .tabs import FRAMEWORKS, page_frameworks, split_magic

FOLDER = "notebooks"  # under each language's HTML output
TIMING = "timing"  # the tag of a cell whose output is a measured time: it differs from run to run
PACKAGE = __name__.split(".")[0]
FOLDS = {"source_hidden": {"hide-input", "hide-cell"}, "outputs_hidden": {"hide-output", "hide-cell"}}
CODE_DIRECTIVES = {"doctest": "python", "code-block": None, "code": None, "sourcecode": None}

INTRO = {
    "en": "This notebook is the page {page} of *{book}*, with its {label} code. It runs in "
    "plain Jupyter with these packages, the versions the book's code ran with:\n\n"
    "```\npip install {packages}\n```\n\n"
    "{cpu}The outputs below are the book's; run all cells to reproduce them.",
    "zh": "本笔记本是《{book}》中的{page}一页，只含 {label} 代码。它在普通的 Jupyter 中即可运行，"
    "需要以下几个包（本书代码运行时所用的版本）：\n\n"
    "```\npip install {packages}\n```\n\n"
    "{cpu}下面的输出是本书生成时实际运行的结果；在“运行”菜单中选择“运行所有单元格”即可复现。",
}
# The Chinese names JupyterLab's menu item as its zh-CN interface does (jupyterlab-language-pack-zh-CN:
# "Run All Cells" is 运行所有单元格, in the menu 运行), so a reader finds it: a quoted label, the one
# place 单元格 (not the book's 代码单元) is written.
CPU_TORCH = {  # PyPI's torch for x86-64 Linux is the CUDA build; PyTorch's own index has the CPU one
    "en": "On x86-64 Linux, that takes PyTorch's CUDA build with NVIDIA's libraries; for its CPU build, "
    "which is all this notebook needs, run first:\n\n```\npip install {pin} --index-url {index}\n```\n\n",
    "zh": "在 x86-64 Linux 上，这条命令装的是 PyTorch 的 CUDA 版，连同 NVIDIA 的一批库；本笔记本只用 CPU，"
    "想装 CPU 版的话，请先运行：\n\n```\npip install {pin} --index-url {index}\n```\n\n",
}
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
SETUP_COMMENTS = {
    "en": {"seeds": "the book's seeds: random draws match the outputs below",
           "environment": "before the import: no log lines, and the book's CPU kernels (the same digits)",
           "logger": "TensorFlow's Python log too: only errors, as on the site",
           "jax": "before the import: the CPU only, as the book ran (with a GPU, JAX would take it)",
           "x64": "32-bit floats, as the book ran: JAX's default, said in case JAX_ENABLE_X64 is set"},
    "zh": {"seeds": "本书的随机种子：随机数与下面的输出一致",
           "environment": "导入前设置：关闭日志，并采用与本书相同的 CPU 运算实现（数字才一致）",
           "logger": "TensorFlow 的 Python 日志也只显示错误，与网站一致",
           "jax": "导入前设置：只用 CPU，与本书运行时一致（有 GPU 时 JAX 会用它）",
           "x64": "浮点数取 32 位，与本书运行时一致：这是 JAX 的默认值，写明以防设置了 JAX_ENABLE_X64"},
}
COMPANIONS = {"jax": ["jaxlib"]}  # pins a notebook needs beside the package its code imports (jax takes any jaxlib 0.10.x)


class NotebookError(ValueError):
    """A page holds something this module cannot turn into a plain notebook."""


def notebook_frameworks(notebook):
    """The frameworks a page offers a notebook for: those on every page, and any other its tabs use.

    >>> page = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("%%tab jax\\nx = 1")])
    >>> notebook_frameworks(page)
    ['pytorch', 'tensorflow', 'jax']
    """
    found = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            found.add(split_magic(cell.source)[0])
        else:  # its {framework} blocks, read by MyST's parser as the twin check reads them
            found.update(framework for _, frameworks in tab_sets(cell.source) for framework in frameworks)
    return page_frameworks(found)


def notebook_name(pagename, framework):
    return f"{pagename.replace('/', '-')}-{framework}.ipynb"


def zip_name(tree, framework):
    return f"autodiff-book-{tree}-{framework}.zip"


# -- Markdown ---------------------------------------------------------------------------------------
def myst_to_markdown(text, page, framework=None):
    """MyST Markdown as plain Jupyter renders it: roles resolved, directives as Markdown or HTML.

    Prose keeps its lines as written; only what the parser finds to be MyST is rewritten. A
    ``{framework}`` block is kept, unwrapped, in its framework's notebook and left out of the others.
    """
    return "\n".join(convert_blocks(text, page, framework)).strip("\n")


def convert_blocks(text, page, framework):
    lines, out, index = text.split("\n"), [], 0
    for token in myst.parser().parse(text):
        if token.level > 0 or token.map is None:
            continue  # inside a block, or a block's closing token
        start, end = token.map
        out += lines[index:start]  # the blank lines between blocks, as written
        index = end
        if token.type in ("fence", "colon_fence"):
            closing = lines[end - 1].strip()
            if end - start < 2 or set(closing) != {token.markup[0]} or len(closing) < len(token.markup):
                raise NotebookError(f"the fence {lines[start]!r} is never closed")
            converted = convert_fence(token, lines[start:end], page, framework)
            out += converted
            if not converted and (not out or not out[-1].strip()):
                while index < len(lines) and not lines[index].strip():
                    index += 1  # a block left out takes its blank lines with it
        elif token.type == "math_block_label":  # `$$ (label)`: a notebook has no equation numbers
            out += lines[start:end - 1] + [lines[end - 1][:lines[end - 1].rindex("$$") + 2]]
        elif token.type not in ("myst_target", "myst_line_comment"):  # `(label)=`, `% comment`: for authors
            out += convert_inline("\n".join(lines[start:end]), page).split("\n")
    return out + lines[index:]


def convert_fence(token, lines, page, framework):
    if myst.directive(token) is None:
        return lines  # a plain code block stays as it is
    name, argument = myst.directive(token)
    body = lines[1:-1]
    while body and (myst.OPTION.fullmatch(body[0]) or not body[0].strip()):
        body = body[1:]  # options such as :open: mean nothing in a notebook
    if name == "framework":
        return convert_blocks("\n".join(body), page, framework) if argument == framework else []
    if name == "dropdown":
        return ["<details>", f"<summary>{convert_inline(argument, page)}</summary>", "",
                *convert_blocks("\n".join(body), page, framework), "", "</details>"]
    if name in CODE_DIRECTIVES:
        return [f"```{CODE_DIRECTIVES[name] or argument}", *body, "```"]
    if name == "math":
        return ["$$", *body, "$$"]
    if name == "glue:figure":  # the figure as an image inside the Markdown, its caption under it
        data = page.glue.get(argument)
        image = next((mime for mime in ("image/png", "image/svg+xml") if data and mime in data), None)
        if image is None:
            raise NotebookError(f"{{glue:figure}} {argument!r}: no cell glued it as a PNG or SVG image")
        payload = data[image] if image == "image/png" else base64.b64encode(data[image].encode()).decode()
        return [f"![](data:{image};base64,{payload.strip()})", "", *convert_blocks("\n".join(body), page, framework)]
    title = argument if name == "admonition" else page.admonition_label(name)
    if title is None:
        raise NotebookError(f"no plain-Markdown form for the {{{name}}} directive: "
                            f"add one to {__name__}.convert_fence, or write the page without it")
    quoted = [f"**{convert_inline(title, page)}**", "", *convert_blocks("\n".join(body), page, framework)]
    while quoted[-1] == "":
        quoted.pop()
    return [f"> {line}" if line else ">" for line in quoted]


def convert_inline(text, page):
    """The roles and links the parser finds (not those in code) rewritten; the rest as written."""
    pieces, end = [], 0
    for token in myst.spans(text):
        start, next_end = token.meta["span"]
        source = text[start:next_end]
        if token.type == "myst_role":
            converted = convert_role(token.meta["name"], token.content, page)
        else:
            label, link, target = source[1:-1].rpartition("](")
            converted = convert_link(convert_inline(label, page), target, page) if link else source
        pieces += [text[end:start], converted]
        end = next_end
    text = "".join(pieces) + text[end:]
    # Jupyter, like a browser, shows a line break between two Chinese characters as a space.
    return chinese.join_lines(text) if page.tree == "zh" else text


def convert_role(name, content, page):
    text, target = myst.role_parts(content)
    if name == "term":
        return text or target
    if name.startswith("glue"):
        return glued_text(page.glue, name, content)
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
    if myst.SCHEME.match(target):
        return f"[{text}]({target})"
    path, _, anchor = target.partition("#")
    if path and not path.endswith(".md"):
        raise NotebookError(f"the link target {target!r} is not a page: link to its published address")
    docname = posixpath.normpath(posixpath.join(posixpath.dirname(page.pagename), path[:-3]))
    return markdown_link(text, page.url(docname if path else page.pagename, anchor))


def markdown_link(text, url):
    return f"[{text}]({url})" if url else text


def link_in_chinese(text, url):
    """A link set between Chinese characters: a space on each side where its text starts or ends with
    a Latin letter or a digit, as the book writes Chinese beside Latin (中的 [Python 控制流](…)一页)."""
    before = " " if re.match(r"[A-Za-z0-9]", text) else ""
    after = " " if re.search(r"[A-Za-z0-9]$", text) else ""
    return f"{before}{markdown_link(text, url)}{after}"


# -- Cells ------------------------------------------------------------------------------------------
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
    if framework == "jax":
        environment = "\n".join(f'os.environ["{key}"] = "{value}"' for key, value in JAX_ENVIRONMENT.items())
        return (f"import os\nimport random\n\n# {comments['jax']}\n{environment}\n\n"
                f"import jax\nimport numpy as np\n\n"
                f"jax.config.update(\"jax_enable_x64\", False)  # {comments['x64']}\n\n# {comments['seeds']}\n"
                f"random.seed({SEED})\nnp.random.seed({SEED})")
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
    folds = {key: True for key, fold_tags in FOLDS.items() if fold_tags & set(tags)}
    return ({"tags": list(tags)} if tags else {}) | ({"jupyter": folds} if folds else {})


# Cells built without nbformat's check of each one (slow); nbformat.write checks the whole notebook.
def markdown_cell(source, metadata=None):
    return nbformat.from_dict({"cell_type": "markdown", "metadata": metadata or {}, "source": source})


def code_cell(source, metadata=None, outputs=()):
    return nbformat.from_dict({"cell_type": "code", "metadata": metadata or {}, "source": source,
                               "outputs": list(outputs), "execution_count": None})


def plain_notebook(page, framework):
    """The page for one framework, readable and runnable in plain Jupyter, with the build's outputs."""
    cells = []
    for index, cell in enumerate(page.executed.cells):
        try:
            converted = convert_cell(cell, framework, page)
        except NotebookError as error:
            raise NotebookError(f"{page.source}, {cell.cell_type} cell {index + 1}: {error}") from None
        if converted is None:
            continue
        if converted.cell_type == "markdown" and cells and cells[-1].cell_type == "markdown":
            cells[-1].source += "\n\n" + converted.source  # a dropped hidden cell had split them
            cells[-1].metadata.update(converted.metadata)
            continue
        # Ids from the page, not random: two builds give the same file.
        converted.id = "setup" if is_setup_cell(cell) else f"cell-{index + 1}"
        cells.append(converted)
    pins = pinned_packages(cells)
    cpu = "".join(CPU_TORCH[page.tree].format(pin=pin, index=TORCH_CPU_INDEX)
                  for pin in pins if pin.startswith("torch=="))
    link = link_in_chinese if page.tree == "zh" else markdown_link
    intro = markdown_cell(INTRO[page.tree].format(
        page=link(page.title, page.url(page.pagename)), book=page.book, label=FRAMEWORKS[framework],
        packages=" ".join(pins), cpu=cpu))
    intro.id = "about"
    notebook = nbformat.v4.new_notebook(metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    notebook.cells = [intro, *cells]
    for count, cell in enumerate((cell for cell in cells if cell.cell_type == "code"), start=1):
        cell.execution_count = count
        for output in cell.outputs:
            if output.output_type == "execute_result":
                output.execution_count = count
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
    requirements = [Requirement(text) for text in importlib.metadata.requires("autodiff-book")]
    distributions = module_distributions()
    needed = set()
    for module in sorted(imported - set(sys.stdlib_module_names)):
        names = {name.lower() for name in distributions.get(module, [module])}
        if not any(requirement.name.lower() in names for requirement in requirements):
            raise NotebookError(f"the code imports {module}, which pyproject.toml does not list: add it, pinned")
        needed |= names | set(COMPANIONS.get(module, ()))
    return [f"{r.name}{r.specifier}" for r in requirements if r.name.lower() in needed]


# {"torch": ["torch"], ...} for every installed module: slow (it reads every package's file list), so once.
module_distributions = functools.cache(importlib.metadata.packages_distributions)


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
