"""The Jinja side of rendering: the environments, their compiled-template cache, where each link
of a template is written, and template errors as diagnostics.

Apart from `render` so that what pages show (render) and how templates are compiled and
reported (here) change on their own. A link's source line is recorded when the template is
compiled (`LinkPositions`), not looked for when the link turns out broken: the link checker
reports a broken `url()` target at the template line that wrote it, also inside an included
template or a macro, without reading template files or the call stack.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterable, Iterator
from functools import lru_cache
from hashlib import sha1
from pathlib import Path

import jinja2
import jinja2.ext
from babel import Locale
from babel.dates import format_date
from jinja2.lexer import Token, TokenStream

from .cache import Cache, code_version
from .diagnostics import Diagnostic, SourceRef, error
from .discover import display_path
from .model import Site
from .plan import cartridge_path

LINK_CALLS = frozenset({"url", "key_url"})
"""Template functions whose calls are given the place they are written (see `LinkPositions`)."""
AT = "_at"
"""The keyword argument carrying that place: `(template name, line)`."""


class LinkPositions(jinja2.ext.Extension):
    """Rewrites each call `url(...)` / `key_url(...)` written in a template into
    `url(..., _at=("name.html", line))`: the place is a constant of the compiled template,
    so a page pays nothing to know where each of its links was written.

    A call through another name (`{% set u = url %}`), or written in a template compiled
    without this extension, has no `_at`: its link is reported at the page's template.
    """

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)
        opened: list[tuple[int, int]] = []  # per call being read: its parentheses' depth, line
        depth = 0
        previous: Token | None = None
        for number, token in enumerate(tokens):
            if token.type == "lparen":
                depth += 1
            elif token.type == "rparen":
                if opened and opened[-1][0] == depth:
                    yield from _place(stream.name or "", opened.pop()[1], previous, token.lineno)
                depth -= 1
            elif token.type == "name" and token.value in LINK_CALLS and number + 1 < len(tokens) \
                    and tokens[number + 1].type == "lparen" and not _other_name(previous):
                opened.append((depth + 1, token.lineno))
            yield token
            previous = token


def _other_name(previous: Token | None) -> bool:
    """Whether a name after `previous` is not the template function: an attribute
    (`x.url(`), a filter or test (`|url(`, `is url(`) or a macro's own name."""
    return previous is not None and (previous.type in ("dot", "pipe") or (
        previous.type == "name" and previous.value in ("macro", "is")))


def _place(name: str, line: int, previous: Token | None, at: int) -> Iterable[Token]:
    """The tokens of `, _at=("name", line)` before a call's closing parenthesis."""
    if previous is not None and previous.type not in ("lparen", "comma"):
        yield Token(at, "comma", ",")
    yield from (Token(at, "name", AT), Token(at, "assign", "="), Token(at, "lparen", "("),
                Token(at, "string", name), Token(at, "comma", ","),
                Token(at, "integer", line), Token(at, "rparen", ")"))


def link_source(templates: Path, at: tuple[str, int] | None, fallback: str) -> SourceRef:
    """Where a link was written: the recorded place `at`, or else the page's template."""
    if at is None:
        return SourceRef(display_path(templates / fallback))
    return SourceRef(display_path(templates / at[0]), at[1])


COMPILED = code_version(sys.modules[__name__])
"""Part of each compiled template's checksum: Jinja's own is the template source only, and the
code compiled from it changes with this module (the extension, the environment's options)."""


class _Versioned(jinja2.BytecodeCache):
    def get_source_checksum(self, source: str) -> str:
        return sha1(f"{COMPILED}\0{source}".encode()).hexdigest()


class MemoryBytecodeCache(_Versioned):
    """Compiled templates shared by the languages' environments within one build."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


class FileBytecodeCache(_Versioned, jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between builds, in the cache folder."""


def bytecode_cache(cache: Cache) -> jinja2.BytecodeCache:
    """Where the build keeps compiled templates: in `cache`'s folder when it has one that can
    be made, else in memory for this build only."""
    if cache.folder is not None and _mkdir(cache.folder / "jinja"):
        return FileBytecodeCache(str(cache.folder / "jinja"))
    return MemoryBytecodeCache()


def _mkdir(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return True
    except OSError:
        return False


def environment(site: Site, templates: Path, lang: str,
                compiled: jinja2.BytecodeCache) -> jinja2.Environment:
    """One environment per language: strict about undefined names, escaping on, strings bound.

    `compiled` holds templates compiled to bytecode (keyed by their source), so the second
    language, and the next build, do not compile them again.
    """
    env = jinja2.Environment(
        bytecode_cache=compiled,
        loader=jinja2.FileSystemLoader(templates),
        auto_reload=False,  # one build, one version of the templates: no stat per page
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[LinkPositions],
    )
    strings = site.strings.get(lang)
    env.globals.update(
        site=site.config,
        lang=site.config.language(lang),
        languages=site.config.languages,
        t=dict(strings.values) if strings else {},
        strings_of={code: dict(s.values) for code, s in site.strings.items()},
        cartridge_url=cartridge_path(site.config.language(lang)),
    )
    locale = site.config.language(lang).locale
    env.filters["date"] = lru_cache(maxsize=4096)(
        lambda d, fmt="long": format_date(d, fmt, locale=locale))  # few dates, many pages
    env.filters["iso"] = lambda d: d.isoformat()
    names = Locale.parse(lang).languages  # parsed once, not per untranslated link
    env.filters["language_name"] = lambda code: names.get(code, code)
    values = strings.values if strings else {}
    one = values.get("reading_time_one", "{n}")
    other = values.get("reading_time_other", "{n}")
    env.globals["reading_time"] = lambda n: (one if n == 1 else other).replace("{n}", str(n))
    env.globals["readability"] = lambda r: "" if r is None else values.get(
        "readability", "{level} ({score})").replace("{level}", values.get(
            f"level_{r.level}", r.level)).replace("{score}", str(r.score))
    return env


def template_problem(exc: Exception, templates: Path, template: str
                     ) -> tuple[Diagnostic, str]:
    """A failure rendering `template` as a diagnostic at the template file and line it names,
    and the detail that tells one failure from another (a problem is reported once)."""
    if isinstance(exc, jinja2.TemplateNotFound):
        where = SourceRef(display_path(templates / str(exc.name)))
        return error("missing-template", f"template '{exc.name}' not found", where,
                     f"create {where.path}"), ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = SourceRef(display_path(Path(exc.filename or templates / template)), exc.lineno)
        return error("template-syntax", exc.message or "syntax error", where,
                     "see https://jinja.palletsprojects.com/templates/"), exc.message or ""
    return error("template-error", f"{type(exc).__name__}: {exc}",
                 _template_line(exc, templates, template), _template_hint(exc)), str(exc)


def _template_line(exc: Exception, templates: Path, fallback: str) -> SourceRef:
    """The innermost template line in the traceback (Jinja rewrites its frames to them)."""
    root = str(templates.resolve())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and str(Path(frame.filename).resolve()).startswith(root):
            return SourceRef(display_path(Path(frame.filename)), frame.lineno or 0)
    return SourceRef(display_path(templates / fallback), 0)


def _template_hint(exc: Exception) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return ("a name the template uses is not defined: for an interface string, add it to "
                "every language's strings.yaml")
    return "fix the template at this line"
