"""Issue 9, parts 1 and 2: fuzzed content never crashes, stalls or writes outside `--out`,
and hostile content stays inert text.

The loaders are driven in-process (thousands of inputs); a smaller property runs whole builds.
Inputs that would take the test process down with them (a segfault, a hang) run in a
subprocess with a timeout. Counts are printed: run with `-s` to see them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from guidesite import search
from guidesite.diagnostics import Diagnostic
from guidesite.discover import discover
from guidesite.load import load
from guidesite.pipeline import Options, build
from guidesite.validate import validate

from conftest import ROOT, SITE_YAML, TEMPLATES, base_tree, report, write_tree

HYPOTHESIS_HOME = tempfile.TemporaryDirectory(prefix="hypothesis-")
set_hypothesis_home_dir(HYPOTHESIS_HOME.name)  # its caches go there, not into the project
LOADER_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 750))
"""Generated inputs per loader (article, letter, tips, strings.yaml, site.yaml); each run draws
new ones, and `FUZZ_EXAMPLES=10000` makes a deeper run."""
BUILD_EXAMPLES = 40
"""Whole in-process builds on fuzzed Markdown bodies and titles."""

FUZZ = settings(max_examples=LOADER_EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example,
                                       HealthCheck.filter_too_much])
TODAY = dt.date(2026, 11, 26)
CODE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
FIRST_LINE = re.compile(r"^(?P<path>[^\n]+?)(?::(?P<line>\d+))?: (?P<severity>error|warning)"
                        r"\[(?P<code>[a-z0-9-]+)\]: ")
SMALL_STRINGS = "greeting: Hej\nfarewell: Hej då\n"
"""Loader benches use tiny interface strings: loading is what is fuzzed, not the templates."""


# --------------------------------------------------------------------------- helpers


def check_diagnostics(problems: list[Diagnostic], stats: Counter) -> None:
    """Every diagnostic names a file, a line >= 0, a code and a message."""
    for d in problems:
        assert isinstance(d, Diagnostic), d
        assert d.severity in ("error", "warning"), d
        assert isinstance(d.where.path, str) and d.where.path.strip(), d
        assert isinstance(d.where.line, int) and d.where.line >= 0, d
        assert isinstance(d.code, str) and CODE.match(d.code), d
        assert isinstance(d.message, str) and d.message.strip(), d
        assert FIRST_LINE.match(d.format()), d.format()
        stats[f"{d.severity}[{d.code}]"] += 1
        if "\n" in d.message or "\r" in d.message:
            stats["messages with a line break"] += 1


class Bench:
    """A small content tree in a temporary folder; one file of it is replaced per example."""

    def __init__(self, root: Path, strings: str = SMALL_STRINGS) -> None:
        self.content = write_tree(root / "content", {
            "site.yaml": SITE_YAML, "sv/strings.yaml": strings, "en/strings.yaml": strings,
            "sv/articles/fast.md": "---\ntitle: Fast\nsummary: En fast artikel.\n"
                                   "date: 2026-01-01\nkey: fast\n---\nText.\n",
        })
        self.stats: Counter = Counter()

    def check(self, rel: str, data: bytes) -> None:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        site, problems = load(discover(self.content))
        if site is not None:
            problems += validate(site, TODAY)
        check_diagnostics(problems, self.stats)
        self.stats["examples"] += 1
        errors = [d for d in problems if d.severity == "error"]
        self.stats["with errors" if errors else "loaded cleanly"] += 1

    def report(self, what: str) -> None:
        top = ", ".join(f"{k} {v}" for k, v in self.stats.most_common()
                        if "[" in k or "line break" in k)
        report(f"\n[fuzz] {what}: {self.stats['examples']} inputs, "
              f"{self.stats['loaded cleanly']} loaded cleanly, "
              f"{self.stats['with errors']} with errors; diagnostics: {top}")


def run_property(strategy, check, examples: int = LOADER_EXAMPLES) -> None:
    @settings(FUZZ, max_examples=examples)
    @given(strategy)
    def prop(value):
        check(value)

    prop()


# --------------------------------------------------------------------------- strategies
# Values are mostly of the right type, so the checks after the schema run too; one mapping in
# a few is broken on purpose (a value of any type, a missing field, an unknown key). Files are
# dumped as YAML in every style PyYAML writes (anchors included), or are raw YAML-ish text or
# a hand-written nasty case, and are then sometimes mangled (CRLF, BOM, NUL, stray bytes...).
# Hypothesis pays per choice, so most text is drawn from pools (one choice per string), and
# its simplest choice (0, the first element, False) is always the valid one.

WORDS = [
    "Hej", "Våga fråga", "Dare to ask", "Ansök i tid.", "x", "0", "a b c", "Ämne: {x}",
    "ÅÄÖ åäö", "naïve café", "Straße", "İstanbul", "𝄞 music", "emoji 🙂", "עברית",
    "العربية", "中文", "\u200bzero width", "\u00a0nbsp", "tab\there", "line\nbreak",
    "crlf\r\nbreak", "sep\u2028x", "nul\x00x", "\x1b[31mred", "\ufeffbom", "' quote",
    '"dq"', "back\\slash", "{brace}", "{{double}}", "<b>bold</b>", "</script>", "&amp;",
    "&#0;", "# hash", "- dash", ": colon", "key: value", "[list]", "{map: 1}", "*alias",
    "&anchor", "!tag", "%percent", "@at", "`tick`", "|pipe", ">fold", "?q", "...", "---",
    "yes", "no", "null", "~", "true", "0x1F", "1e3", ".inf", "1_000", "2026-11-26",
    "x" * 500, "ord " * 200, "Ett längre stycke text. " * 20, "\\u0041", "${7*7}",
    "{{ 7*7 }}", "{% include 'x' %}", "javascript:alert(1)", "../../etc/passwd", "C:\\x",
    "\ud7ff\ue000\uffff", "\U0010ffff", "\x7f\x80\x9f", "a\u0301"]
"""Interesting text, none of it blank."""
NASTY_CHARS = list(":-[]{}&*!|>'\"#%@`,?\\\t\n ~.") + ["\u00a0", "\u2028", "\x85", "\ufeff",
                                                        "\x00", "\x1b", "å", "𝄞", "\r"]
words = st.sampled_from(WORDS)
plain_text = st.one_of(words, st.text(max_size=20))
some_text = st.one_of(words, words, words, st.text(min_size=1, max_size=20))
yaml_ish_text = st.text(alphabet=st.sampled_from(NASTY_CHARS + list("abcxyz019")),
                        max_size=50)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), plain_text, yaml_ish_text,
    st.dates(), st.datetimes(), st.binary(max_size=6),
    st.sampled_from(["yes", "no", "on", "off", "~", "null", "1.10", "0o17", "0x1F", "1e3",
                     ".inf", "2026-13-45", "2026-02-29", "<<", "=", "!", "&a", "*a", ""]))
any_value = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.one_of(plain_text, st.integers(),
                                                         st.booleans()),
                                               children, max_size=3)),
    max_leaves=8)


def one_in(n: int):
    """True about once in `n` draws (False is the simple choice Hypothesis favours)."""
    return st.integers(0, n - 1).map(lambda x: x == n - 1)


slug = st.one_of(st.sampled_from(["a", "ab-c", "x1", "feedback-after-rejection", "0", "a-b-c",
                                  "tips-interview", "z9-z9"]),
                 st.from_regex(r"\A[a-z0-9]{1,8}(?:-[a-z0-9]{1,6}){0,2}\Z"))
HOSTILE_PATHS = [
    "../x/", "/../etc/", "..\\..\\x", "C:\\x", "C:/x", "c:x", "//evil.example/x",
    "/sv/../../x/", "/a/%2e%2e/b/", "\\\\server\\share", "/sv/x/../../../y/", "~/x",
    "http://evil.example/", "/.hidden/", "a\nb", "", "/sv/artiklar/fast/", "/sv/"]
hostile_paths = st.sampled_from(HOSTILE_PATHS)
text_value = some_text
date_value = st.one_of(st.sampled_from(["2026-11-26", "2000-01-01", "2024-02-29", "1999-12-31"]),
                       st.dates(), st.sampled_from(["2026-1-1", "26-11-2026", "today", "",
                                                    "2026-11-26T10:00", "2026-02-29"]))
bool_value = st.one_of(st.booleans(), st.sampled_from(["yes", "no", "True", "OFF", "maybe"]))
texts_value = st.one_of(st.lists(some_text, max_size=3), some_text)
key_value = st.one_of(slug, slug, slug, st.one_of(plain_text, hostile_paths))
aliases_value = st.one_of(
    st.lists(st.one_of(slug.map(lambda s: f"/sv/{s}/"), slug.map(lambda s: f"gammal/{s}"),
                       hostile_paths), max_size=3, unique=True),
    slug.map(lambda s: f"/en/{s}/"), hostile_paths)
unknown_key = st.one_of(plain_text, st.sampled_from(["Title", "titel", "tag", "<<", "1", ""]))


@st.composite
def record(draw, required: dict, optional: dict, breaks: int = 4):
    """A mapping with every required field and a few optional ones; once in `breaks` it is
    broken: one value of any type, one required field left out, or one unknown key."""
    out = {key: draw(value) for key, value in required.items()}
    if optional:
        for key in draw(st.lists(st.sampled_from(sorted(optional)), max_size=3, unique=True)):
            out[key] = draw(optional[key])
    if draw(one_in(breaks)):
        how = draw(st.integers(0, 2))
        if how == 0 and out:
            out[draw(st.sampled_from(sorted(out)))] = draw(any_value)
        elif how == 1 and required:
            out.pop(draw(st.sampled_from(sorted(required))))
        else:
            out[draw(unknown_key)] = draw(any_value)
    return out


COMMON = {"key": key_value, "aliases": aliases_value, "draft": bool_value,
          "updated": date_value, "translated_from": text_value}
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def yaml_text(value, draw) -> str:
    """YAML for `value` in one of the styles PyYAML writes; shared objects get &anchors."""
    if isinstance(value, dict) and len(value) > 1 and draw(one_in(6)):
        value = dict(value)
        shared = draw(st.lists(some_text, min_size=1, max_size=3))
        for key in draw(st.lists(st.sampled_from(sorted(value, key=repr)), min_size=2,
                                 max_size=3)):
            value[key] = shared  # the same object twice: written as &id001 ... *id001
    try:
        return yaml.dump(value, Dumper=DUMPER, allow_unicode=not draw(one_in(3)),
                         sort_keys=False,
                         default_flow_style=draw(st.sampled_from([False, None, True])),
                         width=draw(st.sampled_from([80, 20, 10_000])))
    except yaml.YAMLError:
        return repr(value)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(8))
"""Billion laughs: 9**9 nodes once the aliases are expanded."""
NASTY_YAML = [
    BOMB, "", "---", "...", "---\n---\n", "a: 1\na: 2\n", "a: &x 1\nb: *x\n", "a: *nope\n",
    "<<: {title: x}\n", "? [a, b]\n: c\n", "title: !!python/object/apply:os.system [ls]\n",
    "title: !custom x\n", "title: 'unterminated\n", "title: \"a\\ud800\"\n", "\tx: 1\n",
    "title: |\n  block\n summary: x\n", "%YAML 1.1\n---\ntitle: x\n", "- a\n- b\n",
    "a: b: c\n", "[" * 300 + "]" * 300, "{" * 50 + "}" * 50, "x: " + "- " * 50 + "y\n",
    "title: " + "x" * 100_000 + "\n", "title: '" + "é" * 50_000 + "'\n",
    "date: 2026-11-26\ndate2: 2026-11-26 10:00:00\n", "title: 0x10\nsummary: 1_000\n",
    "title: null\nsummary: ~\ndate: \n", "title: [a\nsummary: b]\n",
    "title: &t x\nsummary: *t\ndate: 2026-01-01\n", "title: x\n--- \nsummary: y\n",
    "title: !!binary aGVq\n", "title: !!str 1\nsummary: !!int 2\n", "title: !!set {a}\n",
    "title: !!omap [a: 1]\n", "? |\n  block key\n: x\n", "title: \"\\e\\0\\x7f\"\n",
]


@st.composite
def yaml_document(draw, value) -> str:
    """Mostly `value` dumped as YAML; sometimes raw YAML-ish text, a nasty case or any value."""
    kind = draw(st.integers(0, 19))
    if kind == 19:
        return draw(yaml_ish_text)
    if kind == 18:
        return draw(st.sampled_from(NASTY_YAML))
    if kind == 17:
        return yaml_text(draw(any_value), draw)
    return yaml_text(draw(value), draw)


SAFE_MD = ["# ", "## ", "### ", "\n", "\n\n", "*", "**", "_", "`", "```\n", "~~~", "[", "]",
           "(", ")", "![", "<", ">", "&", "&amp;", "&#0;", "&#x110000;", "|", "|---|", "---",
           "- ", "1. ", "> ", " {#main}", "[^1]", "\n[^1]: note\n", "[x](key:fast)",
           "[a](javascript:alert(1))", "<script>alert(1)</script>", "{{ 7*7 }}",
           "{% include 'x' %}", "http://x.example", "\\", "\t", "    ", "\u00a0", "\u2028",
           "é", "𝄞", "\r\n", "<!--", "-->", "<b>", "</div>", "$$", "{", "}"]
"""(Control characters such as NUL are refused by the loader: the loader tests cover them, so
whole builds mostly get text that builds.)"""
LINKS = ["[x](key:nope)", "[x](#nowhere)", "[x](../../x)", "[x](/sv/)", "![i](x.png)"]
markdown_body = st.tuples(
    st.lists(st.one_of(st.sampled_from(SAFE_MD), words), max_size=12).map("".join),
    one_in(10), st.sampled_from(LINKS)).map(lambda t: t[0] + (t[2] if t[1] else ""))
prose = markdown_body.map("Text. ".__add__)
"""Markdown for a required field (an empty one is a plain missing-field error)."""


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """Now and then, mangle the file the way files get mangled on their way to content/."""
    how = draw(st.sampled_from(["none"] * 24 + ["crlf", "cr", "bom", "nul", "bytes",
                                                "truncate", "utf16", "latin1"]))
    if how == "none":
        return data
    at = draw(st.integers(0, len(data)))
    if how == "crlf":
        return data.replace(b"\n", b"\r\n")
    if how == "cr":
        return data.replace(b"\n", b"\r")
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "nul":
        return data[:at] + b"\x00" + data[at:]
    if how == "bytes":
        return data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    if how == "truncate":
        return data[:at]
    if how == "utf16":
        return data.decode("utf-8", "replace").encode("utf-16")
    return data.decode("utf-8", "replace").encode("latin-1", "replace")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@st.composite
def markdown_file(draw, front: str, body: str) -> bytes:
    closing = draw(st.sampled_from(["---\n"] * 16 + ["...\n", "---", "--- \n", ""]))
    return draw(mutated(encode(f"---\n{front}{closing}{body}")))


ARTICLE_FIELDS = record(
    {"title": text_value, "summary": text_value, "date": date_value},
    COMMON | {"author": text_value, "author_role": text_value, "tags": texts_value,
              "reviewed": date_value})


@st.composite
def article_files(draw) -> bytes:
    return draw(markdown_file(draw(yaml_document(ARTICLE_FIELDS)), draw(markdown_body)))


field_name = st.one_of(st.sampled_from(["namn", "your_name", "company", "a1", "x_y_z"]),
                       st.from_regex(r"\A[a-z][a-z0-9_]{0,7}\Z"),
                       st.sampled_from(["Name", "1x", "a b", "", "x-y", "{x}", "å"]))
ODD_HOLES = ["{{", "}}", "{", "}", "{ name }", "{Name}", "{1x}", "{}", "{a b}", "{{name}}",
             "{\n}", "{unknown}", "{{{", "}}}", "{namn", "namn}"]


@st.composite
def letter_files(draw) -> bytes:
    names = draw(st.lists(field_name, max_size=4))
    fields = [draw(record({"name": st.just(name)},
                          {"label": text_value, "hint": text_value, "example": text_value,
                           "required": bool_value, "multiline": bool_value}, breaks=12))
              for name in names]
    parts: list[str] = []
    for name in names:
        parts += [draw(words), " ", "" if draw(one_in(12)) else f"{{{name}}}",
                  draw(st.sampled_from(["\n", "\n\n", " "]))]
    if draw(one_in(4)):
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(ODD_HOLES)))
    body = "".join(parts) or draw(words)
    subject = draw(st.one_of(st.sampled_from([f"Om {{{n}}}" for n in names] or ["Hej"]),
                             st.sampled_from(["Hej", *ODD_HOLES])))
    front = record({"title": text_value, "summary": text_value, "date": date_value,
                    "channel": st.sampled_from(["email", "post", "email", "mail", " post "]),
                    "subject": st.just(subject), "guide": prose, "fields": st.just(fields)},
                   COMMON)
    return draw(markdown_file(draw(yaml_document(front)), body))


@st.composite
def tips_files(draw) -> bytes:
    tip = record({"id": st.one_of(slug, slug, hostile_paths), "title": text_value,
                  "body": prose},
                 {"related": st.lists(st.sampled_from(["fast", "nope", "a"]), max_size=2)},
                 breaks=12)
    topic = record({"title": text_value, "intro": prose, "tips": st.lists(tip, max_size=3)},
                   COMMON | {"summary": text_value, "date": date_value})
    return draw(mutated(encode(draw(yaml_document(topic)))))


@st.composite
def strings_files(draw) -> bytes:
    strings = record({"greeting": some_text, "farewell": some_text},
                     {"extra": some_text, "Greeting": some_text})
    return draw(mutated(encode(draw(yaml_document(strings)))))


SECTIONS = {"articles": "artiklar", "letters": "brev", "tips": "tips",
            "educators": "for-pedagoger", "search": "sok"}
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
BAD_LOCALES = ["xx_YY", "sv_SE.UTF-8@euro", "", "-", "_", "en-", "a" * 300, "root", "und",
               "sv__SE", "zh_Hant_TW", "@", "C", "en_US", "sv-SE", "../x", "\x00"]


def language(code: str):
    return record(
        {"code": st.sampled_from([code] * 30 + ["SV", "xx", "sv-SE", "zz-ZZZZZZZZZ", "", "../x",
                                               "und", "en"]),
         "name": text_value, "title": text_value,
         "sections": st.one_of(st.just(SECTIONS), st.just(SECTIONS), record(
             {k: st.one_of(st.just(v), key_value) for k, v in SECTIONS.items()}, {},
             breaks=12))},
        {"tagline": text_value, "dir": st.sampled_from(["ltr", "rtl", "up", "LTR", ""]),
         "locale": st.sampled_from([LOCALES[code]] * 20 + BAD_LOCALES)}, breaks=8)


@st.composite
def site_files(draw) -> bytes:
    languages = st.one_of(st.tuples(language("sv"), language("en")).map(list),
                          st.tuples(language("sv")).map(list),
                          st.lists(language("en"), max_size=3))
    site = record({
        "base_url": st.sampled_from(["https://example.org/", "https://example.org/guide/"] * 4
                                    + ["http://x", "ftp://x/", "https://", "https://a b/",
                                       "javascript:alert(1)", "https://example.org/\u2028"]),
        "default_language": st.sampled_from(["sv"] * 12 + ["en", "fi", "SV", ""]),
        "languages": languages},
        {"organisation": text_value, "author": text_value,
         "review_after_days": st.one_of(st.integers().map(str), st.sampled_from(["x", "1.5"])),
         "allow_html": bool_value})
    return draw(mutated(encode(draw(yaml_document(site)))))


# --------------------------------------------------------------------------- loaders


@pytest.mark.parametrize("what,rel,strategy", [
    ("article front matter + body", "sv/articles/fuzz.md", article_files()),
    ("letter front matter + body", "sv/letters/fuzz.md", letter_files()),
    ("tips yaml", "sv/tips/fuzz.yaml", tips_files()),
    ("strings.yaml", "sv/strings.yaml", strings_files()),
    ("site.yaml", "site.yaml", site_files()),
], ids=["article", "letter", "tips", "strings", "site"])
def test_fuzzed_file_gives_diagnostics_never_an_exception(what, rel, strategy) -> None:
    """2,000 generated files per loader: load + validate return diagnostics, never raise."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp))
        run_property(strategy, lambda data: bench.check(rel, data))
        bench.report(f"{what} ({time.perf_counter() - started:.1f} s)")
        assert bench.stats["examples"] >= LOADER_EXAMPLES
        assert bench.stats["loaded cleanly"] > 0, "the generator never made a valid file"
        assert bench.stats["with errors"] > 0


