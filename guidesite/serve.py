"""Development server: build, serve the output on loopback, rebuild what changed, reload.

The server is a small WSGI app behind livereload: it serves only files inside the output
folder, and while the last build failed it answers every page with the diagnostics instead of
the stale site, so the author sees the problem where they look. A watcher thread wakes when
content or templates change (see `watch`); each change triggers an incremental rebuild (only
changed pages are rendered, only changed files written), then the browser reloads.
"""

from __future__ import annotations

import html
import ipaddress
import mimetypes
import os
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, unquote

from .diagnostics import Diagnostic
from .options import Options, Result
from .pipeline import Builder
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


def snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Path -> (mtime, size) of every file under `folders`: what the watcher compares."""
    found: dict[str, tuple[int, int]] = {}
    stack = [str(folder) for folder in folders]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name.endswith("~"):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                found[entry.path] = (stat.st_mtime_ns, stat.st_size)
    return found


class DevServer:
    """The live site: a builder, the last result, and a WSGI app that serves it."""

    def __init__(self, options: Options, log=print) -> None:
        self.options = replace(options, drafts=True)
        self.builder = Builder(self.options)
        self.root = self.options.out.resolve()  # requests are resolved too, links and all
        self.failed: list[Diagnostic] = []
        self.lock = threading.Lock()
        self.log = log
        self.on_rebuilt = lambda: None
        self._index_timer: threading.Timer | None = None

    def rebuild(self, changed: set[str] | None = None) -> Result:
        """Build again; `changed` names the files saved since the last build, when known."""
        with self.lock:
            result = self.builder.build(in_place=True, changed=changed)
            self.failed = [] if result.ok else result.diagnostics
        for diagnostic in result.diagnostics:
            self.log(diagnostic.format(), file=sys.stderr)
        if result.ok:
            self._index_soon()
            self.log(f"Rebuilt: rendered {result.rendered} of "
                     f"{sum(result.pages_per_language.values())} pages, wrote {result.written} "
                     f"files in {result.seconds * 1000:.0f} ms", flush=True)
        else:
            self.log("Build failed: the browser shows the errors until they are fixed",
                     flush=True)
        self.on_rebuilt()
        return result

    def _index_soon(self) -> None:
        """Remake the search index after edits pause, so search follows the author's edits."""
        if self._index_timer is not None:
            self._index_timer.cancel()
        self._index_timer = threading.Timer(INDEX_AFTER_SECONDS, self.index)
        self._index_timer.daemon = True
        self._index_timer.start()

    def index(self) -> None:
        with self.lock:  # no rebuild writes pages while Pagefind reads them
            if self.failed or self.builder.config is None:
                return
            problems = build_index(self.root, self.builder.config)
        for problem in problems:
            self.log(problem.format(), file=sys.stderr)

    def watch(self, stop: threading.Event) -> None:
        """Watch content and templates; rebuild after every change."""
        folders = [self.options.content, self.options.templates]
        wakeup = Wakeup(folders)
        seen = snapshot(folders)
        try:
            while not stop.is_set():
                wakeup.wait()
                now = snapshot(folders)
                if now != seen:
                    changed = {path for path in now.keys() | seen.keys()
                               if now.get(path) != seen.get(path)}
                    seen = now
                    self.rebuild(changed)
        finally:
            wakeup.close()

    def app(self, environ, start_response):
        """WSGI: files from the output folder; the error page while the build is broken."""
        path = unquote(environ.get("PATH_INFO", "/"))
        if self.failed and (path.endswith("/") or path.endswith(".html")):
            return _respond(start_response, "500 Build Failed", "text/html; charset=utf-8",
                            error_page(self.failed))
        target = self._file(path)
        if target is None or not target.exists():
            return self._not_found(start_response)
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
            return self._not_found(start_response)
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

    def _not_found(self, start_response):
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


def serve(options: Options, host: str, port: int) -> int:
    """Run the dev server until interrupted."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from livereload.server import LiveScriptContainer
    from tornado import web
    from tornado.ioloop import IOLoop

    if not is_loopback(host):
        print(f"warning: serving on {host}, which other machines can reach; drafts and the "
              "preview are visible to them. Use --host 127.0.0.1 to keep it private.",
              file=sys.stderr)
    server = DevServer(options)
    started = time.perf_counter()
    server.rebuild()
    loop = IOLoop.current()
    loop.add_callback(lambda: print(  # runs once the loop has started, so after listen()
        f"Serving {server.root} on http://{host}:{port}/ "
        f"(built in {time.perf_counter() - started:.2f} s; Ctrl+C stops)", flush=True))
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
        def get_web_handlers(self, _script):
            return [(r".*", web.FallbackHandler,
                     {"fallback": LiveScriptContainer(server.app, script)})]

    stop = threading.Event()
    watcher = threading.Thread(target=server.watch, args=(stop,), daemon=True)
    watcher.start()
    try:
        LiveServer(app=server.app, watcher=QuietWatcher()).serve(
            port=port, host=host, debug=False, restart_delay=0)
    finally:
        stop.set()
    return 0
