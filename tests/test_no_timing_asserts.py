"""No page asserts on a measured time: a claim about speed rests on a count or on a glued figure.

Timings follow the machine's load, so an assert that compares them fails at random (three pages
did, in fresh builds). This test follows, through each page's code cells, every value derived
from a clock (``time.perf_counter``, ``process_time``, ``timeit`` ...): names assigned from a clock
call, from functions that call one, or from other such names, including names read through
``in_tab(framework, "expression")``. An ``assert`` (or ``np.testing.assert_*``) on such a value
fails the test, naming the page and line.

The analysis is deliberately coarse: it ignores the order of statements and treats a page's cells,
both framework tabs included, as one program, so it can only err towards reporting too much.
"""
import ast
import functools
import re
from pathlib import Path

import pytest

from autodiff_book.myst import parser as markdown_parser

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("[a-z][a-z]/*.md"))
CLOCK_MODULES = {"time", "timeit"}
CLOCK_FUNCTIONS = {"time", "time_ns", "perf_counter", "perf_counter_ns", "process_time", "process_time_ns",
                   "monotonic", "monotonic_ns", "thread_time", "thread_time_ns", "timeit", "repeat",
                   "default_timer"}
OPTION = re.compile(r":[\w-]+:")
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def code_cells(page):
    """(first line of the source in the page, source, tags) for each code cell; magic lines blanked."""
    text = Path(page).read_text(encoding="utf8")
    for token in markdown_parser().parse(text):
        if token.type != "fence" or not token.info.startswith("{code-cell}"):
            continue
        lines = token.content.split("\n")
        skip = 0
        while skip < len(lines) and OPTION.match(lines[skip]):
            skip += 1
        if skip and skip < len(lines) and not lines[skip].strip():
            skip += 1
        source = [("" if line.lstrip().startswith("%") else line) for line in lines[skip:]]
        tags = re.findall(r"[\w-]+", next((line.split(":", 2)[2] for line in lines[:skip] if line.startswith(":tags:")), ""))
        yield token.map[0] + 2 + skip, "\n".join(source), tags