def test_the_real_content_files_pass_the_same_checks() -> None:
    """The benches are fair: every real content file, put in a bench, loads cleanly."""
    real = ROOT / "content"
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp), (real / "sv/strings.yaml").read_text("utf-8"))
        (bench.content / "en/strings.yaml").write_text(
            (real / "sv/strings.yaml").read_text("utf-8"), "utf-8")
        for path in sorted(real.glob("sv/*/*")):
            if path.parent.name not in ("articles", "pages"):  # letters and tips link keys
                continue
            rel = path.relative_to(real).as_posix()
            bench.check(rel, path.read_bytes())
            (bench.content / rel).unlink()
        assert bench.stats["examples"] >= 5 and bench.stats["with errors"] == 0, bench.stats


# --------------------------------------------------------------------------- nasty, by hand

GOOD_FRONT = "title: Titel\nsummary: En sammanfattning.\ndate: 2026-01-01\n"
NASTY_FILES = {
    "empty": b"",
    "only-bom": b"\xef\xbb\xbf",
    "bom-crlf": b"\xef\xbb\xbf---\r\n" + GOOD_FRONT.replace("\n", "\r\n").encode() +
                b"---\r\nText\r\n",
    "nul-in-front-matter": b"---\ntitle: a\x00b\nsummary: s\ndate: 2026-01-01\n---\nx\n",
    "nul-in-body": ("---\n" + GOOD_FRONT + "---\nx\x00y\n").encode(),
    "latin-1": ("---\n" + GOOD_FRONT + "---\nVåga fråga\n").encode("latin-1"),
    "utf-16": ("---\n" + GOOD_FRONT + "---\nx\n").encode("utf-16"),
    "invalid-byte-late": ("---\n" + GOOD_FRONT + "---\n" + "rad\n" * 50).encode() + b"\xff\n",
    "wrong-types": b"---\ntitle: [1, 2]\nsummary: {a: b}\ndate: [2026]\ndraft: maybe\n"
                   b"tags: {x: y}\naliases: 5\nkey: [k]\n---\nx\n",
    "alias-bomb": ("---\n" + BOMB + "---\nx\n").encode(),
    "deep-but-parseable": ("---\ntitle: " + "[" * 500 + "]" * 500 + "\n---\nx\n").encode(),
    "huge-value": ("---\ntitle: " + "x" * 1_500_000 + "\nsummary: s\ndate: 2026-01-01\n"
                   "---\nx\n").encode(),
    "unterminated-front-matter": b"---\ntitle: x\n",
    "python-tag": b"---\ntitle: !!python/object/apply:os.system [echo hi]\n---\nx\n",
    "duplicate-keys": ("---\n" + GOOD_FRONT + "title: again\n---\nx\n").encode(),
    "tabs": b"---\n\ttitle: x\n---\n",
    "crlf-cr-mix": ("---\r" + GOOD_FRONT.replace("\n", "\r") + "---\r\nx\r").encode(),
}


