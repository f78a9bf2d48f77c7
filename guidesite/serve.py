"""Development server: build, serve the output on loopback, rebuild what changed, reload.

The server is a small WSGI app behind livereload: it serves only files inside the output
folder, and while the last build failed it answers every page with the diagnostics instead of
the stale site, so the author sees the problem where they look. A watcher thread wakes when
content or templates change (see `watch`); each change triggers an incremental rebuild (only
changed pages are rendered, only changed files written), then the browser reloads.
"""

from __future__ import annotations

import contextlib
import errno
import html
import ipaddress
import mimetypes
import os
import stat
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, unquote

from .diagnostics import Diagnostic
from .files import is_hidden, walk
from .memory import collector_paused, settle
from .options import Options, Result
from .pipeline import State, build
from .search import build_index
from .watch import Wakeup

INDEX_AFTER_SECONDS = 1.0
"""The search index is remade once edits pause this long (it takes a few tenths of a second)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def look(paths: set[str]) -> dict[str, tuple[int, int] | None]:
    """`snapshot` of just these files (None: gone, or not a file a snapshot lists)."""
    found: dict[str, tuple[int, int] | None] = {}
    for path in paths:
        try:
            status = os.stat(path)
        except OSError:
            status = None
        found[path] = (status.st_mtime_ns, status.st_size) if status is not None and \
            stat.S_ISREG(status.st_mode) and not is_hidden(os.path.basename(path)) else None
    return found


def snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Path -> (mtime, size) of every file under `folders`: what the watcher compares."""
    found: dict[str, tuple[int, int]] = {}
    for folder in folders:
        for rel, entry in walk(folder, hidden=False):
            try:
                status = entry.stat()
            except OSError:
                continue
            found[os.path.join(folder, rel)] = (status.st_mtime_ns, status.st_size)
    return found


