"""Read every content file into the model, collecting every problem instead of stopping."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from bisect import bisect_left
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path

from babel import Locale, UnknownLocaleError

from . import schema
from .cache import Cache, engine_version, fingerprint
from .diagnostics import Diagnostic, SourceRef, did_you_mean, error, warning
from .discover import ContentTree, SourceFile
from .home import load_home
from .letters import (
    FIELD_NAME,
    RESERVED,
    greeting,
    outer_slots,
    parse_body,
    parse_line,
    references,
    slots_in,
)
from .lock import read_lock
from .markdown import lesson_outline
from .model import (
    SUBJECT,
    Article,
    Home,
    Item,
    Language,
    Lesson,
    Letter,
    LetterField,
    Licence,
    Page,
    Site,
    SiteConfig,
    Strings,
    Tip,
    TipTopic,
)
from .schemas import (
    ARTICLE_SCHEMA,
    LESSON_SCHEMA,
    LETTER_SCHEMA,
    PAGE_SCHEMA,
    SITE_SCHEMA,
    TIPS_SCHEMA,
)
from .slug import SLUG, slugify
from .yamldoc import CONTROL, Mapping, Sequence, YamlError, parse

MAX_FILE_BYTES = 2_000_000
"""Content files are short texts; anything larger is a mistake and must not stall the build."""

CHANNELS = ("email", "post")

_ALIAS = re.compile(r"^/?(?:[a-z0-9]+(?:[-_.][a-z0-9]+)*/)*[a-z0-9]+(?:[-_.][a-z0-9]+)*/?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


FileMemo = dict[Path, tuple[tuple, object, list[Diagnostic]]]
"""Content file -> (its size, mtime and the settings used, what loading it gave, its problems)."""


Loaded = tuple["Site | None", list[Diagnostic]]
"""What `load` gives: the site (None when its settings are unusable) and the problems."""


def load(tree: ContentTree, memo: FileMemo | None = None, cache: Cache | None = None,
         changed: Collection[str] | None = None, last: Loaded | None = None) -> Loaded:
    """Load site.yaml, strings and all items; `None` when the site settings are unusable.

    With `memo`, a file whose size and modification time are unchanged is not read again.
    With `changed`, the files saved since `memo` was filled (in the same `tree`), the others
    are not even looked at: when they are items `last` (what loading `tree` gave last time)
    had, only they are loaded again.
    with `cache`, a file whose bytes were loaded before (by any process) is not parsed again.
    """
    memo = {} if memo is None else memo
    cache = cache or Cache(None)
    if changed is not None and last is not None and last[0] is not None:
        again = _reloaded(tree, memo, cache, changed, last[0], last[1])
        if again is not None:
            return again
    problems: list[Diagnostic] = []
    for link in tree.outside:
        problems.append(error("outside-content", "this link points outside the content folder",
                              SourceRef(link.display), "copy the file into content/ instead of "
                              "linking to it; the build never reads files outside content/"))
    if any(link.path == tree.site_yaml.path for link in tree.outside):
        return None, problems
    config = _load_config(tree.site_yaml, problems)
    if config is None:
        return None, problems
    settings = fingerprint(config)
    codes = [lang.code for lang in config.languages]
    for stray in tree.stray:
        problems.append(warning("ignored-file", "this file is not part of the site and is ignored",
                                SourceRef(stray.display), _stray_hint(stray, tree.root)))
    strings: dict[str, Strings] = {}
    homes: dict[str, Home] = {}
    items: list[Item] = []
    unloaded: list[tuple[str, str]] = []

    load_item = _item_loader(config)

    def remembered(source: SourceFile, loader):
        kept = memo.get(source.path)
        if changed is not None and kept is not None and kept[0][-1:] == (settings,) and \
                str(source.path) not in changed:
            problems.extend(kept[2])
            return kept[1]
        return _remembered(source, settings, memo, problems, loader, cache)

    for source in tree.files:
        if source.lang not in codes:
            problems.append(warning(
                "unknown-language", f"folder '{source.lang}' is not a language in site.yaml",
                SourceRef(source.display), f"add '{source.lang}' to 'languages' in site.yaml "
                "or move the file into " + " or ".join(f"'{c}/'" for c in codes)))
        elif source.folder == "strings":
            loaded = remembered(source, lambda s, found: _load_strings(s, found))
            if loaded:
                strings[source.lang] = loaded
        elif source.folder == "home":
            home = remembered(source, _load_home)
            if home:
                homes[source.lang] = home
        elif source.folder in LOADERS:
            item = remembered(source, load_item)
            if item is not None:
                items.append(item)
            else:
                unloaded.append((source.lang, _probable_key(source)))
    for code in codes:
        if code not in strings and not any(
                s.lang == code and s.folder == "strings" for s in tree.files):
            problems.append(error("missing-file", f"language '{code}' has no strings.yaml",
                                  SourceRef(str(Path(tree.site_yaml.display).parent / code /
                                                "strings.yaml")),
                                  "copy the default language's strings.yaml and translate it"))
    _check_strings_match(strings, config.default_language, problems)
    items.sort(key=_order)
    return Site(config, strings, tuple(items), read_lock(tree.root),
                frozenset(unloaded), homes), problems


def _reloaded(tree: ContentTree, memo: FileMemo, cache: Cache, changed: Collection[str],
              site: Site, problems: list[Diagnostic]) -> Loaded | None:
    """`site` with the `changed` items loaded again, or None unless they all are items it
    has and still load (a new, deleted or broken file, the settings or strings: load all)."""
    edited = [tree.names[path] for path in changed if path in tree.names]
    if any(source.folder not in LOADERS for source in edited) or any(
            path.startswith(str(tree.root) + os.sep) and path not in tree.names
            for path in changed):
        return None
    items = list(site.items)
    settings = fingerprint(site.config)
    found: list[Diagnostic] = []
    for source in edited:
        item = _remembered(source, settings, memo, found, _item_loader(site.config), cache)
        if item is None:
            return None
        place = bisect_left(items, _order(item), key=_order)  # where it was, unless its
        if place == len(items) or items[place].source.path != source.display:  # slug moved
            return None
        items[place] = item
    shown = {source.display for source in edited}
    return replace(site, items=tuple(items)), [
        *(p for p in problems if p.where.path not in shown), *found]


def _order(item: Item) -> tuple[str, str, str, str]:
    """Where an item is in `Site.items`."""
    return (item.lang, item.kind, item.slug, item.source.path)


def remember_items(sources: list[SourceFile], config: SiteConfig, memo: FileMemo,
                   cache: Cache) -> None:
    """Load item files into `memo` as `load` does (a share of a big site's loading, which
    `load` then finds there)."""
    settings, load_item = fingerprint(config), _item_loader(config)
    for source in sources:
        _remembered(source, settings, memo, [], load_item, cache)


def _item_loader(config: SiteConfig) -> Callable[[SourceFile, list[Diagnostic]], Item | None]:
    """Load an item file by its folder's loader, with its digest."""
    return lambda source, found: digested(LOADERS[source.folder](source, config, found))


