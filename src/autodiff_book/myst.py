"""MyST Markdown as MyST's own parser reads it (markdown-it, configured as conf.py configures the site).

The twin check (:mod:`.structure`), the translation fingerprints (:mod:`.translations`) and the
notebook writer (:mod:`.notebooks`) read pages with this one parser, so all three agree with the
site on what is a directive, a role, a link, code or prose.

>>> [(token.type, token.map) for token in parser().parse("(top)=\\n# Title\\n\\n:::{note}\\nSay {term}`why`.\\n:::")]
[('myst_target', [0, 1]), ('heading_open', [1, 2]), ('inline', [1, 2]), ('heading_close', None), ('colon_fence', [3, 6])]
>>> text = "See `{term}`x`` and {term}`tape <gradient tape>` in [a page](basics.md)."
>>> [(token.type, text[slice(*token.meta["span"])]) for token in spans(text)]
[('myst_role', '{term}`tape <gradient tape>`'), ('link_open', '[a page](basics.md)')]
>>> role_parts("tape <gradient tape>"), role_parts("gradient")
(('tape', 'gradient tape'), (None, 'gradient'))
"""
import functools
import re

MYST_EXTENSIONS = {"dollarmath", "amsmath", "colon_fence", "deflist"}  # as conf.py's myst_enable_extensions
DIRECTIVE = re.compile(r"\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)")  # a fence's info: `{note}`, `{dropdown} Title`
OPTION = re.compile(r":[\w-]+:.*")  # a directive's option line, `:open:`
SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")  # a link to another site: `https:`, `mailto:`


@functools.cache
def parser():
    """The parser; its role and link tokens carry ``meta["span"]``, where they are in the source."""
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_inline import link
    from mdit_py_plugins.myst_role.index import myst_role
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    md = create_md_parser(MdParserConfig(enable_extensions=MYST_EXTENSIONS), RendererHTML)
    md.inline.ruler.at("myst_role", with_span(myst_role))
    md.inline.ruler.at("link", with_span(link))
    return md


def with_span(rule):
    def rule_with_span(state, silent):
        start, count = state.pos, len(state.tokens)
        found = rule(state, silent)
        if found and not silent:  # the rule's token follows any text the state had pending
            token = next(token for token in state.tokens[count:] if token.type in ("myst_role", "link_open"))
            token.meta["span"] = (start, state.pos)
        return found
    return rule_with_span


def spans(text):
    """The roles and links of a piece of Markdown, outermost only, where the parser finds them (not in code)."""
    end = 0
    for token in parser().parseInline(text)[0].children:
        if "span" in token.meta and token.meta["span"][0] >= end:
            end = token.meta["span"][1]
            yield token


def directive(token):
    """``(name, argument)`` of a fence token that opens a directive (`{note}`), None for a code block."""
    match = DIRECTIVE.fullmatch(token.info.strip())
    return (match["name"], match["argument"].strip()) if match else None


def body(token):
    """A directive's body after its options (`:open:`): ``(number of option lines, the body's Markdown)``."""
    lines = token.content.splitlines()
    options = next((number for number, line in enumerate(lines) if not OPTION.match(line)), len(lines))
    return options, "\n".join(lines[options:])


def fences(text, names, first_line=0):
    r"""``(start, end, name, body lines)`` of each directive named in ``names``, nested ones too, by line of ``text``;
    the body without the directive's options.

    >>> list(fences("::::{dropdown} A\n:open:\n```{doctest}\n>>> 1\n1\n```\n::::", {"doctest"}))
    [(2, 6, 'doctest', ['>>> 1', '1'])]
    """
    for token in parser().parse(text):
        if token.level or token.type not in ("fence", "colon_fence") or directive(token) is None:
            continue
        name, start = directive(token)[0], first_line + token.map[0]
        options, inner = body(token)
        if name in names:
            yield start, first_line + token.map[1], name, inner.splitlines()
        else:
            yield from fences(inner, names, start + 1 + options)


def role_parts(content):
    """``(text, target)`` of a role's content; text is None unless it is written ``text <target>``."""
    text, _, target = content[:-1].rpartition("<") if content.endswith(">") else ("", "", content)
    return text.strip() or None, target