@pytest.mark.parametrize("name", sorted(NASTY_FILES))
@pytest.mark.parametrize("rel", ["sv/articles/nasty.md", "sv/tips/nasty.yaml",
                                 "sv/strings.yaml", "site.yaml"])
def test_hand_written_nasty_file_gives_diagnostics(name: str, rel: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp))
        bench.check(rel, NASTY_FILES[name])


@pytest.mark.parametrize("rel", ["sv/articles/big.md", "sv/letters/big.md", "sv/tips/big.yaml",
                                 "sv/strings.yaml", "site.yaml"])
def test_a_3_mb_file_is_a_quick_file_too_large_error(rel: str) -> None:
    data = ("---\n" + GOOD_FRONT + "---\n").encode() + b"Lorem ipsum dolor. " * 160_000
    assert len(data) > 3_000_000
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp))
        path = bench.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        site, problems = load(discover(bench.content))
        check_diagnostics(problems, Counter())
        too_large = [d for d in problems if d.code == "file-too-large"]
        assert len(too_large) == 1 and too_large[0].where.path.endswith(rel), problems
        assert too_large[0].severity == "error"


HANG_SECONDS = 300
"""A build that takes this long has hung: far beyond any honest build of these inputs, even on
a loaded machine (how fast it is belongs in the benchmark, not in a test)."""


