"""Every item's Markdown, rendered once and reused while its inputs are unchanged."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .cache import fingerprint
from .diagnostics import Diagnostic, SourceRef
from .letters import as_text
from .markdown import Markdown, Rendered
from .model import Item, Letter, Site, TipTopic
from .plan import Plan
from .readability import Readability, measure
from .urls import RelativeKeys

WORDS_PER_MINUTE = 180
"""A calm reading pace for guidance text, read on a phone."""


@dataclass(frozen=True)
class Body:
    """An item's rendered Markdown and what was learnt from it."""

    rendered: Rendered
    """The main text: an article's or page's body, a letter's guide, a tips topic's intro."""
    tips: dict[str, Rendered] = field(default_factory=dict)
    """Tip id -> its rendered body (tips topics only)."""
    minutes: int = 1
    readability: Readability | None = None

    @property
    def sections(self) -> list:
        return [h for h in self.rendered.headings if h.level == 2]

    def light(self) -> Body:
        """The body without its HTML, once its own page is made: what other pages, the link
        checker and the URL lock still need (a big site's bodies would not fit twice)."""
        return replace(self, rendered=replace(self.rendered, html=""), tips={})

    @property
    def problems(self) -> list[Diagnostic]:
        return [*self.rendered.problems, *(p for tip in self.tips.values() for p in tip.problems)]


def main_markdown(item: Item) -> tuple[str, int]:
    """The Markdown that is the item's main text, and its first line in the file."""
    if isinstance(item, Letter):
        return item.guide, item.guide_line
    if isinstance(item, TipTopic):
        return item.intro, item.intro_line
    return item.body, item.body_line


def render_bodies(site: Site, layout: Plan, urls: dict[str, str],
                  memo: dict[str, tuple[str, Body]], langs: set[str] | None = None
                  ) -> dict[str, Body]:
    """Item path -> Body; `memo` keeps earlier results, keyed by everything a body depends on.

    A body depends on its file, on the language's key -> URL map (for `key:` links), on its
    own URL (links are relative) and on the Markdown settings.
    """
    markdowns: dict[str, Markdown] = {}
    keys_fp = {lang: fingerprint(sorted(keys.items())) for lang, keys in layout.keys.items()}
    bodies: dict[str, Body] = {}
    for item in layout.items:
        if langs is not None and item.lang not in langs:
            continue
        path = item.source.path
        label = site.strings[item.lang].values.get("heading_link", "")
        key = fingerprint(item.digest, keys_fp[item.lang], urls[path], site.config.allow_html,
                          label)
        cached = memo.get(path)
        if cached is None or cached[0] != key:
            if item.lang not in markdowns:
                markdowns[item.lang] = Markdown(site.config.allow_html, anchor_label=label)
            cached = (key, render_body(item, markdowns[item.lang],
                                   RelativeKeys(layout.keys[item.lang], urls[path])))
            memo[path] = cached
        bodies[path] = cached[1]
    return bodies


def render_body(item: Item, markdown: Markdown, keys: RelativeKeys) -> Body:
    """The item's main text, its tips, and the reading figures learnt from them."""
    text, line = main_markdown(item)
    rendered = markdown.render(text, SourceRef(item.source.path, line), keys)
    prose = [rendered.text]
    tips: dict[str, Rendered] = {}
    if isinstance(item, TipTopic):
        for tip in item.tips:
            tips[tip.id] = markdown.render(tip.body, SourceRef(item.source.path, tip.body_line),
                                           keys)
            prose += [tip.title + ".", tips[tip.id].text]
    if isinstance(item, Letter):
        prose.append(as_text(item))
    words = sum(len(text.split()) for text in prose[: 1 + 2 * len(tips)])
    return Body(replace(rendered, text=""), tips, max(1, math.ceil(words / WORDS_PER_MINUTE)),
                measure("\n".join(prose), item.lang))