def root_name(node):
    """The name an attribute or subscript chain starts from: ``times`` for ``times[n]``."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def own_nodes(statements):
    """The nodes of ``statements``, without the bodies of the functions they define."""
    stack = list(statements)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))


def stored_names(target):
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


GLUE = {"glue", "glue_value"}  # myst-nb's and the book's: a value for the prose
MUTATORS = {"append", "extend", "insert", "update", "add", "setdefault"}
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class ClockFlow:
    """Follows values derived from a clock through a page's code, cell after cell.

    Module-level statements are followed in order (a name assigned a clean value is clean again);
    a function is a clock function when what it returns is derived from a clock, judged with the
    names it reads from outside as tainted if any statement ever taints them.
    """

    def __init__(self, trees):
        self.body = [statement for tree in trees for statement in tree.body]
        module = ast.Module(body=self.body, type_ignores=[])
        self.clock_modules, self.clock_aliases = set(CLOCK_MODULES), set()
        for node in ast.walk(module):
            if isinstance(node, ast.ImportFrom) and node.module in CLOCK_MODULES:
                self.clock_aliases |= {a.asname or a.name for a in node.names if a.name in CLOCK_FUNCTIONS}
            elif isinstance(node, ast.Import):
                self.clock_modules |= {a.asname or a.name for a in node.names if a.name in CLOCK_MODULES}
        self.functions = [n for n in ast.walk(module) if isinstance(n, ast.FunctionDef)]
        # `for samples in (t_first, t_second): samples.append(ms)` fills t_first and t_second
        self.aliases = {}
        # `for name in ["ms_fwd", "ms_rev"]: in_tab("pytorch", name)` reads ms_fwd and ms_rev
        self.strings = {}
        for loop in ast.walk(module):
            if isinstance(loop, ast.For) and isinstance(loop.iter, (ast.Tuple, ast.List)):
                for name in stored_names(loop.target):
                    self.aliases.setdefault(name, set()).update(stored_names(loop.iter))
                    self.strings.setdefault(name, set()).update(
                        str(c.value) for c in ast.walk(loop.iter) if isinstance(c, ast.Constant))
        self.returns = {}  # clock function -> True, or a tuple: which returned items are clock values
        self.ever_tainted = set()
        self.asserts, self.glued = [], []
        while True:
            before = (dict(self.returns), set(self.ever_tainted))
            for function in self.functions:
                self.learn(function)
            self.asserts, self.glued = [], []
            self.run(self.body, set())
            if (self.returns, self.ever_tainted) == before:
                break

    def learn(self, function):
        arguments = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
        local = arguments | {n.id for n in own_nodes(function.body)
                             if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        tainted = set(self.ever_tainted - local)
        for _ in range(2):  # twice: a loop may read in one statement what a later one taints
            tainted = self.run(function.body, tainted, record=False)
        for node in own_nodes(function.body):
            if isinstance(node, ast.Return) and node.value is not None:
                if isinstance(node.value, ast.Tuple):
                    positions = tuple(self.reads_clock(item, tainted) for item in node.value.elts)
                    if any(positions):
                        self.returns[function.name] = positions
                elif self.reads_clock(node.value, tainted):
                    self.returns[function.name] = True

    def run(self, statements, tainted, record=True):
        """Follow ``statements`` in order from ``tainted``; return the names tainted after them."""
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(statement, (ast.For, ast.While)):
                if isinstance(statement, ast.For):
                    tainted = self.assign(statement.target, statement.iter, tainted, element=True)
                for _ in range(2):  # the second round sees what the first tainted
                    tainted = self.run(statement.body, tainted, record and _ == 1)
                tainted = self.run(statement.orelse, tainted, record)
            elif isinstance(statement, (ast.If, ast.With, ast.Try)):
                if isinstance(statement, ast.With):
                    for item in statement.items:
                        if item.optional_vars is not None:
                            tainted = self.assign(item.optional_vars, item.context_expr, tainted)
                for block in ("body", "orelse", "finalbody"):
                    tainted = self.run(getattr(statement, block, []), tainted, record)
                for handler in getattr(statement, "handlers", []):
                    tainted = self.run(handler.body, tainted, record)
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    tainted = self.assign(target, statement.value, tainted)
            elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)) and statement.value is not None:
                if self.reads_clock(statement.value, tainted):
                    tainted = tainted | self.names_of(statement.target)
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                call = statement.value
                if isinstance(call.func, ast.Attribute) and call.func.attr in MUTATORS and any(
                        self.reads_clock(arg, tainted) for arg in call.args):  # times[name].append(ms)
                    root = root_name(call.func.value)
                    tainted = tainted | ({root} - {None}) | self.aliases.get(root, set())
                if record and isinstance(call.func, ast.Name) and call.func.id in GLUE and any(
                        self.reads_clock(arg, tainted) for arg in call.args[1:]):
                    self.glued.append(statement)
                if record and isinstance(call.func, ast.Attribute) and call.func.attr.startswith("assert") and any(
                        self.reads_clock(arg, tainted) for arg in call.args):
                    self.asserts.append(statement)
            elif record and isinstance(statement, ast.Assert) and self.reads_clock(statement.test, tainted):
                self.asserts.append(statement)
            self.ever_tainted |= tainted
        return tainted

    def names_of(self, target):
        if isinstance(target, (ast.Name, ast.Tuple, ast.List, ast.Starred)):
            return stored_names(target)
        return {root_name(target)} - {None}  # times[n] = ms taints times

    def assign(self, target, value, tainted, element=False):
        if not element and isinstance(target, ast.Tuple) and isinstance(value, ast.Call) and isinstance(
                value.func, ast.Name) and isinstance(self.returns.get(value.func.id), tuple):
            positions = self.returns[value.func.id]  # result, ms = timed(compute)
            for item, clock in zip(target.elts, positions):
                tainted = (tainted | self.names_of(item)) if clock else (tainted - stored_names(item))
            return tainted
        if not element and isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
            for item, part in zip(target.elts, value.elts):
                tainted = self.assign(item, part, tainted)
            return tainted
        if self.reads_clock(value, tainted):
            return tainted | self.names_of(target)
        if isinstance(target, (ast.Name, ast.Tuple, ast.List)):
            return tainted - stored_names(target)  # a clean value: the name is clean again
        return tainted

    def reads_clock(self, node, tainted):
        if isinstance(node, COMPREHENSIONS):
            inner = set(tainted)
            for generator in node.generators:
                if self.reads_clock(generator.iter, inner):
                    inner |= stored_names(generator.target)
                else:
                    inner -= stored_names(generator.target)
                if any(self.reads_clock(condition, inner) for condition in generator.ifs):
                    return True
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            return any(self.reads_clock(part, inner) for part in parts)
        if isinstance(node, ast.Lambda):
            arguments = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
            return self.reads_clock(node.body, tainted - arguments)
        if isinstance(node, ast.Name):
            return node.id in tainted
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
                    func.value.id in self.clock_modules and func.attr in CLOCK_FUNCTIONS):
                return True
            if isinstance(func, ast.Name) and (func.id in self.clock_aliases or func.id in self.returns):
                return True
            if isinstance(func, ast.Name) and func.id == "in_tab" and len(node.args) > 1:
                strings = [s.value for s in ast.walk(node.args[1]) if isinstance(s, ast.Constant)]
                strings += [text for name in stored_names(node.args[1]) for text in self.strings.get(name, ())]
                if any(set(IDENTIFIER.findall(str(s))) & tainted for s in strings):
                    return True
        return any(self.reads_clock(child, tainted) for child in ast.iter_child_nodes(node))


@functools.cache  # both tests of a page read the same analysis
def clock_flow(page):
    """The page's ClockFlow, and the line range and tags of each code cell."""
    cells, spans = [], []
    for first_line, source, tags in code_cells(page):
        try:
            tree = ast.parse(source)
        except SyntaxError as error:
            pytest.fail(f"{page}:{first_line + (error.lineno or 1) - 1}: a code cell does not parse: {error.msg}")
        for node in ast.walk(tree):
            if hasattr(node, "lineno"):
                node.lineno += first_line - 1  # lines of the page, not of the cell
        cells.append(tree)
        spans.append((first_line, first_line + source.count("\n"), tags))
    return ClockFlow(cells), spans


