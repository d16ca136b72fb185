"""Each Chinese page records which version of its English twin's prose it translates.

English is the source. ``docs/zh/NAME.md`` carries, in its front matter, a fingerprint of the
prose of ``docs/en/NAME.md`` as it was when the page was last translated. When the English prose
changes, the fingerprints differ: the Chinese page is *stale* until a translator updates it and
marks it translated again.

The *prose* of a page is what a translator translates: the page's Markdown without its front
matter, where each code cell and doctest block counts only by its comments and docstrings, and
any run of whitespace counts as one space. So a change to code (comments and docstrings aside)
or to line breaks and spaces leaves the translation current.

Commands (``python -m autodiff_book.translations``, or through make)::

    status             every stale page with the English changes since its translation
    mark PAGE ...      record that docs/zh/PAGE.md translates today's docs/en/PAGE.md
    mark --all         the same for every page (after a merge, once the translations are current)
"""
import argparse
import difflib
import hashlib
import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

from . import myst, twins

KEY = "translates_en_prose"
KEY_LINE = re.compile(rf"^{KEY}:\s*(\w+).*\n", re.M)
FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)
DOCS = Path("docs")


def prose(text, docstrings=True):
    """The translatable text of a page, line by line: code blocks are reduced to their comments and docstrings.

    >>> print(prose("---\\nkey: value\\n---\\nSay *why*.\\n```{code-cell} ipython3\\nx = 1  # one\\n```\\n"))
    Say *why*.
    # one
    """
    lines = FRONT_MATTER.sub("", text).splitlines()
    kept, position = [], 0
    for start, end, name, code in myst.fences("\n".join(lines), {"code-cell", "doctest"}):
        if name == "doctest":
            code = [line[4:] for line in code if line.startswith((">>>", "..."))]
        kept += lines[position:start] + code_prose("\n".join(code), docstrings)
        position = end
    return "\n".join(kept + lines[position:])


def code_prose(code, docstrings=True):
    r'''The comments and docstrings of a piece of Python code, in order: what a translator translates in it.

    >>> code_prose('def f(x):\n    """Twice x."""\n    return 2 * x  # no copy')
    ['Twice x.', '# no copy']
    '''
    found = [(node.lineno, node.value.value) for node in twins.docstring_nodes(code)] if docstrings else []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT:
                found.append((token.start[0], token.string))
    except (tokenize.TokenError, SyntaxError):
        pass  # not Python to the end (a magic's body): keep the comments read so far
    return [text for _, text in sorted(found, key=lambda item: item[0])]


def fingerprint(text, docstrings=True):
    """A short hash of a page's prose, blind to whitespace.

    Fingerprints recorded before 2026-12 left docstrings out (``docstrings=False``): the status
    still finds the version they translate.
    """
    words = " ".join(prose(text, docstrings).split())
    return hashlib.sha256(words.encode("utf8")).hexdigest()[:16]


def recorded_fingerprint(zh_text):
    """The fingerprint a Chinese page records in its front matter, or None."""
    front_matter = FRONT_MATTER.match(zh_text)
    match = KEY_LINE.search(front_matter.group(1)) if front_matter else None
    return match.group(1) if match else None


def with_fingerprint(zh_text, value):
    """The Chinese page's text with ``value`` recorded in its front matter (added if it has none)."""
    line = f"{KEY}: {value}  # written by `make translated`: see CONTRIBUTING.md\n"
    front_matter = FRONT_MATTER.match(zh_text)
    if front_matter is None:
        return f"---\n{line}---\n\n{zh_text}"
    rest = KEY_LINE.sub("", front_matter.group(1))
    return f"---\n{line}{rest}---\n" + zh_text[front_matter.end():]


def twin_paths(docs, page):
    """(English page, Chinese page) for a page name such as ``basics``, ``basics.md`` or ``docs/zh/basics.md``."""
    relative = Path(page).with_suffix(".md")
    for lang in twins.LANGUAGE_DIRS:  # a path into either tree names the same pair
        if lang in relative.parts:
            relative = Path(*relative.parts[relative.parts.index(lang) + 1:])
    return tuple(Path(docs) / lang / relative for lang in twins.LANGUAGE_DIRS)


def is_stale(en_path, zh_path):
    """Whether the Chinese page translates another version of the English prose than today's."""
    recorded = recorded_fingerprint(Path(zh_path).read_text(encoding="utf8"))
    return recorded != fingerprint(Path(en_path).read_text(encoding="utf8"))


def stale_pages(docs=DOCS):
    """Relative paths of the Chinese pages whose translation is behind their English twin."""
    en_tree, zh_tree = (Path(docs) / lang for lang in twins.LANGUAGE_DIRS)
    return [page for page in sorted(set(twins.pages(en_tree)) & set(twins.pages(zh_tree)))
            if is_stale(en_tree / page, zh_tree / page)]


