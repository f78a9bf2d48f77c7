"""Markdown to HTML with the site's rules: heading ids, `key:` links, source lines kept.

markdown-it-py does the parsing; two core rules added here collect headings and links into
`env` as the document is parsed, so nothing re-reads the HTML afterwards. A lesson's body is
read with its three containers (`::: step|worksheet|roleplay ...` ... `:::`, through
mdit_py_plugins' container plugin): checked once when the file is loaded (`lesson_outline`),
and rendered with its steps and worksheets apart, for the page to place them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .diagnostics import Diagnostic, SourceRef, did_you_mean, error
from .model import Step
from .slug import slugify

RESERVED_IDS = frozenset({"main", "toc", "top", "site-search", "languages", "related",
                          "lesson-goals", "lesson-prepare", "lesson-running-order",
                          "lesson-uses"})
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
class Block:
    """A lesson's step or worksheet, rendered apart from the rest of its body."""

    name: str
    """'step' or 'worksheet'."""
    title: str
    id: str
    """The id of its heading."""
    html: str
    minutes: int = 0
    start: int = 0
    """Minutes into the lesson when a step begins."""


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    text: str
    """Plain text of the prose (paragraphs, list items, headings), one block per line."""
    problems: tuple[Diagnostic, ...]
    blocks: tuple[Block, ...] = ()
    """A lesson's steps and worksheets, in order (not in `html`)."""
    intro: str = ""
    """A lesson's text before its first step (not in `html`): shown before the running order,
    where its author wrote it."""


class Markdown:
    """A configured parser; make one per process and reuse it for every page."""

    def __init__(self, allow_html: bool = False,
                 anchor_label: str = "Link to this section", step_time: str = "") -> None:
        self.md = _parser(allow_html)
        self.allow_html = allow_html
        self.anchor_label = anchor_label
        self.step_time = step_time or STEP_TIME
        self._lesson_md: MarkdownIt | None = None

    def render(self, text: str, where: SourceRef, keys: Mapping[str, str],
               lesson: bool = False) -> Rendered:
        """Render `text`, whose first line is `where.line` of `where.path`.

        `keys` maps translation keys of the same language to the URLs `key:` links become.
        With `lesson`, the lesson containers are read: steps and worksheets come apart in
        `blocks` (their problems are reported by `lesson_outline` when the file is loaded).
        """
        env: dict = {"where": where, "keys": keys, "headings": [], "links": [],
                     "anchor_label": self.anchor_label, "step_time": self.step_time,
                     "problems": [], "text": [], "container_problems": []}
        if lesson and self._lesson_md is None:
            self._lesson_md = _lesson_parser(_parser(self.allow_html))
        md = self._lesson_md if lesson and self._lesson_md else self.md
        tokens = md.parse(text, env)
        blocks: list[Block] = []
        intro = ""
        if lesson:
            tokens, steps, sheets, first = _split(tokens)
            intro = md.renderer.render(tokens[:first], md.options, env)
            tokens = tokens[first:]
            for kind, parts in (("step", steps), ("worksheet", sheets)):
                for part in parts:
                    opening = part[0]
                    blocks.append(Block(
                        kind, opening.meta["title"], part[1].attrGet("id") or "",
                        md.renderer.render(part, md.options, env),
                        opening.meta.get("minutes", 0), opening.meta.get("start", 0)))
        html = md.renderer.render(tokens, md.options, env)
        return Rendered(html, tuple(env["headings"]), tuple(env["links"]),
                        "\n".join(env["text"]), tuple(env["problems"]), tuple(blocks), intro)


def _parser(allow_html: bool) -> MarkdownIt:
    md = (MarkdownIt("commonmark", {"html": allow_html, "xhtmlOut": False, "breaks": False})
          .enable(["table", "strikethrough"])
          .use(footnote_plugin))
    md.core.ruler.push("site_headings", _headings_rule)
    md.core.ruler.push("site_links", _links_rule)
    md.add_render_rule("heading_close", _heading_close)
    return md


STEP_TIME = "{start}–{end} min"
"""When a step takes place in its lesson (the `lesson_step_time` string)."""
CONTAINERS = ("step", "worksheet", "roleplay")
"""The block containers of a lesson body: `::: name arguments` ... `:::`."""
_CONTAINER = "container_lesson"
_STEP = re.compile(r"^(\d+)\s+(\S.*)$")
_CLOSING = re.compile(r"^\s*:{3,}\s*$")


def _lesson_parser(md: MarkdownIt) -> MarkdownIt:
    """`md` reading the lesson containers: each gets a heading of its title (so it has an id
    and a place in the outline), a step its time, a worksheet's `___` a line to write on."""
    md.use(container_plugin, "lesson", validate=lambda params, markup: bool(params.strip()),
           render=_render_container)
    md.core.ruler.after("block", "lesson_containers", _containers_rule)
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("write_line", lambda *args: '<div class="write-line"></div>\n')
    return md


