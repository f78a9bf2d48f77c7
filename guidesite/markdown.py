"""Markdown to HTML with the site's rules: heading ids, `key:` links, source lines kept.

markdown-it-py does the parsing; two core rules added here collect headings and links into
`env` as the document is parsed, so nothing re-reads the HTML afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .diagnostics import Diagnostic, SourceRef, did_you_mean, error
from .slug import slugify

RESERVED_IDS = frozenset({"main", "toc", "top", "site-search", "languages", "related"})
"""Ids the templates use; a heading with the same text gets a numbered id instead."""
_EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z][A-Za-z0-9_-]*)\}\s*$")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Link:
    """A link or image in the Markdown, as written, and the URL it became."""

    href: str
    line: int


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    text: str
    """Plain text of the prose (paragraphs, list items, headings), one block per line."""
    problems: tuple[Diagnostic, ...]


class Markdown:
    """A configured parser; make one per process and reuse it for every page."""

    def __init__(self, allow_html: bool = False,
                 anchor_label: str = "Link to this section") -> None:
        self.md = (MarkdownIt("commonmark", {"html": allow_html, "xhtmlOut": False,
                                             "breaks": False})
                   .enable(["table", "strikethrough"])
                   .use(footnote_plugin))
        self.md.core.ruler.push("site_headings", _headings_rule)
        self.md.core.ruler.push("site_links", _links_rule)
        self.md.add_render_rule("heading_close", _heading_close)
        self.anchor_label = anchor_label

    def render(self, text: str, where: SourceRef, keys: Mapping[str, str]) -> Rendered:
        """Render `text`, whose first line is `where.line` of `where.path`.

        `keys` maps translation keys of the same language to the URLs `key:` links become.
        """
        env: dict = {"where": where, "keys": keys, "headings": [], "links": [],
                     "anchor_label": self.anchor_label,
                     "problems": [], "text": []}
        tokens = self.md.parse(text, env)
        html = self.md.renderer.render(tokens, self.md.options, env)
        return Rendered(html, tuple(env["headings"]), tuple(env["links"]),
                        "\n".join(env["text"]), tuple(env["problems"]))


def _line(env: dict, token: Token | None) -> int:
    where: SourceRef = env["where"]
    return where.line + (token.map[0] if token is not None and token.map else 0)


def _plain(inline: Token) -> str:
    return "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline"))


def _headings_rule(state: StateCore) -> None:
    """Give each heading a stable id: `{#id}` when written, else the slug of its text."""
    used = set(RESERVED_IDS)
    next_number: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        in_heading = index > 0 and tokens[index - 1].type == "heading_open"
        if token.type == "inline" and token.map and not in_heading:
            state.env["text"].append(_plain(token))
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        explicit = _EXPLICIT_ID.search(inline.content)
        if explicit and inline.children and inline.children[-1].type == "text":
            last = inline.children[-1]
            last.content = _EXPLICIT_ID.sub("", last.content)
            wanted = explicit.group(1)
        else:
            wanted = slugify(_plain(inline)) or "section"
        anchor, number = wanted, next_number.get(wanted, 2)
        while anchor in used:  # each repeat starts after the last number given to this text
            anchor, number = f"{wanted}-{number}", number + 1
        next_number[wanted] = number
        used.add(anchor)
        token.attrSet("id", anchor)
        token.attrSet("class", "anchored")
        text = _plain(inline).strip()
        state.env["text"].append(text)
        line = _line(state.env, token)
        state.env["headings"].append(Heading(int(token.tag[1]), anchor, text, line))


def _heading_close(self, tokens: list[Token], index: int, options, env: dict) -> str:
    """Close a heading with a link to itself, which the site script turns into copy-link."""
    opening = tokens[index - 2]
    anchor = opening.attrGet("id")
    label = f"{env['anchor_label']}: {_plain(tokens[index - 1]).strip()}"
    return (f' <a class="anchor" href="#{anchor}" aria-label="{escapeHtml(label)}">#</a>'
            f"</{tokens[index].tag}>\n")


def _links_rule(state: StateCore) -> None:
    """Resolve `key:` links and record every link with its source line."""
    env = state.env
    keys: Mapping[str, str] = env["keys"]
    block: Token | None = None
    for token in state.tokens:
        if token.map:
            block = token
        for child in token.children or ():
            attr = "href" if child.type == "link_open" else "src" if child.type == "image" else ""
            if not attr:
                continue
            href = str(child.attrGet(attr) or "")
            line = _line(env, block)
            if href.startswith("key:"):
                key, hash_, fragment = href[4:].partition("#")
                target = keys.get(key)
                if target is None:
                    where: SourceRef = env["where"]
                    lang_hint = did_you_mean(key, keys) or "check the 'key' in the front matter " \
                        "of the item you link to"
                    env["problems"].append(error(
                        "broken-link", f"no item with key '{key}' in this language",
                        SourceRef(where.path, line), lang_hint))
                    target = "#"
                href = target + hash_ + fragment
                child.attrSet(attr, href)
            env["links"].append(Link(href, line))