def run_cli_build(content: Path, out: Path, timeout: float) -> subprocess.CompletedProcess:
    """`python build.py --content C --out O` with a hard timeout (TimeoutExpired is a stall)."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(content),
                           "--templates", str(TEMPLATES), "--out", str(out)],
                          cwd=content.parent, capture_output=True, text=True, timeout=timeout)


def assert_clean_failure(result: subprocess.CompletedProcess, code: str) -> None:
    assert result.returncode >= 0, f"the build process died of signal {-result.returncode}"
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert f"error[{code}]" in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize("rel,text", [
    ("sv/tips/deep.yaml", "[" * 30_000 + "]" * 30_000 + "\n"),
    ("sv/articles/deep.md", "---\ntitle: " + "{a: " * 30_000 + "b" + "}" * 30_000 + "\n---\nx\n"),
], ids=["flow-sequence-in-tips", "flow-mapping-in-front-matter"])
def test_deep_yaml_nesting_is_a_diagnostic_not_a_crash(tmp_path: Path, rel: str, text: str):
    """60 KB of nested brackets: far below the size limit, must be error[bad-yaml]."""
    content = write_tree(tmp_path / "content", base_tree() | {rel: text})
    result = run_cli_build(content, tmp_path / "site", timeout=60)
    assert_clean_failure(result, "bad-yaml")
    assert not (tmp_path / "site").exists()


def test_many_identical_headings_do_not_stall_the_build(tmp_path: Path) -> None:
    """80 KB of `# a` lines: heading ids must not take quadratic time."""
    content = write_tree(tmp_path / "content", base_tree() | {
        "sv/articles/rubriker.md": "---\n" + GOOD_FRONT + "---\n" + "# a\n" * 20_000})
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "check", "--content", str(content),
             "--templates", str(TEMPLATES)], cwd=tmp_path, capture_output=True, text=True,
            timeout=HANG_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`build.py check` on 20,000 '# a' headings hung ({HANG_SECONDS} s)")
    report(f"\n[fuzz] 20,000 identical headings checked in {time.perf_counter() - started:.1f} s")
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr


def test_a_named_pipe_in_content_does_not_hang_the_build(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", base_tree())
    (content / "sv/articles").mkdir(parents=True)
    os.mkfifo(content / "sv/articles/pipe.md")
    try:
        result = run_cli_build(content, tmp_path / "site", timeout=HANG_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail("a FIFO named sv/articles/pipe.md hangs the build (read blocks forever)")
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    assert "pipe.md" in result.stderr


# --------------------------------------------------------------------------- whole builds


def tree_snapshot(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def manifest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


titles = st.one_of(words, words, words, words, yaml_ish_text.map("T".__add__),
                   st.sampled_from(["</script><script>alert(1)</script>", "'q'", "a: b", "- x",
                                    "#", "", " ", "&amp;", "<b>x</b>", "𝄞" * 50, "x" * 2000,
                                    "\u2028"]))


@st.composite
def build_inputs(draw):
    def dump(value) -> str:
        return yaml.dump(value, Dumper=DUMPER, allow_unicode=True, sort_keys=False)

    def article() -> str:
        return "---\n" + dump({"title": draw(titles), "summary": draw(titles),
                               "date": "2026-01-01", "key": "fuzz"}) + "---\n" + \
            draw(markdown_body)

    return {"sv/articles/fuzz.md": article(), "en/articles/fuzz.md": article(),
            "sv/tips/fuzz.yaml": dump({"title": draw(titles), "key": "fuzz-tips",
                                       "intro": draw(markdown_body),
                                       "tips": [{"id": "a", "title": draw(titles),
                                                 "body": draw(markdown_body)}]})}


def test_whole_build_on_fuzzed_markdown_and_titles() -> None:
    """~100 in-process builds: ok, or only diagnostics; nothing written beside `out` that
    stays there (except the lock file and the spare folder, the replaced site kept for the
    next build); a failed build leaves the previous site as it was."""
    stats: Counter = Counter()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        content = write_tree(root / "content", base_tree() | {
            "sv/articles/fast.md": "---\n" + GOOD_FRONT + "key: fast\n---\nText.\n",
            "en/articles/fast.md": "---\n" + GOOD_FRONT + "key: fast\n---\nText.\n"})
        out = root / "out" / "site"
        allowed_beside = {"out", "out/.site.lock"}

        def check(files: dict[str, str]) -> None:
            for rel, text in files.items():
                (content / rel).parent.mkdir(parents=True, exist_ok=True)
                (content / rel).write_bytes(encode(text))
            before = tree_snapshot(root)
            previous = manifest(out) if out.exists() else None
            result = build(Options(content=content, templates=TEMPLATES, out=out,
                                     cache=None))[0]
            check_diagnostics(result.diagnostics, stats)
            created = {p for p in tree_snapshot(root) - before
                       if p.split("/")[:2] not in (["out", "site"], ["out", ".site.spare"])}
            assert created <= allowed_beside, f"written outside --out: {created - allowed_beside}"
            assert not list(out.parent.glob(".site.tmp-*")) + list(out.parent.glob(".site.old-*"))
            stats["builds"] += 1
            if result.ok:
                stats["ok"] += 1
                for page in out.rglob("*.html"):
                    assert page.read_bytes().endswith(b"</html>\n"), page
                assert (out / "sv/artiklar/fuzz/index.html").is_file()
            else:
                stats["failed"] += 1
                assert all(d.severity in ("error", "warning") for d in result.diagnostics)
                if previous is not None:
                    assert manifest(out) == previous, "a failed build changed the previous site"

        # one plain build first, so that every failed fuzzed build has a site to leave alone
        # (drawn inputs build cleanly only by chance: five random titles must all be valid)
        plain = "---\ntitle: Plain\nsummary: Plain.\ndate: 2026-01-01\nkey: fuzz\n---\nText.\n"
        check({"sv/articles/fuzz.md": plain, "en/articles/fuzz.md": plain,
               "sv/tips/fuzz.yaml": "title: Tips\nkey: fuzz-tips\nintro: Intro.\n"
                                    "tips:\n  - {id: a, title: Tip, body: Text.}\n"})
        assert stats["ok"] == 1, "the plain build failed"
        run_property(build_inputs(), check, examples=BUILD_EXAMPLES)
    report(f"\n[fuzz] whole builds: {stats['builds']} ({stats['ok']} ok, {stats['failed']} "
          f"failed with diagnostics) in {time.perf_counter() - started:.1f} s; "
          + ", ".join(f"{k} {v}" for k, v in stats.most_common() if "[" in k))
    assert stats["builds"] >= BUILD_EXAMPLES and stats["ok"] > 0


# --------------------------------------------------------------------------- hostile content

EVIL = "</script><script>alert(1)</script><img src=x onerror=alert(2)> calc{{ 7*7 }}end " \
       "{% include 'x' %} ${7*7} <!-- x"
EVIL_BODY = (
    "Hej <script>alert(3)</script> <img src=x onerror=alert(4)>\n\n"
    "[a](javascript:alert(5)) [b](JaVaScRiPt:alert(6)) [c](data:text/html,<script>alert(7)"
    "</script>) [d](vbscript:msgbox(8)) ![i](javascript:alert(9)) <javascript:alert(10)>\n\n"
    "calc{{ 7*7 }}end {% include 'x' %} {# comment #}\n\n"
    "<div onclick=alert(13)>x</div>\n\n<a href=\"javascript:alert(14)\">raw</a>\n")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:application")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "xlink:href"}


class Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def hostile_tree() -> dict[str, str]:
    q = json.dumps(EVIL)
    b = json.dumps(EVIL_BODY)
    return base_tree() | {
        "sv/articles/ond.md": f"---\ntitle: {q}\nsummary: {q}\ndate: 2026-01-01\n"
                              f"author: {q}\nauthor_role: {q}\ntags: [{q}]\n---\n{EVIL_BODY}",
        "sv/pages/ond-sida.md": f"---\ntitle: {q}\nsummary: {q}\n---\n{EVIL_BODY}",
        "sv/letters/ont-brev.md": (
            f"---\ntitle: {q}\nsummary: {q}\ndate: 2026-01-01\nchannel: email\n"
            f"subject: {json.dumps('Hej {namn} </script><script>alert(15)</script>')}\n"
            f"guide: {b}\nfields:\n  - name: namn\n    label: {q}\n    hint: {q}\n"
            f"    example: {q}\n    required: true\n---\n"
            "Hej {namn} </script><script>alert(16)</script> calc{{{{ 7*7 }}}}end\n"),
        "sv/tips/onda-tips.yaml": (f"title: {q}\nsummary: {q}\nintro: {b}\ntips:\n"
                                   f"  - id: ett\n    title: {q}\n    body: {b}\n"),
    }


def test_hostile_content_is_rendered_as_inert_text(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", hostile_tree())
    out = tmp_path / "site"
    result = build(Options(content=content, templates=TEMPLATES, out=out, cache=None))[0]
    assert result.ok, [d.format() for d in result.diagnostics]
    pages = {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in out.rglob("*.html")}
    article = pages["sv/artiklar/ond/index.html"]
    assert "calc{{ 7*7 }}end" in article and "{% include" in article
    checked_scripts = 0
    for rel, text in pages.items():
        assert "calc49end" not in text, rel
        for opening, inline in re.findall(r"(<script\b[^>]*>)(.*?)</script", text, re.S):
            checked_scripts += 1
            if "src=" in opening:
                assert inline.strip() == "", (rel, opening)
                continue
            assert re.search(r'type="application/(?:ld\+)?json"', opening), (rel, opening)
            data = json.loads(inline)  # data only: it parses, so nothing broke out of it
            assert "</script" not in inline.lower() and "<!--" not in inline, rel
            assert data is not None
        parser = Tags()
        parser.feed(text)
        for tag, attrs in parser.tags:
            for name, value in attrs.items():
                assert not name.startswith("on"), (rel, tag, name, value)
                if name in URL_ATTRIBUTES:
                    squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                    assert not squeezed.startswith(DANGEROUS_SCHEMES), (rel, tag, name, value)
            if tag == "script":
                assert "src" in attrs or attrs.get("type", "").startswith("application/"), \
                    (rel, attrs)
    assert checked_scripts > 0
    letter = pages["sv/brev/ont-brev/index.html"]
    data = json.loads(re.search(r'<script type="application/json" id="letter-data">(.*?)'
                                r"</script>", letter, re.S).group(1))
    assert data["versions"]["sv"]["labels"]["namn"] == EVIL  # intact, as data
    for rel in ("sv/feed.xml", "sitemap.xml"):
        ElementTree.fromstring((out / rel).read_bytes())  # still well-formed XML
    feed = (out / "sv/feed.xml").read_text("utf-8")
    assert "<script>" not in feed and "calc{{ 7*7 }}end" in feed


ESCAPING_KEYS = ["../x", "..", "/etc", "C:x", "c:\\x", "a\\b", "a/b", "%2e%2e", ".hidden", "~"]
ESCAPING_ALIASES = ["../x/", "/../etc/", "..\\..\\x", "C:\\x", "C:/x", "c:x", "//evil.example/x",
                    "/sv/../../x/", "/a/%2e%2e/b/", "\\\\server\\share", "/sv/x/../../../y/",
                    "~/x", "http://evil.example/", "/.hidden/", "/./x/", "/a//b/", "..",
                    "/sv/x\\..\\..\\y/", "/sv/\x00/"]


@pytest.mark.parametrize("field,value", [("key", k) for k in ESCAPING_KEYS] +
                         [("aliases", a) for a in ESCAPING_ALIASES])
def test_keys_and_aliases_that_could_escape_the_output_are_errors(field, value) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = write_tree(Path(tmp) / "content", base_tree() | {
            "sv/articles/a.md": f"---\n{GOOD_FRONT}{field}: [{json.dumps(value)}]\n---\nx\n"
            if field == "aliases" else f"---\n{GOOD_FRONT}{field}: {json.dumps(value)}\n---\nx\n"})
        site, problems = load(discover(content))
        check_diagnostics(problems, Counter())
        codes = {d.code for d in problems if d.severity == "error"
                 and d.where.path.endswith("a.md")}
        # a control character is refused earlier, as invisible text, which is as good
        assert codes & {"bad-key", "bad-alias", "bad-yaml"}, (value,
                                                              [d.format() for d in problems])


def test_escaping_file_names_give_an_error_or_a_plain_slug_inside_the_output(tmp_path):
    """File names are slugified by design (README: `Våga fråga.md` -> `vaga-fraga/`): a name
    full of `..`, backslashes or a drive letter gives error[bad-slug] or a plain slug, and an
    absolute-looking alias is a site path that lands inside the output."""
    names = ["x\\..\\..\\evil.md", "C:evil.md", "c:\\windows\\x.md", "%2e%2e.md", "~.md",
             "CON.md", " .md", "-.md"]
    files = {f"sv/articles/{name}": "---\n" + GOOD_FRONT + f"key: k{i}\n---\nx\n"
             for i, name in enumerate(names)}
    content = write_tree(tmp_path / "first" / "content", base_tree() | files)
    result = build(Options(content=content, templates=TEMPLATES, out=tmp_path / "first/site",
                             cache=None))[0]
    check_diagnostics(result.diagnostics, Counter())
    bad = {Path(d.where.path).name for d in result.diagnostics if d.code == "bad-slug"}
    others = [d.format() for d in result.diagnostics if d.code != "bad-slug"]
    assert not others, others
    assert bad == {"~.md", " .md", "-.md"}, bad
    work = tmp_path / "second"
    content = write_tree(work / "content", base_tree() | {
        rel: text for rel, text in files.items() if Path(rel).name not in bad} | {
        "sv/articles/abs.md": "---\n" + GOOD_FRONT + "aliases: [/etc/passwd/, /tmp/x]\n---\n"})
    before = tree_snapshot(tmp_path)
    out = work / "site"
    result = build(Options(content=content, templates=TEMPLATES, out=out, cache=None))[0]
    assert result.ok, [d.format() for d in result.diagnostics]
    created = {p for p in tree_snapshot(tmp_path) - before if not p.startswith("second/site")}
    assert created <= {"second/.site.lock"}, created
    slugs = {p.name for p in (out / "sv/artiklar").iterdir() if p.is_dir()}
    assert slugs == {"x-evil", "c-evil", "c-windows-x", "2e-2e", "con", "abs"}, slugs
    assert (out / "etc/passwd/index.html").is_file() and (out / "tmp/x/index.html").is_file()


@pytest.mark.parametrize("what", ["article-file", "articles-folder", "site.yaml",
                                  "invalid-site.yaml", "strings.yaml"])
def test_a_symlink_out_of_the_content_folder_is_an_error(tmp_path: Path, what: str) -> None:
    content = write_tree(tmp_path / "content", base_tree())
    outside = write_tree(tmp_path / "outside", {
        "secret.md": "---\n" + GOOD_FRONT + "---\nHEMLIGT innehåll\n",
        "folder/secret.md": "---\n" + GOOD_FRONT + "---\nHEMLIGT innehåll\n",
        "site.yaml": SITE_YAML, "invalid-site.yaml": "base_url: [HEMLIGT\n",
        "strings.yaml": (content / "sv/strings.yaml").read_text("utf-8")})
    link = {"article-file": content / "sv/articles/secret.md",
            "articles-folder": content / "en/articles", "site.yaml": content / "site.yaml",
            "invalid-site.yaml": content / "site.yaml",
            "strings.yaml": content / "sv/strings.yaml"}[what]
    target = {"article-file": outside / "secret.md", "articles-folder": outside / "folder",
              "site.yaml": outside / "site.yaml",
              "invalid-site.yaml": outside / "invalid-site.yaml",
              "strings.yaml": outside / "strings.yaml"}[what]
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(target, target_is_directory=target.is_dir())
    out = tmp_path / "site"
    result = build(Options(content=content, templates=TEMPLATES, out=out, cache=None))[0]
    check_diagnostics(result.diagnostics, Counter())
    assert not result.ok and not out.exists()
    errors = [d for d in result.diagnostics if d.code == "outside-content"]
    assert errors and errors[0].where.path.endswith(str(link.relative_to(content))), \
        [d.format() for d in result.diagnostics]
    assert not any("HEMLIGT" in d.format() for d in result.diagnostics)


@pytest.mark.parametrize("alias", ["/pagefind/pagefind.js", "/sitemap.xml", "/robots.txt",
                                   "/404.html", "/index.html", "/sv/feed.xml",
                                   "/static/site.css", "/sv/404.html"])
def test_an_alias_on_a_generated_file_is_reported_at_the_alias(tmp_path: Path, monkeypatch,
                                                               alias: str) -> None:
    """Not a write failure in the staging folder, and not a stalled search indexer."""
    monkeypatch.setattr(search, "TIMEOUT", 5)  # the real limit is 120 s
    content = write_tree(tmp_path / "content", base_tree() | {
        "sv/articles/a.md": f"---\n{GOOD_FRONT}aliases: [{alias}]\n---\nx\n"})
    started = time.perf_counter()
    result = build(Options(content=content, templates=TEMPLATES, out=tmp_path / "site",
                             cache=None))[0]
    took = time.perf_counter() - started
    check_diagnostics(result.diagnostics, Counter())
    assert not result.ok
    codes = {d.code: d for d in result.diagnostics if d.severity == "error"}
    assert "search-index-failed" not in codes, f"{alias}: Pagefind stalled ({took:.0f} s)"
    assert any(d.where.path.endswith("a.md") for d in codes.values()), \
        [d.format() for d in result.diagnostics]


@pytest.mark.parametrize("field,value", [
    ("key", "a\nb"), ("channel", "e\nmail"), ("date", "2026\n01"),
    ("aliases", ["/sv/a\r\nb/"]), ("date", "x" * 100_000)],
    ids=["newline-in-key", "newline-in-channel", "newline-in-date", "crlf-in-alias",
         "100-kb-date"])
def test_diagnostic_messages_stay_on_one_line(field: str, value) -> None:
    """`path:line: error[code]: message` is one line an editor can read: a value quoted from
    the content must not break it (or run to 100 KB)."""
    front = {"title": "T", "summary": "S", "date": "2026-01-01", "channel": "email",
             "subject": "Hej {namn}", "guide": "G", "fields": [{"name": "namn"}]}
    front[field] = value
    with tempfile.TemporaryDirectory() as tmp:
        content = write_tree(Path(tmp) / "content", base_tree() | {
            "sv/letters/a.md": "---\n" + yaml.safe_dump(front, allow_unicode=True) +
                               "---\nHej {namn}\n"})
        site, problems = load(discover(content))
    mine = [d for d in problems if d.where.path.endswith("a.md")]
    assert mine, problems
    for d in mine:
        lines = d.format().split("\n")
        assert FIRST_LINE.match(lines[0]) and all(x.startswith("  hint: ") for x in lines[1:]), \
            d.format()[:300]
        assert "\r" not in d.message and len(d.message) <= 1000, d.format()[:300]