def _containers_rule(state: StateCore) -> None:
    """Check each container, give it a heading, and note its name, title and minutes."""
    env = state.env
    lines = state.src.split("\n")
    tokens: list[Token] = []
    open_names: list[str] = []
    elapsed = 0
    for token in state.tokens:
        tokens.append(token)
        if token.type == _CONTAINER + "_close":
            open_names.pop()
            continue
        if token.type == "hr" and "worksheet" in open_names:
            token.type = "write_line"
        if token.type == "inline" and any(_CLOSING.match(x) for x in token.content.split("\n")):
            env["container_problems"].append(error(
                "lesson-container", "':::' closes no container",
                SourceRef(env["where"].path, _line(env, token)),
                "a container starts with '::: step|worksheet|roleplay title' and ends with "
                "':::'; to put one inside a step, open and close the step with '::::'"))
        if token.type != _CONTAINER + "_open":
            continue
        name, _, args = token.info.strip().partition(" ")
        args = args.strip()
        line = _line(env, token)
        where = SourceRef(env["where"].path, line)
        end = token.map[1] if token.map else len(lines)
        if end >= len(lines) or not _CLOSING.match(lines[end]):
            env["container_problems"].append(error(
                "lesson-container", f"'::: {name}' is not closed", where,
                "end it with a line ':::' (a container inside another one ends the outer "
                "one at its ':::')"))
        if name not in CONTAINERS:
            env["container_problems"].append(error(
                "lesson-container", f"unknown container '{name}'", where,
                did_you_mean(name, CONTAINERS) or "use step, worksheet or roleplay"))
        if name == "step" and open_names:
            env["container_problems"].append(error(
                "lesson-container", "a step cannot be inside another container", where,
                "close the container before the step starts"))
        minutes = 0
        if name == "step":
            match = _STEP.match(args)
            if match is None:
                env["container_problems"].append(error(
                    "lesson-step", "a step needs its minutes, then its title", where,
                    "write it like '::: step 10 Inledning'"))
            else:
                minutes, args = int(match.group(1)), match.group(2).strip()
        elif not args:
            env["container_problems"].append(error(
                "lesson-container", f"the {name} has no title", where,
                f"write it like '::: {name} Title'"))
        title = args or name.capitalize()
        token.meta = {"name": name, "title": title, "minutes": minutes, "start": elapsed,
                      "line": line}
        elapsed += minutes
        open_names.append(name)
        level = 3 if name == "step" or open_names[:-1] else 2
        heading = Token("heading_open", f"h{level}", 1, map=token.map, block=True)
        if name == "step" and minutes:
            heading.meta = {"start": token.meta["start"], "end": elapsed}
        inline = Token("inline", "", 0, content=title, map=token.map, children=[])
        tokens += [heading, inline, Token("heading_close", f"h{level}", -1, block=True)]
    state.tokens = tokens


def _render_container(self, tokens: list[Token], index: int, options, env: dict) -> str:
    token = tokens[index]
    if token.nesting == -1:
        return "</section>\n"
    return f'<section class="lesson-{token.meta.get("name", "")}">\n'


def _heading_open(self, tokens: list[Token], index: int, options, env: dict) -> str:
    """A step's heading starts with its time in the lesson."""
    html = self.renderToken(tokens, index, options, env)
    meta = tokens[index].meta
    if not meta or "end" not in meta:
        return html
    time = env.get("step_time", STEP_TIME).replace("{start}", str(meta["start"])) \
        .replace("{end}", str(meta["end"]))
    return html + f'<span class="step-time">{escapeHtml(time)}</span> '



def _split(tokens: list[Token]
           ) -> tuple[list[Token], list[list[Token]], list[list[Token]], int]:
    """The tokens of the rest of the body, of each step and of each worksheet (wherever it is),
    and how many tokens of the rest came before the first step (none when there is no step)."""
    rest: list[Token] = []
    steps: list[list[Token]] = []
    sheets: list[list[Token]] = []
    first = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        name = token.meta.get("name") if token.type == _CONTAINER + "_open" else None
        if name not in ("step", "worksheet"):
            rest.append(token)
            index += 1
            continue
        end = next(j for j in range(index + 1, len(tokens))
                   if tokens[j].type == _CONTAINER + "_close" and tokens[j].level == token.level)
        inner, inner_steps, inner_sheets, _ = _split(tokens[index + 1:end])
        part = [token, *inner, tokens[end]]
        if name == "step" and not steps:
            first = len(rest)
        (steps if name == "step" else sheets).append(part)
        steps += inner_steps
        sheets += inner_sheets
        index = end + 1
    return rest, steps, sheets, first


@lru_cache(maxsize=1)
def _outline_parser() -> MarkdownIt:
    return _lesson_parser(MarkdownIt("commonmark").enable("table"))


def lesson_outline(text: str, where: SourceRef, problems: list[Diagnostic]
                   ) -> tuple[tuple[Step, ...], tuple[str, ...]]:
    """A lesson body's steps and worksheet titles; its container problems into `problems`."""
    env: dict = {"where": where, "container_problems": []}
    steps: list[Step] = []
    sheets: list[str] = []
    for token in _outline_parser().parse(text, env):
        if token.type == _CONTAINER + "_open" and token.meta["name"] == "step":
            steps.append(Step(token.meta["minutes"], token.meta["title"], token.meta["line"]))
        elif token.type == _CONTAINER + "_open" and token.meta["name"] == "worksheet":
            sheets.append(token.meta["title"])
    problems.extend(env["container_problems"])
    return tuple(steps), tuple(sheets)


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