def mark_translated(en_path, zh_path):
    """Record in the Chinese page that it translates the English page as it is now."""
    for path in (en_path, zh_path):
        if not Path(path).exists():
            raise SystemExit(f"{path} does not exist: name a page that exists in both docs/en and docs/zh")
    value = fingerprint(Path(en_path).read_text(encoding="utf8"))
    text = Path(zh_path).read_text(encoding="utf8")
    Path(zh_path).write_text(with_fingerprint(text, value), encoding="utf8")
    return value


def git(directory, *args):
    """The output of a git command run in ``directory``, or None if git fails (no repository...)."""
    try:
        result = subprocess.run(["git", "-C", str(directory), *args], capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return result.stdout if result.returncode == 0 else None


def translated_version(en_path, recorded):
    """The newest commit whose English page has the ``recorded`` prose: (commit line, text), or None."""
    en_path = Path(en_path).resolve()
    log = git(en_path.parent, "log", "--format=%h %ad %s", "--date=short", "--", en_path.name) or ""
    for commit_line in log.splitlines():
        text = git(en_path.parent, "show", f"{commit_line.split()[0]}:./{en_path.name}")
        if text is not None and recorded in (fingerprint(text), fingerprint(text, docstrings=False)):
            return commit_line, text
    return None


def paragraphs(text, docstrings=True):
    """The prose of a page, one paragraph per line (so that re-wrapping shows no difference)."""
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", prose(text, docstrings)) if block.strip()]


def english_changes(en_path, zh_path):
    """What changed in the English prose since the Chinese page was translated, paragraph by paragraph."""
    recorded = recorded_fingerprint(Path(zh_path).read_text(encoding="utf8"))
    if recorded is None:
        return (f"never marked as translated: compare it with {en_path}, "
                f"then run `make translated PAGE={Path(zh_path).stem}`")
    found = translated_version(en_path, recorded)
    if found is None:
        return (f"the English prose it translates (fingerprint {recorded}) is in no commit of this "
                f"clone's git history: compare it with {en_path} by hand")
    commit_line, old_text = found
    # A fingerprint from before docstrings counted: the docstrings show as added, to be checked.
    old = paragraphs(old_text, docstrings=fingerprint(old_text) == recorded)
    new = paragraphs(Path(en_path).read_text(encoding="utf8"))
    lines = [f"translates {en_path} as of {commit_line}; since then:"]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        lines += [f"~ {word_diff(old[i1 + n], new[j1 + n])}" for n in range(pairs)]
        lines += [f"- {paragraph}" for paragraph in old[i1 + pairs:i2]]
        lines += [f"+ {paragraph}" for paragraph in new[j1 + pairs:j2]]
    return "\n".join(lines)


def word_diff(old, new, context=6):
    """Two versions of a paragraph as one: [-removed words-] {+added words+}, a few words around each.

    >>> word_diff("a b c d e f g h", "a b c X e f g h", context=1)
    '… c [-d-] {+X+} e …'
    """
    before, after = old.split(), new.split()
    operations = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    pieces = []
    for number, (tag, i1, i2, j1, j2) in enumerate(operations):
        if tag == "equal":
            words = before[i1:i2]
            head = words[:context] if number > 0 else []
            tail = words[-context:] if number < len(operations) - 1 else []
            pieces += head + ["…"] + tail if len(words) > len(head) + len(tail) else words
            continue
        if i2 > i1:
            pieces.append("[-" + " ".join(before[i1:i2]) + "-]")
        if j2 > j1:
            pieces.append("{+" + " ".join(after[j1:j2]) + "+}")
    return " ".join(pieces)


def status(docs=DOCS):
    """A report of the stale pages under ``docs``, with what changed in English for each."""
    stale = stale_pages(docs)
    total = len(twins.pages(Path(docs) / "zh"))
    if not stale:
        return f"All {total} Chinese pages translate the current English prose."
    report = [f"{len(stale)} of {total} Chinese pages are behind their English twin:"]
    for page in stale:
        en_path, zh_path = (Path(docs) / lang / page for lang in twins.LANGUAGE_DIRS)
        report += ["", f"{zh_path}: {english_changes(en_path, zh_path)}"]
    report += ["", "Update each page, then mark it: make translated PAGE=<name>"]
    return "\n".join(report)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autodiff_book.translations", description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=DOCS, help="folder holding en/ and zh/ (default docs)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("status", help="list the stale pages with the English changes since their translation")
    mark = commands.add_parser("mark", help="record that the Chinese pages translate today's English prose")
    mark.add_argument("pages", nargs="*", help="page names, e.g. basics (or paths to either twin)")
    mark.add_argument("--all", action="store_true", help="every page")
    args = parser.parse_args(argv)
    if args.command == "status":
        print(status(args.docs))
        return 0
    if args.all:
        args.pages = [str(page) for page in twins.pages(args.docs / "zh")]
    if not args.pages:
        parser.error("name the page you translated, e.g. `make translated PAGE=basics`")
    for page in args.pages:
        en_path, zh_path = twin_paths(args.docs, page)
        was_stale = is_stale(en_path, zh_path) if zh_path.exists() else None
        value = mark_translated(en_path, zh_path)
        print(f"{zh_path} translates {en_path} as of prose {value}" + ("" if was_stale else " (unchanged)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
