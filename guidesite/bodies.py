"""Every item's Markdown, rendered once and reused while its inputs are unchanged."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .cache import Cache, engine_version, fingerprint
from .diagnostics import Diagnostic, SourceRef
from .letters import as_text
from .markdown import STEP_TIME, Markdown, Rendered
from .model import Item, Lesson, Letter, Site, TipTopic
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
        checker and the URL lock still need (a big site's bodies would not fit twice). A
        lesson's blocks stay: the classroom pack prints its worksheets."""
        if not self.rendered.html and not any(tip.html for tip in self.tips.values()):
            return self
        return replace(self, rendered=replace(self.rendered, html="", intro=""),
                       tips={tip: replace(body, html="") for tip, body in self.tips.items()})

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


BodyMemo = tuple[Item, dict, str, tuple, Body]
"""(the item, its language's key -> URL map, its URL, the Markdown settings, its body)."""


class Bodies(dict[str, Body]):
    """Item path -> Body, each rendered when first asked for, so that a big site's bodies are
    not all held at once while its pages are written.

    A body is keyed by everything it depends on: its file, the language's key -> URL map
    (for `key:` links), its own URL (links are relative), the Markdown settings and the
    engine. `memo` (the dev server's) keeps earlier results in memory while the item and the
    key -> URL map are the same objects, `cache` on disk for the next process.
    """

    def __init__(self, site: Site, layout: Plan, memo: dict[str, BodyMemo] | None,
                 cache: Cache | None = None) -> None:
        super().__init__()
        self.site, self.layout, self.memo = site, layout, memo
        self.cache = cache or Cache(None)
        self._markdowns: dict[str, Markdown] = {}
        self._settings: dict[str, tuple] = {}

    def __missing__(self, path: str) -> Body:
        item = self.layout.items[self.layout.order[path]]
        lang = item.lang
        if lang not in self._settings:
            self._settings[lang] = (self.site.config.allow_html, self._label(lang),
                                    self._step_time(lang), engine_version())
        keys, url, settings = self.layout.keys[lang], self.layout.urls[path], self._settings[lang]
        kept = self.memo.get(path) if self.memo is not None else None
        if kept is not None and kept[0] is item and kept[1] is keys and kept[2] == url and \
                kept[3] == settings:
            body = kept[4]
        else:
            key = fingerprint("body", item.digest, self.layout.key_digests[lang], url,
                              *settings)
            body = self.cache.recall(key)
            if not isinstance(body, Body):
                body = self.render(item)
                self.cache.keep(key, body)
            if self.memo is not None:
                self.memo[path] = (item, keys, url, settings, body)
        self[path] = body
        return body

    def render(self, item: Item, at: str | None = None) -> Body:
        """`item`'s body with this build's settings and URLs; with `at`, its
        links made relative to that URL instead of the item's (a handout shows the text)."""
        lang = item.lang
        if lang not in self._markdowns:
            self._markdowns[lang] = Markdown(self.site.config.allow_html,
                                             anchor_label=self._label(lang),
                                             step_time=self._step_time(lang))
        return _render_body(item, self._markdowns[lang], RelativeKeys(
            self.layout.keys[lang], at or self.layout.urls[item.source.path]))

    def _label(self, lang: str) -> str:
        return self.site.strings[lang].values.get("heading_link", "")

    def _step_time(self, lang: str) -> str:
        return self.site.strings[lang].values.get("lesson_step_time", STEP_TIME)

    def complete(self) -> dict[str, Body]:
        """The body of every item the plan's routes show, rendering those not asked for yet
        (a share of a parallel build: its languages' items)."""
        return {route.item.source.path: self[route.item.source.path]
                for route in self.layout.routes if route.item is not None}


def _render_body(item: Item, markdown: Markdown, keys: RelativeKeys) -> Body:
    """The item's main text, its tips, and the reading figures learnt from them."""
    text, line = main_markdown(item)
    rendered = markdown.render(text, SourceRef(item.source.path, line), keys,
                               lesson=isinstance(item, Lesson))
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