class DevServer:
    """The live site: a builder, the last result, and a WSGI app that serves it."""

    def __init__(self, options: Options, log=print) -> None:
        self.options = replace(options, drafts=True, search=False)  # indexed apart: `index`
        self.state = State()
        """What the last build left for the next: replaced, never changed, by each build."""
        self.root = self.options.out.resolve()  # requests are resolved too, links and all
        self.failed: list[Diagnostic] = []
        self.lock = threading.Lock()
        self.indexing = threading.Lock()
        """One search index at a time (see `index`)."""
        self.log = log
        self.on_rebuilt = lambda: None
        self._index_timer: threading.Timer | None = None

    def rebuild(self, changed: set[str] | None = None, first: bool = False) -> Result:
        """Build again; `changed` names the files saved since the last build, when known.

        The `first` build is summed up by the "Serving" line, so only its problems are logged.
        """
        with self.lock:
            with collector_paused() if changed else contextlib.nullcontext():
                result, self.state = build(self.options, self.state, in_place=True,
                                           changed=changed)
            self.failed = [] if result.ok else result.diagnostics
        for diagnostic in result.diagnostics:
            self.log(diagnostic.format(), file=sys.stderr)
        self._index_soon()  # (a failed build's state is collected then too)
        if not result.ok:
            self.log("Build failed: the browser shows the errors until they are fixed",
                     flush=True)
        elif not first:
            self.log(f"Rebuilt: rendered {result.rendered} of "
                     f"{sum(result.pages_per_language.values())} pages, wrote "
                     f"{result.written} files in {result.seconds * 1000:.0f} ms", flush=True)
        self.on_rebuilt()
        with self.lock:
            settle()
        return result

    def _index_soon(self) -> None:
        """Remake the search index after edits pause, so search follows the author's edits
        (and collect what the edits left, see `index`)."""
        if self._index_timer is not None:
            self._index_timer.cancel()
        self._index_timer = threading.Timer(INDEX_AFTER_SECONDS, self.index)
        self._index_timer.daemon = True
        self._index_timer.start()

    def index(self) -> None:
        """When edits pause: collect the old states' cycles (`memory.settle`), then index
        the site as it is. Rebuilds go on meanwhile (on a big site Pagefind takes seconds):
        they never touch its folder, and each page they write replaces the old one in one
        step, so Pagefind reads one or the other; the next index has the new one."""
        with self.lock:
            settle(everything=True)
        with self.indexing:
            if self.failed or self.state.config is None:
                return
            problems = build_index(self.root, self.state.config)
        for problem in problems:
            self.log(problem.format(), file=sys.stderr)

    def watching(self):
        """Start noticing changes now; return the loop that rebuilds after each one.

        Called before the first build, so a file saved while it runs (or before the watching
        thread gets its turn) is seen as a change, never taken into the first snapshot unseen.
        """
        folders = [self.options.content, self.options.templates]
        wakeup = Wakeup(folders)
        seen = snapshot(folders)

        def loop(stop: threading.Event) -> None:
            nonlocal seen
            try:
                while not stop.is_set():
                    named = wakeup.wait()
                    if named is None:
                        now = snapshot(folders)
                        changed = {path for path in now.keys() | seen.keys()
                                   if now.get(path) != seen.get(path)}
                        seen = now
                    else:  # (without going through every file of a big site)
                        changed = set()
                        for path, status in look(named).items():
                            if status != seen.get(path):
                                changed.add(path)
                                if status is None:
                                    del seen[path]
                                else:
                                    seen[path] = status
                    if changed:
                        self.rebuild(changed)
            finally:
                wakeup.close()

        return loop

    def app(self, environ, start_response):
        """WSGI: files from the output folder; the error page while the build is broken."""
        path = unquote(environ.get("PATH_INFO", "/"))
        if self.failed and (path.endswith("/") or path.endswith(".html")):
            return _respond(start_response, "500 Build Failed", "text/html; charset=utf-8",
                            error_page(self.failed))
        target = self._file(path)
        if target is None or not target.exists():
            return self._not_found(start_response, path)
        if target.is_dir():
            if not path.endswith("/"):
                location = quote(path + "/")
                start_response("301 Moved Permanently", [("Location", location),
                                                         ("Content-Length", "0")])
                return [b""]
            target = target / "index.html"
        try:
            data = target.read_bytes()
        except OSError:
            return self._not_found(start_response, path)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        return _respond(start_response, "200 OK", kind, data)

    def _file(self, path: str) -> Path | None:
        """The file or folder `path` names inside the output folder; None when outside it."""
        if "\0" in path:
            return None
        target = (self.root / path.lstrip("/")).resolve()
        if target != self.root and self.root not in target.parents:
            return None
        return target

    def _not_found(self, start_response, path: str = "/"):
        """The page-not-found page of the address's language, as a static host can be set up
        to serve it (see docs/publishing.md); the site's root one elsewhere."""
        lang = path.lstrip("/").split("/", 1)[0]
        page = self.root / lang / "404.html" if lang and "." not in lang else self.root / "-"
        if not page.is_file():
            page = self.root / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found\n"
        return _respond(start_response, "404 Not Found", "text/html; charset=utf-8", body)


def _respond(start_response, status: str, kind: str, body: bytes):
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store")])
    return [body]


def error_page(diagnostics: list[Diagnostic]) -> bytes:
    """A readable page of the build's problems, in the author's browser."""
    items = "\n".join(
        f'<li class="{d.severity}"><code>{html.escape(str(d.where))}</code> '
        f"<strong>{d.severity}[{html.escape(d.code)}]</strong> {html.escape(d.message)}"
        + (f'<br><span class="hint">hint: {html.escape(d.hint)}</span>' if d.hint else "")
        + "</li>" for d in diagnostics)
    errors = sum(d.severity == "error" for d in diagnostics)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed: {errors} error{'s' * (errors != 1)}</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
  padding: 0 1rem; color: #1c1e21; background: #fdfcf8; }}
