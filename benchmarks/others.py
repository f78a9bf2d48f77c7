"""The same corpus as a Hugo site and a Pelican site, with layouts equivalent to ours.

Equivalent means: a page per article with title, summary, dates, table of contents, reading
time, translation links and tags; a home page and a list per section; taxonomies; RSS.

Our site has about twice Hugo's pages: a printable handout beside every item, and the letters.
`hugo_site(..., same_pages=True)` gives Hugo those too (a handout output format of every page,
the letters as pages), to compare the cost per page; the issue's targets use the plain site.
"""

from __future__ import annotations

import shutil
from pathlib import Path

HUGO_CONFIG = """\
baseURL = "https://example.org/"
defaultContentLanguage = "sv"
defaultContentLanguageInSubdir = true
buildFuture = true  # the corpus has dates up to the end of the year
disableKinds = []
[taxonomies]
  tag = "tags"
[languages.sv]
  contentDir = "content/sv"
  languageName = "Svenska"
  weight = 1
[languages.en]
  contentDir = "content/en"
  languageName = "English"
  weight = 2
[markup.tableOfContents]
  startLevel = 2
  endLevel = 3
"""
HUGO_BASEOF = """<!doctype html><html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8">
<title>{{ .Title }}</title><meta name="description" content="{{ .Summary | plainify }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .Translations }}<link rel="alternate" hreflang="{{ .Lang }}" href="{{ .Permalink }}">
{{ end }}
</head><body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Lang }}">
{{ .Language.LanguageName }}</a>{{ end }}
</header><main>{{ block "main" . }}{{ end }}</main><footer>footer</footer></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Params.summary }}</p><p>{{ .Date.Format "2 January 2006" }} · {{ .ReadingTime }} min</p>
<nav>{{ .TableOfContents }}</nav>{{ .Content }}
<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul></article>{{ end }}
"""
HUGO_HANDOUTS = """
[outputFormats.handout]
  mediaType = "text/html"
  baseName = "handout"
[outputs]
  page = ["HTML", "handout"]
"""
HUGO_HANDOUT = """<!doctype html><html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8">
<title>{{ .Title }}</title><meta name="robots" content="noindex"></head><body><main>
<h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>{{ .TableOfContents }}
<p>{{ .ReadingTime }} min</p><p><a href="{{ .Permalink }}">{{ .Permalink }}</a></p></main>
</body></html>
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }} {{ .ReadingTime }}</li>
{{ end }}</ul>{{ end }}
"""


def hugo_site(content: Path, folder: Path, same_pages: bool = False) -> Path:
    """Copy the articles into a Hugo site (front matter is YAML, which Hugo reads as is)."""
    if folder.exists():
        shutil.rmtree(folder)
    sections = ("articles", "letters") if same_pages else ("articles",)
    for lang in ("sv", "en"):
        for section in sections:
            shutil.copytree(content / lang / section, folder / "content" / lang / section)
    (folder / "config.toml").write_text(HUGO_CONFIG + (HUGO_HANDOUTS if same_pages else ""))
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(HUGO_BASEOF)
    (layouts / "single.html").write_text(HUGO_SINGLE)
    (layouts / "list.html").write_text(HUGO_LIST)
    if same_pages:
        (layouts / "single.handout.html").write_text(HUGO_HANDOUT)
    return folder


PELICAN_CONF = """\
AUTHOR = "Bench"
SITENAME = "Bench"
SITEURL = ""
PATH = "content"
TIMEZONE = "Europe/Stockholm"
DEFAULT_LANG = "sv"
ARTICLE_URL = "{lang}/articles/{slug}/"
ARTICLE_SAVE_AS = "{lang}/articles/{slug}/index.html"
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ARTICLE_SAVE_AS
FEED_ALL_ATOM = "feeds/all.atom.xml"
MARKDOWN = {"extension_configs": {"markdown.extensions.toc": {}, "markdown.extensions.meta": {},
            "markdown.extensions.tables": {}}}
"""


def pelican_site(content: Path, folder: Path) -> Path:
    """The articles with Pelican's metadata header (Title:, Date:, ...) instead of YAML."""
    if folder.exists():
        shutil.rmtree(folder)
    target = folder / "content"
    target.mkdir(parents=True)
    for lang in ("sv", "en"):
        for path in sorted((content / lang / "articles").glob("*.md")):
            text = path.read_text("utf-8")
            _, front, body = text.split("---\n", 2)
            meta = dict(line.split(": ", 1) for line in front.strip().splitlines())
            header = (f"Title: {meta['title'].strip(chr(34))}\nDate: {meta['date']}\n"
                      f"Summary: {meta['summary'].strip(chr(34))}\nLang: {lang}\n"
                      f"Slug: {meta['key']}\nTags: {meta['tags'].strip('[]')}\n\n")
            (target / f"{lang}-{path.name}").write_text(header + body, "utf-8")
    (folder / "pelicanconf.py").write_text(PELICAN_CONF)
    return folder