def _remembered(source: SourceFile, settings: str, memo: FileMemo,
                problems: list[Diagnostic], loader, cache: Cache):
    """Load `source` with `loader(source, problems)`, or reuse the result for an unchanged file:
    from `memo` when its size and time are those loaded last, from `cache` by its bytes."""
    try:
        status = source.path.stat()
        signature: tuple = (status.st_size, status.st_mtime_ns, settings)
    except OSError:
        signature = ()
    remembered = memo.get(source.path)
    if remembered is not None and signature and remembered[0] == signature:
        problems.extend(remembered[2])
        return remembered[1]
    key = _file_key(source, settings) if cache.folder is not None and signature and \
        stat.S_ISREG(status.st_mode) else None  # (a named pipe would block the read)
    kept = cache.recall(key) if key else None
    if isinstance(kept, tuple) and len(kept) == 2:
        result, found = kept
    else:
        found = []
        result = loader(source, found)
        if key:
            cache.keep(key, (result, found))
    memo[source.path] = (signature, result, found)
    problems.extend(found)
    return result


def _file_key(source: SourceFile, settings: str) -> str | None:
    """What loading `source` depends on: its bytes, place, the site settings and the engine."""
    try:
        with open(source.path, "rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return None  # the loader says what is wrong with it
    return fingerprint("file", source.display, source.lang, source.folder, digest, settings,
                       engine_version())


def _probable_key(source: SourceFile) -> str:
    """The key a file that failed to load most likely has, so links to it are not reported too."""
    try:
        regular = stat.S_ISREG(source.path.stat().st_mode)
        text = source.path.read_text("utf-8", errors="replace") if regular else ""
    except OSError:
        text = ""
    match = re.search(r"^key:\s*['\"]?([a-z0-9-]+)", text, re.MULTILINE)
    return match.group(1) if match else slugify(source.path.stem)


def digested(item: Item | None) -> Item | None:
    """The item with its digest: equal digests mean work derived from it can be reused."""
    return None if item is None else replace(item, digest=fingerprint(item))


def _stray_hint(stray: SourceFile, root: Path) -> str:
    parts = stray.path.relative_to(root).parts
    if len(parts) == 3 and parts[1] == "tips":
        return "tips files end in .yaml"
    if len(parts) == 3 and parts[1] in ("articles", "letters", "pages", "lessons"):
        return f"{parts[1]} are Markdown files ending in .md"
    return ("content goes in <lang>/articles, <lang>/letters, <lang>/pages, <lang>/lessons "
            "(.md) or <lang>/tips (.yaml)")


def read_text(source: SourceFile, problems: list[Diagnostic]) -> str | None:
    """The file's text with a BOM removed and line ends normalised, or None after an error."""
    where = SourceRef(source.display)
    try:
        status = source.path.stat()
        if not stat.S_ISREG(status.st_mode):
            problems.append(error("not-a-file", "this is not a regular file", where,
                                  "content files are plain text files; remove it or replace "
                                  "it with one"))
            return None
        if status.st_size > MAX_FILE_BYTES:
            problems.append(error("file-too-large",
                                  f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB",
                                  where, "split it into several items"))
            return None
        data = source.path.read_bytes()
    except OSError as exc:
        problems.append(error("unreadable-file", f"cannot read file: {exc.strerror}", where,
                              "check that the file exists and is readable"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(error("not-utf8", "file is not valid UTF-8 text",
                              SourceRef(source.display, line),
                              "save the file as UTF-8 in your editor"))
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = CONTROL.search(text)
    if found:
        problems.append(error(
            "control-character", f"control character U+{ord(found.group()):04X} in the file",
            SourceRef(source.display, text.count("\n", 0, found.start()) + 1),
            "remove it: it is invisible and never text (an editor can show it)"))
        return None
    return text


def front_matter_end(text: str) -> tuple[int, int] | None:
    """Where `---` front matter ends: (start, end) of its closing `---` or `...` line, or None
    when the text has none. The one reading of front matter (the loader's and `--mark`'s)."""
    if not text.startswith("---\n") and text.rstrip() != "---":
        return None
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    return None if end is None else (4 + end.start(), 4 + end.end())


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split `---` front matter from the body: (yaml, body, file line of the body's start)."""
    bounds = front_matter_end(text)
    if bounds is None:
        return None
    front = text[4:bounds[0]]
    body = text[bounds[1]:].removeprefix("\n")
    return front, body, front.count("\n") + 3


def _parse_yaml(text: str, first_line: int, source: SourceFile,
                problems: list[Diagnostic]) -> object:
    try:
        return parse(text, first_line)
    except YamlError as exc:
        problems.append(error("bad-yaml", exc.message, SourceRef(source.display, exc.line),
                              exc.hint))
        return None


def load_config(content: Path) -> SiteConfig | None:
    """Just the site settings (for commands that need the languages), None if unusable."""
    from .discover import discover

    return _load_config(discover(content).site_yaml, [])


def _load_config(source: SourceFile, found: list[Diagnostic]) -> SiteConfig | None:
    """The site settings, or None when site.yaml has an error (its own: a problem elsewhere
    in the tree must not discard the site and hide every other diagnostic)."""
    problems: list[Diagnostic] = []
    config = _read_config(source, problems)
    found.extend(problems)
    return config


def _read_config(source: SourceFile, problems: list[Diagnostic]) -> SiteConfig | None:
    text = read_text(source, problems)
    if text is None:
        return None
    data = _parse_yaml(text, 1, source, problems)
    if data is None and not problems:
        problems.append(error("missing-field", "site.yaml is empty", SourceRef(source.display),
                              "set base_url, default_language and languages"))
    if data is None:
        return None
    values, found = schema.check(data, SITE_SCHEMA, SourceRef(source.display, 1), "site.yaml")
    problems.extend(found)
    if found:
        return None
    languages = []
    for record in values["languages"]:
        at = SourceRef(source.display, record.line)
        code = record["code"].strip()
        if not _LANG.match(code):
            problems.append(error("bad-language", f"'{code}' is not a language code", at,
                                  "use a lowercase code such as 'sv' or 'en'"))
        sections = record["sections"]
        for name, slug in sections.items():
            if not SLUG.match(slug):
                problems.append(error(
                    "bad-slug", f"section slug '{slug}' is not a lowercase ASCII slug",
                    SourceRef(source.display, sections.line_of(name)),
                    f"use letters a-z, digits and hyphens, e.g. '{slugify(slug) or name}'"))
        direction = record.get("dir", "ltr")
        if direction not in ("ltr", "rtl"):
            problems.append(error("wrong-type", "'dir' must be 'ltr' or 'rtl'",
                                  SourceRef(source.display, record.line_of("dir")),
                                  "most languages are 'ltr'"))
        locale = record.get("locale", code).strip()
        try:
            Locale.parse(locale)
        except (ValueError, UnknownLocaleError):
            problems.append(error("bad-language", f"'{locale}' is not a known locale",
                                  SourceRef(source.display, record.line_of("locale")),
                                  "use a locale such as 'sv_SE' or 'en_GB'"))
        languages.append(Language(code, record["name"], record["title"],
                                  record.get("tagline", ""), direction, dict(sections), locale))
    codes = [lang.code for lang in languages]
    default = values["default_language"].strip()
    if default not in codes:
        problems.append(error("unknown-language",
                              f"default_language '{default}' is not one of the languages",
                              SourceRef(source.display, values.line_of("default_language")),
                              did_you_mean(default, codes) or f"use one of: {', '.join(codes)}"))
    if len(set(codes)) != len(codes):
        problems.append(error("duplicate-language", "a language is listed twice",
                              SourceRef(source.display, values.line_of("languages")),
                              "list each language once"))
    base_url = values["base_url"].strip()
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", base_url):
        problems.append(error("bad-url", f"base_url '{base_url}' is not an absolute http(s) URL",
                              SourceRef(source.display, values.line_of("base_url")),
                              "write it like https://example.org/ or https://example.org/guide/"))
    journey, journey_lines = _journey(data, values)
    contact = values.get("contact_email", "").strip()
    if contact and not _EMAIL.match(contact):
        problems.append(error("bad-email", f"contact_email '{contact}' is not an e-mail address",
                              SourceRef(source.display, values.line_of("contact_email")),
                              "write it like redaktionen@example.org"))
    licence = values.get("licence")
    if licence is not None and not re.match(r"^https?://\S+$", licence["url"].strip()):
        problems.append(error("bad-url", f"licence url '{licence['url']}' is not an absolute "
                              "http(s) URL", SourceRef(source.display, licence.line_of("url")),
                              "e.g. https://creativecommons.org/licenses/by/4.0/"))
    if any(p.severity == "error" for p in problems):
        return None
    return SiteConfig(
        base_url=base_url.rstrip("/") + "/",
        languages=tuple(languages),
        default_language=default,
        organisation=values.get("organisation", ""),
        author=values.get("author", ""),
        review_after_days=values.get("review_after_days", 365),
        allow_html=values.get("allow_html", False),
        source=SourceRef(source.display, 1),
        journey=journey,
        journey_lines=journey_lines,
        contact_email=contact,
        offline_copy=bool(values.get("offline_copy", False)),
        licence=Licence(licence["name"].strip(), licence["url"].strip()) if licence else None,
    )


def _journey(data: Mapping, values: Mapping) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The journey's keys and the line of each (checked against the items in `validate`)."""
    keys = tuple(key.strip() for key in values.get("journey", ()))
    raw = data.get("journey")
    lines = tuple(raw.lines) if isinstance(raw, Sequence) else (
        (values.line_of("journey"),) * len(keys))
    return keys, lines


def _load_home(source: SourceFile, problems: list[Diagnostic]) -> Home | None:
    text = read_text(source, problems)
    if text is None:
        return None
    before = len(problems)
    data = _parse_yaml(text, 1, source, problems)
    if len(problems) > before:
        return None
    return load_home(source, data, problems)  # an empty file: "must be a mapping"


def _load_strings(source: SourceFile, problems: list[Diagnostic]) -> Strings | None:
    text = read_text(source, problems)
    if text is None:
        return None
    data = _parse_yaml(text, 1, source, problems)
    if not isinstance(data, Mapping):
        if data is not None or not problems:
            problems.append(error("wrong-type", "strings.yaml must be a mapping of name: text",
                                  SourceRef(source.display, 1), "write one 'name: text' per line"))
        return None
    values: dict[str, str] = {}
    for name, value in data.items():
        if not isinstance(value, str):
            problems.append(error("wrong-type", f"string '{name}' must be text",
                                  SourceRef(source.display, data.line_of(name)),
                                  "write 'name: text'; quote text that contains ':'"))
        else:
            values[name] = value
    return Strings(source.lang, values, dict(data.lines), SourceRef(source.display, 1))


def _check_strings_match(strings: dict[str, Strings], default: str,
                         problems: list[Diagnostic]) -> None:
    """Every language must define exactly the default language's interface strings."""
    reference = strings.get(default)
    if reference is None:
        return
    for lang, other in strings.items():
        if lang == default:
            continue
        for name in sorted(set(reference.values) - set(other.values)):
            problems.append(error("missing-string", f"string '{name}' is missing", other.source,
                                  f"translate '{name}' from {reference.source.path}:"
                                  f"{reference.lines[name]}"))
        for name in sorted(set(other.values) - set(reference.values)):
            problems.append(error("unknown-string", f"string '{name}' is not used by the site",
                                  SourceRef(other.source.path, other.lines[name]),
                                  did_you_mean(name, reference.values)
                                  or f"remove it or add it to {reference.source.path}"))


def _load_markdown_item(source: SourceFile, item_schema: schema.Schema,
                        problems: list[Diagnostic], raw: list | None = None
                        ) -> tuple[Mapping, str, int] | None:
    """Front matter (checked against the schema) and body of a Markdown content file; with
    `raw`, the front matter as parsed is appended to it (for the lines of list entries)."""
    text = read_text(source, problems)
    if text is None:
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.append(error("missing-front-matter", "the file does not start with front matter",
                              SourceRef(source.display, 1),
                              "start the file with a '---' line, the fields (title: ..., "
                              "summary: ...), and another '---' line"))
        return None
    front, body, body_line = parts
    data = _parse_yaml(front, 2, source, problems)
    if data is None and not front.strip():
        data = Mapping(2)
    if data is None:
        return None
    if raw is not None:
        raw.append(data)
    values, found = schema.check(data, item_schema, SourceRef(source.display, 1),
                                 "the front matter")
    problems.extend(found)
    if any(p.severity == "error" for p in found):
        return None
    return values, body, body_line


def _identity(source: SourceFile, values: Mapping,
              problems: list[Diagnostic]) -> dict | None:
    """The fields every item has: slug, key, aliases, with their checks."""
    stem = source.path.stem
    slug = slugify(stem)
    if not slug:
        problems.append(error("bad-slug", f"file name '{source.path.name}' gives an empty URL slug",
                              SourceRef(source.display, 1),
                              "rename the file using letters or digits, e.g. 'my-article.md'"))
        return None
    key = values.get("key", slug).strip()
    if not SLUG.match(key):
        problems.append(error("bad-key", f"key '{key}' is not a lowercase ASCII slug",
                              SourceRef(source.display, values.line_of("key")),
                              f"use letters a-z, digits and hyphens, e.g. '{slugify(key)}'"))
        return None
    aliases = []
    for alias in values.get("aliases", ()):
        if not _ALIAS.match(alias.strip()):
            problems.append(error(
                "bad-alias", f"alias '{alias}' is not a site path",
                SourceRef(source.display, values.line_of("aliases")),
                "write the old URL path from the site root, lowercase, e.g. "
                f"/{source.lang}/old-name/ (no '..', no backslashes, no host)"))
            continue
        path = alias.strip().strip("/")  # an old `page.html` stays a file, others are folders
        aliases.append(path if path.endswith(".html") else path + "/")
    return {
        "lang": source.lang, "slug": slug, "key": key,
        "source": SourceRef(source.display, 1), "lines": dict(values.lines),
        "aliases": tuple(aliases), "draft": values.get("draft", False),
        "title": values["title"].strip(), "summary": " ".join(values["summary"].split()),
        "date": values.get("date"), "updated": values.get("updated"),
    }


def _read_item(source: SourceFile, item_schema: schema.Schema,
               problems: list[Diagnostic], raw: list | None = None
               ) -> tuple[Mapping, dict] | None:
    """Front matter and the fields every Markdown item has, or None after an error."""
    loaded = _load_markdown_item(source, item_schema, problems, raw)
    if loaded is None:
        return None
    values, body, body_line = loaded
    identity = _identity(source, values, problems)
    if identity is None:
        return None
    return values, identity | {"body": body, "body_line": body_line}


def _load_article(source: SourceFile, config: SiteConfig,
                  problems: list[Diagnostic]) -> Article | None:
    read = _read_item(source, ARTICLE_SCHEMA, problems)
    if read is None:
        return None
    values, identity = read
    return Article(
        **identity,
        author=values.get("author", config.author), author_role=values.get("author_role", ""),
        tags=values.get("tags", ()), reviewed=values.get("reviewed"),
        translated_from=values.get("translated_from", ""))


def _load_page(source: SourceFile, config: SiteConfig,
               problems: list[Diagnostic]) -> Page | None:
    read = _read_item(source, PAGE_SCHEMA, problems)
    if read is None:
        return None
    values, identity = read
    return Page(**identity, translated_from=values.get("translated_from", ""))


def _load_letter(source: SourceFile, config: SiteConfig,
                 problems: list[Diagnostic]) -> Letter | None:
    read = _read_item(source, LETTER_SCHEMA, problems)
    if read is None:
        return None
    values, identity = read
    path = source.display
    channel = values["channel"].strip()
    if channel not in CHANNELS:
        problems.append(error("wrong-type", f"'channel' must be 'email' or 'post', not '{channel}'",
                              SourceRef(path, values.line_of("channel")),
                              did_you_mean(channel, CHANNELS) or "use 'email' or 'post'"))
    fields: list[LetterField] = []
    for record in values["fields"]:
        name = record["name"].strip()
        at = SourceRef(path, record.line_of("name"))
        if not FIELD_NAME.match(name):
            problems.append(error("bad-field", f"field name '{name}' is not valid", at,
                                  "use lowercase letters, digits and '_', e.g. 'your_name'"))
            continue
        if name == SUBJECT:
            problems.append(error("bad-field", "'subject' is reserved", at,
                                  "write {subject} alone in a paragraph to place the subject "
                                  "line in the letter; name the field something else"))
            continue
        if name in RESERVED:
            problems.append(error("bad-field", f"'{name}' is reserved", at,
                                  "{if}, {else} and {end} belong to the letter syntax; name "
                                  "the field something else"))
            continue
        if any(f.name == name for f in fields):
            problems.append(error("duplicate-field", f"field '{name}' is declared twice", at,
                                  "declare each field once"))
            continue
        required = record.get("required", False)
        if required and not record.get("label", "").strip():
            problems.append(error("missing-field", f"required field '{name}' has no label", at,
                                  "add 'label: ...', the text shown beside the input"))
        label = record.get("label", "").strip() or name.replace("_", " ").capitalize()
        autocomplete = record.get("autocomplete", "").strip()
        if autocomplete and not AUTOCOMPLETE.match(autocomplete):
            problems.append(error("wrong-type", f"'{autocomplete}' is not an autocomplete token",
                                  SourceRef(path, record.line_of("autocomplete")),
                                  "use an HTML token such as name, email, tel, address-line1, "
                                  "postal-code or address-level2"))
            autocomplete = ""
        if autocomplete == "street-address" and not record.get("multiline", False):
            problems.append(error("wrong-type", "'street-address' needs a multiline field",
                                  SourceRef(path, record.line_of("autocomplete")),
                                  "use 'address-line1' for a one-line street address, or add "
                                  "'multiline: true'"))
            autocomplete = ""
        fields.append(LetterField(name, label, record.get("hint", "").strip(),
                                  record.get("example", "").strip("\n"), required,
                                  record.get("multiline", False), at.line, autocomplete))
    subject = parse_line(values["subject"], SourceRef(path, values.line_of("subject")), problems)
    paragraphs = parse_body(identity["body"], identity["body_line"], path, problems)
    declared = {f.name for f in fields}
    used: set[str] = set(slots_in(subject))
    for name in slots_in(subject):
        if name not in declared:
            problems.append(error("unknown-placeholder", f"the subject uses undeclared field "
                                  f"'{{{name}}}'", SourceRef(path, values.line_of("subject")),
                                  did_you_mean(name, declared) or f"declare '{name}' in 'fields'"))
    for paragraph in paragraphs:
        for offset, line in enumerate(paragraph.lines):
            for name, written in references(line):
                used.add(name)
                if name == SUBJECT and not paragraph.is_subject:
                    problems.append(error(
                        "bad-placeholder", "{subject} must stand alone in its paragraph",
                        SourceRef(path, paragraph.line + offset),
                        "put a blank line before and after {subject}"))
                elif name not in declared and name != SUBJECT:
                    problems.append(error(
                        "unknown-placeholder", f"the letter uses undeclared field '{written}'",
                        SourceRef(path, paragraph.line + offset),
                        did_you_mean(name, declared) or f"declare '{name}' in 'fields'"))
    optional = {f.name for f in fields if not f.required}
    found = greeting(paragraphs)
    if found is not None:
        paragraph, line = found
        loose = [name for name in outer_slots(line) if name in optional]
        if loose:
            problems.append(error(
                "greeting-optional-field", f"the greeting uses optional field '{{{loose[0]}}}' "
                "outside {if}", SourceRef(path, paragraph.line),
                f"write {{if {loose[0]}}}Hej {{{loose[0]}}}!{{else}}Hej!{{end}} so the greeting "
                "reads well when it is empty"))
    remind = values.get("remind_after_days", 0)
    if "remind_after_days" in values and not 1 <= remind <= 365:
        problems.append(error("wrong-type", "'remind_after_days' must be between 1 and 365",
                              SourceRef(path, values.line_of("remind_after_days")),
                              "write the number of days, e.g. remind_after_days: 14"))
        remind = 0
    for letter_field in fields:
        if letter_field.name not in used:
            problems.append(error(
                "unused-field", f"field '{letter_field.name}' is declared but never used",
                SourceRef(path, letter_field.line),
                f"write {{{letter_field.name}}} in the letter or subject, or remove the field"))
    return Letter(
        **identity, channel=channel, subject=subject,
        guide=values["guide"], guide_line=values.line_of("guide") + 1, fields=tuple(fields),
        paragraphs=paragraphs, translated_from=values.get("translated_from", ""),
        checklist=tuple(c.strip() for c in values.get("checklist", ()) if c.strip()),
        remind_after_days=remind)


AUTOCOMPLETE = re.compile(r"^[a-z0-9-]+( [a-z0-9-]+)*$")
"""An autocomplete value: lowercase tokens such as `name`, `email`, `address-level2`."""


def _load_tips(source: SourceFile, config: SiteConfig,
               problems: list[Diagnostic]) -> TipTopic | None:
    text = read_text(source, problems)
    if text is None:
        return None
    data = _parse_yaml(text, 1, source, problems)
    if data is None:
        if not any(p.where.path == source.display for p in problems):
            problems.append(error("missing-field", "the tips file is empty",
                                  SourceRef(source.display, 1), "add title, intro and tips"))
        return None
    values, found = schema.check(data, TIPS_SCHEMA, SourceRef(source.display, 1), "the tips file")
    problems.extend(found)
    if any(p.severity == "error" for p in found):
        return None
    intro = values["intro"]
    values.setdefault("summary", _first_sentence(intro))
    identity = _identity(source, values, problems)
    if identity is None:
        return None
    tips: list[Tip] = []
    for record in values["tips"]:
        tip_id = record["id"].strip()
        at = SourceRef(source.display, record.line_of("id"))
        if not SLUG.match(tip_id):
            problems.append(error("bad-id", f"tip id '{tip_id}' is not a lowercase ASCII slug", at,
                                  f"use letters a-z, digits and hyphens, e.g. '{slugify(tip_id)}'"))
            continue
        first = next((t for t in tips if t.id == tip_id), None)
        if first is not None:
            problems.append(error("duplicate-id", f"tip id '{tip_id}' is used twice", at,
                                  f"it is already used on line {first.line}; ids must be unique"))
            continue
        tips.append(Tip(tip_id, record["title"].strip(), record["body"],
                        record.line_of("body") + 1, record.get("related", ()), at.line))
    return TipTopic(**identity, body="", body_line=1, intro=intro,
                    intro_line=values.line_of("intro") + 1, tips=tuple(tips),
                    translated_from=values.get("translated_from", ""))


def _first_sentence(markdown: str) -> str:
    text = " ".join(re.sub(r"[*_`#>\[\]]|\]\([^)]*\)", "", markdown).split())
    match = re.match(r"(.{20,200}?[.!?])(\s|$)", text)
    return match.group(1) if match else text[:200]


def _load_lesson(source: SourceFile, config: SiteConfig,
                 problems: list[Diagnostic]) -> Lesson | None:
    raw: list = []
    read = _read_item(source, LESSON_SCHEMA, problems, raw)
    if read is None:
        return None
    values, identity = read
    path = source.display
    duration = values["duration"]
    if duration < 1:
        problems.append(error("wrong-type", "'duration' must be a number of minutes above 0",
                              SourceRef(path, values.line_of("duration")),
                              "write the lesson's length in minutes, e.g. duration: 45"))
    texts = {name: tuple(t.strip() for t in values.get(name, ()) if t.strip())
             for name in ("goals", "prepare", "uses")}
    for name, what in (("goals", "a learning goal"),
                       ("uses", "the key of an article, letter or tips topic")):
        if not texts[name]:
            problems.append(error("missing-field", f"'{name}' is empty",
                                  SourceRef(path, values.line_of(name)),
                                  f"list at least one entry: {what}"))
    steps, worksheets = lesson_outline(identity["body"], SourceRef(path, identity["body_line"]),
                                       problems)
    total = sum(step.minutes for step in steps)
    if duration >= 1 and total != duration:
        problems.append(warning(
            "lesson-timing", f"the steps take {total} minutes, the lesson {duration}",
            SourceRef(path, values.line_of("duration")),
            "make the steps' minutes add up to 'duration'" if steps else
            "plan the lesson in timed steps: ::: step 10 Title ... :::"))
    listed = raw[0].get("uses") if raw and isinstance(raw[0], Mapping) else None
    lines = tuple(listed.lines) if isinstance(listed, Sequence) else ()
    return Lesson(**identity, audience=" ".join(values["audience"].split()),
                  duration=duration, goals=texts["goals"], prepare=texts["prepare"],
                  uses=texts["uses"], uses_lines=lines, reviewed=values.get("reviewed"),
                  translated_from=values.get("translated_from", ""),
                  steps=steps, worksheets=worksheets)


LOADERS = {"articles": _load_article, "pages": _load_page, "letters": _load_letter,
           "tips": _load_tips, "lessons": _load_lesson}
"""Content folder -> function that loads one file of it."""