def where(page, node):
    name = Path(page).relative_to(ROOT) if Path(page).is_relative_to(ROOT) else Path(page).name
    return f"{name}:{node.lineno}: {ast.unparse(node)[:100]}"


def timing_asserts(page):
    """``page:line: source`` for each assert on a value derived from a clock."""
    flow, _ = clock_flow(page)
    return [where(page, node) for node in sorted(flow.asserts, key=lambda n: n.lineno)]


def untagged_timing_glue(page):
    """``page:line: source`` for each measured time glued into the prose from a cell not tagged timing."""
    flow, spans = clock_flow(page)
    return [where(page, node) for node in sorted(flow.glued, key=lambda n: n.lineno)
            if not any(first <= node.lineno <= last and "timing" in tags for first, last, tags in spans)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_page_asserts_on_a_measured_time(page):
    found = timing_asserts(page)
    assert not found, (
        "an assert compares a measured time, so it fails at random on a loaded machine; assert a count "
        "instead, or glue the figure into a sentence true for any value:\n  " + "\n  ".join(found))


BROKEN_PAGE = '''
# A page

```{code-cell} ipython3
:tags: [timing]

import time as clock


def best_ms(compute):
    start = clock.perf_counter()
    compute()
    return (clock.perf_counter() - start) * 1e3
```

```{code-cell} ipython3
%%tab pytorch
times = {n: best_ms(lambda: sum(range(n))) for n in (10, 1000)}
```

```{code-cell} ipython3
:tags: [remove-cell]

sizes = [10, 1000]
assert len(sizes) == 2  # a count: fine
ratio = in_tab("pytorch", "times[1000] / times[10]")
assert ratio > 1
np.testing.assert_array_less(in_tab("pytorch", "times[10]"), 5)
```
'''


def test_the_check_reports_each_timing_assert_with_its_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(BROKEN_PAGE, encoding="utf8")
    lines = [int(found.split(":")[1]) for found in timing_asserts(page)]
    broken = [i for i, line in enumerate(BROKEN_PAGE.split("\n"), 1) if "ratio > 1" in line or "assert_array_less" in line]
    assert lines == broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_measured_time_is_glued_only_from_a_timing_cell(page):
    # Two builds differ only in timing cells and the figures they glue: that is how they are compared.
    found = untagged_timing_glue(page)
    assert not found, "tag the cell `timing`: it glues a measured time into the prose:\n  " + "\n  ".join(found)


def test_the_check_reports_a_measured_time_glued_from_an_untagged_cell(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(BROKEN_PAGE + '\n```{code-cell} ipython3\nglue_value("ratio", ratio)\nglue_value("n", len(sizes))\n```\n',
                    encoding="utf8")
    assert [found.split(": ", 1)[1] for found in untagged_timing_glue(page)] == ["glue_value('ratio', ratio)"]