li {{ margin: 0 0 1rem; padding: 0.5rem 0.75rem; border-left: 4px solid #b42318;
  background: #fff; list-style: none; }}
li.warning {{ border-color: #8a6100; }}
code {{ font-size: 0.95rem; }} .hint {{ color: #3d4249; }}
</style></head>
<body><main>
<h1>The build failed</h1>
<p>Fix these problems and save: this page reloads by itself when the site builds again.</p>
<ul>
{items}
</ul>
</main></body></html>
""".encode()


def serve(options: Options, host: str, port: int, verbose: bool = False) -> int:
    """Run the dev server until interrupted; 2 when the port cannot be used.

    The port is taken before the first build (so a taken one is said at once) and the output
    folder's lock is held while serving, so a `build` of the same folder refuses instead of
    replacing the site under the reader.
    """
    from tornado.netutil import bind_sockets

    from .write import BuildLocked, locked_out, output_lock

    if not is_loopback(host):
        print(f"warning: serving on {host}, which other machines can reach; drafts and the "
              "preview are visible to them. Use --host 127.0.0.1 to keep it private.",
              file=sys.stderr)
    try:
        sockets = bind_sockets(port, address=host)
    except OSError as exc:
        print(port_problem(host, port, exc), file=sys.stderr)
        return 2
    try:
        options.out.absolute().parent.mkdir(parents=True, exist_ok=True)
        with output_lock(options.out.absolute()):
            return _serve(options, host, port, sockets, verbose)
    except BuildLocked as exc:
        print(locked_out(options.out, exc).format(), file=sys.stderr)
        return 1


def port_problem(host: str, port: int, exc: OSError) -> str:
    """One line saying why the dev server cannot listen, and what to type instead."""
    if exc.errno == errno.EADDRINUSE:
        why = f"port {port} is already in use on {host} (another server?)"
    elif exc.errno == errno.EACCES:
        why = f"port {port} needs special rights on {host}"
    else:
        why = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return f"build.py serve: {why}; choose another port: python3 build.py serve --port " \
        f"{8001 if port == 8000 else 8000}"


def _serve(options: Options, host: str, port: int, sockets: list, verbose: bool) -> int:
    import logging

    from livereload import Server
    from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
    from livereload.server import LiveScriptContainer
    from tornado import web
    from tornado.httpserver import HTTPServer
    from tornado.ioloop import IOLoop

    server = DevServer(options)
    watch = server.watching()
    started = time.perf_counter()
    first = server.rebuild(first=True)
    pages = sum(first.pages_per_language.values())
    built = f"built {pages} pages in {time.perf_counter() - started:.2f} s" if first.ok else \
        "the build failed: the browser shows the errors"
    loop = IOLoop.current()
    loop.add_callback(lambda: print(  # runs once the loop has started, so after listening
        f"Serving {server.root} on http://{host}:{port}/ ({built}; Ctrl+C stops)", flush=True))
    server.on_rebuilt = lambda: loop.add_callback(LiveReloadHandler.reload_waiters)
    script = f'<script src="/livereload.js?port={port}"></script>'.encode()

    class QuietWatcher:
        """livereload's own polling is replaced by DevServer.watch."""

        _tasks = {"guidesite": None}
        _changes: list = []
        filepath = None

        def start(self, callback) -> bool:
            return True

        def examine(self):
            return None, None

    class LiveServer(Server):
        """livereload on the sockets taken already; its log lines ("Serving on", "Reload 0
        waiters") and Tornado's request log only with --verbose."""

        def get_web_handlers(self, _script):
            return [(r".*", web.FallbackHandler,
                     {"fallback": LiveScriptContainer(server.app, script)})]

        def application(self, port, host, liveport=None, debug=None, live_css=True):
            LiveReloadHandler.watcher = self.watcher
            LiveReloadHandler.live_css = live_css
            app = web.Application([(r"/livereload", LiveReloadHandler),
                                   (r"/forcereload", ForceReloadHandler),
                                   (r"/livereload.js", LiveReloadJSHandler),
                                   *self.get_web_handlers(script)])
            HTTPServer(app).add_sockets(sockets)

        def _setup_logging(self):
            if verbose:
                super()._setup_logging()
                return
            for name in ("livereload", "tornado"):
                logger = logging.getLogger(name)
                logger.addHandler(logging.NullHandler())
                logger.propagate = False

    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(stop,), daemon=True)
    watcher.start()
    try:
        LiveServer(app=server.app, watcher=QuietWatcher()).serve(
            port=port, host=host, debug=False, restart_delay=0)
    finally:
        stop.set()
    return 0
