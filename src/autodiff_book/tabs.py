"""The ``%%tab`` cell magic: one namespace per framework inside one kernel.

A page shows each example once per framework, and every version uses the natural
names (``x``, ``y``, ``tape``). A cell whose first line is ``%%tab pytorch``,
``%%tab tensorflow`` or ``%%tab jax`` runs in that framework's own namespace, which also sees
every name defined by the page's ordinary (shared) cells. The value of the last
expression is returned, so the kernel displays it like any cell's.

>>> tabs = FrameworkNamespaces(shared={"scale": 10})
>>> tabs.run("pytorch", "x = 'torch'")
>>> tabs.run("tensorflow", "x = 'tf'")
>>> tabs.run("pytorch", "x * 2, scale")
('torchtorch', 10)
>>> tabs.run("jax", "x = 'jax'")
>>> tabs.run("tensorflow", "x"), tabs.run("jax", "x")
('tf', 'jax')
>>> tabs.run("mxnet", "1")
Traceback (most recent call last):
ValueError: %%tab takes one of pytorch, tensorflow, jax; got 'mxnet'

Each cell's source is registered with ``linecache``, as IPython does for its own
cells, so ``inspect`` can read a function defined in a tab (``tf.function``'s
AutoGraph needs that to compile a Python ``while`` or ``if``):

>>> import inspect
>>> tabs.run("tensorflow", "def double(v):\\n    return 2 * v")
>>> print(inspect.getsource(tabs.namespaces["tensorflow"]["double"]), end="")
def double(v):
    return 2 * v
"""
import ast
import itertools
import linecache

FRAMEWORKS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "jax": "JAX"}  # the order of the tabs
# Every page with code has these; a framework added later (JAX) reaches the pages one at a time: a page
# has it in every tab set or in none (page_frameworks).
ON_EVERY_PAGE = ("pytorch", "tensorflow")
MAGIC = "%%tab"
_registered = None  # the FrameworkNamespaces of the running kernel, once register() ran
_cell_numbers = itertools.count(1)  # each cell gets its own file name, for tracebacks and inspect


class FrameworkNamespaces:
    """Run code in a per-framework namespace layered over the shared one."""

    def __init__(self, shared):
        self.shared = shared
        self.namespaces = {name: {} for name in FRAMEWORKS}
        self.owned = {name: set() for name in FRAMEWORKS}  # names a framework cell has bound

    def run(self, framework, source):
        if framework not in FRAMEWORKS:
            raise ValueError(f"{MAGIC} takes one of {', '.join(FRAMEWORKS)}; got {framework!r}")
        namespace = self.namespaces[framework]
        owned = self.owned[framework]
        # The namespace dict persists, so functions defined in one cell see names bound later.
        namespace.update({k: v for k, v in self.shared.items() if k not in owned})
        before = dict(namespace)
        filename = f"<{framework} cell {next(_cell_numbers)}>"
        # mtime None: linecache.checkcache keeps the entry (there is no file to compare with).
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        try:
            return run_returning_last_value(source, namespace, filename)
        finally:
            owned.update(k for k, v in namespace.items() if k not in before or before[k] is not v)


def split_magic(source):
    """``("pytorch", code)`` for a ``%%tab pytorch`` cell, ``(None, source)`` for a shared cell.

    >>> split_magic("%%tab pytorch\\nx = 1"), split_magic("x = 1")
    (('pytorch', 'x = 1'), (None, 'x = 1'))
    """
    first, _, rest = source.partition("\n")
    if first.startswith(MAGIC + " "):
        return first[len(MAGIC):].strip(), rest
    return None, source


def page_frameworks(found):
    """The frameworks a page offers, in tab order: those on every page, and any other its tabs use.

    ``found`` is the frameworks of the page's ``%%tab`` cells and ``{framework}`` blocks.

    >>> page_frameworks(["tensorflow", "pytorch"]), page_frameworks({"jax"})
    (['pytorch', 'tensorflow'], ['pytorch', 'tensorflow', 'jax'])
    """
    found = set(found)
    return [name for name in FRAMEWORKS if name in ON_EVERY_PAGE or name in found]


def run_returning_last_value(source, namespace, filename):
    """Execute ``source`` in ``namespace``; return its last expression's value, as a cell shows it."""
    module = ast.parse(source, filename)
    last = module.body[-1] if module.body else None
    if not isinstance(last, ast.Expr) or source.rstrip().endswith(";"):
        exec(compile(module, filename, "exec"), namespace)
        return None
    module.body.pop()
    exec(compile(module, filename, "exec"), namespace)
    return eval(compile(ast.Expression(last.value), filename, "eval"), namespace)


def register(shell):
    """Register ``%%tab`` in an IPython shell; framework namespaces layer over ``shell.user_ns``."""
    namespaces = FrameworkNamespaces(shell.user_ns)

    def tab(line, cell):
        return namespaces.run(line.strip(), cell)

    tab.__doc__ = f"{MAGIC} {'|'.join(FRAMEWORKS)}: run this cell in that framework's namespace."
    shell.register_magic_function(tab, magic_kind="cell", magic_name=MAGIC.lstrip("%"))
    global _registered
    _registered = namespaces
    return namespaces


def in_tab(framework, expression):
    """Evaluate ``expression`` in a framework's namespace: hidden check cells compare both tabs."""
    if _registered is None:
        raise RuntimeError("call autodiff_book.page.setup() first: it registers the framework tabs")
    return eval(expression, _registered.namespaces[framework])
